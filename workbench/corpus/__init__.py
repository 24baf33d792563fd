"""The orchestrator: reports -> tags -> corpus tables, cached and corrected in one store.

``Store`` (``workbench.corpus.store``) is *the store object* that notebooks, panels and
the CLI use; ``open_store`` opens one and ``rebuild_store`` rebuilds a damaged one
(``workbench.corpus.lifecycle``); ``extract`` runs the same stages with no store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from workbench.corpus.lifecycle import open_store, rebuild_store
from workbench.corpus.store import Store

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Store", "extract", "open_store", "rebuild_store"]


def extract(
    reports: pd.DataFrame, *, nlp: Language | None = None, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """Tag and resolve ``reports`` with no store; return every table.

    Examples
    --------
    >>> from workbench.read.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR)
    >>> tables = extract(reports)
    >>> "Syrian Democratic Forces" in set(tables["actors"].canonical)
    True
    """
    from workbench.nlp.tagging import tag
    from workbench.resolve.tables import resolve

    tagged = tag(reports, nlp=nlp, progress=progress)
    return resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])

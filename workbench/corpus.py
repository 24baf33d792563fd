"""The orchestrator: reports -> tags -> corpus tables, cached and corrected in one store.

PLACEHOLDER: the store object moves here from ``workbench.store.database``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from workbench.store.database import Store, open_store

if TYPE_CHECKING:
    from spacy.language import Language

__all__ = ["Store", "extract", "open_store"]


def extract(
    reports: pd.DataFrame, *, nlp: Language | None = None, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """Tag and resolve ``reports``; return every table, keyed by ``resolve.tables.TABLES``.

    Examples
    --------
    >>> from workbench.read.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR)
    >>> tables = extract(reports)  # doctest: +SKIP
    >>> "Syrian Democratic Forces" in set(tables["actors"].canonical)  # doctest: +SKIP
    True
    """
    from workbench.nlp.tagging import tag_reports
    from workbench.resolve.tables import resolve

    return resolve(reports, tag_reports(reports, nlp=nlp, progress=progress))

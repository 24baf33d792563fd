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
    reports: pd.DataFrame,
    *,
    nlp: Language | None = None,
    model: str | None = None,
    workers: int = 1,
    progress: bool = False,
) -> dict[str, pd.DataFrame]:
    """Tag and resolve ``reports`` with no store; return every table.

    ``workers`` > 1 tags in that many processes, each loading ``model`` once
    (:mod:`workbench.corpus.workers`), with the same result. A report whose tagging
    fails is left out and listed in ``problems`` (its path and the reason).

    Examples
    --------
    >>> from workbench.read.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR)
    >>> tables = extract(reports)
    >>> "Syrian Democratic Forces" in set(tables["actors"].canonical)
    True
    """
    from tqdm.auto import tqdm

    from workbench import schema
    from workbench.corpus.workers import Tagging, tasks
    from workbench.resolve.tables import resolve

    if nlp is None and workers == 1 and len(reports):  # a missing model fails before any bar
        from workbench.nlp.pipeline import load_pipeline

        nlp = load_pipeline(model)
    parts: list = []
    failed: dict[str, str] = {}
    bar = tqdm(total=len(reports), desc="tagging", unit="report", disable=not progress)
    with Tagging(nlp=nlp, model=model, workers=workers) as tagging:
        batches = ((len(t), t) for t in tasks(reports, workers=workers))
        for n, tagged in tagging.map(batches):
            parts.append(tagged)
            failed.update(tagged.failed)
            if bar.n + n < bar.total:
                bar.update(n)
            else:
                bar.n += n  # done: close() draws the 100 % line, once
    bar.close()
    mentions, events_raw = (
        schema.conform(pd.concat([getattr(t, name) for t in parts] or [schema.empty(name)]), name)
        for name in ("mentions", "events_raw")
    )
    kept = reports[~reports.report_id.isin(failed)]
    tables = resolve(kept, mentions, events_raw=events_raw)
    path = dict(zip(reports.report_id, reports.path, strict=True))
    tables["problems"] = schema.conform(
        [{"path": path[rid], "reason": why} for rid, why in failed.items()], "problems"
    )
    return tables

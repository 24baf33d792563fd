"""workbench: read conflict reports, tag who did what to whom, where and when, and chart it.

The public surface is what this module re-exports; everything else is an implementation
detail. Tables are pandas DataFrames whose columns are defined in ``workbench.schema``.

Names load on first use (PEP 562 ``__getattr__``), so ``import workbench`` costs no spaCy,
plotly or ipywidgets import until a function that needs them is called.

The package is organised by stage of the data flow (``docs/architecture.md``)::

    read/ -> nlp/ -> resolve/ -> store/ -> views/ -> share/, with corpus.py on top
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from workbench.config import BUILD_DIR, SEEDS_DIR
from workbench.errors import (
    CorrectionError,
    ModelError,
    ReportError,
    StoreError,
    WorkbenchError,
)

#: Public modules, by short name.
_MODULES = {"charts", "event_charts", "filters", "panels"}
#: Public name -> module that defines it (or the module itself, for :data:`_MODULES`).
_LAZY = {
    "PIPELINE_VERSION": "workbench.nlp.version",
    "Store": "workbench.corpus.store",
    "acled_table": "workbench.corpus.exports",
    "build_incidents": "workbench.resolve.incidents",
    "charts": "workbench.views.charts",
    "compare_codings": "workbench.resolve.comparison",
    "event_charts": "workbench.views.event_charts",
    "evidence": "workbench.views.evidence",
    "explorer": "workbench.views.panels",
    "export": "workbench.corpus.exports",
    "extract": "workbench.corpus",
    "filter_tables": "workbench.views.filters",
    "filters": "workbench.views.filters",
    "highlight_html": "workbench.views.highlight",
    "load_pipeline": "workbench.nlp.pipeline",
    "open_store": "workbench.corpus.lifecycle",
    "panels": "workbench.views.panels",
    "read_acled": "workbench.read.acled",
    "read_report": "workbench.read.reports",
    "read_reports": "workbench.read.reports",
    "report_html": "workbench.views.highlight",
    "resolve": "workbench.resolve.tables",
    "scorer_records": "workbench.resolve.scorer",
    "show_report": "workbench.views.highlight",
    "show_table": "workbench.views.table",
    "tag_reports": "workbench.nlp.tagging",
    "tagging_panel": "workbench.views.tagging",
    "uncoded_events": "workbench.resolve.events",
    "write_tables": "workbench.corpus.exports",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    loaded = import_module(module)
    value = loaded if name in _MODULES else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "BUILD_DIR",
    "CorrectionError",
    "ModelError",
    "PIPELINE_VERSION",
    "ReportError",
    "SEEDS_DIR",
    "Store",
    "StoreError",
    "WorkbenchError",
    "acled_table",
    "build_incidents",
    "charts",
    "compare_codings",
    "event_charts",
    "evidence",
    "explorer",
    "export",
    "extract",
    "filter_tables",
    "filters",
    "highlight_html",
    "load_pipeline",
    "open_store",
    "panels",
    "read_acled",
    "read_report",
    "read_reports",
    "report_html",
    "resolve",
    "scorer_records",
    "show_report",
    "show_table",
    "tag_reports",
    "tagging_panel",
    "uncoded_events",
    "write_tables",
]

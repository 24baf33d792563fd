"""workbench: read conflict reports, tag who did what to whom, where and when, and chart it.

The public surface is what this module re-exports; everything else is an implementation
detail. Tables are pandas DataFrames whose columns are defined in ``workbench.schema``.
"""

from workbench import charts, filters, panels
from workbench.config import BUILD_DIR, SEEDS_DIR
from workbench.errors import (
    CorrectionError,
    ModelError,
    ReportError,
    StoreError,
    WorkbenchError,
)
from workbench.extraction import extract, resolve, scorer_records
from workbench.filters import evidence, filter_tables
from workbench.highlight import highlight_html, report_html, show_report
from workbench.mentions import tag_reports
from workbench.panels import explorer, tagging_panel
from workbench.pipeline import PIPELINE_VERSION, load_pipeline
from workbench.reports import read_report, read_reports
from workbench.store import Store, open_store

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
    "charts",
    "evidence",
    "explorer",
    "extract",
    "filter_tables",
    "filters",
    "highlight_html",
    "load_pipeline",
    "open_store",
    "panels",
    "read_report",
    "read_reports",
    "report_html",
    "resolve",
    "scorer_records",
    "show_report",
    "tag_reports",
    "tagging_panel",
]

"""Shared fixtures: the shipped seeds, a loaded pipeline (once per session), temp folders."""

from __future__ import annotations

import pytest

from workbench.config import SEEDS_DIR

SEED = SEEDS_DIR / "000_d02af4319f79bde9.txt"


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline, loaded once: only for tests where the model is the point."""
    from workbench.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_tables(nlp):
    """Every table extracted from all shipped seeds (the end-to-end fixture)."""
    from workbench.extraction import extract
    from workbench.reports import read_reports

    reports, _ = read_reports(SEEDS_DIR)
    return extract(reports, nlp=nlp)

"""The benchmark corpus generator (bench/corpus.py): deterministic, distinct, seed-like.

Mention density is checked with the generator's model-free estimate (runs of capitalised
words), so no spaCy model loads here; ``bench/corpus.py --tag`` prints the workbench's own
mentions per 1,000 tokens for both corpora.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from workbench.config import SEEDS_DIR
from workbench.read.reports import read_reports

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", BENCH / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def written(corpus, tmp_path_factory):
    """40 reports for seed 3, written and read back."""
    folder = corpus.write(corpus.generate(40, seed=3), tmp_path_factory.mktemp("bench") / "c")
    return folder, *read_reports(folder)


def test_the_same_seed_gives_the_same_reports_and_another_seed_others(corpus):
    first, again, other = (corpus.generate(12, seed=s) for s in (5, 5, 6))
    assert first == again
    assert {r["body"] for r in first}.isdisjoint({r["body"] for r in other})


def test_every_report_is_distinct_and_reads_back_as_one_report(corpus, written):
    folder, reports, problems = written
    assert len(problems) == 0
    assert len(reports) == 40 == len(list(folder.iterdir()))
    assert reports.body.is_unique and reports.title.notna().all()


def test_reports_vary_in_format_dateline_outlet_date_and_length(written):
    _, reports, _ = written
    assert set(reports.format) == {"txt", "md", "json"}
    assert reports.dateline_place.notna().all()
    assert reports.dateline_place.nunique() > 20
    assert reports.source_outlet.nunique() >= 3
    assert reports.published.nunique() > 30
    assert reports.n_words.max() > 1.5 * reports.n_words.min()


def test_actors_are_swapped_for_gazetteer_actors_of_the_same_type(corpus):
    swapper = corpus.ActorSwapper()
    text = "Fighters of the Islamic State (IS) attacked the town. IS later withdrew."
    assert swapper.named(text) == ["islamic-state"]
    mapping = {"islamic-state": "aqap"}
    assert swapper.apply(text, mapping) == (
        "Fighters of the al-Qaeda in the Arabian Peninsula (AQAP) attacked the town. "
        "AQAP later withdrew."
    )
    import random

    chosen = swapper.mapping([text], random.Random(0))
    (new,) = chosen.values()
    assert swapper.rows[new].actor_type == swapper.rows["islamic-state"].actor_type
    assert new != "islamic-state"


def test_words_per_report_and_mention_density_are_within_20_percent_of_the_seeds(corpus, written):
    folder, _, _ = written
    seeds, made = (corpus.stats(corpus.report_texts(f)) for f in (SEEDS_DIR, folder))
    for measure in ("words_per_report", "names_per_1k_tokens"):
        assert made[measure] == pytest.approx(seeds[measure], rel=0.2), measure


def test_the_name_estimate_counts_names_not_sentence_openings(corpus):
    assert corpus.names("Rebels shelled the town. The army said nothing.") == 0
    assert corpus.names("On Friday, Shabaab fighters attacked Mogadishu.") == 3
    assert corpus.names("Heavy fighting. UN Security Council members met in New York.") == 2


def test_a_long_report_has_the_paragraphs_asked_for(corpus):
    report = corpus.long_report(300, seed=2)
    paragraphs = report["body"].split("\n\n")
    assert len(paragraphs) == 301  # the lead, then 300
    assert len(set(paragraphs)) > 150  # the cycle is varied, not one paragraph repeated
    assert report == corpus.long_report(300, seed=2)

"""Speed without clocks: work per paragraph and per report does not grow with the text,
and the light commands load no heavy library.

Time on a shared machine is noise; these count work instead: characters of ``doc.text``
rebuilt, lines of workbench code run, full-table comparisons made. A cost that grows with
the square of the report shows as per-paragraph work that grows with the report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from workbench import schema
from workbench.config import SEEDS_DIR
from workbench.nlp import mentions as mentions_module
from workbench.nlp import overlaps as overlaps_module
from workbench.nlp.roles import drop_authors_and_negated
from workbench.resolve.scorer import scorer_records
from workbench.resolve.tables import _place_countries_from_context

HEAVY = ("spacy", "plotly", "ipywidgets")
WORKBENCH_DIR = Path(mentions_module.__file__).resolve().parent.parent


# -- imports ------------------------------------------------------------------------------


def _loaded_after(code: str) -> set[str]:
    """Which of :data:`HEAVY` a fresh interpreter holds after running ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(run.stdout.strip().splitlines()[-1]))


def test_import_workbench_loads_no_spacy_plotly_or_widgets():
    assert _loaded_after("import workbench") == set()


def test_the_public_names_are_still_there_when_asked_for():
    assert _loaded_after("import workbench\nworkbench.read_reports") == set()
    assert "spacy" in _loaded_after("import workbench\nworkbench.load_pipeline")


@pytest.mark.parametrize(
    "argv", [["--help"], ["read", str(SEEDS_DIR), "--format", "csv"]], ids=["help", "read"]
)
def test_light_commands_load_no_spacy_plotly_or_widgets(argv):
    code = (
        "import contextlib, io\nfrom workbench.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try:\n        main({argv!r})\n    except SystemExit:\n        pass"
    )
    assert _loaded_after(code) == set()


# -- one report: work per paragraph ----------------------------------------------------------


class CountingDoc(Doc):
    """A Doc that counts the characters of ``text`` it rebuilds (spaCy joins every token
    on each read of ``doc.text``)."""

    rebuilt = 0

    @property
    def text(self) -> str:
        text = Doc.text.__get__(self)
        CountingDoc.rebuilt += len(text)
        return text


PARAGRAPH = (
    "Press Office \n"  # a header line: verbless, short
    "Fighters of the Ansar Front attacked a checkpoint near Dara on Tuesday , "
    "and the Ansar Front later withdrew ."
)


def _long_doc(paragraphs: int) -> tuple[Doc, list[tuple[Span, str, float]]]:
    """A hand-made report of ``paragraphs`` paragraphs, its actor candidates found."""
    words, spaces = [], []
    for _ in range(paragraphs):
        for token in PARAGRAPH.replace("\n", " \n ").split(" "):
            if token:
                words.append(token)
                spaces.append(token != "\n")
        words.append("\n\n")
        spaces.append(False)
    doc = CountingDoc(Vocab(), words=words, spaces=spaces)
    found = []
    for i, token in enumerate(doc):
        if token.text == "Office":
            found.append((Span(doc, i - 1, i + 1, label="ACTOR"), "gazetteer", 0.9))
        if token.text == "Ansar":
            found.append((Span(doc, i, i + 2, label="ACTOR", kb_id="ansar"), "gazetteer", 0.9))
    return doc, found


def test_header_lines_are_found_without_rebuilding_the_text_per_mention():
    per_paragraph = []
    for n in (20, 200):
        _, found = _long_doc(n)
        CountingDoc.rebuilt = 0
        kept = drop_authors_and_negated(found)
        # every header line dropped but the first (the headline), every Ansar Front kept
        assert len(kept) == 2 * n + 1
        per_paragraph.append(CountingDoc.rebuilt / n)
    assert per_paragraph[1] <= 1.2 * per_paragraph[0], per_paragraph


def _lines_run(func, *args, files: set[str]) -> Counter:
    """Lines of the given source files that running ``func(*args)`` executes, by
    ``(module file, function)``."""
    count: Counter = Counter()

    def local(frame, event, arg):
        if event == "line":
            count[(Path(frame.f_code.co_filename).name, frame.f_code.co_name)] += 1
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename in files else None

    sys.settrace(tracer)
    try:
        func(*args)
    finally:
        sys.settrace(None)
    return count


def test_overlapping_candidates_are_settled_with_work_per_candidate_that_does_not_grow():
    files = {overlaps_module.__file__}
    per_candidate = []
    for n in (50, 400):
        _, found = _long_doc(n)
        found = [f for f in found if f[0].kb_id_]  # many candidates naming one actor
        found += [(f[0][:1], "ner", 0.8) for f in found]  # each with a shorter rival inside
        kept = overlaps_module.dedupe(found)
        assert len(kept) == n * 2
        lines = _lines_run(overlaps_module.dedupe, found, files=files).total()
        per_candidate.append(lines / len(found))
    assert per_candidate[1] <= 1.2 * per_candidate[0], per_candidate


WIRE = [
    "KORVAL, Eastland (Wire Desk) - Fighters of the Eastland Liberation Front (ELF) "
    "attacked an army post outside Korval on Tuesday, killing {n} soldiers, officials said.",
    "The ELF, which has fought the government since 2011, said in a statement that it had "
    "seized two armoured vehicles. The army said it repelled the assault.",
    "Residents of Mirav told the Korval Herald that shelling continued until dawn and that "
    "{n} families had fled toward the border.",
    "Situation overview: an estimated {n}00 people were displaced in Mirav district this week; "
    "humanitarian partners report access constraints on the Korval road.",
    "Al-Shabaab militants stormed a hotel in Mogadishu, and Somali forces ended the siege "
    "after {n} hours.",
    "The Islamic State claimed the bombing of a market in Maiduguri, Nigeria, which killed "
    "{n} people.",
    "Protesters marched in Khartoum on Friday; police fired tear gas and arrested {n}.",
    "The United Nations called for restraint, and the African Union sent an envoy to Korval.",
]


def _report(paragraphs: int) -> pd.DataFrame:
    body = "\n\n".join(
        WIRE[i % len(WIRE)].format(n=i % 17 + 2) for i in range(paragraphs)
    )  # every paragraph a sentence of our own, numbers varied
    return schema.conform(
        [{"report_id": f"long{paragraphs}", "path": "long.txt", "title": "", "body": body}],
        "reports",
    )


def test_tagging_and_resolution_work_per_paragraph_does_not_grow(nlp):
    """Lines of workbench code run for a report of 16, 32 and 64 paragraphs: the second
    increment (32 more paragraphs) costs what the first (16 more) did, per paragraph, in
    all and in each function (a function whose work per paragraph grows is named)."""
    from workbench.nlp.tagging import tag
    from workbench.resolve.tables import resolve

    files = {str(p) for p in WORKBENCH_DIR.rglob("*.py")}

    def run(reports):
        tagged = tag(reports, nlp=nlp)
        resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])

    run(_report(len(WIRE)))  # warm: what is built on first use is not per-paragraph work
    sizes = (16, 32, 64)
    lines = [_lines_run(run, _report(n), files=files) for n in sizes]

    def increments(key=None) -> tuple[float, float]:
        at = [c.total() if key is None else c[key] for c in lines]
        return (at[1] - at[0]) / (sizes[1] - sizes[0]), (at[2] - at[1]) / (sizes[2] - sizes[1])

    first, second = increments()
    assert second <= 1.25 * first, (first, second)
    growing = {}  # functions whose work per paragraph grows by 2% of the whole's, or more
    for key in lines[2]:
        a, b = increments(key)
        if b - a > max(0.02 * first, 5) and b > 1.3 * a:
            growing[key] = [c[key] for c in lines]
    assert not growing, f"lines run at {sizes} paragraphs: {growing}"


# -- a corpus: work per report ------------------------------------------------------------------


def _corpus(n_reports: int) -> dict[str, pd.DataFrame]:
    """Hand-made resolved tables: each report names an actor twice and an unknown village."""
    reports, mentions = [], []
    for r in range(n_reports):
        rid = f"r{r:05d}"
        reports.append({"report_id": rid, "path": f"in/{rid}.txt", "title": "", "body": "x"})
        for start, kind, entity, text in (
            (0, "actor", "elf", "ELF"),
            (10, "actor", "elf", "Eastland Liberation Front"),
            (40, "place", f"unresolved:v{r % 50}", f"Village {r % 50}"),
            (60, "place", "geo:1", "Korval"),
        ):
            mentions.append(
                {"report_id": rid, "sentence_id": 0, "start": start, "end": start + 3,
                 "text": text, "kind": kind, "entity_id": entity, "canonical": text,
                 "actor_type": "rebel_group" if kind == "actor" else None}
            )  # fmt: skip
    places = [{"place_id": "geo:1", "name": "Korval", "country": "Eastland", "country_code": "EL",
               "feature": "city"}]  # fmt: skip
    places += [{"place_id": f"unresolved:v{i}", "name": f"Village {i}", "feature": "unknown"}
               for i in range(min(n_reports, 50))]  # fmt: skip
    return {
        "reports": schema.conform(reports, "reports"),
        "mentions": schema.conform(mentions, "mentions"),
        "places": schema.conform(places, "places"),
    }


@pytest.fixture
def full_scans(monkeypatch):
    """Counts comparisons of a whole mentions column (``mentions.report_id == rid``): one
    per report or per place makes a corpus cost the square of its size."""
    counted = {"rows": -1, "scans": 0}
    compare = pd.Series.__eq__

    def counting(self, other):
        counted["scans"] += len(self) == counted["rows"]
        return compare(self, other)

    monkeypatch.setattr(pd.Series, "__eq__", counting)
    return counted


def test_scorer_records_read_the_mentions_once_not_once_per_report(full_scans):
    scans = []
    for n in (10, 200):
        tables = _corpus(n)
        full_scans["rows"], full_scans["scans"] = len(tables["mentions"]), 0
        records = scorer_records(tables)
        assert len(records) == n
        assert records[-1]["actors"][0]["mentions"] == ["ELF", "Eastland Liberation Front"]
        assert records[-1]["locations"][1]["country"] == "Eastland"
        scans.append(full_scans["scans"])
    assert scans[1] == scans[0], scans


def test_place_countries_come_from_one_pass_over_the_mentions(full_scans):
    scans = []
    for n in (10, 200):
        tables = _corpus(n)
        countries = dict.fromkeys(tables["reports"].report_id, "EL")
        full_scans["rows"], full_scans["scans"] = len(tables["mentions"]), 0
        places = _place_countries_from_context(tables["places"], tables["mentions"], countries)
        assert places.set_index("place_id").country_code.get("unresolved:v3") == "EL"
        scans.append(full_scans["scans"])
    assert scans[1] == scans[0], scans

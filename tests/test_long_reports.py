"""Long reports: tagged in pieces cut at paragraph breaks, read as one report.

spaCy refuses a text over ``nlp.max_length`` (E088) and needs about 1 GB per 100,000
characters; the tests shrink both limits so a short body exercises the same path.
"""

from __future__ import annotations

import pytest

from workbench import schema
from workbench.config import SEEDS_DIR
from workbench.nlp import tagging
from workbench.read.reports import read_reports

OFFSET_FIELDS = ("sent", "trigger", "actor", "target", "place")


@pytest.fixture
def long_report():
    """A seed report's paragraphs, repeated with a serial, into one ~30,000-char body."""
    reports, _ = read_reports(SEEDS_DIR / "000_d02af4319f79bde9.txt")
    paragraphs = [p for p in reports.body[0].split("\n\n") if p.strip()]
    body = "\n\n".join(f"{p} (Part {i}.)" for i in range(12) for p in paragraphs)
    return schema.conform(
        [{"report_id": "long", "path": "long.txt", "title": reports.title[0], "body": body}],
        "reports",
    )


def test_a_report_longer_than_spacy_takes_is_tagged_in_pieces(nlp, long_report, monkeypatch):
    body = long_report.body[0]
    monkeypatch.setattr(nlp, "max_length", len(body) // 3)  # the whole body would be E088
    monkeypatch.setattr(tagging, "PIECE_CHARS", len(body) // 5)
    tagged = tagging.tag(long_report, nlp=nlp)
    mentions, events = tagged["mentions"], tagged["events_raw"]
    title = long_report.title[0]
    for m in mentions.itertuples():  # every offset slices the whole body (or the title)
        assert (title if m.sentence_id == -1 else body)[m.start : m.end] == m.text
        if m.sentence_id >= 0:
            assert m.sent_start <= m.start < m.end <= m.sent_end <= len(body)
    body_rows = mentions[mentions.sentence_id >= 0].sort_values("start")
    assert body_rows.sentence_id.is_monotonic_increasing  # numbered across the pieces
    assert body_rows.start.max() > 4 * len(body) // 5  # the last piece was tagged too
    assert len(events) and events.trigger_start.max() > len(body) // 2
    starts = dict(zip(body_rows.sentence_id, body_rows.sent_start, strict=True))
    shared = [(e.sentence_id, e.sent_start) for e in events.itertuples() if e.sentence_id in starts]
    assert shared and all(starts[sid] == start for sid, start in shared)  # one numbering
    for e in events.itertuples():
        assert body[e.trigger_start : e.trigger_end] == e.trigger
        assert body[e.sent_start : e.sent_end].strip()
        if isinstance(e.actor_text, str) and e.actor_start >= 0:
            assert body[e.actor_start : e.actor_end] == e.actor_text
    assert events.event_id.is_unique


def test_pieces_cut_at_paragraph_breaks_and_cover_the_text(long_report):
    body = long_report.body[0]
    parts = tagging.split_text(body, 5_000)
    assert "".join(p for _, p in parts) == body
    assert all(len(p) <= 5_000 for _, p in parts)
    assert all(p.endswith("\n\n") for _, p in parts[:-1])
    assert [s for s, _ in parts] == [sum(len(p) for _, p in parts[:i]) for i in range(len(parts))]

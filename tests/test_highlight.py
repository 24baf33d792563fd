"""The highlighted report view: marks every mention, escapes all report text."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from workbench import schema
from workbench.read.reports import read_report
from workbench.views.highlight import highlight_html, report_html

HOSTILE = Path(__file__).parent / "fixtures" / "hostile" / "hostile_report.txt"
HOSTILE_PAGE = HOSTILE.with_name("hostile_page.html")


def test_hostile_report_text_is_escaped():
    report = read_report(HOSTILE).iloc[0]
    assert "<script>" in report.body  # the fixture really is hostile
    html = report_html(report)
    assert "<script>" not in html and "onerror=" not in html.replace("onerror=&quot;", "")
    assert "&lt;script&gt;" in html
    assert "<img" not in html


class _Elements(HTMLParser):
    """Every element and attribute name in an HTML string, as a browser would parse it."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(name for name, _ in attrs)


def test_hostile_html_page_is_escaped_in_the_report_view():
    report = read_report(HOSTILE_PAGE).iloc[0]
    assert "<script>alert(5)</script>" in report.body  # the page shows a tag as text
    start = report.body.index("Gao")
    mentions = schema.conform(
        [{"report_id": report.report_id, "sentence_id": 0, "start": start, "end": start + 3,
          "text": "Gao", "kind": "place", "canonical": 'Gao"><script>alert(7)</script>'}],
        "mentions",
    )  # fmt: skip
    html = report_html(report, mentions)
    parsed = _Elements(html)
    assert parsed.tags <= {"div", "h3", "b", "p", "mark", "span"}
    assert not {a for a in parsed.attrs if a.startswith("on")}
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(6)&quot;&gt;" in html
    assert html.count("<mark") == 1


def test_mentions_are_marked_with_type_and_canonical_name():
    body = "Iraqi forces shelled IS near Hajin."
    mentions = schema.conform(
        [
            {"report_id": "r", "sentence_id": 0, "start": 0, "end": 12, "text": "Iraqi forces",
             "kind": "actor", "canonical": "Military Forces of Iraq", "actor_type": "state_force"},
            {"report_id": "r", "sentence_id": 0, "start": 29, "end": 34, "text": "Hajin",
             "kind": "place", "canonical": "Hajin"},
        ],
        "mentions",
    )  # fmt: skip
    html = highlight_html(body, mentions)
    assert html.count("<mark") == 2
    assert 'title="Military Forces of Iraq · state_force"' in html
    assert schema.ACTOR_TYPE_COLORS["state_force"] in html
    assert ">PLACE<" in html


def test_headline_mentions_are_marked_in_the_headline():
    report = pd.Series({"report_id": "r", "title": "SDF advance", "body": "The SDF won."})
    mentions = schema.conform(
        [
            {"report_id": "r", "sentence_id": -1, "start": 0, "end": 3, "text": "SDF",
             "kind": "actor", "actor_type": "rebel_group"},
            {"report_id": "r", "sentence_id": 0, "start": 4, "end": 7, "text": "SDF",
             "kind": "actor", "actor_type": "rebel_group"},
        ],
        "mentions",
    )  # fmt: skip
    html = report_html(report, mentions)
    head, body = html.split("</h3>")
    assert head.count("<mark") == 1 and body.count("<mark") == 1

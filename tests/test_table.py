"""Notebook tables show whole titles and clean alias lists, escaped."""

from __future__ import annotations

import re

import workbench as wb
from workbench.views.table import MAX_LIST_ITEMS, list_text, show_table


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>(.*?)</td>", html, flags=re.S)


def test_titles_are_whole_and_escaped(tiny_tables):
    reports = tiny_tables["reports"].assign(
        title=[
            "Iraqi special forces take Mosul University as east bank push nears Tigris",
            *tiny_tables["reports"].title[1:],
        ]  # fmt: skip
    )
    cells = _cells(show_table(reports[["title"]]).to_html())
    assert cells[0] == "Iraqi special forces take Mosul University as east bank push nears Tigris"
    assert "Shelling &lt;b&gt;near&lt;/b&gt; Raqqa" in cells  # report text is escaped


def test_alias_lists_end_with_a_whole_alias():
    aliases = [f"Alias number {i}" for i in range(MAX_LIST_ITEMS + 3)]
    text = list_text(aliases)
    assert text.endswith(f"Alias number {MAX_LIST_ITEMS - 1} … (+3 more)")
    assert all(part.startswith("Alias number ") for part in text.split(" … ")[0].split(", "))


def test_show_table_is_public(tiny_tables):
    out = wb.show_table(tiny_tables["actors"][["canonical", "aliases"]]).to_html()
    assert "Syrian Democratic Forces" in _cells(out)

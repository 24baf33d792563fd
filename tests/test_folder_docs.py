"""Telling a folder's README, sources list, licence or changelog from a report."""

from __future__ import annotations

import pytest

from workbench.read.folder_docs import SNIFF_BYTES, is_folder_doc, looks_like_doc

PROSE = (
    "ALEPPO (Field Report) - Artillery shells struck two districts of eastern Aleppo on "
    "Tuesday, killing three civilians and wounding at least nine, residents and a local "
    "council member said, in the heaviest shelling of the city this month.\n"
)
DOCS = {
    "licence": "Copyright (c) 2024 The March Desk\n\nPermission to use, copy, modify, and "
    "distribute this work for any purpose with or without fee is hereby granted.\n" + PROSE * 3,
    "changelog": "## [1.3.0] - 2024-04-02\n\n" + PROSE * 3,
    "links": "https://www.unocha.org/syria\nhttps://acleddata.com\n<https://reliefweb.int>\n",
    "readme": "# Corpus\n\nReports for the Aleppo desk.\n\n## Files\n\n- `101_shelling.txt`\n"
    "- `102_raid.txt`\n- [ACLED codebook](https://acleddata.com/resources/)\n\n```\nmake demo\n```\n",
    "sources table": "| file | url |\n|---|---|\n| `a.txt` | https://e.org/1 |\n"
    "| `b.txt` | https://e.org/2 |\n| `c.txt` | https://e.org/3 |\n",
}
REPORTS = {
    "prose": "Shelling in Aleppo\n\n" + PROSE * 2,
    "prose with sources": "Shelling in Aleppo\n\n" + PROSE * 2 + "Sources:\nhttps://e.org/1\n",
    "bullets of sentences": "# Aleppo, 4 March\n\n"
    + "- Shells struck the Salaheddine district at 14:00 and two civilians were killed there.\n"
    * 4,
}


@pytest.mark.parametrize("kind", sorted(DOCS))
def test_documents_look_like_documents(kind):
    assert looks_like_doc(DOCS[kind])


@pytest.mark.parametrize("kind", sorted(REPORTS))
def test_reports_do_not_look_like_documents(kind):
    assert not looks_like_doc(REPORTS[kind])


def test_front_matter_is_passed_over(tmp_path):
    front = (
        "---\nurl: https://e.org/1\narchive: https://web.archive.org/e.org/1\n"
        "image: https://e.org/1.jpg\nsource: https://e.org\n---\n"
    )
    assert looks_like_doc(front + PROSE)  # its links alone would tip a short report over
    path = tmp_path / "notes-aleppo.md"
    path.write_text(front + PROSE)
    assert not is_folder_doc(path)


def test_licence_phrase_counts_only_near_the_top():
    footer = PROSE * 8 + "This page is licensed under Creative Commons.\n"
    assert not looks_like_doc(footer)
    assert looks_like_doc("Licensed under Creative Commons.\n" + PROSE * 8)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("README.md", True),  # never a report's name: prose that is not reporting is a doc
        ("LICENCE", True),
        ("notes.txt", False),  # often an analyst's report: prose is read
        ("sources.md", False),
        ("readme-aleppo.txt", True),
        ("report-notes.txt", False),  # not named like a document at all
    ],
)
def test_plain_prose_is_a_document_only_under_names_no_report_has(tmp_path, name, expected):
    path = tmp_path / name
    path.write_text("This folder holds the reports our desk filed in March, one per file.\n")
    assert is_folder_doc(path) is expected


def test_prose_reporting_under_any_document_name_is_a_report(tmp_path):
    for name in ("README.txt", "notes.txt", "sources.md", "CHANGELOG", "LICENSE.txt"):
        path = tmp_path / name
        path.write_text(REPORTS["prose"])
        assert not is_folder_doc(path), name


def test_only_the_head_of_a_file_is_read(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text(
        REPORTS["prose"] * (SNIFF_BYTES // len(REPORTS["prose"]) + 1) + DOCS["links"] * 500
    )
    assert not is_folder_doc(path)  # the links come after the first SNIFF_BYTES

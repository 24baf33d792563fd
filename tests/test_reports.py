"""Reading reports: formats, the structure of news copy, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import schema
from workbench.config import SEEDS_DIR
from workbench.errors import ReportError
from workbench.read.reports import FOLDER_DOC_REASON, read_report, read_reports
from workbench.read.structure import parse_structure

from .conftest import SEED

FORMAT_SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".csv"]


def test_seed_dateline_outlet_editor_and_repeated_lede():
    row = read_report(SEED).iloc[0]
    assert row.dateline_place == "HASAKAH"
    assert row.source_outlet == "Kurdistan 24"
    assert row.editor == "Nadia Riva"
    assert "Editing by" not in row.body
    assert row.title.startswith("US-backed forces take control")
    # the standfirst repeats the lede: kept aside, so the lede is in the body once
    assert row.standfirst.startswith("The US-backed, Kurdish-led")
    assert row.body.count("in its final push to drive out the Islamic State") == 1
    assert row.body[: row.dateline_end] == "HASAKAH (Kurdistan 24) - "
    assert row.n_words == len(row.body.split())


def test_reports_table_has_documented_schema():
    reports, problems = read_reports(SEED)
    assert dict(reports.dtypes.astype(str)) == {
        c: str(pd.Series([], dtype=t).dtype) for c, t in schema.COLUMNS["reports"].items()
    }
    assert list(problems.columns) == ["path", "reason"]


def test_report_id_is_stable_and_depends_on_text(tmp_path):
    a = tmp_path / "a.txt"
    a.write_text("Headline\n\nBody text here.\r\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text("Headline\n\nBody\u00a0text here.", encoding="utf-8")
    c = tmp_path / "c.txt"
    c.write_text("Headline\n\nOther text.", encoding="utf-8")
    ids = [read_report(p).report_id[0] for p in (a, b, c)]
    assert ids[0] == ids[1] != ids[2]


@pytest.mark.parametrize(
    ("first", "place", "outlet", "date"),
    [
        ("BEIRUT, Dec 3 (Reuters) - Shelling hit the town.", "BEIRUT", "Reuters", "Dec 3"),
        ("KABUL — Shelling hit the town.", "KABUL", None, None),
        ("TAMPA, Fla. – Shelling hit the town.", "TAMPA, Fla.", None, None),
        ("WASHINGTON (May 23, 2016) — Shelling hit.", "WASHINGTON", None, "May 23, 2016"),
        ("Shelling hit the town - officials said.", None, None, None),
    ],
)
def test_dateline_forms(first, place, outlet, date):
    s = parse_structure(first + "\n\nSecond paragraph.")
    assert (s.dateline_place, s.source_outlet, s.dateline_date) == (place, outlet, date)


def test_byline_and_credits_are_lifted_out_of_the_body():
    body = "By Jane Roe\n\nKABUL — Fighting went on.\n\n(Reporting by Ali Khan; Editing by Sam Poe)"
    s = parse_structure(body)
    assert (s.byline, s.editor) == ("Jane Roe", "Sam Poe")
    assert s.body == "KABUL — Fighting went on."


def _write_formats(folder: Path) -> None:
    front = "---\ntitle: T1\ndate: 2021-03-24\nsource: Wire Desk\nurl: https://e.org/1\n---\n"
    (folder / "a.txt").write_text(front + "Strike hits base\n\nGunmen attacked a base.\n")
    (folder / "b.md").write_text(front.replace("T1", "T2") + "# Head\n\n**Militants** fled.\n")
    (folder / "c.html").write_text(
        "<html><head><title>Raid</title><meta name='date' content='2020-01-02'></head><body>"
        "<nav>Home</nav><article><h1>Raid</h1><p>Troops raided a compound near the border "
        "on Monday, officials said, and detained several suspects.</p><p>A second paragraph "
        "of the report with more detail about the operation.</p></article></body></html>"
    )
    (folder / "d.json").write_text(
        json.dumps([{"title": "J1", "date": "2019-05-01", "body": "A convoy was hit."}])
    )
    (folder / "e.jsonl").write_text(json.dumps({"headline": "L1", "text": "Rockets fell."}))
    (folder / "f.csv").write_text('title,date,body\nC1,2018-01-01,"Line one.\n\nLine two."\n')


def test_every_format_reads_with_metadata(tmp_path):
    _write_formats(tmp_path)
    reports, problems = read_reports(tmp_path)
    assert problems.empty, problems.to_dict("records")
    by_format = reports.set_index("format")
    assert set(by_format.index) == {"txt", "md", "html", "json", "jsonl", "csv"}
    assert by_format.loc["txt", "published"] == pd.Timestamp("2021-03-24")
    assert by_format.loc["txt", "source_outlet"] == "Wire Desk"
    assert by_format.loc["md", "body"] == "Militants fled."
    assert "Home" not in by_format.loc["html", "body"]
    assert by_format.loc["html", "published"] == pd.Timestamp("2020-01-02")
    assert by_format.loc["jsonl", "title"] == "L1"
    assert by_format.loc["csv", "body"] == "Line one.\n\nLine two."


def test_fields_are_configurable(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(json.dumps([{"headline": "H", "article_text": "Clashes erupted."}]))
    assert read_report(path, fields={"body": "article_text"}).body[0] == "Clashes erupted."
    with pytest.raises(ReportError, match="looked for fields"):
        read_report(path)


BAD_FILES = {
    "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
    "empty.txt": b"",
    "blank.md": b"   \n\n  ",
    "latin.txt": None,  # readable: decoded as cp1252
    "broken.json": b'{"title": "x", "body": ',
    "broken.jsonl": b'{"body": "ok one"}\n{not json}\n',
    "ragged.csv": b'title,body\n"a","b","c","d"\n',
    "frontmatter.txt": b"---\ntitle: [unclosed\n---\nHead\n\nBody.\n",
    "nobody.html": b"<html><head><title>x</title></head><body><nav>menu</nav></body></html>",
    "image.png": b"\x89PNG",
}


def test_bad_files_are_named_and_good_ones_still_read(tmp_path):
    (tmp_path / "good.txt").write_text("Good headline\n\nTroops advanced on the town.")
    for name, data in BAD_FILES.items():
        if data is not None:
            (tmp_path / name).write_bytes(data)
    (tmp_path / "latin.txt").write_bytes(
        "Caf\xe9 attack\n\nMilitants hit a caf\xe9.".encode("cp1252")
    )
    reports, problems = read_reports(tmp_path)
    names = problems.path.map(lambda p: Path(p.split("#")[0]).name)
    reasons = dict(zip(names, problems.reason, strict=True))
    assert "good.txt" in set(reports.path.map(lambda p: Path(p).name))
    assert reports.set_index("format").loc["txt"].shape  # read at least one txt
    assert "café" in " ".join(reports.body)
    assert reasons["binary.txt"] == "binary file, not text"
    assert reasons["empty.txt"] == "empty file"
    assert reasons["blank.md"] == "empty file"
    assert reasons["broken.json"].startswith("malformed JSON")
    assert reasons["broken.jsonl"].startswith("malformed JSON line")
    assert "ok one" in " ".join(reports.body)  # the good line of the jsonl survives
    assert reasons["ragged.csv"].startswith("malformed CSV row")
    assert reasons["frontmatter.txt"].startswith("malformed front matter ignored")
    assert "frontmatter.txt" in set(reports.path.map(lambda p: Path(p).name))  # read without it
    assert reasons["nobody.html"] == "no readable article text in HTML"
    assert reasons["image.png"].startswith("unsupported file type .png")
    for reason in problems.reason:
        assert "\n" not in reason


def test_huge_file_is_refused_with_its_size(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"Headline\n\n")
        fh.write(b"word " * 10_500_000)  # ~52 MB
    with pytest.raises(ReportError, match=r"file too large \(52\.5 MB"):
        read_report(path)


def test_duplicates_are_kept_once_and_listed(tmp_path):
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text("Same headline\n\nSame body text.")
    reports, problems = read_reports(tmp_path)
    assert len(reports) == 1
    assert problems.reason.iloc[0].startswith("duplicate of")


def test_folder_of_thousands_of_files(tmp_path):
    for i in range(2000):
        (tmp_path / f"r{i:04}.txt").write_text(f"Report {i}\n\nClashes in town number {i}.")
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    reports, problems = read_reports(tmp_path)
    assert len(reports) == 2000
    assert problems.path.tolist() == [str(tmp_path / "bad.txt")]


def test_missing_path_is_a_problem_not_a_crash(tmp_path):
    _, problems = read_reports([tmp_path / "nope"])
    assert problems.reason.tolist() == ["no such file or folder"]


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=600))
def test_random_bytes_raise_only_report_error(tmp_path, suffix, data):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        table = read_report(path)
    except ReportError as exc:
        assert str(path) in str(exc)
    else:
        assert (table.body.str.len() > 0).all()


@pytest.mark.parametrize("suffix", FORMAT_SUFFIXES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
def test_random_text_raises_only_report_error(tmp_path, suffix, text):
    path = tmp_path / f"random{suffix}"
    path.write_text(text, encoding="utf-8")
    try:
        table = read_report(path)
    except ReportError as exc:
        assert str(path) in str(exc)
    else:
        assert (table.body == table.body.map(lambda b: b.strip())).all()


def test_pipes_and_looping_links_in_a_folder_are_problems_not_silence(tmp_path):
    import os

    (tmp_path / "ok.txt").write_text(
        "Market attack\n\nGunmen attacked a market in Gao on Monday.\n"
    )
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    reports, problems = read_reports(tmp_path)
    assert [Path(p).name for p in reports.path] == ["ok.txt"]
    assert sorted(Path(p).name for p in problems.path) == ["gone.txt", "loop.txt", "pipe.txt"]
    assert problems.reason.str.startswith("not a regular file").all()


# -- folder documents: skipped by content, never by name alone, and always listed -----------

FOLDER_DOCS = {
    "README.md": "# March desk corpus\n\nReports for the Aleppo desk.\n\n## Sources\n\n"
    "- [OCHA Syria](https://www.unocha.org/syria)\n- [ACLED](https://acleddata.com)\n"
    "- [Reliefweb](https://reliefweb.int/country/syr)\n",
    "sources-list.txt": "https://www.unocha.org/syria\nhttps://acleddata.com/data\n"
    "https://reliefweb.int/country/syr\nhttps://www.hrw.org/middle-east/n-africa/syria\n",
    "LICENSE": "MIT License\n\nCopyright (c) 2024 The March Desk\n\nPermission is hereby "
    "granted, free of charge, to any person obtaining a copy of this software and associated "
    'documentation files (the "Software"), to deal in the Software without restriction.\n',
    "CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n\nThe corpus gained the reports filed "
    "from Aleppo in March, and lost two that turned out to be duplicates of each other.\n\n"
    "## 1.2.0\n\nFirst shared version of the desk's corpus, with every report checked twice.\n",
}
NOTES_REPORT = (
    "Shelling in eastern Aleppo\n\nALEPPO (Field Report) - Artillery shells struck two "
    "districts of eastern Aleppo on Tuesday, killing three civilians, residents said.\n\n"
    "A local council member said the shelling came from positions south of the city.\n"
)


@pytest.mark.parametrize("name", sorted(FOLDER_DOCS))
def test_folder_documents_are_skipped_and_listed_with_the_reason(tmp_path, name):
    (tmp_path / name).write_text(FOLDER_DOCS[name])
    (tmp_path / "r1.txt").write_text(NOTES_REPORT)
    reports, problems = read_reports(tmp_path)
    assert [Path(p).name for p in reports.path] == ["r1.txt"]
    assert problems.to_dict("records") == [
        {"path": str(tmp_path / name), "reason": FOLDER_DOC_REASON}
    ]
    assert FOLDER_DOC_REASON.startswith("looks like a folder document")


def test_report_named_like_a_folder_document_is_read(tmp_path):
    (tmp_path / "notes-aleppo.txt").write_text(NOTES_REPORT)
    (tmp_path / "notes-2024-03-aleppo.txt").write_text(NOTES_REPORT.replace("Tuesday", "Monday"))
    reports, problems = read_reports(tmp_path)
    assert problems.empty, problems.to_dict("records")
    assert sorted(Path(p).name for p in reports.path) == [
        "notes-2024-03-aleppo.txt",
        "notes-aleppo.txt",
    ]
    assert set(reports.dateline_place) == {"ALEPPO"}


def test_prose_readme_that_is_not_reporting_is_skipped(tmp_path):
    (tmp_path / "README.txt").write_text(
        "This folder holds the reports our desk filed in March. Each file is one report, "
        "named by its number and a few words about the event, and the numbers follow the "
        "order in which the reports came in.\n"
    )
    reports, problems = read_reports(tmp_path)
    assert reports.empty
    assert problems.reason.tolist() == [FOLDER_DOC_REASON]


def test_a_folder_document_passed_by_itself_is_read(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(FOLDER_DOCS["README.md"])
    reports, problems = read_reports(path)
    assert problems.empty and reports.title.tolist() == ["March desk corpus"]


def test_seed_sources_file_is_skipped_as_a_folder_document():
    reports, problems = read_reports(SEEDS_DIR)
    assert problems.to_dict("records") == [
        {"path": str(SEEDS_DIR / "SOURCES.md"), "reason": FOLDER_DOC_REASON}
    ]
    assert not reports.path.str.endswith("SOURCES.md").any()
    assert len(reports) == 26  # seeds/SOURCES.md: 26 reports in 23 files


# -- hostile input ----------------------------------------------------------------------

BOM_REPORT = "Clashes near Kabul\n\nKABUL (Wire Desk) - Gunmen attacked a checkpoint, police said."


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_byte_order_mark_is_not_in_the_text_and_offsets_hold(tmp_path, encoding):
    plain, marked = tmp_path / "plain.txt", tmp_path / "marked.txt"
    plain.write_text(BOM_REPORT, encoding="utf-8")
    marked.write_text(BOM_REPORT.replace("\n", "\r\n"), encoding=encoding)
    assert marked.read_bytes()[:2] in (b"\xef\xbb", b"\xff\xfe", b"\xfe\xff")
    row = read_report(marked).iloc[0]
    assert row.title == "Clashes near Kabul"
    assert "\ufeff" not in row.title + row.body
    assert row.body[: row.dateline_end] == "KABUL (Wire Desk) - "
    assert row.body[row.dateline_end :].startswith("Gunmen")
    assert row.report_id == read_report(plain).report_id[0]  # the same text, the same id


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("a.md", "---\ntitle: Front\nsource: Wire Desk\n---\n# Clashes\n\nGunmen attacked.\n"),
        ("b.csv", "title,body,source\nClashes,Gunmen attacked.,Wire Desk\n"),
        ("c.jsonl", '{"title": "Clashes", "body": "Gunmen attacked.", "source": "Wire Desk"}\n'),
    ],
)
def test_byte_order_mark_does_not_hide_front_matter_or_the_first_field(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + data.encode())
    row = read_report(path).iloc[0]
    assert (row.title, row.body, row.source_outlet) == ("Clashes", "Gunmen attacked.", "Wire Desk")


def test_jsonl_joined_from_files_with_byte_order_marks(tmp_path):
    path = tmp_path / "joined.jsonl"
    line = '\ufeff{"title": "T%d", "body": "Gunmen attacked post %d."}\n'
    path.write_text(line % (1, 1) + line % (2, 2), encoding="utf-8")
    reports, problems = read_reports(path)
    assert problems.empty, problems.to_dict("records")
    assert reports.title.tolist() == ["T1", "T2"]


BROKEN_FRONT_MATTER = {
    "unclosed.md": "---\ntitle: [unclosed\ndate: 2021-03-24\nGunmen storm Palma\n\n"
    "PALMA (Wire Desk) - Gunmen attacked the town.\n",
    "bad-yaml.txt": "---\ntitle: [unclosed\n---\nGunmen storm Palma\n\n"
    "PALMA (Wire Desk) - Gunmen attacked the town.\n",
    "bad-date.md": "---\ndate: 2021-13-45\n---\nGunmen storm Palma\n\n"
    "PALMA (Wire Desk) - Gunmen attacked the town.\n",
    "a-list.txt": "---\n- one\n- two\n---\nGunmen storm Palma\n\n"
    "PALMA (Wire Desk) - Gunmen attacked the town.\n",
}


@pytest.mark.parametrize("name", sorted(BROKEN_FRONT_MATTER))
def test_broken_front_matter_is_ignored_with_a_problem_row(tmp_path, name):
    path = tmp_path / name
    path.write_text(BROKEN_FRONT_MATTER[name])
    reports, problems = read_reports(tmp_path)
    row = reports.iloc[0]
    assert (row.path, row.title) == (str(path), "Gunmen storm Palma")
    assert row.body == "PALMA (Wire Desk) - Gunmen attacked the town."
    assert pd.isna(row.published)  # the broken front matter's date is not used
    (problem,) = problems.to_dict("records")
    assert problem["path"] == str(path)
    assert problem["reason"].startswith("malformed front matter ignored (")
    assert problem["reason"].endswith("); the rest was read as the report")
    assert "\n" not in problem["reason"]


HOSTILE_PAGE = Path(__file__).parent / "fixtures" / "hostile" / "hostile_page.html"


def test_html_script_style_and_handlers_are_not_in_the_text():
    row = read_report(HOSTILE_PAGE).iloc[0]
    text = f"{row.title}\n{row.body}"
    for leak in ("LEAK", "alert(1)", "alert(2)", "alert(3)", "alert(4)", "color", "onclick"):
        assert leak not in text, leak
    assert row.title == "Mortar fire hits Gao market"
    assert row.body.startswith("GAO (Field Report) - Mortar rounds struck")
    assert "read <script>alert(5)</script> and" in row.body  # what the page shows stays text

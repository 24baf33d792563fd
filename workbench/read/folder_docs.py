"""Folder documentation (README, SOURCES, LICENSE, CHANGELOG) told apart from reports.

A corpus folder often holds a README, a list of sources or a licence beside the reports;
read as reports, their headings and URLs would turn up as actors and places in every
table. A name alone is not enough to skip a file, though: an analyst's
``notes-2024-03-aleppo.txt`` is a report. So a file is folder documentation only when
its name starts like one *and* its first few KB read like one, and
:func:`~workbench.read.reports.read_reports` lists every file it skips as a problem.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from workbench.read.structure import parse_structure
from workbench.text import normalise_text

#: Names folder documentation has (any suffix, or none); only these files are looked into.
DOC_NAMES = re.compile(r"^(readme|sources|license|licence|changelog|notes?)\b", re.IGNORECASE)
#: The names among them that no one gives a report: for these, prose that does not read
#: like reporting is documentation too (``notes`` and ``sources`` files often are reports).
NON_REPORT_NAMES = re.compile(r"^(readme|license|licence|changelog)\b", re.IGNORECASE)
#: How much of a file is looked at: the head of any README, and cheap on a huge file.
SNIFF_BYTES = 8192
#: Licences announce themselves at the top; a phrase further down may be a page's footer.
LICENCE_HEAD_CHARS = 1000
#: Phrases near the top of the common licences (MIT, ISC, BSD, Apache, GPL, MPL, PSF, CC).
LICENCE_PHRASES = re.compile(
    r"is hereby granted|provided [\"']?as is\b|redistribution and use in source|licensed under"
    r"|license agreement|apache license|general public license|mozilla public license"
    r"|creative commons|spdx-license-identifier",
    re.IGNORECASE,
)
#: A list item with fewer words than this is a label or a link, not a sentence of reporting.
SHORT_ITEM_WORDS = 8
#: Prose lines count as if wrapped at this width, so one-line paragraphs weigh their length.
WRAP = 80

#: News copy attributes what it says; documentation seldom does.
_ATTRIBUTION = re.compile(r"\b(said|says|told|according to|reportedly|claimed)\b", re.IGNORECASE)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n(?:---|\.\.\.)\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6}\s|[=\-*_~]{3,}$|```|~~~)")  # headings, rules, code fences
_VERSION = re.compile(r"^#{1,6}\s*\[?(v?\d+(\.\d+)+|unreleased)\b", re.IGNORECASE)
_TABLE = re.compile(r"^\|.*\|$")
_ITEM = re.compile(r"^(?:[-*+•]|\d{1,3}[.)])\s+")
#: Spans that are not prose: Markdown links, URLs, e-mail addresses, `inline code`.
_LINK = re.compile(r"\[[^\]]*\]\([^)\s]*\)|<?\b(?:https?://|www\.)\S+|\S+@\S+\.\w+|`[^`]+`")


def is_folder_doc(path: str | Path) -> bool:
    """True when ``path`` is named like folder documentation and its head reads like it.

    Only files named README, SOURCES, LICENSE/LICENCE, CHANGELOG or NOTES (any suffix)
    are looked into, and only their first 8 KB. The test is small so that it can be
    explained to an analyst whose file was skipped:

    * :func:`looks_like_doc`: a licence, a changelog, or a page made mostly of headings,
      lists, links and tables, whatever its name;
    * or, for README, LICENSE and CHANGELOG (names no one gives a report), plain prose
      that does not read like reporting (:func:`reads_like_reporting`). NOTES and SOURCES
      files are often an analyst's own reports, so prose under those names is read.

    A file that cannot be read is not documentation: reading it as a report then says
    what is wrong with it.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "README.md").write_text("# Corpus\\n\\n- [ACLED](https://acleddata.com)\\n")
    >>> _ = (folder / "notes-aleppo.txt").write_text(
    ...     "Shelling in Aleppo\\n\\nALEPPO - Shelling hit two districts, residents said.")
    >>> is_folder_doc(folder / "README.md"), is_folder_doc(folder / "notes-aleppo.txt")
    (True, False)
    """
    path = Path(path)
    if not DOC_NAMES.match(path.name):
        return False
    try:
        with path.open("rb") as fh:
            data = fh.read(SNIFF_BYTES)
    except OSError:
        return False
    text = _FRONT_MATTER.sub("", _decode(data).replace("\r\n", "\n").lstrip("\ufeff"))
    if looks_like_doc(text):
        return True
    return bool(NON_REPORT_NAMES.match(path.name)) and not reads_like_reporting(text)


def looks_like_doc(text: str) -> bool:
    """True for a licence, a changelog, or text made mostly of document furniture.

    * A licence's opening phrase ("Permission ... is hereby granted", "Licensed under",
      "Creative Commons", ...) in the first 1,000 characters (further down it may be a
      web page's footer), or a changelog's version heading (``## 1.2.0``,
      ``## [Unreleased]``), settles it.
    * Otherwise it counts lines: *furniture* (headings, rules, code, table rows, lines
      that are mostly links, URLs or code, and list items of a few words, i.e. labels)
      against *prose*, which reports are made of (paragraphs, and bullet points that are
      sentences). A prose line counts once per 80 characters, so a paragraph kept on one
      line weighs the same as when it is wrapped. More furniture than prose is a document.

    Examples
    --------
    >>> looks_like_doc("https://acleddata.com\\nhttps://reliefweb.int\\n")
    True
    >>> looks_like_doc("Clashes in Idlib\\n\\nFighting went on overnight, a monitor said.")
    False
    """
    if LICENCE_PHRASES.search(text[:LICENCE_HEAD_CHARS]):
        return True
    furniture = prose = 0
    in_code = False
    for line in (ln.strip() for ln in text.split("\n")):
        if line.startswith(("```", "~~~")):
            in_code = not in_code
        if not line:
            continue
        if _VERSION.match(line):
            return True
        if in_code or _is_furniture(line):
            furniture += 1
        else:
            prose += math.ceil(len(line) / WRAP)
    return furniture > prose


def reads_like_reporting(text: str) -> bool:
    """True when text reads like news copy: a dateline, or attribution ("said", "told").

    Examples
    --------
    >>> reads_like_reporting("KABUL (Wire) - Fighting went on.")
    True
    >>> reads_like_reporting("This folder holds the March corpus.")
    False
    """
    return bool(_ATTRIBUTION.search(text)) or parse_structure(normalise_text(text)).dateline_end > 0


def _is_furniture(line: str) -> bool:
    if _HEADING.match(line) or _TABLE.match(line):
        return True
    if sum(len(m) for m in _LINK.findall(line)) * 2 >= len(line):
        return True
    item = _ITEM.match(line)
    return bool(item) and len(_LINK.sub("", line[item.end() :]).split()) < SHORT_ITEM_WORDS


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8", errors="replace")

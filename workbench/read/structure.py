"""The structure news reports really have: datelines, bylines, editor lines, repeated ledes.

Wire copy wraps the story in furniture (``HASAKAH (Kurdistan 24) -``, ``By NAME``,
``(Reporting by ...; Editing by ...)``) that a tagger would otherwise read as people,
places and organisations in the story. We lift it into fields before any NLP runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from workbench.text import fold

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"  # Dec, Dec., December
_DATE_TEXT = rf"(?:{_MONTH}\s+\d{{1,2}}(?:,\s*\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{1,2}}/\d{{1,2}}/\d{{4}})"
DATELINE_PATTERN = re.compile(
    rf"""^(?P<place>[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){{0,3}})?     # HASAKAH, SOUTHWEST ASIA
    (?:,\s*(?P<region>(?:[A-Z]\.)+|[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+\.?)?))?  # , Fla. / , D.C. / , Germany
    (?:,\s*(?P<date>{_DATE_TEXT}))?                                    # , Dec 3 / , July 13, 2017
    \s*(?:\((?P<paren>[^()\n]{{2,60}})\)|/(?P<slash>[^/\n]{{2,60}})/)?      # (Reuters) / (May 23, 2016)
    \s*(?:-{{1,2}}|–|—)\s+(?=\S)""",
    re.VERBOSE,
)
_PAREN_DATE = re.compile(rf"^{_DATE_TEXT}$")
_DATE_DATELINE = re.compile(rf"^(?P<date>{_DATE_TEXT})\s*(?:-{{1,2}}|–|—)\s+(?=\S)")
_DATE_LINE = re.compile(
    rf"^{_DATE_TEXT}(?:\s+\d{{1,2}}:\d{{2}}\s*(?:[AP]M)?(?:\s+[A-Z]{{2,4}})?)?$", re.IGNORECASE
)
_BYLINE = re.compile(r"^By\s+(?P<name>[A-Z][^\n]{1,100})$")
_CREDITS = re.compile(
    r"^\(?\s*(?:(?:Additional\s+)?(?:Reporting|Writing)\s+by\s+[^;()\n]+;?\s*){1,3}"
    r"(?:Editing\s+by\s+[^;()\n]+)?\s*\)?$|^\(?\s*Editing\s+by\s+[^;()\n]+\)?$",
    re.IGNORECASE,
)
_EDITOR = re.compile(r"Editing\s+by\s+(?P<name>[^;()\n]+)", re.IGNORECASE)
_REPORTER = re.compile(r"(?<!Additional )Reporting\s+by\s+(?P<name>[^;()\n]+)", re.IGNORECASE)


@dataclass
class Structure:
    """What :func:`parse_structure` lifts out of a body, and the body that remains."""

    body: str
    dateline_place: str | None = None
    dateline_date: str | None = None
    source_outlet: str | None = None
    byline: str | None = None
    editor: str | None = None
    standfirst: str | None = None
    dateline_end: int = 0


def parse_structure(body: str) -> Structure:
    """Lift dateline, byline, credits and a repeated lede out of a normalised body.

    The dateline stays in the body (its place is part of the story) and
    ``dateline_end`` says where it stops, so later steps can skip the outlet.

    Examples
    --------
    >>> s = parse_structure("Lede.\\n\\nKABUL (Wire) - Lede.\\n\\nMore.\\n\\nEditing by Ann Lee")
    >>> (s.dateline_place, s.source_outlet, s.editor, s.standfirst, s.body[s.dateline_end:])
    ('KABUL', 'Wire', 'Ann Lee', 'Lede.', 'Lede.\\n\\nMore.')
    """
    paras = [p for p in body.split("\n\n") if p.strip()]
    out = Structure(body="")
    while paras and _CREDITS.match(paras[-1]):
        credits = paras.pop()
        if m := _EDITOR.search(credits):
            out.editor = m["name"].strip(" .")
        if (m := _REPORTER.search(credits)) and not out.byline:
            out.byline = m["name"].strip(" .")
    for i, para in enumerate(paras[:2]):
        if (m := _BYLINE.match(para)) and len(para.split()) <= 14:
            out.byline = m["name"].strip()
            del paras[i]
            break
    for i, para in enumerate(paras[:2]):
        first, _, rest = para.partition("\n")
        if _DATE_LINE.match(first.strip()):  # a release's date on a line of its own
            out.dateline_date = first.strip()
            paras[i : i + 1] = [rest] if rest.strip() else []
            break
    for i, para in enumerate(paras[:3]):
        if m := _DATE_DATELINE.match(para):
            out.dateline_date = m["date"]
            out.dateline_end = sum(len(p) + 2 for p in paras[:i]) + m.end()
            break
        m = DATELINE_PATTERN.match(para)
        if not m or not (m["place"] or m["paren"]) or (m["place"] and len(m["place"]) < 3):
            continue
        lede = para[m.end() :]
        if i > 0 and _same_text(paras[i - 1], lede):
            out.standfirst = paras.pop(i - 1)
            i -= 1
        if m["place"]:
            out.dateline_place = m["place"] + (f", {m['region']}" if m["region"] else "")
        out.dateline_date = m["date"] or out.dateline_date
        if m["slash"]:
            out.source_outlet = m["slash"].strip()
        if m["paren"]:
            if _PAREN_DATE.match(m["paren"].strip()):
                out.dateline_date = m["paren"].strip()
            else:
                out.source_outlet = m["paren"].strip()
        out.dateline_end = sum(len(p) + 2 for p in paras[:i]) + m.end()
        break
    out.body = "\n\n".join(paras)
    return out


def dateline_date(text: str | None, *, year: int | None) -> pd.Timestamp | None:
    """Turn a dateline date ("Dec 3", "July 13, 2017") into a timestamp; needs a year.

    Examples
    --------
    >>> dateline_date("Dec. 3", year=2018)
    Timestamp('2018-12-03 00:00:00')
    """
    if not text:
        return None
    if not re.search(r"\d{4}", text):
        if year is None:
            return None
        text = f"{text} {year}"
    text = re.sub(r"\bSept\b", "Sep", text.replace(".", ""))
    text = re.sub(r"\s+\d{1,2}:\d{2}.*$", "", text)
    stamp = pd.to_datetime(text, errors="coerce")
    return None if pd.isna(stamp) else stamp


def _same_text(a: str, b: str) -> bool:
    """True when two paragraphs say the same thing (a standfirst repeating the lede)."""
    fa, fb = fold(a), fold(b)
    return bool(fa) and (fa == fb or (len(fa) > 40 and (fa in fb or fb in fa)))

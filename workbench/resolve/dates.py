"""Resolve DATE mentions against the report's own date -> the ``dates`` table.

"On Sunday" in a report published on Monday 17 December 2018 is Sunday the 16th. The
anchor is the report's ``published`` date; without one only absolute dates resolve.

``time_precision`` follows ACLED: 1 the day is known; 2 the week, a weekend or a
few days ("last week", "earlier this week"); 3 the month or coarser ("in May",
"2017", "early December"). A period is coded at its middle (a Thursday for a week,
the 15th for a month, 1 July for a year), as ACLED does, but never after the anchor
when the period is still running ("this month" on the 10th is the 10th).

Explicit rules handle what reports say most ("on Sunday", "last week", "in May") and
where ``dateparser`` answers wrongly (it reads "Monday" on a Monday as a week ago,
and "24" or "two days" as dates); ``dateparser`` reads the rest ("Dec. 20, 2022",
"20 December 2022", "three weeks ago"), offline, in English only. Durations and
vague spans ("decades", "recent weeks", "the past year", "a 50-year-old") resolve to
nothing: they are not a time at which something happened.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from workbench import schema

#: ``dateparser`` settings; ``RELATIVE_BASE`` is set per call from the anchor.
DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "RETURN_TIME_AS_PERIOD": True,
    "PARSERS": ["relative-time", "absolute-time"],
}
#: ``dateparser``'s period of a parsed date -> ACLED time precision.
PERIOD_PRECISION = {"time": 1, "part_of_day": 1, "day": 1, "week": 2, "month": 3, "year": 3}

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DAYPART = r"(?: (?:morning|afternoon|evening|night|overnight))?"
_NUMBER = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\d+|a few|few|several|many|some|couple of|a couple of)"
_UNIT = r"(?:second|minute|hour|day|week|fortnight|month|year|decade|century|centurie)s?"
_PART = {"early": 5, "beginning of": 5, "start of": 5, "mid": 15, "middle of": 15}
_PART |= {"late": 25, "end of": 25}

#: Spans that are durations, ages or vague periods, not a time something happened.
_VAGUE = re.compile(
    rf"^(?:the |a |an )?(?:past |last |next |coming |recent |previous |first |few |several )?{_NUMBER}?[ -]?{_UNIT}(?:[ -]long| old)?$"
    rf"|year[ -]old|[ -]long\b|^(?:recent|previous|past|coming|next|last|several|few|many) (?:few |several )?{_UNIT}$"
    rf"|^(?:the )?(?:past|last|next|coming) (?:few |several |{_NUMBER} )?(?:months|years|decades)$"
    r"|\d0s$|^(?:annual|annually|daily|weekly|monthly|yearly|nowadays|recently|once|twice|currently)$"
    r"|^(?:the )?(?:same|next|following|previous|prior) (?:day|week|month|year|night)$|^that (?:day|night)$"
    r"|^(?:the )?day before$|^(?:the )?(?:time|moment)$|^(?:the )?(?:summer|winter|spring|autumn|fall)$"
)


#: Spans that only measure time ("week-long", "14-month", "three days", "for decades",
#: "a 50-year-old"): they are not dates at all, so :func:`build_dates` drops them.
_DURATION = re.compile(
    rf"^(?:for |over |during |within )?(?:a |an )?"
    rf"(?:(?:a )?(?:little )?(?:more|less) than (?:a |an )?|about |nearly |almost |some )?"
    rf"{_NUMBER}?[ -]?{_UNIT}(?:[ -](?:long|old))?$|[ -]long$|[ -]year[ -]old$"
)


def is_duration(text: str) -> bool:
    """Whether a DATE span only measures time, as "week-long" or "14-month" do.

    Examples
    --------
    >>> [is_duration(t) for t in ("week-long", "14-month", "three-day", "last week", "May 6")]
    [True, True, True, False, False]
    """
    return bool(_DURATION.search(_normalise(text)))


def resolve_date(
    text: str, *, anchor: date | pd.Timestamp | None = None
) -> tuple[pd.Timestamp | None, int | None]:
    """Return the date ``text`` means, relative to ``anchor``, and its ACLED precision.

    ``(None, None)`` when it names no point in time (a duration, a vague span) or
    needs an anchor that is missing.

    Examples
    --------
    >>> monday = date(2018, 12, 17)
    >>> resolve_date("on Sunday", anchor=monday)
    (Timestamp('2018-12-16 00:00:00'), 1)
    >>> resolve_date("last week", anchor=monday)
    (Timestamp('2018-12-13 00:00:00'), 2)
    >>> resolve_date("In May", anchor=monday)
    (Timestamp('2018-05-15 00:00:00'), 3)
    >>> resolve_date("Dec. 20, 2022")
    (Timestamp('2022-12-20 00:00:00'), 1)
    >>> resolve_date("decades", anchor=monday)
    (None, None)
    """
    day = None if anchor is None or pd.isna(anchor) else pd.Timestamp(anchor).date()
    found = _resolve(_normalise(text), day)
    return (pd.Timestamp(found[0]), found[1]) if found else (None, None)


def build_dates(mentions: pd.DataFrame, reports: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Resolve the DATE mentions of ``mentions``; return it and the ``dates`` table.

    Each report's ``published`` date is the anchor. For rows of kind ``date`` that
    resolve, ``entity_id`` and ``canonical`` become the ISO date (``YYYY-MM-DD``);
    ``dates`` has one row per date mention, unresolved ones with ``NaT``. Durations
    (:func:`is_duration`: "week-long", "14-month") are no dates: they leave both tables.

    Examples
    --------
    >>> from workbench.schema import conform
    >>> reports = conform([{"report_id": "r1", "published": "2018-12-17"}], "reports")
    >>> m = conform([{"report_id": "r1", "start": 4, "end": 10, "text": "Sunday",
    ...               "kind": "date"}], "mentions")
    >>> m, dates = build_dates(m, reports)
    >>> m.entity_id[0], int(dates.time_precision[0])
    ('2018-12-16', 1)
    """
    mentions = schema.conform(mentions, "mentions")
    if mentions.empty:
        return mentions, schema.empty("dates")
    anchors = {}
    if "published" in reports and "report_id" in reports:
        anchors = dict(zip(reports.report_id, reports.published, strict=True))
    is_date = (mentions.kind == "date").fillna(False).to_numpy(dtype=bool)
    texts = mentions.text.to_numpy(dtype=object)
    duration = np.fromiter(
        (
            is_date[i] and isinstance(texts[i], str) and is_duration(texts[i])
            for i in range(len(texts))
        ),
        dtype=bool,
        count=len(texts),
    )
    if duration.any():
        mentions = mentions[~duration].reset_index(drop=True)
        is_date = is_date[~duration]
    rows, isos = [], []
    for row in mentions[is_date].itertuples():
        day, precision = resolve_date(row.text, anchor=anchors.get(row.report_id))
        iso = day.strftime("%Y-%m-%d") if day is not None else None
        isos.append(iso)
        rows.append(
            {
                "report_id": row.report_id,
                "start": row.start,
                "end": row.end,
                "text": row.text,
                "date": day,
                "time_precision": precision,
            }
        )
    resolved = pd.Series(isos, index=mentions.index[is_date], dtype="object")
    for col in ("entity_id", "canonical"):
        old = mentions.loc[is_date, col]
        mentions.loc[is_date, col] = resolved.where(resolved.notna(), old)
    return mentions, schema.conform(rows, "dates")


# -- rules ---------------------------------------------------------------------------


def _normalise(text: str) -> str:
    """Lower case, single spaces, no leading preposition/article, no possessive."""
    t = re.sub(r"[(),]", " ", text.casefold().replace("’", "'"))
    t = " ".join(t.split()).strip(" .;:'")
    t = re.sub(r"'s$", "", t)
    t = re.sub(
        r"^(?:on|in|during|since|by|from|until|till|as of|as early as|around|over|at|of)\s+", "", t
    )
    return re.sub(r"\b(sept|sep|jan|feb|mar|apr|jun|jul|aug|oct|nov|dec)\.", r"\1", t)


@lru_cache(maxsize=8192)
def _resolve(t: str, anchor: date | None) -> tuple[date, int] | None:
    if not t:
        return None
    for pattern, rule in _RULES:
        m = pattern.fullmatch(t)
        if m:
            return rule(m, anchor) if anchor or rule in _ABSOLUTE else None
    if _VAGUE.search(t):
        return None
    if not re.search(rf"\b{_MONTH}\b|\b\d{{4}}\b|\d[/.-]\d|\bago\b", t):
        return None  # "24", "two days": dateparser would invent a date
    if anchor is None and not re.search(r"\b\d{4}\b", t):
        return None  # a yearless date needs the report's year
    return _dateparser(t, anchor)


def _dateparser(t: str, anchor: date | None) -> tuple[date, int] | None:
    from dateparser.date import DateDataParser

    base = datetime.combine(anchor, datetime.min.time()) if anchor else datetime(2000, 1, 1)
    parser = DateDataParser(
        languages=["en"], settings={**DATEPARSER_SETTINGS, "RELATIVE_BASE": base}
    )
    t = re.sub(rf"^(?:{'|'.join(_WEEKDAYS)}) (?=\S)", "", t)  # "sunday dec 16" -> "dec 16"
    data = parser.get_date_data(t)
    if data.date_obj is None:
        return None
    precision = PERIOD_PRECISION.get(data.period or "day", 1)
    day = data.date_obj.date()
    if "ago" in t:
        return day, precision
    if data.period == "month":
        return _middle(date(day.year, day.month, 1), _month_end(day.year, day.month), anchor), 3
    if data.period == "year":
        return _middle(date(day.year, 1, 1), date(day.year, 12, 31), anchor), 3
    return day, precision


def _middle(start: date, end: date, anchor: date | None) -> date:
    """The middle of a period (a month's 15th, a year's 1 July, a week's Thursday),
    but not after ``anchor`` when the period holds it."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        middle = date(start.year, 7, 1)
    elif start.day == 1 and end == _month_end(start.year, start.month):
        middle = start.replace(day=15)
    else:
        middle = start + timedelta(days=(end - start).days // 2)
    return min(middle, anchor) if anchor and start <= anchor else middle


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _last(weekday: int, anchor: date, *, strictly_before: bool = False) -> date:
    back = (anchor.weekday() - weekday) % 7 or (7 if strictly_before else 0)
    return anchor - timedelta(days=back)


def _month_number(name: str) -> int:
    return _MONTHS[name[:4] if name.startswith("sept") else name[:3]]


def _month_year(m: re.Match, anchor: date | None) -> tuple[int, int] | None:
    month = _month_number(m["month"])
    if m["year"]:
        return month, int(m["year"])
    if anchor is None:
        return None
    return month, anchor.year if month <= anchor.month else anchor.year - 1


def _today(m: re.Match, a: date) -> tuple[date, int]:
    return a, 1


def _yesterday(m: re.Match, a: date) -> tuple[date, int]:
    return a - timedelta(days=2 if m["before"] else 1), 1


def _weekday(m: re.Match, a: date) -> tuple[date, int]:
    return _last(_WEEKDAYS.index(m["weekday"]), a, strictly_before=m["which"] == "last"), 1


def _weekend(m: re.Match, a: date) -> tuple[date, int]:
    saturday = _last(5, a)  # "last weekend" said on a weekend is the one before
    return saturday - timedelta(days=7 if m["which"] == "last" and a.weekday() >= 5 else 0), 2


def _this_week(m: re.Match, a: date) -> tuple[date, int]:
    monday = a - timedelta(days=a.weekday())
    end = max(monday, a - timedelta(days=1)) if m["when"] in ("earlier", "early") else a
    return _middle(monday, end, None), 2


def _last_week(m: re.Match, a: date) -> tuple[date, int]:
    if m["ago"]:
        return a - timedelta(days=7), 2
    if m["past"]:  # the seven days before the anchor
        return a - timedelta(days=4), 2
    monday = a - timedelta(days=a.weekday() + 7)
    return monday + timedelta(days=3), 2


def _few_days(m: re.Match, a: date) -> tuple[date, int]:
    return a - timedelta(days=2), 2


def _this_month(m: re.Match, a: date) -> tuple[date, int]:
    start = a.replace(day=1)
    end = max(start, a - timedelta(days=1)) if m["when"] else _month_end(a.year, a.month)
    return _middle(start, end, a), 3


def _last_month(m: re.Match, a: date) -> tuple[date, int]:
    end = a.replace(day=1) - timedelta(days=1)
    return end.replace(day=15), 3


def _this_year(m: re.Match, a: date) -> tuple[date, int]:
    start = date(a.year, 1, 1)
    end = max(start, a - timedelta(days=1)) if m["when"] else date(a.year, 12, 31)
    return _middle(start, end, a), 3


def _last_year(m: re.Match, a: date) -> tuple[date, int]:
    middle = {"early": (2, 15), "late": (11, 15), "later": (11, 15)}.get(m["part"] or "", (7, 1))
    return date(a.year - 1, *middle), 3


def _month(m: re.Match, a: date | None) -> tuple[date, int] | None:
    found = _month_year(m, a)
    if found is None:
        return None
    month, year = found
    start = date(year, month, 1)
    if m["part"]:
        return start.replace(day=_PART[m["part"].removeprefix("the ")]), 3
    return _middle(start, _month_end(year, month), a), 3


def _year(m: re.Match, a: date | None) -> tuple[date, int]:
    year = int(m["year"])
    return _middle(date(year, 1, 1), date(year, 12, 31), a), 3


def _day_range(m: re.Match, a: date | None) -> tuple[date, int] | None:
    found = _month_year(m, a)
    if found is None:
        return None
    month, year = found
    first, last = int(m["first"]), int(m["last"])
    if not 1 <= first < last <= _month_end(year, month).day:
        return None
    return date(year, month, (first + last) // 2), 2


_YEAR = r"(?: (?P<year>(?:19|20)\d\d))?"
_RULES = [
    (re.compile(rf"(?:today|tonight|this (?:morning|afternoon|evening)){_DAYPART}"), _today),
    (re.compile(rf"(?:(?P<before>the day before )?yesterday|last night){_DAYPART}"), _yesterday),
    (
        re.compile(rf"(?:(?P<which>last|this|past) )?(?P<weekday>{'|'.join(_WEEKDAYS)}){_DAYPART}"),
        _weekday,
    ),
    (re.compile(r"(?:(?P<which>last|this|the|past) )?weekend"), _weekend),
    (re.compile(r"(?:(?P<when>earlier|early|later|late) )?this week"), _this_week),
    (
        re.compile(
            r"(?:earlier |early |late )?(?:last|(?P<past>the past|the last|past)) week|(?P<ago>a week ago)"
        ),
        _last_week,
    ),
    (re.compile(r"(?:the )?(?:past|last|recent) (?:few|couple of|two|three) days"), _few_days),
    (re.compile(r"(?:(?P<when>earlier) )?this month"), _this_month),
    (re.compile(r"(?:earlier |early |late )?last month"), _last_month),
    (re.compile(r"(?:(?P<when>earlier) )?this year"), _this_year),
    (re.compile(r"(?:(?P<part>early|late|earlier|later) )?last year"), _last_year),
    (
        re.compile(
            rf"(?:(?P<part>early|mid|late|the beginning of|the start of|the middle of|the end of)[ -])?{_MONTH}{_YEAR}"
        ),
        _month,
    ),
    (
        re.compile(rf"{_MONTH} (?P<first>\d{{1,2}}) ?(?:-|–|to|and) ?(?P<last>\d{{1,2}}){_YEAR}"),
        _day_range,
    ),
    (re.compile(r"(?:the year )?(?P<year>(?:19|20)\d\d)"), _year),
]
_ABSOLUTE = {_month, _year, _day_range}  # these can do without an anchor when a year is given

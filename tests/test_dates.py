"""DATE mentions against the report's date: relative and absolute, precision, the table."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from workbench import schema
from workbench.resolve.dates import build_dates, resolve_date

#: A Monday: the anchor of the examples in the task and in the seed report.
MONDAY = date(2018, 12, 17)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("on Sunday", "2018-12-16", 1),
        ("Sunday", "2018-12-16", 1),
        ("Sunday night", "2018-12-16", 1),
        ("Saturday's", "2018-12-15", 1),
        ("on Monday", "2018-12-17", 1),  # the anchor's own weekday is that day
        ("last Monday", "2018-12-10", 1),
        ("yesterday", "2018-12-16", 1),
        ("today", "2018-12-17", 1),
        ("last night", "2018-12-16", 1),
        ("two days ago", "2018-12-15", 1),
        ("Dec. 16", "2018-12-16", 1),
        ("Sunday, Dec. 16", "2018-12-16", 1),
        ("March 24", "2018-03-24", 1),  # no year: the last March 24 before the anchor
        ("Dec. 20, 2022", "2022-12-20", 1),
        ("20 December 2022", "2022-12-20", 1),
        ("2018-12-16", "2018-12-16", 1),
        ("last week", "2018-12-13", 2),  # Thursday, the middle of the week before
        ("the past week", "2018-12-13", 2),
        ("earlier this week", "2018-12-17", 2),
        ("a week ago", "2018-12-10", 2),
        ("the weekend", "2018-12-15", 2),
        ("the past few days", "2018-12-15", 2),
        ("three weeks ago", "2018-11-26", 2),
        ("Dec. 10-14", "2018-12-12", 2),
        ("In May", "2018-05-15", 3),
        ("in December", "2018-12-15", 3),
        ("early December", "2018-12-05", 3),
        ("last month", "2018-11-15", 3),
        ("May 2017", "2017-05-15", 3),
        ("2017", "2017-07-01", 3),
        ("last year", "2017-07-01", 3),
        ("late last year", "2017-11-15", 3),
    ],
)
def test_resolve_date_against_a_monday(text, expected, precision):
    assert resolve_date(text, anchor=MONDAY) == (pd.Timestamp(expected), precision)


def test_a_month_after_the_anchor_is_last_year():
    assert resolve_date("in December", anchor=date(2019, 3, 1))[0] == pd.Timestamp("2018-12-15")


def test_a_running_period_is_not_coded_after_the_anchor():
    assert resolve_date("this month", anchor=date(2018, 12, 10))[0] == pd.Timestamp("2018-12-10")
    assert resolve_date("this year", anchor=date(2018, 3, 1))[0] == pd.Timestamp("2018-03-01")


def test_anchor_may_be_a_timestamp():
    anchor = pd.Timestamp("2018-12-17 14:30")
    assert resolve_date("yesterday", anchor=anchor) == (pd.Timestamp("2018-12-16"), 1)
    assert resolve_date("yesterday", anchor=pd.NaT) == (None, None)


@pytest.mark.parametrize(
    "text",
    ["decades", "the past year", "recent weeks", "years", "four months", "two days"]
    + ["a week-long", "50-year-old", "the 1980s", "24", "the following day", "Ramadan", ""],
)
def test_durations_and_vague_spans_do_not_resolve(text):
    assert resolve_date(text, anchor=MONDAY) == (None, None)


@pytest.mark.parametrize("text", ["on Sunday", "last week", "In May", "March 24", "yesterday"])
def test_relative_dates_need_an_anchor(text):
    assert resolve_date(text) == (None, None)


def test_absolute_dates_need_no_anchor():
    assert resolve_date("Dec. 20, 2022") == (pd.Timestamp("2022-12-20"), 1)
    assert resolve_date("September 2014") == (pd.Timestamp("2014-09-15"), 3)


# -- build_dates ---------------------------------------------------------------------


def _tables():
    reports = schema.conform(
        [
            {"report_id": "r1", "published": "2018-12-17", "body": "x"},
            {"report_id": "r2", "published": None, "body": "x"},
        ],
        "reports",
    )
    rows = [
        ("r1", 0, 9, "on Sunday", "date"),
        ("r1", 20, 29, "last week", "date"),
        ("r1", 40, 46, "In May", "date"),
        ("r1", 50, 57, "decades", "date"),
        ("r1", 60, 63, "SDF", "actor"),
        ("r2", 0, 13, "Dec. 20, 2022", "date"),
        ("r2", 20, 26, "Sunday", "date"),
    ]
    mentions = schema.conform(
        [
            {"report_id": r, "start": s, "end": e, "text": t, "kind": k}
            | ({"entity_id": "sdf"} if k == "actor" else {})
            for r, s, e, t, k in rows
        ],
        "mentions",
    )
    return mentions, reports


def test_build_dates_fills_date_rows_with_iso_dates():
    before, reports = _tables()
    mentions, _ = build_dates(before, reports)
    kept = before[before.text != "decades"].reset_index(drop=True)  # a duration: dropped
    pd.testing.assert_frame_equal(
        mentions[["report_id", "start", "end", "text", "kind"]],
        kept[["report_id", "start", "end", "text", "kind"]],
    )
    got = dict(zip(mentions.text, mentions.entity_id, strict=True))
    assert got["on Sunday"] == "2018-12-16" and got["Dec. 20, 2022"] == "2022-12-20"
    assert got["SDF"] == "sdf"  # other kinds untouched
    assert pd.isna(got["Sunday"])  # r2 has no date: no anchor
    assert (
        mentions.canonical[mentions.kind == "date"].dropna()
        == mentions.entity_id.dropna()[mentions.kind == "date"]
    ).all()


def test_dates_table_keeps_every_date_mention_with_the_schema():
    mentions, reports = _tables()
    mentions.loc[mentions.text == "decades", "text"] = "the decade"  # vague, but no duration
    _, dates = build_dates(mentions, reports)
    assert {c: str(t) for c, t in dates.dtypes.items()} == schema.COLUMNS["dates"]
    assert len(dates) == (mentions.kind == "date").sum()
    by_text = dates.set_index("text")
    assert by_text.loc["on Sunday", "time_precision"] == 1
    assert by_text.loc["last week", "time_precision"] == 2
    assert by_text.loc["In May", "date"] == pd.Timestamp("2018-05-15")
    assert by_text.loc["In May", "time_precision"] == 3
    assert pd.isna(by_text.loc["the decade", "date"]) and pd.isna(
        by_text.loc["the decade", "time_precision"]
    )
    assert (by_text.loc["on Sunday", "start"], by_text.loc["on Sunday", "end"]) == (0, 9)


@pytest.mark.parametrize("text", ["week-long", "14-month", "three-day", "months-long", "a week"])
def test_durations_are_no_date_mentions(text):
    """The seeds' "after a week-long campaign" and "a 14-month siege" name no date."""
    reports = schema.conform([{"report_id": "r1", "published": "2018-12-17"}], "reports")
    rows = [(0, 9, "on Sunday"), (20, 20 + len(text), text)]
    mentions = schema.conform(
        [{"report_id": "r1", "start": a, "end": b, "text": t, "kind": "date"} for a, b, t in rows],
        "mentions",
    )
    mentions, dates = build_dates(mentions, reports)
    assert mentions.text.tolist() == dates.text.tolist() == ["on Sunday"]


def test_build_dates_on_no_mentions():
    mentions, dates = build_dates(schema.empty("mentions"), schema.empty("reports"))
    assert mentions.empty and dates.empty
    assert list(dates.columns) == list(schema.COLUMNS["dates"])


def test_seed_durations_are_not_tagged_as_dates(seed_tables):
    """No date mention and no dates row for "a week-long campaign" or "a 14-month siege"."""
    texts = set(seed_tables["dates"].text)
    dated = seed_tables["mentions"]
    texts |= set(dated[dated.kind == "date"].text)
    assert not texts & {"week-long", "14-month", "months-long", "three days"}
    assert {"Sunday", "last week"} <= texts

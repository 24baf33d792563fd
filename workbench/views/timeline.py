"""When actors are mentioned: mentions dated two ways, counted per day, week or month.

The data behind ``charts.actor_timeline``. A mention is dated by its report's
``published`` day, or by each resolved date named in the same sentence;
:func:`count_per_period` then counts each actor's dated mentions per period.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from workbench.views.counts import TopRows, same_sentence
from workbench.views.filters import factorize, is_in, report_positions, sentence_keys

__all__ = ["count_per_period", "dated_mentions", "pick_freq"]

Tables = Mapping[str, pd.DataFrame]


def dated_mentions(tables: Tables, top_rows: TopRows, *, basis: str) -> pd.DataFrame:
    """Rank ``k`` (among the top actors) and day of each of their mentions: its report's
    published day (``basis="published"``), or each date named in the same sentence
    (``basis="mentioned"``)."""
    m, rep = tables["mentions"], tables["reports"]
    rows, k = top_rows.rows, top_rows.k
    if basis == "published":
        days = np.append(rep.published.to_numpy(dtype="datetime64[D]"), np.datetime64("NaT"))
        day = days[report_positions(m, rep)[rows]]
        ok = ~np.isnat(day)
        return pd.DataFrame({"k": k[ok], "date": day[ok]})
    date_rows = np.flatnonzero(is_in(m, "kind", ("date",)))
    codes, uniques = factorize(m, "entity_id")
    used = np.unique(codes[date_rows])
    used = used[used >= 0]
    parsed = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    named = pd.Series(uniques[used], dtype=object)
    parsed[used] = pd.to_datetime(named, errors="coerce", format="ISO8601").to_numpy(
        dtype="datetime64[D]"
    )
    keys = sentence_keys(m)
    left, right = same_sentence(keys[rows], keys[date_rows])
    day = parsed[codes[date_rows[right]]]
    ok = ~np.isnat(day)
    return pd.DataFrame({"k": k[left][ok], "date": day[ok]})


def pick_freq(dates: pd.Series) -> str:
    """The period that suits the span of ``dates``: days up to two months, weeks up to two
    years, months beyond.

    Examples
    --------
    >>> pick_freq(pd.Series(pd.to_datetime(["2024-01-01", "2024-06-01"])))
    'W'
    """
    dates = pd.to_datetime(dates).dropna()
    span = (dates.max() - dates.min()).days if len(dates) else 0
    return "D" if span <= 62 else "W" if span <= 730 else "MS"


def count_per_period(dated: pd.DataFrame, freq: str, ids: np.ndarray) -> pd.DataFrame:
    """Mentions per (actor, period) that has any: columns ``actor_id``, ``date`` (period
    start), ``n``, ``start`` and ``end`` (ISO days) and a readable ``period``.

    ``dated`` is :func:`dated_mentions`' output, ``ids`` the actor id of each rank ``k``.
    """
    buckets = _periods(_bucket(dated, freq, ids), freq)
    return buckets[buckets.n > 0]


def _bucket(frame: pd.DataFrame, freq: str, ids: np.ndarray) -> pd.DataFrame:
    """Mentions per (actor, period): columns actor_id, date (period start), n."""
    if frame.empty:
        return pd.DataFrame(
            {
                "actor_id": pd.Series([], dtype=object),
                "date": pd.Series([], dtype="datetime64[us]"),
                "n": 0,
            }
        )
    days = frame.date.to_numpy(dtype="datetime64[D]")
    if freq == "W":
        days = days - ((days.astype("int64") + 3) % 7).astype("timedelta64[D]")
    elif freq == "MS":
        days = days.astype("datetime64[M]").astype("datetime64[D]")
    step = {"W": "W-MON"}.get(freq, freq)
    starts = pd.date_range(days.min(), days.max(), freq=step).to_numpy(dtype="datetime64[D]")
    b = np.searchsorted(starts, days)
    counts = np.bincount(frame.k.to_numpy() * len(starts) + b, minlength=len(ids) * len(starts))
    counts = counts.reshape(len(ids), len(starts))
    active = np.flatnonzero(counts.sum(axis=1))
    # every period of every actor that has any, zeros included
    return pd.DataFrame(
        {
            "actor_id": np.repeat(ids[active], len(starts)),
            "date": np.tile(starts, len(active)).astype("datetime64[us]"),
            "n": counts[active].ravel(),
        }
    )


def _periods(frame: pd.DataFrame, freq: str) -> pd.DataFrame:
    """Add ``start``, ``end`` (ISO days) and a readable ``period`` for each bucket start."""
    day = frame.date
    if freq == "D":
        end, period = day, day.dt.strftime("%d %b %Y")
    elif freq == "W":
        end, period = day + pd.Timedelta(days=6), "week of " + day.dt.strftime("%d %b %Y")
    else:
        end, period = day + pd.offsets.MonthEnd(0), day.dt.strftime("%b %Y")
    return frame.assign(
        start=day.dt.strftime("%Y-%m-%d"),
        end=end.dt.strftime("%Y-%m-%d"),
        period=period,
    )

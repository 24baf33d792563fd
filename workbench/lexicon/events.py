"""The event lexicon and ACLED's event vocabulary, kept as data under ``workbench/data/``.

- ``events.csv``: trigger words (verbs, nouns, weapon modifiers) -> action family and
  ACLED sub-event type, each row citing the ACLED codebook, CAMEO or PLOVER.
- ``acled_sub_events.csv``: ACLED's 25 sub-event types with their event type, disorder
  type and the workbench action family.
- ``event_inter.csv``: ACLED inter codes per actor type, and ACLED's labels for the
  actor classes (Civilians, Protesters, Rioters, Unidentified Armed Group).

Examples
--------
>>> lex = load_event_lexicon()
>>> lex.lookup("shell", "verb")[0].sub_event_type
'Shelling/artillery/missile attack'
>>> len(load_sub_event_types())
25
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pandas as pd

from workbench import config
from workbench.errors import WorkbenchError

#: Kinds of lexicon row (see the header of ``events.csv``).
KINDS = ("event", "flexible", "light", "instrument", "support", "repel", "foil")
#: Parts of speech a row can apply to.
POS = ("verb", "noun", "mod")


@dataclass(frozen=True)
class Trigger:
    """One row of ``events.csv``."""

    trigger: str
    pos: str
    kind: str
    sub_event_type: str
    action: str
    with_: frozenset[str]
    object: str
    agentless: bool


class EventLexicon:
    """Triggers indexed by ``(lemma, pos)``; rows that need a dependent (``with``) first."""

    def __init__(self, rows: list[Trigger]) -> None:
        self.rows = rows
        self._index: dict[tuple[str, str], list[Trigger]] = {}
        for row in sorted(rows, key=lambda r: not r.with_):
            self._index.setdefault((row.trigger, row.pos), []).append(row)
        #: Particles of phrasal triggers, by verb ("shoot" -> {"down"}).
        self.particles: dict[str, set[str]] = {}
        for row in rows:
            if " " in row.trigger:
                verb, particle = row.trigger.split(" ", 1)
                self.particles.setdefault(verb, set()).add(particle)

    def lookup(self, lemma: str, pos: str) -> list[Trigger]:
        """Rows for ``lemma`` as ``pos``, the ones with a ``with`` condition first."""
        return self._index.get((lemma, pos), [])


@cache
def load_event_lexicon() -> EventLexicon:
    """Read ``data/events.csv`` once; raise :class:`WorkbenchError` naming a bad row."""
    table = _read("events.csv").rename(columns={"with": "with_"})  # a keyword in Python
    kinds = load_sub_event_types().set_index("sub_event_type")
    rows = []
    for n, r in enumerate(table.itertuples(), 2):
        if r.kind not in KINDS or r.pos not in POS:
            raise WorkbenchError(
                f"events.csv row {n} ({r.trigger}): kind/pos must be in {KINDS}/{POS}"
            )
        if r.sub_event_type and r.sub_event_type not in kinds.index:
            raise WorkbenchError(
                f"events.csv row {n} ({r.trigger}): unknown sub_event_type {r.sub_event_type!r}; "
                "use ACLED's wording as in acled_sub_events.csv"
            )
        if not r.source:
            raise WorkbenchError(f"events.csv row {n} ({r.trigger}): cite a source")
        rows.append(
            Trigger(
                trigger=r.trigger,
                pos=r.pos,
                kind=r.kind,
                sub_event_type=r.sub_event_type,
                action=r.action,
                with_=frozenset(w for w in r.with_.split("|") if w),
                object=r.object,
                agentless=r.agentless == "yes",
            )
        )
    return EventLexicon(rows)


@cache
def load_sub_event_types() -> pd.DataFrame:
    """ACLED's 25 sub-event types: ``sub_event_type, event_type, disorder_type, action``."""
    return _read("acled_sub_events.csv")


@cache
def load_event_inter() -> pd.DataFrame:
    """ACLED inter codes and class labels: ``applies_to, key, inter, acled_label``."""
    table = _read("event_inter.csv")
    table["inter"] = table.inter.astype(int)
    return table


def _read(name: str) -> pd.DataFrame:
    path = config.DATA_DIR / name
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot read: {exc.strerror}") from None

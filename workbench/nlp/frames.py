"""The event frame and the per-doc context that every step of event extraction shares.

An ``Event`` is one trigger with the slots the other modules fill (actors, target, place
anchors, flags); a ``Context`` indexes one doc's mentions by token and remembers what
earlier sentences said. They sit at the bottom so the modules of ``workbench.nlp.events``
share them without importing each other.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from workbench.lexicon.events import EventLexicon, Trigger, load_event_lexicon

#: Gazetteer ids of the actor classes events fall back on.
UNIDENTIFIED = "unidentified-armed-group"
PROTESTERS = "protesters"
RIOTERS = "rioters"
CIVILIANS = "civilians"
#: Sub-event types whose instrument always wins over the trigger's default.
STRONG_INSTRUMENTS = ("Suicide bomb", "Chemical weapon")


@dataclass
class Event:
    """One event read off a sentence: its trigger and lexicon row, arguments and flags."""

    trigger: Token
    row: Trigger
    sub_event_type: str
    action: str
    actors: list[Span] = field(default_factory=list)
    actor_entity: str = ""  # when no mention: a class id
    actor_via: str = ""
    target: Token | None = None
    targets: list[Span] = field(default_factory=list)
    anchors: list[Token] = field(default_factory=list)  # tokens whose preps give places
    assoc: Span | None = None
    negated: bool = False
    claimed: bool = False
    instrument: str = ""


class Context:
    """Mentions of one doc indexed by token, and what earlier sentences said."""

    def __init__(self, doc: Doc, offset: int, *, base: int = 0, first_sentence: int = 0) -> None:
        self.doc = doc
        self.offset = offset  # where the body starts in the doc (after the headline)
        self.base = base  # where the doc's body starts in the report's (a long report's piece)
        self.first_sentence = first_sentence  # body sentences in the pieces before
        self.lex: EventLexicon = load_event_lexicon()
        n = len(doc)
        self.actor_at: list[Span | None] = [None] * n
        self.place_at: list[Span | None] = [None] * n
        self.supporter_at: list[Span | None] = [None] * n
        self.dates: list[Span] = []
        self.actor_starts: list[int] = []
        self.actor_spans: list[Span] = []
        for span in doc.spans.get("workbench", []):
            table = {"ACTOR": self.actor_at, "PLACE": self.place_at, "SUPPORTER": self.supporter_at}
            if span.label_ in table:
                if span.label_ == "PLACE" and span._.wb_source == "dateline":
                    continue
                for i in range(span.start, span.end):
                    table[span.label_][i] = span
                if span.label_ == "ACTOR" and span._.wb_source != "implied":
                    self.actor_starts.append(span.start)
                    self.actor_spans.append(span)
            elif span.label_ == "DATE":
                self.dates.append(span)
        #: "US-backed SDF": actor id -> the supporter mention named before it (first one).
        self.backers: dict[str, Span] = {}
        supporters = sorted(
            (s for s in doc.spans.get("workbench", []) if s.label_ == "SUPPORTER"),
            key=lambda s: s.start,
        )
        for sup in supporters:
            nxt = next(
                (
                    a
                    for a in sorted(self.actor_spans, key=lambda a: a.start)
                    if a.start >= sup.end and a.sent == sup.sent and a.kb_id_ != sup.kb_id_
                ),
                None,
            )
            if nxt is not None and nxt.kb_id_:
                self.backers.setdefault(nxt.kb_id_, sup)
        order = sorted(range(len(self.actor_starts)), key=self.actor_starts.__getitem__)
        self.actor_starts = [self.actor_starts[i] for i in order]
        self.actor_spans = [self.actor_spans[i] for i in order]
        self.last_by_action: dict[str, list[Span]] = {}
        self.last_violent: list[Span] = []
        self.last_weapon: dict[str, tuple[str, str]] = {}  # actor -> its last explosion type
        #: The one armed group the report names as a perpetrator (set by ``workbench.nlp.events``).
        self.report_armed: str | None = None

    def antecedent(self, token: Token) -> Span | None:
        """The nearest actor named before ``token`` (for "they", "their fighters")."""
        i = bisect.bisect_left(self.actor_starts, token.i) - 1
        return self.actor_spans[i] if i >= 0 else None


def lemma_of(token: Token) -> str:
    """The lower-cased lemma of ``token`` (the lexicon's key)."""
    return token.lemma_.lower()

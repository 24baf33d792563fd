"""The raw event rows (``schema.COLUMNS["events_raw"]``) one built event becomes.

One row per actor and place, with a stable id, offsets into the report body, the target's
kind, the place its words attach to, the sentence's date, deaths and a confidence:
everything ``workbench.resolve.events`` needs once the parsed ``Doc`` is gone.
"""

from __future__ import annotations

import hashlib
from functools import cache
from typing import Any

from spacy.tokens import Span, Token

from workbench.lexicon.words import words
from workbench.nlp.fatalities import KILL_VERBS, fatalities
from workbench.nlp.frames import CIVILIANS, PROTESTERS, Context, Event, lemma_of

#: Prepositions that attach an event to its place (not "from": rockets fired from A hit B).
PLACE_PREPOSITIONS = {
    "in",
    "near",
    "around",
    "at",
    "outside",
    "toward",
    "towards",
    "across",
    "inside",
    "throughout",
    "within",
    "into",
    "on",
    "along",
    "between",
    "north",
    "south",
    "east",
    "west",
}


def event_rows(event: Event, sent: Span, sid: int, ctx: Context, *, report_id: str) -> list[dict]:
    """The raw rows of ``event``: one per actor and place (deaths on the first)."""
    off = ctx.offset - ctx.base  # doc offsets -> report body offsets
    sid += ctx.first_sentence
    places = _places(event, sent, ctx)
    date = next((d for d in ctx.dates if d.start >= sent.start and d.end <= sent.end), None)
    deaths = fatalities(event, sent)
    target = event.targets[0] if event.targets else None
    target_kind = _target_kind(event, target)
    actors: list[Span | None] = list(event.actors) or [None]
    rows = []
    for k, actor in enumerate(actors):
        for j, (place, prep) in enumerate(places or [(None, "")]):
            key = (
                f"{report_id}:{sid}:{event.trigger.idx - off}:{event.sub_event_type}:"
                f"{actor.start_char - off if actor is not None else ''}:"
                f"{place.start_char - off if place is not None else ''}"
            )
            rows.append(
                {
                    "event_id": hashlib.sha1(key.encode()).hexdigest()[:16],
                    "report_id": report_id,
                    "sentence_id": sid,
                    "sent_start": sent.start_char - off,
                    "sent_end": sent.end_char - off,
                    "trigger_start": event.trigger.idx - off,
                    "trigger_end": event.trigger.idx + len(event.trigger) - off,
                    "trigger": event.trigger.text,
                    "lemma": event.row.trigger,
                    "action": event.action,
                    "sub_event_type": event.sub_event_type,
                    "flexible": event.row.kind == "flexible" and not event.instrument,
                    "instrument": event.instrument or None,
                    **_span_cols("actor", actor, off),
                    "actor_entity": actor.kb_id_ if actor is not None else event.actor_entity,
                    "actor_via": event.actor_via,
                    **_span_cols("target", target, off),
                    "target_entity": target.kb_id_ if target is not None else None,
                    "target_kind": target_kind,
                    "target_head": event.target.text if event.target is not None else None,
                    **_span_cols("place", place, off),
                    "place_prep": prep or None,
                    **_span_cols("date", date, off),
                    **_span_cols("assoc", event.assoc, off),
                    "assoc_entity": event.assoc.kb_id_ if event.assoc is not None else None,
                    "fatalities": deaths if (k == 0 and j == 0) else None,
                    "negated": event.negated,
                    "claimed": event.claimed,
                    "confidence": _confidence(event),
                }
            )
    return rows


def _span_cols(prefix: str, span: Span | None, off: int) -> dict[str, Any]:
    if span is None:
        return {f"{prefix}_start": None, f"{prefix}_end": None, f"{prefix}_text": None}
    return {
        f"{prefix}_start": span.start_char - off,
        f"{prefix}_end": span.end_char - off,
        f"{prefix}_text": span.text,
    }


def _confidence(event: Event) -> float:
    base = {
        "subject": 0.85,
        "agent": 0.85,
        "nominal": 0.8,
        "inherited": 0.75,
        "object-control": 0.7,
        "pronoun": 0.65,
        "carried": 0.55,
        "implied": 0.5,
    }
    conf = base.get(event.actor_via, 0.6)
    if event.row.kind == "flexible" and not event.instrument:
        conf -= 0.1
    return round(conf, 2)


def _target_kind(event: Event, target: Span | None) -> str | None:
    """civilians / protesters / property / armed: what the resolver chooses sub-types by."""
    if target is not None:
        if target.kb_id_ in (CIVILIANS, PROTESTERS):
            return target.kb_id_
        return "armed"
    head = event.target
    victims = [
        g
        for c in event.trigger.children
        if c.dep_ == "advcl" and lemma_of(c) in KILL_VERBS
        for g in c.children
        if g.dep_ == "dobj"
    ]  # "attacked a camp ..., killing 12 civilians"
    for t in [*([head] if head is not None else []), *victims]:
        for x in t.subtree:
            if x.lower_ in ("civilians", "civilian") or lemma_of(x) == "civilian":
                return CIVILIANS
    if head is None:
        return None
    lemma, lower = lemma_of(head), head.lower_
    for t in [head, *head.children]:
        if t.dep_ == "prep" and t.lower_ == "of":
            for g in t.children:
                lemma, lower = lemma_of(g), g.lower_
    civilian = words("event_civilian_nouns")
    if lemma in civilian or lower in civilian or any(c.lower_ == "civilian" for c in head.children):
        return CIVILIANS
    if lemma in words("event_property_nouns") or lower in words("event_property_nouns"):
        return "property"
    return None


def _places(event: Event, sent: Span, ctx: Context) -> list[tuple[Span, str]]:
    """Place mentions the event happened at: the territory taken; else attached to its
    words by a locative preposition ("around Dashisha"); else the clause's; else the
    sentence's first. Coordinated places ("Darwish and Ameriya") are one event each."""
    found: list[tuple[Span, str]] = []

    def add_from(tokens, prep: str) -> None:
        for g in tokens:
            span = ctx.place_at[g.i]
            if span is not None and all(span != s for s, _ in found):
                found.append((span, prep))

    def add_preps(token: Token) -> None:
        for c in token.children:
            if c.dep_ in ("prep", "advmod", "npadvmod") and c.lower_ in PLACE_PREPOSITIONS:
                add_from(c.subtree, c.lower_)

    if event.action == "territory_taken":
        for obj in event.anchors[1:]:
            add_from(obj.subtree, "")
    for anchor in event.anchors:
        if found:
            break
        add_preps(anchor)
        for o in anchor.children:
            if o.dep_ in ("dobj", "attr", "pobj"):
                for x in [o, *o.conjuncts]:
                    add_preps(x)
    if not found:
        add_preps(sent.root)
        found = [(s, p) for s, p in found if not _said_at(s)]
    if not found:
        add_from((t for t in sent if not (t.dep_ == "pobj" and t.head.lower_ == "from")), "")
        found = [(s, p) for s, p in found if not _said_at(s)][:1]
    if len(found) > 1 and any(not _is_country(s) for s, _ in found):
        found = [(s, p) for s, p in found if not _is_country(s)]  # "Syria's al-Hasakah"
    if len(found) > 1:
        first = found[0][0]
        if _is_country(first):
            return found[:1]
        return [
            (s, p)
            for s, p in found
            if s is first or (any(t.dep_ == "conj" for t in s) and not _is_country(s))
        ]
    return found


def _said_at(span: Span) -> bool:
    """A place where something was said, not where it happened: "officials in Washington
    said", "told reporters in Maputo", "Ankara said" (``data/words/statement_place_cues``)."""
    doc, cues = span.doc, words("statement_place_cues")
    if span.end < len(doc) and doc[span.end].lower_ in cues:
        return True
    i = span.start - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    return i >= 1 and doc[i].lower_ in ("in", "from", "at") and doc[i - 1].lower_ in cues


def _is_country(span: Span) -> bool:
    return _countries().__contains__(span.text.lower())


@cache
def _countries() -> frozenset[str]:
    from workbench.lexicon.gazetteer import load_demonyms

    return frozenset(c.lower() for c in load_demonyms().country)

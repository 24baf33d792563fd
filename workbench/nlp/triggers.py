"""Which words trigger an event, and which weapon refines its sub-event type.

Matches tokens against the event lexicon (verbs with their particles and conditions,
nominals) and its instrument rows ("suicide car bombing", "Israeli warplanes"), apart
from the building of events so the modality checks can ask whether a word is a trigger.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from workbench.lexicon.events import Trigger
from workbench.lexicon.words import words
from workbench.nlp.arguments import objects_of
from workbench.nlp.frames import STRONG_INSTRUMENTS, Context, Event, lemma_of


def trigger_pos(token: Token) -> str | None:
    """ "verb" or "noun" for the parts of speech a trigger can be, else None."""
    if token.pos_ in ("VERB", "AUX"):
        return "verb"
    if token.pos_ in ("NOUN", "PROPN"):
        return "noun"
    return None


def _dependents(token: Token) -> set[str]:
    """Lemmas and words of ``token``'s children and of their prepositional objects."""
    out = set()
    if token.dep_ in ("amod", "compound"):  # a verbless parse: "pledged/amod allegiance/ROOT"
        out |= {lemma_of(token.head), token.head.lower_}
    for c in token.children:
        out |= {lemma_of(c), c.lower_}
        if c.dep_ in ("prep", "dobj", "prt", "advmod") or c.pos_ == "ADP":
            for g in c.children:
                out |= {lemma_of(g), g.lower_}
    return out


def match_trigger(token: Token, ctx: Context) -> Trigger | None:
    """The lexicon row ``token`` triggers, if any (instrument-only words excluded)."""
    pos = trigger_pos(token)
    if pos is None or token.ent_type_ in ("DATE", "TIME"):
        return None
    if token.dep_ in ("compound", "amod", "nmod") and token.head.pos_ in ("NOUN", "PROPN"):
        verbless = token.head.dep_ == "ROOT" and pos == "verb"  # the parser found no verb
        if pos == "noun" or (token.tag_ in ("VBN", "VBG") and not verbless):
            return None  # a modifier: "attack aircraft", "a fighting force", "targeted sites"
    lex = ctx.lex
    lemma = lemma_of(token)
    names = [lemma]
    if pos == "verb":  # the small model's lemmas miss some ("raped" -> "rap")
        names += [token.lower_[:-1], token.lower_[:-2]] if token.lower_.endswith("ed") else []
    if pos == "verb" and lemma in lex.particles:
        names = [
            f"{lemma} {c.lower_}"
            for c in token.children
            if c.dep_ in ("prt", "prep", "advmod") and c.lower_ in lex.particles[lemma]
        ] + names
    if pos == "noun":
        names += [token.lower_, token.lower_.rstrip("s")]
        if any(c.lower_ in words("event_non_modifiers") for c in token.children):
            return None
    deps = None
    for name in dict.fromkeys(names):
        for row in lex.lookup(name, pos):
            if row.with_:
                deps = deps if deps is not None else _dependents(token)
                if not row.with_ & deps:
                    continue
            if row.object == "place" and not _has_place_object(token, ctx):
                continue
            if row.object == "none" and any(c.dep_ == "dobj" for c in token.children):
                continue
            return row
    return None


def match_instrument(token: Token, ctx: Context) -> Trigger | None:
    """A weapon word on ``token`` or among its modifiers ("suicide car bombing")."""
    best = None
    for t in [token, *(c for c in token.children if c.dep_ in ("compound", "amod", "nmod"))]:
        for name in dict.fromkeys((lemma_of(t), t.lower_, t.lower_.rstrip("s"))):
            for row in ctx.lex.lookup(name, "mod"):
                if row.with_ and not row.with_ & _dependents(t) | {
                    c.lower_ for c in token.children
                }:
                    continue
                if best is None or row.sub_event_type in STRONG_INSTRUMENTS:
                    best = row
    return best


def _has_place_object(token: Token, ctx: Context) -> bool:
    places = words("event_place_nouns")
    for obj in objects_of(token, preps=("of", "from", "out")):
        for t in obj.subtree:
            if ctx.place_at[t.i] is not None or lemma_of(t) in places or t.lower_ in places:
                return True
    return False


def nominal_row(token: Token, matched: dict) -> Trigger | None:
    """The event row ``token`` matched as a nominal trigger, if any."""
    row = matched.get(token.i)
    return row if row is not None and row.kind in ("event", "flexible") else None


def with_row(event: Event, row: Trigger) -> Event:
    """A copy of ``event`` with ``row``'s sub-event type, action and instrument."""
    return Event(
        event.trigger,
        event.row,
        row.sub_event_type,
        row.action,
        list(event.actors),
        event.actor_entity,
        event.actor_via,
        event.target,
        list(event.targets),
        list(event.anchors),
        event.assoc,
        event.negated,
        event.claimed,
        row.trigger,
    )


def with_actors(event: Event, actors: list[Span]) -> Event:
    """A copy of ``event`` with only ``actors`` as its actors."""
    out = with_row(event, event.row)
    out.sub_event_type, out.action, out.instrument, out.actors = (
        event.sub_event_type,
        event.action,
        event.instrument,
        actors,
    )
    return out


def refine_by_actor_weapon(event: Event, subject: list[Token], ctx: Context) -> None:
    """ "Israeli warplanes struck", "French artillery ... targeting": the actor's weapon;
    else the weapon of the same actor's last strike in the report ("targeted locations")."""
    for span in event.actors:
        heads = [t for t in subject if span.start <= t.i < span.end or t.i == span.end] or subject
        for t in [*span, *heads]:
            inst = match_instrument(t, ctx)
            if inst is not None:
                event.sub_event_type, event.action, event.instrument = (
                    inst.sub_event_type,
                    inst.action,
                    inst.trigger,
                )
                return
    for span in event.actors:
        last = ctx.last_weapon.get(span.kb_id_ or span.text)
        if last is not None and event.row.sub_event_type in ("Armed clash", "Air/drone strike"):
            event.sub_event_type, event.action = last
            return
    if event.row.trigger in ("target", "hit", "strike") and ctx.last_weapon.get(""):
        event.sub_event_type, event.action = ctx.last_weapon[""]

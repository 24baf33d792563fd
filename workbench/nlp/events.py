"""Event extraction from the dependency parse: who did what to whom, where, in one sentence.

Runs at tagging time, on the parsed ``Doc`` (which is gone afterwards), and returns raw
rows (``schema.COLUMNS["events_raw"]``) that point at mentions by character offsets into
the report body; ``workbench.resolve.events`` turns them into the ``events`` table once
the corpus has resolved those mentions to actors and places.

The model is textacy's ``extract/triples.py`` (subject-verb-object triples), widened to
what conflict reports say:

- verb triggers ("shelled") and nominal ones ("an airstrike on X killed ..."), light
  verbs that take their event from their object ("conducted strikes", "fired rockets");
- the actor is the one who acts: ``nsubj``; the ``by`` agent in the passive; the subject
  inherited through ``xcomp``/``advcl``/``conj``; a nominal's possessor, compound or
  ``by`` phrase; coordinated actors give one event each, appositions one;
- the target is the object, or ``against``/``on``/``at``/``with`` X, or X in "X positions";
  the place is a PLACE mention attached by in/near/around/toward, else the sentence's;
- negation and failure ("did not", "failed to", "foiled") flag the row ``negated``;
  claims ("claimed to have liberated") flag it ``claimed``; threats and plans are dropped;
- no named perpetrator: ``unidentified-armed-group`` (or Protesters / Rioters for
  demonstrations), and the statement's author is never the actor of what it reports.

One pass over the tokens of each sentence, with small subtree walks: cheap next to the
parser. Headlines get no events (the corpus convention).

This module builds the events of each sentence; beside it are ``frames`` (the event and
its context), ``triggers``, ``arguments`` (actors, targets), ``modality`` (negated,
claimed, unreal), ``fatalities`` and ``records`` (the output rows).
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc, Span, Token

from workbench.lexicon.events import Trigger
from workbench.lexicon.gazetteer import per_gazetteer
from workbench.lexicon.words import words
from workbench.nlp.arguments import (
    actors_in,
    actors_of,
    agent_of,
    clause_chain,
    fallback_actor,
    inherited_actors,
    left_actor,
    nominal_actors,
    objects_of,
    prep_objects,
    right_actor,
    subject_of,
)
from workbench.nlp.frames import (
    CIVILIANS,
    PROTESTERS,
    RIOTERS,
    STRONG_INSTRUMENTS,
    UNIDENTIFIED,
    Context,
    Event,
    lemma_of,
)
from workbench.nlp.modality import is_claimed, is_crime, is_generic, is_negated, is_unreal
from workbench.nlp.records import event_rows
from workbench.nlp.triggers import (
    match_instrument,
    match_trigger,
    nominal_row,
    refine_by_actor_weapon,
    trigger_pos,
    with_actors,
    with_row,
)

#: Prepositions that introduce a target.
TARGET_PREPOSITIONS = {"against", "on", "at", "upon", "into", "targeting", "with"}
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")


def doc_events(
    doc: Doc, *, report_id: str, title_len: int = 0, base: int = 0, first_sentence: int = 0
) -> list[dict[str, Any]]:
    """Raw event rows (``schema.COLUMNS["events_raw"]``) for one processed ``Doc``.

    ``doc`` is laid out as for :func:`workbench.nlp.tagging.doc_mentions` (headline, blank
    line, body, or a piece of a long body starting at ``base``); all offsets in the rows
    are into the body, and ``sentence_id`` counts sentences the same way.

    Examples
    --------
    >>> from workbench.nlp.pipeline import load_pipeline
    >>> doc = load_pipeline()("Russian forces shelled Kharkiv on Monday.")
    >>> [r["sub_event_type"] for r in doc_events(doc, report_id="r")]
    ['Shelling/artillery/missile attack']
    """
    offset = title_len + 2 if title_len else 0
    ctx = Context(doc, offset, base=base, first_sentence=first_sentence)
    armed: set[str] = set()  # the armed groups named as actors of a violent event
    for sent in doc.sents:  # the headline counts for the perpetrator, but yields no rows
        if sent.start_char < offset:
            _note_armed(_sentence_events(sent, ctx), armed)
    ctx.last_by_action, ctx.last_violent, ctx.last_weapon = {}, [], {}
    # One pass over the body: an event that falls back on the report's perpetrator is
    # marked, and given it (or "unidentified") once the whole report has been read.
    ctx.report_armed = _PENDING
    sentences = [s for s in doc.sents if s.end_char > offset]
    body: list[tuple[int, Span, list[Event]]] = []
    for sid, sent in enumerate(sentences):
        if sent.start_char < offset:
            continue  # the parser joined headline and body: headlines get no events
        events = _sentence_events(sent, ctx)
        _note_armed(events, armed)
        body.append((sid, sent, events))
    ctx.report_armed = next(iter(armed)) if len(armed) == 1 else None
    rows: list[dict[str, Any]] = []
    for sid, sent, events in body:
        for event in events:
            if event.actor_entity == _PENDING:
                event.actor_entity = ctx.report_armed or UNIDENTIFIED
        for event in _dedupe(events):  # the marked ones may now be alike
            rows.extend(event_rows(event, sent, sid, ctx, report_id=report_id))
    return rows


#: Stands for the report's perpetrator until the whole report has been read.
_PENDING = "\0perpetrator"


def _note_armed(events: list[Event], armed: set[str]) -> None:
    """Add the armed groups among the actors of ``events`` that are violent: ACLED's
    coders read the whole report (headline included) for a perpetrator."""
    for event in events:
        if event.action not in ("protest", "agreement_or_ceasefire", "arrest"):
            armed |= {s.kb_id_ for s in event.actors if s.kb_id_ in _armed_ids()}


def _sentence_events(sent: Span, ctx: Context) -> list[Event]:
    matched = {t.i: row for t in sent if (row := match_trigger(t, ctx)) is not None}
    consumed: set[int] = set()
    events: list[Event] = []
    supports: dict[int, Span] = {}  # token of a supporter's verb -> the actor it supports
    for t in sent:
        row = matched.get(t.i)
        if row is not None and trigger_pos(t) == "verb" and row.kind == "support":
            _note_support(t, ctx, supports)
    nested = _nested(sent, matched, ctx)
    for t in sent:
        row = matched.get(t.i)
        if row is None or trigger_pos(t) != "verb" or row.kind == "support":
            continue
        if row.kind == "light":
            events += _light_events(t, matched, consumed, ctx)
        else:
            events += _verb_events(t, row, matched, consumed, ctx)
    for t in sent:
        row = matched.get(t.i)
        if row is None or trigger_pos(t) != "noun" or t.i in consumed:
            continue
        if t.i in nested:
            _upgrade(events, t, row, ctx)
            continue
        if row.kind in ("event", "flexible"):
            events += _noun_events(t, row, matched, ctx)
        elif row.kind == "light" and (inst := match_instrument(t, ctx)) is not None:
            events += _noun_events(t, inst, matched, ctx)  # "a landmine explosion"
    events = [e for e in events if _keep(e, ctx)]
    for e in events:
        _assoc(e, ctx, supports)
    events = _dedupe(events)
    for e in events:
        _remember(e, ctx)
    return events


def _nested(sent: Span, matched: dict, ctx: Context) -> set[int]:
    """Nominal triggers inside another trigger's object ("strikes destroyed ... an IED",
    "killed a suicide bomber") or outcome ("resulting in the detention of"): part of
    that event, not events of their own."""
    out: set[int] = set()
    for t in sent:
        if t.i not in matched:
            continue
        subject = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
        if (
            subject
            and not actors_of(subject, ctx)
            and not any(x.i in matched or match_instrument(x, ctx) for x in subject)
        ):
            continue  # "their vehicle struck a roadside bomb": the bomb is the event
        for c in t.children:
            if c.dep_ in ("dobj", "attr", "oprd") and trigger_pos(t) == "verb":
                out |= {x.i for x in c.subtree if x.i != t.i}
        if lemma_of(t) == "result" or t.lower_ in ("resulting", "result"):
            out |= {x.i for x in t.subtree if x.i != t.i}
    for t in sent:
        if t.lower_ in ("resulting", "result") or lemma_of(t) == "result":
            out |= {x.i for x in t.subtree if x.i != t.i and x.dep_ == "pobj"}
    return {i for i in out if i in matched}


def _upgrade(events: list[Event], noun: Token, row: Trigger, ctx: Context) -> None:
    """A nested nominal may tell what its event was: "resulting in the detention of" makes
    a raid an arrest; "killed ... a suicide bomber" makes an attack a suicide bombing."""
    chain = set(clause_chain(noun, 8))
    for e in events:
        if e.trigger not in chain and not chain & set(e.anchors):
            continue
        if row.action == "arrest" and e.action in ("armed_clash", "battle"):
            e.sub_event_type, e.action = row.sub_event_type, row.action
        inst = match_instrument(noun, ctx)
        if (
            inst is not None
            and inst.sub_event_type in STRONG_INSTRUMENTS
            and (e.row.kind == "flexible")
        ):
            e.sub_event_type, e.action, e.instrument = (
                inst.sub_event_type,
                inst.action,
                inst.trigger,
            )


def _verb_events(
    verb: Token, row: Trigger, matched: dict, consumed: set[int], ctx: Context
) -> list[Event]:
    if is_unreal(verb) or is_crime(verb):
        return []
    subject, passive = subject_of(verb)
    if not subject and verb.dep_ == "conj" and not passive:
        # "Rockets fired from Gaza struck ...": the weapon is the subject of both
        subject = [s for s in subject_of(verb.head)[0] if match_instrument(s, ctx)]
    objects = objects_of(verb, preps=("of", "from", "out", "to"))
    if objects and row.with_ and {lemma_of(objects[0]), objects[0].lower_} & row.with_:
        objects = prep_objects(verb, TARGET_PREPOSITIONS | {"of", "to"}) or prep_objects(
            objects[0], TARGET_PREPOSITIONS | {"of", "to"}
        )  # "opened fire on X", "took control of X"
    agent = agent_of(verb)
    # A nominal trigger as subject: "seven strikes destroyed", "a landmine explosion killed".
    nominal = next((s for s in subject if s.i in matched and trigger_pos(s) == "noun"), None)
    if (
        nominal is None
        and subject
        and match_instrument(subject[0], ctx)
        and not actors_of(subject, ctx)
    ):
        nominal = subject[0]
    if row.kind == "repel":
        return _repel(verb, subject, objects, agent, passive, matched, consumed, ctx)
    event = Event(verb, row, row.sub_event_type, row.action, anchors=[verb])
    if row.kind == "foil":
        for o in objects:
            consumed.add(o.i)
        event.actors, event.actor_via = actors_of(subject, ctx), "subject"
        return [event] if event.actors else []
    if nominal is not None and row.kind == "flexible":
        if nominal.i in matched:
            return []  # the nominal's own event takes this verb's object (see _noun_events)
        return _weapon_subject_event(verb, nominal, objects, ctx)
    if passive:
        event.actors = actors_of(agent, ctx)
        event.actor_via = "agent"
        event.target, event.targets = (subject[0] if subject else None), actors_of(subject, ctx)
    else:
        event.actors = actors_of(subject, ctx)
        event.actor_via = "subject"
        if not event.actors and event.action in ("protest", "riot") and _crowd(subject, ctx):
            # "hundreds of teachers marched": ACLED codes any crowd as Protesters/Rioters
            event.actor_entity = PROTESTERS if event.action == "protest" else RIOTERS
        targets = objects or prep_objects(verb, TARGET_PREPOSITIONS) or _shared_objects(verb)
        event.target, event.targets = (targets[0] if targets else None), actors_of(targets, ctx)
    if not event.actors and not subject and not passive:
        event.actors, event.actor_via, source = inherited_actors(verb, ctx)
        if row.kind == "flexible" and source is not None and source.i in matched:
            if matched[source.i].kind in ("event", "light", "flexible", "repel", "foil"):
                return []  # an outcome of the event it hangs from ("conducted a strike, killing")
    if event.action == "territory_taken":
        event.targets = [
            s
            for s in actors_in(objects, ctx) + actors_of(prep_objects(verb, ("from",)), ctx)
            if s not in event.actors
        ]
        event.target = None
        event.anchors += objects
    # Weapons: "with airstrikes and artillery shells", or the actor's ("Israeli warplanes").
    instruments = []
    holders = [t for t in verb.subtree if t is verb or t.head is verb or t.head.pos_ != "VERB"]
    for w in [w for h in holders for w in prep_objects(h, ("with", "using"))]:
        if (inst := match_instrument(w, ctx) or nominal_row(w, matched)) is not None:
            instruments.append(inst)
            consumed.add(w.i)
    if instruments and row.kind == "flexible":
        events = [with_row(event, inst) for inst in dict.fromkeys(instruments)]
    elif row.kind == "flexible" and len(event.actors) > 1:
        events = [with_actors(event, [a]) for a in event.actors]
    else:
        events = [event]
    for e in events:
        e.negated = is_negated(verb)
        e.claimed = is_claimed(verb)
        if row.kind == "flexible" and not instruments:
            refine_by_actor_weapon(e, subject, ctx)
    if row.sub_event_type == "Armed clash" and row.kind == "event":
        events = [e for e in events if e.targets or e.target is not None or _attached(e, ctx)]
    for e in events:
        if not e.targets and e.target is None and not passive:
            e.targets = right_actor(verb, e.actors, ctx)  # the parser lost the object
        if not e.actors and not subject and not agent:
            e.actors = left_actor(verb, ctx)  # the parser lost the subject
            e.actor_via = "adjacent" if e.actors else e.actor_via
        if not e.actors and row.agentless and (passive or _instrument_subject(subject, ctx)):
            fallback_actor(e, verb, row, ctx)  # "a village was shelled"
            if e.actor_via == "implied" and not _attached(e, ctx) and not _dated(verb, ctx):
                e.actor_entity = ""
    return events


def _shared_objects(verb: Token) -> list[Token]:
    """ "gunmen shot and killed a village chief": the object of a verb joined to this one
    with no subject of its own is this one's too."""
    for c in verb.children:
        if c.dep_ == "conj" and c.pos_ == "VERB" and not subject_of(c)[0]:
            return objects_of(c)
    return []


def _crowd(subject: list[Token], ctx: Context) -> bool:
    """A subject that is a group of people, not an armed actor or a weapon: a plural
    common noun ("teachers", "hundreds of residents"), not "troops" or "rockets"."""
    heads = [t for s in subject for t in (s, *prep_objects(s, ("of",)))]
    return any(
        t.tag_ == "NNS"
        and lemma_of(t) not in words("event_agent_nouns")
        and t.lower_ not in words("event_agent_nouns")
        and match_instrument(t, ctx) is None
        for t in heads
    )


def _weapon_subject_event(verb: Token, weapon: Token, objects: list[Token], ctx: Context):
    """ "Rockets struck Sderot", "artillery shells hit the market": the weapon's event."""
    inst = match_instrument(weapon, ctx)
    event = Event(weapon, inst, inst.sub_event_type, inst.action, anchors=[weapon, verb])
    event.instrument = inst.trigger
    event.actors, event.actor_via = nominal_actors(weapon, ctx), "nominal"
    event.target = objects[0] if objects else None
    event.targets = actors_of(objects, ctx)
    event.negated = is_negated(verb)
    if not event.actors:
        fallback_actor(event, weapon, inst, ctx)
    return [event]


def _instrument_subject(subject: list[Token], ctx: Context) -> bool:
    return any(match_instrument(s, ctx) is not None for s in subject)


def _dated(token: Token, ctx: Context) -> bool:
    sent = token.sent
    return any(d.start >= sent.start and d.end <= sent.end for d in ctx.dates)


def _light_events(verb: Token, matched: dict, consumed: set[int], ctx: Context) -> list[Event]:
    """ "conducted strikes", "fired rockets", "signed a ceasefire": the object's event."""
    if is_unreal(verb):
        return []
    objects = objects_of(verb, preps=("to", "on"))
    for x in verb.children:
        if x.dep_ == "xcomp":
            objects += objects_of(x)
    quantity = words("event_quantity_nouns")
    objects += [g for o in objects if lemma_of(o) in quantity for g in prep_objects(o, ("of",))]
    subject, passive = subject_of(verb)
    out = []
    for obj in objects:
        row = nominal_row(obj, matched)
        inst = match_instrument(obj, ctx)
        if row is None and inst is None:
            continue
        consumed.add(obj.i)
        if row is not None and is_generic(obj, ctx, row):
            continue
        base = row or inst
        event = Event(obj, base, base.sub_event_type, base.action, anchors=[obj, verb])
        if inst is not None and (
            row is None
            or inst.sub_event_type in STRONG_INSTRUMENTS
            or row.kind == "flexible"
            or row.sub_event_type == "Air/drone strike"
        ):
            event = with_row(event, inst)
        own = nominal_actors(obj, ctx)
        if own:
            event.actors, event.actor_via = own, "nominal"
        elif passive:
            event.actors, event.actor_via = actors_of(agent_of(verb), ctx), "agent"
        else:
            event.actors, event.actor_via = actors_of(subject, ctx), "subject"
            if not event.actors and not subject:
                event.actors, event.actor_via, source = inherited_actors(verb, ctx)
                if (
                    source is not None
                    and source.i in matched
                    and matched[source.i].kind != "support"
                ):
                    continue  # "conducted strikes using aircraft": one event
        targets = prep_objects(obj, TARGET_PREPOSITIONS) or prep_objects(verb, TARGET_PREPOSITIONS)
        event.target, event.targets = (targets[0] if targets else None), actors_of(targets, ctx)
        event.negated, event.claimed = is_negated(verb), is_claimed(verb)
        if not event.actors:
            fallback_actor(event, obj, base, ctx)
        out.append(event)
    return out


def _noun_events(noun: Token, row: Trigger, matched: dict, ctx: Context) -> list[Event]:
    if is_crime(noun) or is_generic(noun, ctx, row):
        return []
    event = Event(noun, row, row.sub_event_type, row.action, anchors=[noun])
    inst = match_instrument(noun, ctx)
    if (
        inst is not None
        and inst is not row
        and (
            row.kind == "flexible"
            or inst.sub_event_type in STRONG_INSTRUMENTS
            or row.sub_event_type in ("Air/drone strike", "Shelling/artillery/missile attack")
        )
    ):
        event = with_row(event, inst)
    event.actors = nominal_actors(noun, ctx)
    event.actor_via = "nominal"
    between = prep_objects(noun, ("between",))
    if between and not event.actors:
        found = actors_of(between, ctx)
        event.actors, event.targets = found[:1], found[1:]
    # "three attacks" in "rocket attacks ..., including three attacks in X": the same kind.
    if noun.head.lower_ == "including" and noun.head.head.i in matched:
        parent = noun.head.head
        pinst = match_instrument(parent, ctx)
        if pinst is not None:
            event = with_row(event, pinst)
    # The verb the nominal is the subject of gives the target: "an airstrike hit a market".
    head = noun.head
    if noun.dep_ in _SUBJECTS and head.pos_ in ("VERB", "AUX"):
        event.anchors.append(head)
        objects = objects_of(head, preps=("on", "at", "against", "into"))
        event.target = objects[0] if objects else None
        event.targets = actors_of(objects, ctx)
        event.negated = is_negated(head)
        for c in head.children:
            if c.dep_ == "conj" and c.pos_ == "VERB":
                event.anchors.append(c)
    if noun.dep_ == "pobj" and noun.head.head.pos_ == "VERB":
        event.anchors.append(noun.head.head)  # "killed in an attack on X"
    if noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        event.anchors.append(noun.head)  # "struck a roadside bomb near Gao"
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
        holder = noun.head.head.head  # "documented cases of sexual violence by X in Y"
        if holder.pos_ == "VERB":
            event.anchors.append(holder)
            if not event.actors:
                event.actors = actors_of(prep_objects(holder, ("by",)), ctx)
    if event.target is None:
        targets = prep_objects(noun, TARGET_PREPOSITIONS | {"of"})
        for c in noun.children:
            if c.dep_ in ("acl", "relcl"):
                targets += objects_of(c, preps=("at", "on", "against"))
        event.target, event.targets = (targets[0] if targets else None), actors_of(targets, ctx)
    event.negated = event.negated or is_negated(noun)
    event.claimed = is_claimed(noun)
    if not event.actors:
        fallback_actor(event, noun, row, ctx)
        if event.actor_via == "implied" and not _concrete(event, noun, ctx):
            return []
    return [event]


def _concrete(event: Event, noun: Token, ctx: Context) -> bool:
    """An event nobody is named for must at least be placed, dated or told as a fact
    ("an IED exploded"), not mentioned in passing ("the loss of lives and sexual violence")."""
    if noun.dep_ in _SUBJECTS or _attached(event, ctx):
        return True
    span = noun.doc[noun.left_edge.i : noun.right_edge.i + 1]
    return any(d.start >= span.start and d.end <= span.end for d in ctx.dates)


def _repel(verb, subject, objects, agent, passive, matched, consumed, ctx) -> list[Event]:
    """ "X repelled an attack by Y" / "an attack was repelled by X": Y clashes with X."""
    attack = subject if passive else objects
    defenders = actors_of(agent if passive else subject, ctx)
    row = matched[verb.i]
    event = Event(verb, row, row.sub_event_type, row.action, anchors=[verb])
    for a in attack:
        consumed.add(a.i)
        event.anchors.append(a)
        event.actors = nominal_actors(a, ctx) or actors_of([a], ctx)
        if not event.actors and ctx.last_violent:
            event.actors, event.actor_via = list(ctx.last_violent), "carried"
    if not event.actors:
        event.actor_entity = ctx.report_armed or UNIDENTIFIED
        event.actor_via = "implied"
    event.targets = defenders
    holder = agent if passive else subject
    event.target = holder[0] if holder else None
    event.negated = is_negated(verb)
    return [event]


def _keep(event: Event, ctx: Context) -> bool:
    if not event.actors and not event.actor_entity:
        return False
    if event.row.pos == "verb" and event.row.trigger == "march":
        ids = {s.kb_id_ for s in event.actors} | {event.actor_entity}
        return bool(ids & {PROTESTERS, CIVILIANS, RIOTERS})
    return True


def _assoc(event: Event, ctx: Context, supports: dict[int, Span]) -> None:
    """Associated actor: "US-backed SDF" (the backer), or the one an actor supports."""
    for span in event.actors:
        backer = ctx.backers.get(span.kb_id_)
        if backer is not None and backer.start < event.trigger.i:
            event.assoc = backer
            return
    for t in clause_chain(event.trigger):
        if t.i in supports:
            event.assoc = supports[t.i]
            return


def _note_support(verb: Token, ctx: Context, supports: dict[int, Span]) -> None:
    subject, passive = subject_of(verb)
    supported = actors_of(subject if passive else objects_of(verb), ctx)
    if supported:
        supports[verb.i] = supported[0]
        for c in verb.children:
            if c.dep_ in ("advcl", "xcomp", "conj"):
                supports[c.i] = supported[0]


def _remember(event: Event, ctx: Context) -> None:
    if event.actors and event.actor_via != "carried":
        ctx.last_by_action[event.action] = list(event.actors)
        if event.action not in ("protest", "agreement_or_ceasefire", "arrest", "other"):
            ctx.last_violent = list(event.actors)
        if event.action in ("airstrike", "shelling_or_artillery"):
            for span in event.actors:
                ctx.last_weapon[span.kb_id_ or span.text] = (event.sub_event_type, event.action)
            ctx.last_weapon[""] = (event.sub_event_type, event.action)  # the report's last


def _dedupe(events: list[Event]) -> list[Event]:
    """One event per actor, action and place per sentence (the corpus convention): a verb
    and the nominal it takes ("strikes ... destroyed") are one event."""
    out, seen = [], set()
    named = {e.sub_event_type for e in events if e.actors}
    for e in events:
        if not e.actors and e.sub_event_type in named:
            continue  # the nameless mention of an event told with its actor
        key = (tuple(s.kb_id_ or s.text for s in e.actors) or (e.actor_entity,), e.sub_event_type)
        if key in seen:
            continue
        seen.add(key)
        out.append(e)
    return out


def _attached(event: Event, ctx: Context) -> bool:
    """True when a place hangs off the event's own words (not only somewhere in the sentence)."""
    for anchor in event.anchors:
        for t in anchor.subtree:
            if ctx.place_at[t.i] is not None and t.i != anchor.i:
                return True
    return False


@per_gazetteer
def _armed_ids() -> frozenset[str]:
    from workbench.lexicon.gazetteer import load_gazetteer

    table = load_gazetteer()
    armed = ("rebel_group", "political_militia", "identity_militia")
    return frozenset(table.actor_id[table.actor_type.isin(armed)])

"""Who acted and against whom: an event's actors and targets read off the dependency parse.

Subjects, passive agents and (prepositional) objects, followed through conjuncts,
appositions, possessors and controlling verbs to the ACTOR mentions they hold; and the
fallbacks when the parse names nobody (the adjacent actor, the last one, a class).
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from workbench.lexicon.events import Trigger
from workbench.lexicon.words import words
from workbench.nlp.frames import PROTESTERS, RIOTERS, UNIDENTIFIED, Context, Event, lemma_of

#: Pronouns resolved to the nearest actor before them (not "we"/"our": in a statement
#: that is its author, who is no actor of what it reports).
_PERSONAL = {"they", "it", "he", "she", "them", "their", "its", "his", "her"}


def objects_of(token: Token, *, preps: tuple[str, ...] = ()) -> list[Token]:
    """Direct objects of ``token`` (with their conjuncts), else objects of ``preps``; never
    a date or a time ("On 12 March, gunmen attacked": March is when, not whom)."""
    out = [c for c in token.children if c.dep_ in ("dobj", "attr", "oprd")]
    if not out:
        for c in token.children:
            if c.dep_ in ("prep", "prt") and c.lower_ in preps:
                out += [g for g in c.children if g.dep_ == "pobj"]
                for g in c.children:
                    if g.dep_ == "prep":
                        out += [h for h in g.children if h.dep_ == "pobj"]
    return _not_when(with_conjuncts(out))


def with_conjuncts(tokens: list[Token]) -> list[Token]:
    """``tokens`` and the conjuncts after each, in order, without repeats."""
    out = []
    for t in tokens:
        out.append(t)
        out.extend(c for c in t.conjuncts if c.i > t.i)
    return list(dict.fromkeys(out))


def subject_of(verb: Token) -> tuple[list[Token], bool]:
    """The subject tokens of ``verb`` and whether it is passive."""
    subj = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    passive = [c for c in verb.children if c.dep_ == "nsubjpass"]
    if passive or any(c.dep_ == "auxpass" for c in verb.children):
        return with_conjuncts(passive), True
    if verb.dep_ == "relcl" and all(s.lower_ in ("who", "that", "which") for s in subj + passive):
        if passive or any(c.dep_ == "auxpass" for c in verb.children):
            return [verb.head], True  # "Mansur, who was targeted by"
        return [verb.head], False
    if not subj and verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN"):
        if verb.tag_ == "VBN" and verb.dep_ == "acl":
            return [verb.head], True  # "rockets fired from Gaza"
        return [verb.head], False  # "fighters attacking the village"
    return with_conjuncts(subj), False


def agent_of(verb: Token) -> list[Token]:
    """The objects of ``verb``'s passive agent ("by X"), with their conjuncts."""
    for c in verb.children:
        if c.dep_ == "agent" or (c.dep_ == "prep" and c.lower_ == "by"):
            return with_conjuncts([g for g in c.children if g.dep_ == "pobj"])
    return []


def inherited_actors(verb: Token, ctx: Context) -> tuple[list[Span], str, Token | None]:
    """A verb with no subject acts through the one it depends on ("claimed to have
    liberated", "supported the SDF operation, targeting IS positions")."""
    token = verb
    for _ in range(5):
        if token.dep_ not in ("xcomp", "advcl", "conj", "ccomp", "pcomp", "prep", "pobj"):
            break
        if token.head is token:
            break
        head = token.head
        if head.pos_ not in ("VERB", "AUX"):
            token = head  # through "in clearing", "by pushing"
            continue
        if token.dep_ == "xcomp":
            obj = [c for c in head.children if c.dep_ == "dobj"]
            if obj and actors_of(obj, ctx):
                return actors_of(obj, ctx), "object-control", head
        subj, passive = subject_of(head)
        found = actors_of(agent_of(head) if passive else subj, ctx)
        if found:
            return found, "inherited", head
        if subj:
            break
        token = head
    return [], "", None


def actors_of(tokens: list[Token], ctx: Context) -> list[Span]:
    """Actor mentions that make up the noun phrases ``tokens`` (through conjuncts,
    appositions, compounds, possessors and "of": "the militaries of A and B")."""
    out: list[Span] = []
    seen: set[int] = set()

    def walk(t: Token, depth: int) -> None:
        if t.i in seen or depth > 5:
            return
        seen.add(t.i)
        span = ctx.actor_at[t.i]
        if span is not None and span not in out:
            out.append(span)
        for c in t.children:
            if c.dep_ in (
                "conj",
                "appos",
                "compound",
                "amod",
                "nmod",
                "poss",
                "npadvmod",
                "nummod",
            ):
                walk(c, depth + 1)
            elif c.dep_ == "prep" and c.lower_ == "of":
                for g in c.children:
                    if g.dep_ == "pobj":
                        walk(g, depth + 1)

    for t in tokens:
        walk(t, 0)
        if not out and t.pos_ == "PRON" and t.lower_ in _PERSONAL:
            if (a := ctx.antecedent(t)) is not None:
                out.append(a)
        if not out:
            for c in t.children:  # "their fighters", "its forces"
                if (
                    c.dep_ == "poss"
                    and c.lower_ in _PERSONAL
                    and lemma_of(t) in words("event_agent_nouns") | {"advance", "offensive"}
                    and (a := ctx.antecedent(c)) is not None
                ):
                    out.append(a)
    by_id: dict[str, Span] = {}
    for span in out:
        by_id.setdefault(span.kb_id_ or span.text, span)
    return list(by_id.values())


def actors_in(tokens: list[Token], ctx: Context) -> list[Span]:
    """Every actor mention inside ``tokens``' subtrees ("the IS-held town of X")."""
    out: dict[str, Span] = {}
    for t in tokens:
        for x in t.subtree:
            span = ctx.actor_at[x.i]
            if span is not None:
                out.setdefault(span.kb_id_ or span.text, span)
    return list(out.values())


def nominal_actors(noun: Token, ctx: Context) -> list[Span]:
    """Who does what a noun names: the mention it sits in ("U.S. airstrike"), its
    possessor or modifiers ("the Al-Shabaab attack"), or "by X"."""
    own = ctx.actor_at[noun.i]
    if own is not None:
        return [own]
    mods = [c for c in noun.children if c.dep_ in ("poss", "compound", "amod", "nmod")]
    found = actors_of(mods, ctx)
    if found:
        return found
    by = prep_objects(noun, ("by", "from"))
    if not by:  # "bombardments in the region by X"
        for c in noun.children:
            if c.dep_ == "prep":
                for g in c.children:
                    if g.dep_ == "pobj":
                        by += prep_objects(g, ("by",))
    found = [s for s in actors_of(by, ctx) if not _is_place_like(s, ctx)]
    return found


def _is_place_like(span: Span, ctx: Context) -> bool:
    return ctx.place_at[span.start] is not None


def prep_objects(token: Token, preps: set[str] | tuple[str, ...]) -> list[Token]:
    """Objects of ``token``'s prepositions in ``preps`` (or of "targeting X"), never a
    date or a time."""
    out = []
    for c in token.children:
        if c.dep_ in ("prep", "agent", "advmod") and c.lower_ in preps:
            out += [g for g in c.children if g.dep_ == "pobj"]
        elif c.dep_ in ("acl", "advcl", "xcomp") and c.lower_ in preps:  # "targeting X"
            out += [g for g in c.children if g.dep_ == "dobj"]
    return _not_when(with_conjuncts(out))


def _not_when(tokens: list[Token]) -> list[Token]:
    """Objects that are no date or time: "On 12 March" says when, not whom."""
    return [t for t in tokens if t.ent_type_ not in ("DATE", "TIME")]


def clause_chain(token: Token, limit: int = 4) -> list[Token]:
    """``token`` and the verbs/nouns it hangs from, up through its clause."""
    out = [token]
    for _ in range(limit):
        if token.dep_ in ("ROOT", "ccomp", "parataxis") or token.head is token:
            break
        token = token.head
        out.append(token)
    return out


def right_actor(verb: Token, actors: list[Span], ctx: Context) -> list[Span]:
    """The actor named within a few words after a verb the parser left without an object."""
    taken = {a.kb_id_ for a in actors}
    for i in range(verb.i + 1, min(verb.sent.end, verb.i + 4)):
        span = ctx.actor_at[i]
        if span is not None and span.kb_id_ not in taken:
            return [span]
    return []


def left_actor(verb: Token, ctx: Context) -> list[Span]:
    """The actor named right before a verb the parser left without a subject."""
    for i in range(verb.i - 1, max(verb.sent.start, verb.i - 3) - 1, -1):
        if ctx.actor_at[i] is not None:
            return [ctx.actor_at[i]]
    return []


def fallback_actor(event: Event, token: Token, row: Trigger, ctx: Context) -> None:
    """No named actor: the last one (same weapon, or "another attack"), else the one armed
    group the report names, else a class (Unidentified armed group, Protesters, Rioters)."""
    anaphoric = any(c.lower_ in words("event_anaphora") for c in token.children)
    if event.action == "airstrike" and ctx.last_by_action.get("airstrike"):
        event.actors, event.actor_via = list(ctx.last_by_action["airstrike"]), "carried"
    elif anaphoric and ctx.last_violent:
        event.actors, event.actor_via = list(ctx.last_violent), "carried"
    elif row.agentless or event.row.agentless:
        if event.action in ("protest", "riot"):
            event.actor_entity = PROTESTERS if event.action == "protest" else RIOTERS
        elif ctx.report_armed is not None and event.action != "airstrike":
            event.actor_entity = ctx.report_armed
        else:
            event.actor_entity = UNIDENTIFIED
        event.actor_via = "implied"

"""Whether a trigger reports an event that happened: negation, claims, threats, crimes.

ACLED codes what happened, so "did not", "claimed to have", "vowed to", "sentenced for"
and "these attacks" (already told) flag or drop an event; these checks walk the trigger's
clause and know nothing of its actors.
"""

from __future__ import annotations

from spacy.tokens import Token

from workbench.lexicon.events import Trigger
from workbench.lexicon.words import words
from workbench.nlp.arguments import clause_chain, objects_of
from workbench.nlp.frames import Context, lemma_of
from workbench.nlp.triggers import match_trigger


def is_negated(token: Token) -> bool:
    """True when ``token``'s clause negates it or says it failed ("did not", "failed to")."""
    negators = words("event_negators")
    for t in clause_chain(token):
        if any(c.dep_ == "neg" for c in t.children) or lemma_of(t) in negators and t is not token:
            return True
        if any(c.dep_ == "det" and c.lower_ in ("no",) for c in t.children):
            return True
    return False


def is_claimed(token: Token) -> bool:
    """True when ``token`` is only claimed ("claimed to have liberated")."""
    claims = words("event_claims")
    for t in clause_chain(token):
        if (lemma_of(t) in claims and t is not token) or any(
            c.lower_ in claims for c in t.children if c.dep_ == "advmod"
        ):
            return True
    return False


def is_unreal(verb: Token) -> bool:
    """Threats, plans and calls ("vowed to attack", "will strike", "urged X to stop")."""
    unreal = words("event_unreal")
    token = verb
    for _ in range(4):
        if any(c.dep_ == "aux" and c.lower_ in unreal for c in token.children):
            return True
        if token.dep_ == "acl" and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in token.children
        ):
            return True  # "efforts to clear", "the capacity to fight"
        if token.dep_ not in ("xcomp", "conj") or token.head is token:
            return False
        token = token.head
        if lemma_of(token) in unreal:
            return True
    return False


def is_crime(token: Token) -> bool:
    """True when ``token`` is a punishment "for"/"over" a crime, not an event."""
    crimes = words("event_crimes")
    for c in token.children:
        if c.dep_ == "prep" and c.lower_ in ("for", "over"):
            if any(lemma_of(t) in crimes or t.lower_ in crimes for t in c.subtree):
                return True
    return False


def is_generic(noun: Token, ctx: Context, row: Trigger) -> bool:
    """A nominal that reports no new event: "these attacks" (already told), "responsible
    for attacks", "in response to attacks", "must stop attacks", "the ability to plot
    attacks", "an imminent offensive"."""
    if any(
        c.dep_ == "det" and c.lower_ in ("this", "these", "that", "those") for c in noun.children
    ):
        # already told, unless it now says what the event did ("these airstrikes destroyed")
        head = noun.head
        if not (noun.dep_ == "nsubj" and match_trigger(head, ctx) is not None and objects_of(head)):
            return True
    if any(
        c.lower_ in words("event_unreal") for c in noun.children if c.dep_ in ("amod", "advmod")
    ):
        return True
    background, cessation = words("event_background"), words("event_cessation")
    possessed = any(c.dep_ == "poss" for c in noun.children)
    for t in clause_chain(noun, 6)[1:]:
        lemma = lemma_of(t)
        if lemma in background or t.lower_ in background:
            return True
        if lemma in cessation:
            return True  # a call to stop (or a pause in) an event is no report of one
        if (
            t.pos_ in ("VERB", "AUX")
            and not possessed
            and (
                lemma in words("event_unreal")
                or any(c.dep_ == "aux" and c.lower_ in words("event_unreal") for c in t.children)
                or (t.dep_ == "acl" and any(c.lower_ == "to" for c in t.children))
            )
        ):
            return True
    return False

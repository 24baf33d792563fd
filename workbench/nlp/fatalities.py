"""The deaths a sentence reports for one of its events.

ACLED counts deaths only, reads vague counts by its codebook ("dozens" 12) and leaves an
unknown count unknown; the victims of kill verbs and death nouns and their number words
are a small parser of their own.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from workbench.nlp.arguments import clause_chain, subject_of, with_conjuncts
from workbench.nlp.frames import Event, lemma_of

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
#: ACLED's conservative readings of vague counts (codebook: "dozens" 12, "hundreds" 100).
_VAGUE_COUNTS = {"dozens": 12, "tens": 10, "hundreds": 100, "thousands": 1000, "scores": 20}
KILL_VERBS = {"kill", "slay", "behead", "massacre", "murder", "slaughter", "assassinate"}
_DEATH_NOUNS = {"death", "deaths", "fatality", "fatalities", "dead"}


def fatalities(event: Event, sent: Span) -> int | None:
    """Deaths the sentence reports for this event (ACLED: deaths only; vague counts by the
    codebook; unknown stays None)."""
    total = None
    for t in sent:
        lemma = lemma_of(t)
        victims: list[Token] = []
        if (
            lemma in KILL_VERBS
            or (lemma == "shoot" and any(c.lower_ == "dead" for c in t.children))
            or (lemma == "beat" and any(g.lower_ == "death" for g in t.subtree))
        ):
            _, passive = subject_of(t)
            victims = (
                [c for c in t.children if c.dep_ == "nsubjpass"]
                if passive
                else [c for c in t.children if c.dep_ in ("dobj", "oprd")]
            )
            if not victims:
                victims = [c for c in t.children if c.dep_ == "dobj" or c.dep_ == "npadvmod"]
        elif lemma == "die":
            victims = [c for c in t.children if c.dep_ == "nsubj"]
        elif t.lower_ in _DEATH_NOUNS and t.pos_ == "NOUN":
            victims = [t]
        if not victims:
            continue
        if not _belongs(t, event, sent):
            continue
        count = sum(filter(None, (_count(v) for v in with_conjuncts(victims))), 0)
        if any(_count(v) is not None for v in with_conjuncts(victims)):
            total = (total or 0) + count
    return total


def _belongs(death: Token, event: Event, sent: Span) -> bool:
    chain = set(clause_chain(death, 6)) | {death}
    return bool(chain & set(event.anchors)) or event.trigger in chain or death.head in event.anchors


def _count(noun: Token) -> int | None:
    if noun.lower_ in ("no", "none") or any(c.lower_ == "no" for c in noun.children):
        return 0
    if noun.lower_ in _VAGUE_COUNTS:
        return _VAGUE_COUNTS[noun.lower_]
    if noun.like_num:
        return _number(noun)
    for c in noun.children:
        if c.dep_ == "nummod":
            return _number(c)
        if c.dep_ == "det" and c.lower_ in ("a", "an") and noun.tag_ == "NN":
            return 1
    if noun.lower_ == "one":
        return 1
    return None


def _number(token: Token) -> int | None:
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text)
    if text in _VAGUE_COUNTS:
        return _VAGUE_COUNTS[text]
    return _NUMBERS.get(text)

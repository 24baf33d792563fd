"""The entity rules of the mention component: one test per rule in ``ENTITY_RULES``.

Docs are built by hand (words, heads, dependency labels, entities) so each test shows
the exact shape a rule reads; the loaded pipeline only supplies the vocabulary and the
component's gazetteer.
"""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from workbench.nlp.mentions import ENTITY_RULES


@pytest.fixture(scope="module")
def tagger(nlp):
    return nlp.get_pipe("workbench_mentions")


def doc_of(nlp, words, ents, *, heads=None, deps=None, ent_ids=None, lemmas=None, pos=None):
    """One sentence with the given entity IOB tags (and optional parse: absolute heads)."""
    n = len(words)
    doc = Doc(
        nlp.vocab,
        words=words,
        heads=heads or [0] * n,
        deps=deps or ["ROOT"] + ["dep"] * (n - 1),
        ents=ents,
        lemmas=lemmas or [w.lower() for w in words],
        pos=pos,
    )
    for span, kb in zip(doc.ents, ent_ids or [], strict=False):
        for token in span:  # the EntityRuler keeps a pattern's id on the tokens
            token.ent_id_ = kb
    return doc


def decide(tagger, doc, i=0):
    name, found = tagger.decide(doc, doc.ents[i])
    return name, [(f[0].text, f[0].label_, f[0].kb_id_, f[1]) for f in found]


def test_every_rule_has_a_test():
    tested = {n[len("test_") :] for n in globals() if n.startswith("test_")}
    assert {name for name, _ in ENTITY_RULES} <= tested


def test_gazetteer_actor(nlp, tagger):
    doc = doc_of(
        nlp,
        ["Gunmen", "killed", "unarmed", "civilians"],
        ["O", "O", "O", "B-ACTOR"],
        ent_ids=["civilians"],
        pos=["NOUN", "VERB", "ADJ", "NOUN"],
    )
    assert decide(tagger, doc) == (
        "gazetteer_actor",
        [("unarmed civilians", "ACTOR", "civilians", "gazetteer")],  # the adjective joins
    )


def test_preposition_place(nlp, tagger):
    doc = doc_of(nlp, ["Fighting", "Near", "Raqqah"], ["O", "B-PERSON", "I-PERSON"])
    assert decide(tagger, doc) == ("preposition_place", [("Raqqah", "PLACE", "", "ner+pattern")])


def test_governments_of(nlp, tagger):
    doc = doc_of(nlp, ["Governments", "of", "Qatar", "agreed"], ["B-ORG", "I-ORG", "I-ORG", "O"])
    assert decide(tagger, doc) == (
        "governments_of",
        [("Qatar", "ACTOR", "government:QA", "pattern")],
    )


def test_alias_actor(nlp, tagger):
    doc = doc_of(nlp, ["Daesh", "said"], ["B-ORG", "O"])
    assert decide(tagger, doc) == (
        "alias_actor",
        [("Daesh", "ACTOR", "islamic-state", "gazetteer")],
    )


def test_person_place(nlp, tagger):
    doc = doc_of(nlp, ["in", "Hasakah", "."], ["O", "B-PERSON", "O"])
    assert decide(tagger, doc) == ("person_place", [("Hasakah", "PLACE", "", "ner+gazetteer")])


def test_new_actor(nlp, tagger):
    doc = doc_of(
        nlp,
        ["The", "Popular", "Resistance", "Front", "attacked"],
        ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O"],
    )
    assert decide(tagger, doc) == (
        "new_actor",
        [("Popular Resistance Front", "ACTOR", "new:popular resistance front", "ner")],
    )
    bland = doc_of(nlp, ["The", "Bakery", "opened"], ["B-ORG", "I-ORG", "O"])
    assert decide(tagger, bland) == ("new_actor", [])  # no actor's head noun: nothing


def test_not_a_kind(nlp, tagger):
    doc = doc_of(nlp, ["Three", "hundred", "fled"], ["B-CARDINAL", "I-CARDINAL", "O"])
    assert decide(tagger, doc) == ("not_a_kind", [])
    fighting = doc_of(nlp, ["the", "fighting"], ["B-DATE", "I-DATE"])
    assert decide(tagger, fighting) == ("not_a_kind", [])  # a DATE that names no date


def test_country_agent(nlp, tagger):
    # "Turkey struck ...": the subject of a military verb is the state's forces
    struck = doc_of(
        nlp,
        ["Turkey", "struck", "targets"],
        ["B-GPE", "O", "O"],
        lemmas=["Turkey", "strike", "target"],
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "dobj"],
    )
    name, found = decide(tagger, struck)
    assert name == "country_agent" and found[0][1] == "ACTOR" and found[0][3] == "role"
    # "Turkey said ...": a statement's author is neither actor nor place
    said = doc_of(
        nlp,
        ["Turkey", "said", "so"],
        ["B-GPE", "O", "O"],
        lemmas=["Turkey", "say", "so"],
        heads=[1, 1, 1],
        deps=["nsubj", "ROOT", "advmod"],
    )
    assert decide(tagger, said) == ("country_agent", [])


def test_adjective_country(nlp, tagger):
    doc = doc_of(
        nlp,
        ["Iraqi", "officials", "spoke"],
        ["B-GPE", "O", "O"],
        heads=[1, 2, 2],
        deps=["amod", "dobj", "ROOT"],
    )
    assert decide(tagger, doc) == ("adjective_country", [])


def test_entity(nlp, tagger):
    doc = doc_of(
        nlp,
        ["in", "eastern", "Syria", "and", "Marib", "Governorate"],
        ["O", "O", "B-GPE", "O", "B-GPE", "O"],
    )
    assert decide(tagger, doc, 0) == ("entity", [("eastern Syria", "PLACE", "", "ner")])
    assert decide(tagger, doc, 1) == ("entity", [("Marib Governorate", "PLACE", "", "ner")])

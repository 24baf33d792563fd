"""The spaCy pipeline and its components: unit tests on short texts, one model-backed seed test."""

from __future__ import annotations

import spacy

from workbench import schema
from workbench.nlp.aliases import _strip_modifiers, alias_pairs
from workbench.nlp.pipeline import dateline_component
from workbench.resolve.actors import resolve_actors


def test_alias_pairs_from_brackets_and_known_as():
    text = (
        "The Kurdish-led Syrian Democratic Forces (SDF) advanced. The coalition, formally "
        "known as the Combined Joint Task Force-Operation Inherent Resolve (CJTF-OIR), struck. "
        "The Iranian-backed Popular Mobilization Forces (PMF), also known as the Hashd al-Shaabi."
    )
    pairs = alias_pairs(text)
    assert ("Syrian Democratic Forces", "SDF") in pairs
    assert ("Combined Joint Task Force-Operation Inherent Resolve", "CJTF-OIR") in pairs
    assert ("Popular Mobilization Forces", "PMF") in pairs
    assert any(short == "Hashd al-Shaabi" for _, short in pairs)


def test_alias_pairs_ignore_brackets_that_are_not_acronyms():
    assert alias_pairs("Troops entered Mosul (northern Iraq) on Monday.") == []
    assert _strip_modifiers("US-backed Kurdish Forces") == "Kurdish Forces"


def test_dateline_component_tags_place_and_blocks_outlet():
    nlp = spacy.blank("en")
    doc = dateline_component(nlp("HASAKAH (Kurdistan 24) - The SDF advanced."))
    assert [(e.text, e.label_) for e in doc.ents] == [("HASAKAH", "GPE")]
    blocked = doc.user_data["wb_dateline"]
    assert [doc.text[s:e] for s, e in blocked] == ["Kurdistan 24"]


def test_state_forces_acting_abroad_are_foreign():
    m = schema.conform(
        [
            {"report_id": "sy", "start": 0, "end": 12, "text": "Iraqi forces", "kind": "actor",
             "entity_id": "forces:IQ"},
            {"report_id": "iq", "start": 0, "end": 12, "text": "Iraqi forces", "kind": "actor",
             "entity_id": "forces:IQ"},
        ],
        "mentions",
    )  # fmt: skip
    m, actors = resolve_actors(m, report_countries={"sy": "SY", "iq": "IQ"})
    assert m.set_index("report_id").actor_type.to_dict() == {
        "sy": "coalition_or_foreign_force",
        "iq": "state_force",
    }
    assert actors.canonical.tolist() == ["Military Forces of Iraq"]


def test_unknown_acronym_resolves_through_alias_mined_in_another_report():
    m = schema.conform(
        [
            {"report_id": "a", "start": 0, "end": 20, "text": "Zarqa Liberation Front",
             "kind": "actor", "entity_id": "new:zarqa liberation front"},
            {"report_id": "a", "start": 22, "end": 25, "text": "ZLF", "kind": "actor",
             "entity_id": "new:zarqa liberation front"},
            {"report_id": "b", "start": 0, "end": 3, "text": "ZLF", "kind": "actor",
             "entity_id": "new:zlf"},
        ],
        "mentions",
    )  # fmt: skip
    m, actors = resolve_actors(m)
    assert set(m.entity_id) == {"new:zarqa liberation front"}
    row = actors.iloc[0]
    assert (row.canonical, row.is_new, row.actor_type) == (
        "Zarqa Liberation Front",
        True,
        "rebel_group",
    )
    assert row.n_reports == 2


def test_pipeline_has_workbench_components(nlp):
    names = nlp.pipe_names
    assert names.index("workbench_dateline") < names.index("ner")
    assert names.index("workbench_actor_ruler") < names.index("ner")
    assert names[-1] == "workbench_mentions"


def test_demonym_forces_and_supporters(nlp):
    doc = nlp("Turkish drones struck the Iranian-backed militia near Qamishli on Monday.")
    spans = {(s.text, s.label_) for s in doc.spans["workbench"]}
    assert ("Turkish drones", "ACTOR") in spans
    assert ("Iranian", "SUPPORTER") in spans

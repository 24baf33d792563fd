"""Actors on reports unlike the dev set: the families of bench/actor_families.md.

Every sentence here is written for these tests, in the styles an analyst's folder holds
(wire copy, local press, UN situation reports, one-line event summaries, encyclopaedia
leads); none comes from the dev corpus. The model runs once per session (``nlp``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import schema
from workbench.resolve.references import LINK_SOURCES, bind_generics

TEXTS = {
    "wire": (
        "NIAMEY, March 3 (Reuters) - Jihadists killed 12 soldiers in an ambush in western "
        "Niger on Sunday, the army said. The military said troops repelled the attackers "
        "near the town of Tera. Chadian troops were not involved."
    ),
    "local": (
        "CATARMAN, Northern Samar - Government troops clashed with New People's Army "
        "rebels in a village in Northern Samar province, Philippines, on Tuesday. The rebels "
        "fled toward the mountains, according to Army Captain Juan Reyes."
    ),
    "un": (
        "On 14 May, the Myanmar military conducted airstrikes on villages in Sagaing "
        "Region. The junta's troops also torched more than 100 houses. OCHA reported that "
        "about 5,000 people were displaced."
    ),
    "monitor": (
        "Turkish-backed factions shelled villages in northern Syria on Friday, the Syrian "
        "Observatory for Human Rights said. Ankara said its forces had struck militant "
        "positions."
    ),
    "summary": (
        "On 3 June 2024, police dispersed protesters in Nairobi, Kenya. Kenya's police "
        "arrested 30 people. The Russians launched drones at Kharkiv, Ukraine, overnight."
    ),
    "latam": (
        "LA PAZ, Bolivia (Reuters) - Bolivian police fired tear gas at protesters on Monday. "
        "Somali policemen were also deployed, and Chilean soldiers patrolled the border."
    ),
    "encyclopaedia": (
        "Boko Haram is a jihadist insurgency in northeastern Nigeria. The jihadist group "
        "began an armed rebellion in 2009 and attacked a military outpost in Borno."
    ),
    "un_wire": (
        "UNITED NATIONS (Xinhua) -- Rapid Support Forces shelled a camp near El Fasher, "
        "killing 40 people, the UN Office for the Coordination of Humanitarian Affairs said."
    ),
    "haiti": (
        "PORT-AU-PRINCE, Haiti (AP) - Gang members set fire to homes in the Carrefour-Feuilles "
        "neighborhood on Saturday, police said."
    ),
    "branches": (
        "KYIV (AP) - Ukraine's air force said it shot down 40 of 62 drones overnight. "
        "Border guards reported shelling near Sumy."
    ),
    "allied": (
        "The Iraqi government and allied militias launched a campaign to retake Mosul from "
        "the Islamic State. Pro-government militias also shelled Tal Afar."
    ),
}


@pytest.fixture(scope="module")
def actors(nlp):
    """``style -> actor mentions`` (resolved, with their links), all tagged in one pass."""
    from workbench.nlp.tagging import tag
    from workbench.resolve.tables import resolve

    reports = schema.conform(
        [{"report_id": k, "path": f"{k}.txt", "format": "txt", "title": "", "body": t}
         for k, t in TEXTS.items()], "reports",
    )  # fmt: skip
    tagged = tag(reports, nlp=nlp)
    m = resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])["mentions"]
    m = m[m.kind.isin(schema.ACTOR_KINDS)]
    return {k: m[m.report_id == k] for k in TEXTS}


def one(mentions: pd.DataFrame, text: str) -> pd.Series:
    hits = mentions[mentions.text == text]
    assert len(hits) == 1, (text, mentions[["text", "canonical"]].values.tolist())
    return hits.iloc[0]


# -- family 1: generic references, bound to the actor they denote ------------------------


def test_the_army_of_a_report_is_its_countrys_forces(actors):
    wire = actors["wire"]
    for text in ("soldiers", "army", "military", "troops"):
        m = one(wire, text)
        assert (m.canonical, m.actor_type, m.source) == (
            "Military Forces of Niger", "state_force", "generic"
        ), text  # fmt: skip
        assert m.link_source in ("home", "nearest") and 0 < m.link_confidence < 1
    assert one(wire, "Jihadists").canonical == "Unidentified armed group"  # nobody named
    assert one(wire, "Jihadists").actor_type == "rebel_group"  # but of that kind


def test_rebels_bind_to_the_rebel_group_named_before_them(actors):
    local = actors["local"]
    npa = one(local, "New People's Army")
    rebels = local[(local.text == "rebels") & (local.start > npa.end + 5)].iloc[0]
    assert (rebels.canonical, rebels.link_source) == ("New People's Army", "nearest")
    assert rebels.antecedent == f"{npa.start}-{npa.end}"
    assert "Army" not in set(local.text)  # "Army Captain Reyes": a title, not an actor
    assert "Northern Samar - Government" not in set(local.text)  # the dateline's province


def test_a_group_named_once_is_what_the_jihadist_group_means(actors):
    group = one(actors["encyclopaedia"], "jihadist group")
    assert (group.canonical, group.link_source) == ("Boko Haram", "nearest")
    assert "military" not in set(actors["encyclopaedia"].text)  # "a military outpost"


def test_the_juntas_troops_are_one_actor_the_forces(actors):
    un = actors["un"]
    assert one(un, "troops").canonical == "Military Forces of Myanmar"
    assert "junta" not in set(un.text)  # the possessor of the troops is not a second actor


def test_countries_named_in_the_phrase_and_demonym_plurals(actors):
    summary = actors["summary"]
    assert one(summary, "police").link_source == "home"  # the report is from Kenya
    named = one(summary, "Kenya's police")
    assert (named.canonical, named.link_source) == ("Police Forces of Kenya", "named")
    assert one(summary, "police").canonical == "Police Forces of Kenya"
    assert one(summary, "Russians").canonical == "Military Forces of Russia"  # it launched


def test_demonyms_of_every_country_and_their_police(actors):
    latam = actors["latam"]
    assert one(latam, "Bolivian police").canonical == "Police Forces of Bolivia"
    assert one(latam, "Somali policemen").canonical == "Police Forces of Somalia"  # gazetteer's
    assert one(latam, "Chilean soldiers").canonical == "Military Forces of Chile"


# -- family 3: sources are not actors ---------------------------------------------------


def test_monitors_and_agencies_that_only_report_are_not_actors(actors):
    assert "Syrian Observatory for Human Rights" not in set(actors["monitor"].text)
    assert "OCHA" not in set(actors["un"].text)
    assert not actors["monitor"].text.str.contains("Ankara").any()  # the state speaking


def test_a_source_that_acts_is_kept(nlp):
    from workbench.nlp.sources import is_source

    doc = nlp("OCHA evacuated 300 families from the camp. OCHA said the camp was shelled.")
    spans = [s for s in doc.ents if s.text == "OCHA"]
    assert len(spans) == 2 and not is_source(spans[0]) and is_source(spans[1])


# -- family 4: context: a state's forces at home and abroad ---------------------------


def test_forces_are_typed_by_where_they_act(actors):
    wire = actors["wire"]
    assert one(wire, "Chadian troops").actor_type == "coalition_or_foreign_force"
    assert one(wire, "troops").actor_type == "state_force"  # Niger's own, in Niger


# -- the binding rules, on hand-made mentions (no model) -----------------------------


def rows(*mentions):
    return pd.DataFrame(
        [{"report_id": "r", "sentence_id": s, "start": 10 * i, "end": 10 * i + 5, "text": t,
          "entity_id": e} for i, (s, t, e) in enumerate(mentions)]
    )  # fmt: skip


def bind(frame, home="NE"):
    types = {"alpha": "rebel_group", "beta": "rebel_group", "mil-ne": "state_force",
             "police-ne": "state_force", "us": "coalition_or_foreign_force"}  # fmt: skip
    return bind_generics(frame, types=types, report_countries={"r": home} if home else {},
                         state_actor=lambda code, branch: f"{branch}:{code}")  # fmt: skip


def test_binding_looks_back_a_few_sentences_then_to_the_report_or_its_only_group():
    out = bind(rows((0, "Alpha", "alpha"), (5, "rebels", "generic:rebel_group:")))
    assert (out.entity_id[1], out.link_source[1]) == ("alpha", "only")  # too far: the only one
    out = bind(
        rows((0, "Alpha", "alpha"), (1, "Beta", "beta"), (9, "rebels", "generic:rebel_group:"))
    )
    assert (out.entity_id[2], out.link_source[2]) == ("unidentified-armed-group", "unnamed")
    out = bind(rows((0, "US troops", "us"), (1, "the soldiers", "generic:state_force:military")))
    assert (out.entity_id[1], out.link_source[1]) == ("us", "nearest")  # foreign forces too
    out = bind(rows((0, "US troops", "us"), (6, "the army", "generic:state_force:military")))
    assert (out.entity_id[1], out.link_source[1]) == ("military:NE", "home")


def test_police_bind_to_police_and_a_named_country_wins():
    out = bind(rows((0, "Army", "mil-ne"), (0, "police", "generic:state_force:police")))
    assert (out.entity_id[1], out.link_source[1]) == ("police:NE", "home")  # not the army
    out = bind(rows((0, "police", "generic:state_force:police:KE")))
    assert (out.entity_id[0], out.link_source[0], out.antecedent[0]) == ("police:KE", "named", None)
    out = bind(rows((0, "the regime", "generic:government_or_official:government")), home=None)
    assert out.link_source[0] == "none" and out.entity_id[0] == "new:regime"
    assert set(LINK_SOURCES) >= set(out.link_source.dropna())
    assert out.link_confidence[0] < 0.5


def test_a_long_name_written_two_ways_in_a_report_is_one_actor():
    from workbench.resolve.actors import resolve_actors

    texts = ["Jama'at Ansar al-Furqan", "Jamaat Ansar al Furqan", "Ansar Group", "Ansar Groups"]
    m = schema.conform(
        [{"report_id": "r", "sentence_id": i, "start": 40 * i, "end": 40 * i + len(t),
          "text": t, "kind": "actor", "entity_id": f"new:{t.lower()}"}
         for i, t in enumerate(texts)], "mentions",
    )  # fmt: skip
    out, actors = resolve_actors(m)
    ids = out.entity_id.tolist()
    assert ids[0] == ids[1]  # one group, two spellings
    assert ids[2] != ids[3]  # short names are not merged on a letter
    assert len(actors) == 3


def test_backed_factions_are_the_actor_their_backer_backs_there(actors):
    factions = one(actors["monitor"], "factions")
    assert (factions.canonical, factions.link_source) == ("Syrian National Army", "backed")


def test_backing_binds_only_in_its_theatre():
    frame = rows((0, "factions", "generic:rebel_group:"))
    common = dict(types={"sna": "rebel_group"}, state_actor=lambda c, b: f"{b}:{c}",
                  backers={0: "military-turkey"},
                  backing={"military-turkey": [("sna", "SY")]})  # fmt: skip
    out = bind_generics(frame, report_countries={"r": "SY"}, **common)
    assert (out.entity_id[0], out.link_source[0]) == ("sna", "backed")
    out = bind_generics(frame, report_countries={"r": "LY"}, **common)  # Turkey backs others there
    assert (out.entity_id[0], out.link_source[0]) == ("unidentified-armed-group", "unnamed")


def test_a_state_the_gazetteer_lacks_is_named_as_acled_names_it():
    from workbench.resolve.actors import resolve_actors

    m = schema.conform(
        [{"report_id": "r", "sentence_id": 0, "start": 0, "end": 8, "text": "the army",
          "kind": "actor", "entity_id": "generic:state_force:military"},
         {"report_id": "r", "sentence_id": 0, "start": 20, "end": 26, "text": "police",
          "kind": "actor", "entity_id": "generic:state_force:police"}], "mentions",
    )  # fmt: skip
    out, _ = resolve_actors(m, report_countries={"r": "BJ"})  # Benin: no demonym row
    assert out.canonical.tolist() == ["Military Forces of Benin", "Police Forces of Benin"]
    assert set(out.actor_type) == {"state_force"}


def test_a_dateline_or_a_piece_of_a_hyphenated_name_is_no_actor(actors):
    # "UNITED NATIONS (Xinhua)" is where the report was filed; "AU" in "PORT-AU-PRINCE"
    # is not the African Union
    assert "UNITED NATIONS" not in set(actors["un_wire"].text)
    assert "au" not in set(actors["haiti"].entity_id)
    assert "AU" not in set(actors["haiti"].text)


def test_an_agency_is_a_source_under_any_of_its_names(actors):
    # OCHA's long name, as the UN writes it, still only reports
    assert not actors["un_wire"].text.str.contains("Coordination").any()
    assert "Rapid Support Forces" in set(actors["un_wire"].text)


def test_a_generic_phrase_beats_ner_on_a_piece_of_it(actors):
    # NER tags "Gang" of "Gang members" as a person: the phrase is the actor
    assert one(actors["haiti"], "Gang members")["actor_type"] == "political_militia"


def test_allied_militias_are_not_the_insurgent_they_fight(actors):
    allied = actors["allied"]
    islamic_state = set(allied.entity_id[allied.text == "Islamic State"])
    rows = allied[allied.text == "militias"]
    assert len(rows) == 2, allied[["text", "canonical"]].values.tolist()
    assert islamic_state and not set(rows.entity_id) & islamic_state


def test_branches_of_state_forces_are_that_states_forces(actors):
    branches = actors["branches"]
    air_force = one(branches, "Ukraine's air force")
    assert air_force["canonical"] == "Military Forces of Ukraine"
    assert one(branches, "Border guards")["entity_id"] == air_force["entity_id"]

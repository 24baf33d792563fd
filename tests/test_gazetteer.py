"""The gazetteers are part of every cache key: a changed user gazetteer changes the
fingerprint, rebuilds the lookups built from it, re-tags only the reports that name a
changed actor, and (with the real model) brings a confirmed actor to every report."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.test_store import FakeTagger, fake_resolver
from workbench.config import USER_GAZETTEER_ENV
from workbench.corpus import Store
from workbench.lexicon import gazetteer
from workbench.lexicon.gazetteer import GAZETTEER_COLUMNS


def _write_user_gazetteer(path, rows: list[dict]) -> None:
    table = pd.DataFrame([{c: "" for c in GAZETTEER_COLUMNS} | r for r in rows])
    table.to_csv(path, index=False)


DELTA = {"actor_id": "user-delta", "canonical": "Delta Corps", "aliases": "the Deltas",
         "case_sensitive_aliases": "DC", "actor_type": "rebel_group", "source": "user"}  # fmt: skip


@pytest.fixture
def user_gazetteer(tmp_path, monkeypatch):
    path = tmp_path / "user-actors.csv"
    monkeypatch.setenv(USER_GAZETTEER_ENV, str(path))
    return path


def test_fingerprint_follows_the_user_gazetteers_content(user_gazetteer):
    none = gazetteer.fingerprint()
    _write_user_gazetteer(user_gazetteer, [DELTA])
    with_delta = gazetteer.fingerprint()
    assert with_delta != none
    _write_user_gazetteer(user_gazetteer, [DELTA])  # rewritten, same content
    assert gazetteer.fingerprint() == with_delta
    user_gazetteer.unlink()
    assert gazetteer.fingerprint() == none


def test_lookups_built_from_the_gazetteer_follow_it(user_gazetteer):
    from workbench.nlp.mentions import _alias_lookup
    from workbench.resolve.actors import _known_actors

    assert "delta corps" not in _alias_lookup()
    _write_user_gazetteer(user_gazetteer, [DELTA])
    assert _alias_lookup()["delta corps"] == "user-delta"
    assert _known_actors()["user-delta"]["actor_type"] == "rebel_group"


def test_unaffected_matches_whole_words_and_exact_case_aliases():
    old = gazetteer.actor_terms(gazetteer.load_gazetteer())
    new = {**old, "user-delta": ["Delta Corps", "=DC", "|", "rebel_group"]}
    texts = {
        "names-it": "The delta corps shelled the town.",
        "acronym": "DC fighters fled.",
        "inside-a-word": "Deltacorpsman and dc-area news; Washington, D.C.",
        "nothing": "Rain fell.",
    }
    assert gazetteer.unaffected(texts, old, new) == ["inside-a-word", "nothing"]
    changed_type = {**new, "user-delta": ["Delta Corps", "=DC", "|", "state_force"]}
    assert gazetteer.unaffected(texts, new, changed_type) == ["inside-a-word", "nothing"]
    assert gazetteer.unaffected(texts, new, new) == list(texts)


def _corpus(folder) -> None:
    folder.mkdir()
    (folder / "a.txt").write_text("Clashes\n\nDelta Corps attacked Hajin.\n", encoding="utf-8")
    (folder / "b.txt").write_text("Floods\n\nRain flooded Raqqa and Kampala.\n", encoding="utf-8")
    (folder / "c.txt").write_text("Raid\n\nDC fighters raided Mosul.\n", encoding="utf-8")


def test_a_gazetteer_change_retags_only_the_reports_naming_a_changed_actor(
    tmp_path, user_gazetteer, monkeypatch
):
    _corpus(tmp_path / "corpus")
    tagger = FakeTagger()
    with Store.open(tmp_path / "s.duckdb", tagger=tagger, resolver=fake_resolver) as store:
        assert store.ingest(tmp_path / "corpus", progress=False)["tagged"] == 3
        assert store.ingest(tmp_path / "corpus", progress=False)["tagged"] == 0
        _write_user_gazetteer(user_gazetteer, [DELTA])  # another corpus confirmed Delta Corps
        counts = store.ingest(tmp_path / "corpus", progress=False)
        assert (counts["tagged"], counts["skipped"]) == (2, 1)  # a (name) and c (acronym)
        assert store.ingest(tmp_path / "corpus", progress=False)["tagged"] == 0
        user_gazetteer.unlink()  # back to the shipped gazetteer: the same two again
        assert store.ingest(tmp_path / "corpus", progress=False)["tagged"] == 2
        # A change to the other data files cannot be traced to reports: all re-tag.
        monkeypatch.setattr(gazetteer, "_shipped_hash", lambda: "another-release")
        gazetteer._fingerprint.cache_clear()
        assert store.ingest(tmp_path / "corpus", progress=False)["tagged"] == 3
    assert tagger.reports == 3 + 2 + 2 + 3
    gazetteer._fingerprint.cache_clear()


def test_a_confirmed_actor_reaches_every_report_of_the_corpus(tmp_path, user_gazetteer, nlp):
    from workbench.nlp.pipeline import refresh_actors

    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "named.txt").write_text(
        "Raid\n\nRebels of the Acholi Liberation Army (ALA) raided a village near Kitgum.\n",
        encoding="utf-8",
    )
    (folder / "later.txt").write_text(
        "Clashes in Gulu\n\nALA fighters and the acholi liberation army attacked a police "
        "post near Gulu.\n",
        encoding="utf-8",
    )
    try:
        with Store.open(tmp_path / "s.duckdb") as store:
            store.ingest(folder, nlp=nlp, progress=False)
            actors = store.table("actors")
            new = actors[actors.canonical == "Acholi Liberation Army"]
            assert new.is_new.all() and len(new) == 1
            store.correct("confirm_actor", actor=new.actor_id.iloc[0])
            store.write_gazetteer(user_gazetteer)
            assert store.ingest(folder, nlp=nlp, progress=False)["tagged"] == 2
            mentions = store.table("mentions")
            ids = dict(zip(store.table("reports").path.map(lambda p: p.rsplit("/", 1)[-1]),
                           store.table("reports").report_id, strict=True))  # fmt: skip
            ala = mentions[mentions.canonical == "Acholi Liberation Army"]
            assert set(ala.report_id) == {ids["named.txt"], ids["later.txt"]}
            later = set(ala[ala.report_id == ids["later.txt"]].text)
            assert later >= {"ALA", "acholi liberation army"}, later
            assert (store.table("actors").set_index("canonical").loc[
                "Acholi Liberation Army", "source"] == "gazetteer")  # fmt: skip
            assert store.corrections().status.tolist() == ["applied"]
    finally:
        user_gazetteer.unlink(missing_ok=True)
        refresh_actors(nlp)  # the shared pipeline back to the shipped gazetteer

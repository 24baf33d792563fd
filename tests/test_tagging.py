"""The tagging panel without a browser: what each button sends, that nothing is preset, that a
merge asks first, that a reject or relabel reaches the chosen scope, and that every action
can be undone from the panel."""

from __future__ import annotations

from contextlib import contextmanager

import pandas as pd
import pytest

from workbench import schema
from workbench.errors import CorrectionError, WorkbenchError
from workbench.views import tagging

MENTION = {"report_id": "r1", "start": 14, "end": 17, "text": "SDF", "entity_id": "sdf"}


@pytest.mark.parametrize(
    ("action", "value", "expected"),
    [
        ("Reject", None, ("reject_mention", {"report_id": "r1", "start": 14, "end": 17,
                                              "text": "SDF"})),
        ("Relabel", "place", ("relabel", {"report_id": "r1", "start": 14, "end": 17,
                                          "text": "SDF", "kind": "place", "label": "PLACE"})),
        ("Set type", "state_force", ("set_actor_type", {"actor": "sdf",
                                                        "actor_type": "state_force"})),
        ("Merge into", "is", ("merge_actors", {"actors": ["sdf", "is"], "into": "is"})),
        ("Confirm", None, ("confirm_actor", {"actor": "sdf"})),
    ],
)  # fmt: skip
def test_correction_for_each_button(action, value, expected):
    assert tagging.correction_for(action, MENTION, value=value) == expected


def test_correction_for_says_what_is_missing():
    with pytest.raises(WorkbenchError, match="choose a value"):
        tagging.correction_for("Set type", MENTION)
    with pytest.raises(WorkbenchError, match="not resolved"):
        tagging.correction_for("Confirm", {**MENTION, "entity_id": None})
    with pytest.raises(WorkbenchError, match="not resolved"):
        tagging.correction_for("Set type", {**MENTION, "kind": "place"}, value="rebel_group")
    with pytest.raises(WorkbenchError, match="another actor"):
        tagging.correction_for("Merge into", MENTION, value="sdf")


def test_mentions_in_scope_reaches_the_text_in_report_or_corpus(tiny_tables):
    m = tiny_tables["mentions"]
    sdf = m[(m.report_id == "r1") & (m.text == "SDF")].iloc[0]
    assert len(tagging.mentions_in_scope(m, sdf, "mention")) == 1
    assert len(tagging.mentions_in_scope(m, sdf, "report")) == 1
    corpus = tagging.mentions_in_scope(m, sdf, "corpus")
    assert sorted(corpus.report_id) == ["r1", "r2", "r3"] and set(corpus.text) == {"SDF"}
    raqqa = m[(m.report_id == "r2") & (m.text == "Raqqa")].iloc[0]
    assert len(tagging.mentions_in_scope(m, raqqa, "report")) == 2
    with pytest.raises(WorkbenchError, match="scope"):
        tagging.mentions_in_scope(m, sdf, "everywhere")


def test_merge_question_names_both_actors(tiny_tables):
    q = tagging.merge_question(tiny_tables["actors"], "sdf", "saa")
    assert q.startswith("Merge “Syrian Democratic Forces” (rebel group,")
    assert "into “Syrian Arab Army” (state force," in q


class FakeStore:
    """Records corrections and undos; the tables lose a rejected mention, as the real store's
    would; ``corrections()`` lists what was sent."""

    def __init__(self, tables: dict) -> None:
        self._tables, self.calls, self.undone = tables, [], []

    def tables(self) -> dict:
        return self._tables

    @contextmanager
    def batch(self):
        yield self

    def corrections(self) -> pd.DataFrame:
        rows = [
            {"id": i + 1, "kind": k, "payload": p, "status": "undone" if i + 1 in self.undone
             else "applied"}
            for i, (k, p) in enumerate(self.calls)
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=["id", "kind", "payload", "status"])

    def correct(self, kind: str, /, **fields) -> int:
        if fields.get("actor") == "ghost":
            raise CorrectionError(f"{kind}: no actor 'ghost'")
        self.calls.append((kind, fields))
        if kind == "reject_mention":
            m = self._tables["mentions"]
            gone = (m.report_id == fields["report_id"]) & (m.start == fields["start"])
            self._tables = {**self._tables, "mentions": m[~gone]}
        return len(self.calls)

    def undo(self, entry_id: int) -> int:
        self.undone.append(entry_id)
        return 100 + entry_id


def _pick(panel, text: str) -> None:
    panel.mention_picker.value = next(v for _, v in panel.mention_picker.options if v[3] == text)


def test_tagging_panel_shows_what_each_mention_resolved_to(tiny_tables):
    panel = tagging.tagging_panel(FakeStore(tiny_tables), report_id="r2")
    assert "&lt;script&gt;" in panel.view.value and "<script>" not in panel.view.value
    labels = [label for label, _ in panel.mention_picker.options]
    assert labels[0] == "Syrian Arab Army · actor · state force  [4:20]"
    assert "the army → Syrian Arab Army · actor · state force  [" in "\n".join(labels)
    starts = [key[1] for _, key in panel.mention_picker.options]
    assert starts == sorted(starts)
    _pick(panel, "the army")
    assert "resolved to <b>Syrian Arab Army</b>" in panel.details.value
    assert "<code>saa</code>" in panel.details.value


def test_tagging_panel_keeps_the_headline_apart(tiny_tables):
    tables = dict(tiny_tables)
    head = {"report_id": "r2", "sentence_id": -1, "sent_start": 0, "sent_end": 22, "start": 17,
            "end": 22, "text": "Raqqa", "kind": "place", "label": "PLACE", "entity_id": "raqqa",
            "canonical": "Raqqa"}  # fmt: skip
    tables["mentions"] = schema.conform(
        pd.concat([tables["mentions"], schema.conform([head], "mentions")]), "mentions"
    )
    panel = tagging.tagging_panel(FakeStore(tables), report_id="r2")
    assert [k for _, k in panel.headline_picker.options] == [("r2", 17, 22, "Raqqa")]
    assert ("r2", 17, 22, "Raqqa") not in [k for _, k in panel.mention_picker.options]
    panel.headline_picker.value = ("r2", 17, 22, "Raqqa")
    assert panel.mention_picker.value is None and panel.chosen == ("r2", 17, 22, "Raqqa")
    _pick(panel, "SDF")
    assert panel.headline_picker.value is None


def test_tagging_panel_presets_nothing(tiny_tables):
    store = FakeStore(tiny_tables)
    panel = tagging.tagging_panel(store, report_id="r2")
    assert all(d.value is None for d in panel.values.values())
    _pick(panel, "Syrian Arab Army")
    assert panel.apply("Set type") is None and "choose a value" in panel.message.value
    assert panel.apply("Merge into") is None and store.calls == []
    panel.values["Set type"].value = "identity_militia"
    panel.buttons["Set type"].click()
    assert store.calls[-1] == ("set_actor_type", {"actor": "saa", "actor_type": "identity_militia"})
    assert all(d.value is None for d in panel.values.values())  # reset after each action


def test_tagging_panel_merge_asks_first_and_names_both(tiny_tables):
    store = FakeStore(tiny_tables)
    panel = tagging.tagging_panel(store, report_id="r2")
    _pick(panel, "SDF")
    panel.values["Merge into"].value = "is"
    panel.buttons["Merge into"].click()
    assert store.calls == [] and panel.confirm_box.layout.display == "flex"
    assert "Syrian Democratic Forces" in panel.question.value
    assert "Islamic State" in panel.question.value
    panel.cancel_button.click()
    assert store.calls == [] and panel.confirm_box.layout.display == "none"
    panel.values["Merge into"].value = "is"
    panel.buttons["Merge into"].click()
    panel.confirm_button.click()
    assert store.calls == [("merge_actors", {"actors": ["sdf", "is"], "into": "is"})]
    assert panel.values["Merge into"].value is None  # a second click cannot merge again
    panel.buttons["Merge into"].click()
    assert len(store.calls) == 1 and "choose a value" in panel.message.value


def test_tagging_panel_reject_reaches_the_corpus_and_undoes_as_one(tiny_tables):
    store = FakeStore(tiny_tables)
    panel = tagging.tagging_panel(store, report_id="r2")
    _pick(panel, "SDF")
    panel.scope.value = "corpus"
    first = panel.apply("Reject")
    assert first == 1 and [k for k, _ in store.calls] == ["reject_mention"] * 3
    assert sorted(p["report_id"] for _, p in store.calls) == ["r1", "r2", "r3"]
    assert "Saved #1–#3: reject_mention (3 mentions)" in panel.message.value
    assert "SDF" not in [k[3] for _, k in panel.mention_picker.options]
    panel.undo_button.click()
    assert store.undone == [3, 2, 1] and "Undid #1, #2, #3" in panel.message.value
    assert panel.undo() is None and "Nothing to undo" in panel.message.value


def test_tagging_panel_relabel_in_the_report(tiny_tables):
    store = FakeStore(tiny_tables)
    panel = tagging.tagging_panel(store, report_id="r2")
    _pick(panel, "Raqqa")
    panel.scope.value = "report"
    panel.values["Relabel"].value = "actor"
    panel.buttons["Relabel"].click()
    m = tiny_tables["mentions"]
    raqqa = sorted(m[(m.report_id == "r2") & (m.text == "Raqqa")].start)
    assert len(raqqa) == 2
    assert [(k, p["start"], p["kind"]) for k, p in store.calls] == [
        ("relabel", s, "actor") for s in raqqa
    ]


def test_tagging_panel_undoes_any_listed_correction(tiny_tables):
    store = FakeStore(tiny_tables)
    panel = tagging.tagging_panel(store, report_id="r2")
    _pick(panel, "Syrian Arab Army")
    panel.buttons["Confirm"].click()
    _pick(panel, "SDF")
    panel.buttons["Confirm"].click()
    assert [v for _, v in panel.ledger_picker.options] == [2, 1]
    assert panel.ledger_picker.options[1][0] == "#1 confirm_actor: saa"
    panel.ledger_picker.value = 1
    panel.undo_selected.click()
    assert store.undone == [1] and panel.history == [[2]]
    assert [v for _, v in panel.ledger_picker.options] == [2]


def test_tagging_panel_shows_store_errors(tiny_tables):
    tables = dict(tiny_tables)
    m = tables["mentions"].copy()
    m.loc[m.entity_id == "saa", "entity_id"] = "ghost"
    tables["mentions"] = m
    panel = tagging.tagging_panel(FakeStore(tables), report_id="r2")
    panel.mention_picker.value = panel.mention_picker.options[0][1]
    assert panel.apply("Confirm") is None
    assert "no actor" in panel.message.value and "#b00020" in panel.message.value


@contextmanager
def real_store(tables: dict, path):
    """A real Store whose tagger and resolver hand back ``tables`` (no model)."""
    from workbench.corpus import Store

    def tagger(reports, *, nlp=None, progress=False):
        m = tables["mentions"]
        return {"mentions": m[m.report_id.isin(reports.report_id)]}

    def resolver(reports, mentions, *, events_raw=None):
        return {**tables, "reports": reports, "mentions": schema.conform(mentions, "mentions")}

    with Store.open(path, tagger=tagger, resolver=resolver) as store:
        store.ingest(tables["reports"], progress=False)
        yield store


def test_tagging_panel_with_the_real_store(tiny_tables, tmp_path):
    with real_store(tiny_tables, tmp_path / "s.duckdb") as store:
        panel = tagging.tagging_panel(store, report_id="r1")
        panel.mention_picker.value = ("r1", 14, 17, "SDF")
        panel.values["Set type"].value = "state_force"
        entry = panel.apply("Set type")
        assert entry is not None, panel.message.value
        actors = store.tables()["actors"].set_index("actor_id")
        assert actors.actor_type["sdf"] == "state_force"
        assert panel.ledger_picker.options[0][1] == entry
        panel.ledger_picker.value = entry
        panel.undo_selected.click()
        assert store.tables()["actors"].set_index("actor_id").actor_type["sdf"] == "rebel_group"
        assert store.corrections().status.tolist() == ["undone", "applied"]


def test_tagging_panel_lists_the_sentences_events_and_rejects_one(tiny_tables):
    from tests.test_filters import tiny_events

    store = FakeStore({**tiny_tables, "events": tiny_events(tiny_tables)})
    panel = tagging.tagging_panel(store, report_id="r2")
    _pick(panel, "Syrian Arab Army")
    assert panel.event_picker.options == (
        ("saa · Shelling/artillery/missile attack · 3 dead", "ev-r2"),
    )
    _pick(panel, "SDF")  # the second sentence codes no event
    assert panel.event_picker.options == ()
    assert panel.reject_event() is None and "Choose an event" in panel.message.value
    _pick(panel, "Syrian Arab Army")
    panel.event_picker.value = "ev-r2"
    panel.reject_event_button.click()
    assert store.calls[-1] == ("reject_event", {"event_id": "ev-r2"})


def test_tagging_panel_edits_and_adds_events_of_the_sentence(tiny_tables, tmp_path):
    from tests.test_filters import tiny_events

    tables = {**tiny_tables, "events": tiny_events(tiny_tables)}
    with real_store(tables, tmp_path / "s.duckdb") as store:
        panel = tagging.tagging_panel(store, report_id="r2")
        _pick(panel, "Syrian Arab Army")
        assert panel.edit_event() is None and "Choose an event" in panel.message.value
        panel.event_picker.value = "ev-r2"
        panel.event_field.value = "fatalities"
        panel.event_value.value = "-4"
        assert panel.edit_event() is None and "cannot be negative" in panel.message.value
        panel.event_field.value = "actor2"
        assert "Islamic State" in panel.event_value.options  # the corpus's actors to pick from
        panel.event_value.value = "Islamic State"
        entry = panel.edit_event()
        assert entry is not None, panel.message.value
        event = store.tables()["events"].set_index("event_id").loc["ev-r2"]
        assert (event.actor2_id, event.inter2) == ("is", 2)
        _pick(panel, "Syrian Arab Army")
        assert panel.event_picker.options[0][0].startswith("Syrian Arab Army → Islamic State")
        assert panel.event_field.value is None and panel.event_value.value == ""  # nothing preset
        assert "edit_event" in panel.ledger_picker.options[0][0]
        panel.new_event_type.value = "Arrests"
        added = panel.add_event()
        assert added is not None, panel.message.value
        events = store.tables()["events"]
        new = events[events.event_id.str.startswith("user:")].iloc[0]
        assert (new.actor1_id, new.sub_event_type, new.report_id) == ("saa", "Arrests", "r2")
        assert "Syrian Arab Army" in new.sentence
        panel.undo()
        assert not store.tables()["events"].event_id.str.startswith("user:").any()


def test_tagging_panel_says_how_a_generic_reference_was_linked_and_relinks_it(tiny_tables):
    m = tiny_tables["mentions"].copy()
    army = (m.report_id == "r2") & (m.text == "the army")
    m.loc[army, ["link_source", "link_confidence", "antecedent"]] = ["nearest", 0.75, "4-20"]
    store = FakeStore({**tiny_tables, "mentions": m})
    panel = tagging.tagging_panel(store, report_id="r2")
    label = next(lbl for lbl, key in panel.mention_picker.options if key[3] == "the army")
    assert "linked: nearest" in label
    _pick(panel, "the army")
    assert "the nearest actor of its kind named before it (“Syrian Arab Army” at 4-20)" in (
        panel.details.value.replace("&#x27;", "'")
    )
    assert "Link to" in panel.details.value
    panel.values["Link to"].value = "is"
    assert panel.apply("Link to") is not None
    kind, fields = store.calls[-1]
    assert (kind, fields["actor"], fields["text"]) == ("set_canonical", "is", "the army")

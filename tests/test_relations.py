"""Relations come from the text the evidence pane shows, headline included."""

from __future__ import annotations

from workbench import schema
from workbench.config import SEEDS_DIR
from workbench.read.reports import read_reports
from workbench.resolve.relations import build_relations
from workbench.views.evidence import evidence

from .conftest import SEED


def _seed_headline_tables() -> tuple:
    """The seed's report, with its headline's actor mentions marked by hand at their
    offsets (the model is not the point): "US" (supporter) and "IS" (actor), and the
    body's "US-backed, Kurdish-led Syrian Democratic Forces"."""
    reports, _ = read_reports(SEED)
    report = reports.iloc[0]
    title, body = report.title, report.body
    assert title.startswith("US-backed forces take control of strategic IS stronghold")
    lede = body.index("The US-backed, Kurdish-led Syrian Democratic Forces")
    lede_end = body.index(".", lede) + 1
    sdf = body.index("Syrian Democratic Forces", lede)
    isis = body.index("Islamic State", lede)

    def mention(sid, s0, s1, start, text, kind, eid):
        return {"report_id": report.report_id, "sentence_id": sid, "sent_start": s0,
                "sent_end": s1, "start": start, "end": start + len(text), "text": text,
                "kind": kind, "entity_id": eid}  # fmt: skip

    mentions = schema.conform(
        [
            mention(-1, 0, len(title), 0, "US", "supporter", "military-us"),
            mention(-1, 0, len(title), title.index("IS "), "IS", "actor", "islamic-state"),
            mention(1, lede, lede_end, lede + 4, "US", "supporter", "military-us"),
            mention(1, lede, lede_end, sdf, "Syrian Democratic Forces", "actor", "sdf"),
            mention(1, lede, lede_end, isis, "Islamic State", "actor", "islamic-state"),
        ],
        "mentions",
    )
    return reports, mentions


def test_headline_supporter_backs_no_actor_across_a_generic():
    reports, mentions = _seed_headline_tables()
    rel = build_relations(mentions, reports)
    support = rel[rel.relation == "support"]
    pairs = set(zip(support.source_actor, support.target_actor, strict=True))
    assert ("military-us", "islamic-state") not in pairs  # "US-backed forces ... IS stronghold"
    assert ("military-us", "sdf") in pairs  # "US-backed, Kurdish-led Syrian Democratic Forces"


def test_every_relation_sentence_is_the_evidence_pane_sentence():
    """The headline "US and British forces hit 18 Houthi targets ..." names two actors: its
    co-mention's sentence is that headline, not the start of the body (the dateline)."""
    reports, _ = read_reports(SEEDS_DIR / "104_coalition_strikes_houthi_targets.txt")
    title, rid = reports.title[0], reports.report_id[0]
    marks = [("British forces", "military-uk"), ("Houthi", "houthis")]
    mentions = schema.conform(
        [
            {
                "report_id": rid,
                "sentence_id": -1,
                "sent_start": 0,
                "sent_end": len(title),
                "start": title.index(t),
                "end": title.index(t) + len(t),
                "text": t,
                "kind": "actor",
                "entity_id": e,
            }
            for t, e in marks
        ],  # fmt: skip
        "mentions",
    )
    tables = {"reports": reports, "mentions": mentions}
    rel = build_relations(mentions, reports)
    tables["relations"] = rel
    assert rel.sentence.tolist() == [title]
    for r in rel.itertuples():
        shown = evidence(tables, pair=(r.source_actor, r.target_actor), relation=r.relation)
        assert r.sentence in set(shown.sentence), (r.relation, r.sentence[:40])


def test_seed_network_draws_no_backing_the_reports_do_not_state(seed_tables):
    """End to end: the seeds say the US backs the SDF, never that it backs IS; and every
    relation's sentence is the text its report shows there (title or body)."""
    rel = seed_tables["relations"]
    backing = rel[rel.relation == "support"]
    support = set(zip(backing.source_actor, backing.target_actor, strict=True))
    assert ("military-us", "sdf") in support and ("military-us", "islamic-state") not in support
    reports = seed_tables["reports"].set_index("report_id")
    for r in rel[rel.sentence_id == -1].itertuples():
        assert r.sentence in reports.title[r.report_id]

"""Shared fixtures: the shipped seeds, a loaded pipeline (once per session), temp folders."""

from __future__ import annotations

import os

import pytest

from workbench.config import SEEDS_DIR, STORE_ENV, USER_GAZETTEER_ENV

SEED = SEEDS_DIR / "000_d02af4319f79bde9.txt"


@pytest.fixture(scope="session", autouse=True)
def throwaway_store(tmp_path_factory):
    """``$WORKBENCH_STORE`` at a file under the session's temp folder, so that no test (nor
    a kernel, browser or CLI subprocess it starts, which inherit it) writes an analyst's
    store; and ``$WORKBENCH_USER_GAZETTEER`` at a file that does not exist, so that no
    analyst's gazetteer changes what the tests tag. Tests that need a store or gazetteer
    of their own pass a path or set the variable again."""
    folder = tmp_path_factory.mktemp("store")
    path = folder / "workbench.duckdb"
    names = {STORE_ENV: str(path), USER_GAZETTEER_ENV: str(folder / "no-user-gazetteer.csv")}
    before = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    yield path
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def nlp():
    """The real pipeline, loaded once: only for tests where the model is the point."""
    from workbench.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture(scope="session")
def seed_tables(nlp):
    """Every table extracted from all shipped seeds (the end-to-end fixture)."""
    from workbench.corpus import extract
    from workbench.read.reports import read_reports

    reports, _ = read_reports(SEEDS_DIR)
    return extract(reports, nlp=nlp)


@pytest.fixture(scope="session")
def event_tables(nlp):
    """``texts -> {text: events table}``: each text one report, all tagged in one pass."""
    from workbench import schema
    from workbench.nlp.tagging import tag
    from workbench.resolve.tables import resolve

    def run(texts):
        reports = schema.conform(
            [{"report_id": f"t{i:03d}", "path": f"t{i:03d}.txt", "format": "txt",
              "title": "", "body": t} for i, t in enumerate(texts)], "reports",
        )  # fmt: skip
        tagged = tag(reports, nlp=nlp)
        events = resolve(reports, tagged["mentions"], events_raw=tagged["events_raw"])["events"]
        return {
            t: events[events.report_id == r] for r, t in zip(reports.report_id, texts, strict=True)
        }

    return run


# -- tiny_tables: a hand-built corpus for chart, filter and panel tests (no model) ---------
# Entities are marked "[text](kind:entity_id)"; offsets, sentences and relations follow.
TINY_REPORTS = [
    ("r1", "Kurdistan 24", "2024-01-05", "SDF takes Dashisha",
     "The [US](supporter:us)-backed [SDF](actor:sdf) captured [Dashisha](place:dashisha) from "
     "[IS](actor:is) on [3 January](date:2024-01-03). [IS](actor:is) fighters fled toward "
     "[Hasakah](place:hasakah). [Civilians](actor:civilians) returned to [Dashisha](place:dashisha)."),
    ("r2", "Reuters", "2024-02-10", "Shelling <b>near</b> Raqqa",
     "The [Syrian Arab Army](actor:saa) shelled [Raqqa](place:raqqa). The [SDF](actor:sdf) said "
     "[the army](actor:saa) and [IS](actor:is) hit <script>alert(1)</script> posts near "
     "[Raqqa](place:raqqa)."),
    ("r3", "AFP", "2024-03-15", "Clashes in Deir ez-Zor",
     "[Iranian](supporter:iran)-backed [PMF](actor:pmf) fighters clashed with [IS](actor:is) in "
     "[Deir ez-Zor](place:deir) on [12 March](date:2024-03-12). The [SDF](actor:sdf) and the "
     "[PMF](actor:pmf) met in [Hasakah](place:hasakah)."),
    ("r4", "Reuters", None, "Protest in Hasakah",
     "[Protesters](actor:protesters) gathered in [Hasakah](place:hasakah)."),
]  # fmt: skip
TINY_ACTORS = {
    "sdf": ("Syrian Democratic Forces", "rebel_group"),
    "is": ("Islamic State", "rebel_group"),
    "saa": ("Syrian Arab Army", "state_force"),
    "pmf": ("Popular Mobilization Forces", "political_militia"),
    "civilians": ("Civilians", "civilians"),
    "protesters": ("Protesters", "protesters"),
    "us": ("United States", "coalition_or_foreign_force"),
    "iran": ("Iran", "state_force"),
}
TINY_PLACES = {
    "dashisha": ("Dashisha", 36.37, 40.91),
    "hasakah": ("Al-Hasakah", 36.50, 40.75),
    "raqqa": ("Raqqa", 35.95, 39.01),
    "deir": ("Deir ez-Zor", 35.33, 40.14),
}


def build_tiny_tables() -> dict:
    """Every corpus table for :data:`TINY_REPORTS`, built by hand through ``schema.conform``."""
    import re

    from workbench import schema
    from workbench.resolve.relations import build_relations

    reports, mentions = [], []
    for rid, outlet, published, title, marked in TINY_REPORTS:
        body, spans = "", []
        for piece in re.split(r"(\[[^\]]+\]\([a-z]+:[^)]+\))", marked):
            hit = re.fullmatch(r"\[([^\]]+)\]\(([a-z]+):([^)]+)\)", piece)
            if hit:
                spans.append((len(body), len(body) + len(hit[1]), hit[1], hit[2], hit[3]))
                piece = hit[1]
            body += piece
        sentences = [(s.start(), s.end()) for s in re.finditer(r"[^.\s][^.]*\.", body)]
        reports.append({"report_id": rid, "path": f"{rid}.txt", "format": "txt", "title": title,
                        "source_outlet": outlet, "published": published, "body": body,
                        "n_words": len(body.split())})  # fmt: skip
        for start, end, text, kind, eid in spans:
            sid, (s0, s1) = next((i, s) for i, s in enumerate(sentences) if s[0] <= start < s[1])
            canonical, actor_type = TINY_ACTORS.get(eid, (TINY_PLACES.get(eid, (eid,))[0], None))
            mentions.append({"report_id": rid, "sentence_id": sid, "sent_start": s0,
                             "sent_end": s1, "start": start, "end": end, "text": text,
                             "kind": kind, "label": kind.upper(), "entity_id": eid,
                             "canonical": canonical, "actor_type": actor_type,
                             "source": "gazetteer", "confidence": 1.0})  # fmt: skip
    reports, mentions = schema.conform(reports, "reports"), schema.conform(mentions, "mentions")
    counts = mentions.groupby("entity_id").agg(n=("start", "size"), r=("report_id", "nunique"))
    actors = [{"actor_id": a, "canonical": c, "actor_type": t, "aliases": [c],
               "n_mentions": counts.n.get(a, 0), "n_reports": counts.r.get(a, 0),
               "is_new": a == "protesters", "source": "gazetteer"}
              for a, (c, t) in TINY_ACTORS.items()]  # fmt: skip
    places = [{"place_id": p, "name": n, "country": "Syria", "country_code": "SY",
               "feature": "city", "latitude": lat, "longitude": lon, "geo_precision": 1,
               "aliases": [n], "n_mentions": counts.n.get(p, 0), "n_reports": counts.r.get(p, 0),
               "resolved": True} for p, (n, lat, lon) in TINY_PLACES.items()]  # fmt: skip
    dated = mentions[mentions.kind == "date"]
    dates = dated.assign(date=dated.entity_id, time_precision=1)
    return {
        "reports": reports,
        "mentions": mentions,
        "actors": schema.conform(actors, "actors"),
        "places": schema.conform(places, "places"),
        "dates": schema.conform(dates, "dates"),
        "relations": build_relations(mentions, reports),
        "events": schema.empty("events"),
    }


@pytest.fixture
def tiny_tables() -> dict:
    """A small consistent corpus (4 reports, 8 actors, 4 places), fresh for each test."""
    return build_tiny_tables()

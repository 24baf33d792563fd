"""Bind generic references ("the army", "rebels", "the junta") to the actors they denote.

The tagger marks each generic phrase with a placeholder id (``generic:<type>:<branch>
[:<ISO>]``, see :mod:`workbench.nlp.generics`); here, with the report's other actors
resolved and its country known, each becomes an actor, the way a reader resolves it:

- a country the phrase names ("Ukraine's army") gives that state's forces or government;
- else the nearest actor of that kind named shortly before it ("The SDF said ... the
  fighters"), state forces of the same branch for "police" or "troops";
- else, for state forces and governments, the state of the country the report is about
  ("the army said" in a report from Niger);
- else, for armed groups, the only one the report names, or an unidentified armed group
  (ACLED's actor for a perpetrator nobody names).

Each bound mention records how (:data:`LINK_SOURCES`), from which mention, and how sure
the rule is, so the tagging panel can show it and an analyst can overrule it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from workbench.schema import ARMED_TYPES, GENERIC_PREFIX, UNIDENTIFIED_ID
from workbench.text import fold

#: How a generic reference was bound, as the tagging panel says it.
LINK_SOURCES = {
    "named": "the country the phrase itself names",
    "backed": "the actor its backer is known to back there (“Turkish-backed factions”)",
    "nearest": "the nearest actor of its kind named before it",
    "home": "the state of the country the report is about",
    "only": "the only actor of its kind the report names",
    "unnamed": "no armed group is named: an unidentified armed group",
    "none": "nothing in the report to bind it to",
}
#: Actor types a generic reference of each type may denote.
DENOTES = {
    "state_force": ("state_force", "coalition_or_foreign_force"),
    "government_or_official": ("government_or_official",),
    **{t: ARMED_TYPES for t in ARMED_TYPES},
}
#: How far back (in sentences) "nearest" looks: past that, a reader would not go either.
WINDOW = {"state_force": 2, "government_or_official": 2, **{t: 3 for t in ARMED_TYPES}}
CONFIDENCE = {
    "named": 0.85,
    "backed": 0.8,
    "nearest": 0.75,
    "home": 0.7,
    "only": 0.65,
    "unnamed": 0.5,
    "none": 0.3,
}


def is_generic(actor_id: object) -> bool:
    """Whether ``actor_id`` is a generic reference's placeholder."""
    return isinstance(actor_id, str) and actor_id.startswith(GENERIC_PREFIX)


def bind_generics(
    actors: pd.DataFrame,
    *,
    types: Mapping[str, str | None],
    report_countries: Mapping[str, str],
    state_actor: Callable[[str, str], str],
    backed: Mapping[str, set[str]] | None = None,
    backers: Mapping[Any, str] | None = None,
    backing: Mapping[str, list[tuple[str, str]]] | None = None,
) -> pd.DataFrame:
    """Bind the generic references among ``actors`` (actor mentions with their resolved
    ``entity_id``, ``report_id``, ``sentence_id``, ``start``, ``end``, ``text``).

    ``types`` gives the actor type of each resolved id; ``report_countries`` the ISO
    code each report is about; ``state_actor(code, branch)`` the id of a state's
    ``military``, ``police`` or ``government``; ``backed`` the actors each report names
    as backed by another ("US-backed SDF"), which a hostile word ("militants",
    "terrorists") does not denote; ``backers`` the supporter named right before a row
    (by index: "Turkish-backed factions") and ``backing`` whom each backer backs, as
    ``[(backed id, ISO code of the theatre or "")]``, best first. Returns ``entity_id``, ``antecedent``,
    ``link_source``, ``link_confidence`` and ``phrase_type`` (the type the phrase
    denotes) for every row (same index; empty where the row is not generic).

    Examples
    --------
    >>> rows = pd.DataFrame({"report_id": ["r", "r", "r"], "sentence_id": [0, 1, 2],
    ...     "start": [0, 30, 60], "end": [11, 38, 68], "text": ["Alpha Front", "rebels",
    ...     "the army"], "entity_id": ["alpha", "generic:rebel_group:",
    ...     "generic:state_force:military"]})
    >>> out = bind_generics(rows, types={"alpha": "rebel_group"}, report_countries={"r": "NE"},
    ...                     state_actor=lambda code, branch: f"{branch}-{code}")
    >>> out.entity_id.tolist(), out.link_source.tolist()[1:]
    (['alpha', 'alpha', 'military-NE'], ['nearest', 'home'])
    """
    ids = actors.entity_id.tolist()
    cols: dict[str, list] = {"antecedent": [None] * len(ids), "link_source": [None] * len(ids),
                             "link_confidence": [float("nan")] * len(ids),
                             "phrase_type": [None] * len(ids)}  # fmt: skip
    rows = [
        (r.report_id, -1 if pd.isna(r.sentence_id) else int(r.sentence_id), int(r.start),
         int(r.end), r.text, r.entity_id, n)
        for n, r in enumerate(actors.itertuples())
    ]  # fmt: skip
    backer_of = [(backers or {}).get(i) for i in actors.index]
    by_report: dict[str, list[tuple]] = {}
    for row in sorted(rows, key=lambda r: (r[1], r[2])):
        by_report.setdefault(row[0], []).append(row)
    for report_id, group in by_report.items():
        named = [r for r in group if not is_generic(r[5])]  # in reading order
        index = ([(r[1], r[2]) for r in named], {})  # their positions; kinds' actors, cached
        for row in group:
            if not is_generic(row[5]):
                continue
            home = report_countries.get(report_id)
            allies = (backed or {}).get(report_id, set())
            backer = backer_of[row[6]]
            earlier = [r[5] for r in named if (r[1], r[2]) < (row[1], row[2])] if backer else []
            found = _backed_by(backer, (backing or {}).get(backer, []), row, types, home, earlier)
            eid, source, antecedent = found or _bind(
                row, named, index, types, home, state_actor, allies
            )
            n = row[6]
            ids[n] = eid
            cols["antecedent"][n], cols["link_source"][n] = antecedent, source
            cols["link_confidence"][n] = CONFIDENCE[source]
            cols["phrase_type"][n] = row[5].split(":")[1]
    return pd.DataFrame({"entity_id": ids, **cols}, index=actors.index)


def _bind(
    row: tuple,
    named: list[tuple],
    index: tuple[list, dict],
    types: Mapping,
    home: str | None,
    state_actor,
    allies: set,
):
    """``(entity_id, link source, antecedent)`` for one generic mention ``row``
    (``report_id, sentence_id, start, end, text, entity_id, n``) among the report's names,
    in reading order (``index``: their positions, and a cache of each kind's actors). Only
    the few sentences before the mention are read, so a long report costs no more per
    mention than a short one."""
    _, sid, start, _, text, eid, _ = row
    _, actor_type, branch, *country = eid.split(":")
    branch = branch or "military"
    if country and country[0] and actor_type in ("state_force", "government_or_official"):
        return state_actor(country[0], branch), "named", None
    wanted = DENOTES.get(actor_type, (actor_type,))

    def fits(r: tuple) -> bool:
        kind = types.get(r[5])
        if kind not in wanted:
            return False
        if actor_type == "state_force" and _branch(r[5]) != branch:
            return False
        if branch == "allied":  # "allied militias": the state's side, never the insurgent
            return r[5] in allies or kind == "political_militia"
        # "militants", "terrorists": an insurgent, not anyone's ally
        return branch != "hostile" or (r[5] not in allies and kind == "rebel_group")

    positions, kinds = index
    j = bisect.bisect_left(positions, (sid, start)) - 1
    while j >= 0 and named[j][1] >= sid - WINDOW.get(actor_type, 2):
        if fits(named[j]):
            last = named[j]
            return last[5], "nearest", f"{last[2]}-{last[3]}"
        j -= 1
    if actor_type in ("state_force", "government_or_official") and home:
        return state_actor(home, branch), "home", None
    if (actor_type, branch) not in kinds:
        kinds[(actor_type, branch)] = {r[5] for r in named if fits(r)}
    distinct = kinds[(actor_type, branch)]
    if len(distinct) == 1:
        return next(iter(distinct)), "only", None
    if actor_type in ARMED_TYPES:
        return UNIDENTIFIED_ID, "unnamed", None
    return f"new:{fold(text).removeprefix('the ')}", "none", None


def _backed_by(
    backer, backs: list[tuple[str, str]], row: tuple, types: Mapping, home, earlier: list[str]
):
    """ "Turkish-backed factions": the actor of the generic's kind its backer backs in the
    report's country (the one the report named last, if it names several); where the
    theatre is unknown, the one such actor, if only one."""
    if backer is None or not backs:
        return None
    wanted = DENOTES.get(row[5].split(":")[1], ())
    fits = [(b, t) for b, t in backs if types.get(b) in wanted or types.get(b) is None]
    here = [b for b, t in fits if t and t == home]
    if not here:  # the corpus's own pairs (no theatre), or a report of no known country
        loose = {b for b, t in fits if not t or home is None}
        here = list(loose) if len(loose) == 1 else []
    named = [e for e in reversed(earlier) if e in here]
    return ((named or here)[0], "backed", None) if here else None


def _branch(actor_id: str) -> str:
    """A state force's branch, from its id (the gazetteer's ``police-<country>`` ids)."""
    return "police" if "police" in actor_id else "military"

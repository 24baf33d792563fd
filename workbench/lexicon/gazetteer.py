"""The actor gazetteer and demonym table: data files turned into lookups and ruler patterns.

The rows live in ``workbench/data/actors.csv`` and ``demonyms.csv`` (see
``workbench/data/README.md``); analysts' confirmed actors live in a user gazetteer
with the same columns (``config.user_gazetteer()``), loaded after the shipped one
so that their rows win.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from workbench import config, schema
from workbench.errors import WorkbenchError
from workbench.text import fold

#: Columns of ``actors.csv`` (and of a user gazetteer): ``schema.COLUMNS["gazetteer"]``.
GAZETTEER_COLUMNS = list(schema.COLUMNS["gazetteer"])
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
        user = config.user_gazetteer()
        paths = [config.DATA_DIR / "actors.csv"] + ([user] if user.is_file() else [])
    frames = [_read_csv(Path(p), GAZETTEER_COLUMNS) for p in paths]
    table = pd.concat(frames, ignore_index=True).drop_duplicates("actor_id", keep="last")
    for col in ("aliases", "case_sensitive_aliases"):
        table[col] = table[col].map(lambda s: [a.strip() for a in s.split("|") if a.strip()])
    return table.reset_index(drop=True)


@cache
def load_demonyms() -> pd.DataFrame:
    """Return the demonym table (``Iraqi`` -> Iraq, IQ, the actor id of Iraq's forces).

    Examples
    --------
    >>> d = load_demonyms().set_index("demonym")
    >>> d.loc["Iraqi", "country"]
    'Iraq'
    """
    return _read_csv(config.DATA_DIR / "demonyms.csv", DEMONYM_COLUMNS)


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

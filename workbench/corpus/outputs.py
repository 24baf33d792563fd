"""Files the store object writes from corrected tables: the user gazetteer, gold records.

Written atomically (a temporary file renamed over the old one), so a crash mid-write
never leaves half a file where an analyst's gazetteer was.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path

import pandas as pd

from workbench import config
from workbench.lexicon.acled import acled_inter
from workbench.lexicon.gazetteer import GAZETTEER_COLUMNS


def write_gazetteer(
    actors: pd.DataFrame, confirmed: Collection[str], path: str | Path | None = None
) -> pd.DataFrame:
    """Add the ``confirmed`` actors (and their aliases) to the user gazetteer; return the rows.

    ``path`` defaults to :func:`workbench.config.user_gazetteer`. Rows already there
    for the same ``actor_id`` are replaced; short all-capital aliases ("IS") go to
    ``case_sensitive_aliases`` so that they do not match ordinary words.
    """
    path = Path(path) if path else config.user_gazetteer()
    inter = acled_inter()
    rows = []
    for a in actors[actors.actor_id.isin(confirmed)].itertuples():
        forms = [x for x in dict.fromkeys(a.aliases) if x != a.canonical]
        exact = [x for x in forms if x.isupper() and len(x) <= 5]
        actor_type = a.actor_type if isinstance(a.actor_type, str) else "other"
        rows.append(
            {
                "actor_id": re.sub(r"^(new|user):", "user-", a.actor_id).replace(" ", "-"),
                "canonical": a.canonical,
                "aliases": "|".join(x for x in forms if x not in exact),
                "case_sensitive_aliases": "|".join(exact),
                "actor_type": actor_type,
                "acled_inter": inter.get(actor_type, ""),
                "country": a.country if isinstance(a.country, str) else "",
                "scope": "",
                "source": "user",
            }
        )
    new = pd.DataFrame(rows, columns=GAZETTEER_COLUMNS, dtype=str)
    if path.is_file():
        old = pd.read_csv(path, dtype=str, keep_default_na=False)
        new = pd.concat([old[~old.actor_id.isin(new.actor_id)], new], ignore_index=True)
    new = new.fillna("")
    write_atomic(path, new.to_csv(index=False))
    return new.tail(len(rows)).reset_index(drop=True)


def write_jsonl(path: str | Path, records: Iterable[dict]) -> int:
    """Write ``records`` as JSON lines; return how many."""
    lines = [json.dumps(r, ensure_ascii=False) + "\n" for r in records]
    write_atomic(Path(path), "".join(lines))
    return len(lines)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)

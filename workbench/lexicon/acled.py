"""ACLED's inter codes, from the one table ``data/event_inter.csv`` (ACLED codebook).

Examples
--------
>>> acled_inter()["rebel_group"], acled_inter()["international_org"]
('2', '8')
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from workbench import config

#: The table of inter codes and ACLED actor-class labels.
INTER_FILE = config.DATA_DIR / "event_inter.csv"


@cache
def acled_inter() -> dict[str, str]:
    """ACLED inter code (``"1"``..``"8"``) by workbench actor type (``schema.ACTOR_TYPES``)."""
    table = pd.read_csv(INTER_FILE, dtype=str, comment="#", keep_default_na=False)
    rows = table[table.applies_to == "actor_type"]
    return dict(zip(rows.key, rows.inter, strict=True))

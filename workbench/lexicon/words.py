"""Word lists kept as data: ``workbench/data/words/<name>.txt``, loaded once.

Each file is one entry per line (lower case unless case matters); lines starting with
``#`` are comments, and the first of them says where the list came from. Keeping the
lists as data lets an analyst read and extend them without touching code.

Examples
--------
>>> "northern" in words("directions")
True
"""

from __future__ import annotations

from functools import cache

from workbench import config
from workbench.errors import WorkbenchError

#: Where the word lists live.
WORDS_DIR = config.DATA_DIR / "words"


@cache
def words(name: str) -> frozenset[str]:
    """Return the entries of ``data/words/<name>.txt`` (comments and blank lines dropped)."""
    path = WORDS_DIR / f"{name}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise WorkbenchError(f"{path}: cannot read word list: {exc.strerror}") from None
    return frozenset(s for line in lines if (s := line.strip()) and not s.startswith("#"))

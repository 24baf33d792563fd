"""A corpus table as a notebook shows it: whole titles, wrapped; lists that end cleanly.

pandas cuts every cell at 50 characters (``display.max_colwidth``), mid-word, and prints
a list as its Python repr, so a report title or an actor's aliases read as noise.
:func:`show_table` renders a frame as a styled HTML table instead, every text escaped.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.views.style import given

__all__ = ["MAX_LIST_ITEMS", "list_text", "show_table"]

#: At most this many items of a list cell are shown; the rest are counted.
MAX_LIST_ITEMS = 6
_CSS = [
    {"selector": "td", "props": "white-space: normal; max-width: 32em; text-align: left;"},
    {"selector": "th", "props": "text-align: left;"},
]


def list_text(value: Any, *, limit: int = MAX_LIST_ITEMS) -> str:
    """A list cell as text: whole items joined by commas, at most ``limit`` of them and
    then how many more ("" for nothing).

    Examples
    --------
    >>> list_text(["SDF", "Syrian Democratic Forces", "QSD"], limit=2)
    'SDF, Syrian Democratic Forces … (+1 more)'
    >>> list_text(None), list_text("IS")
    ('', 'IS')
    """
    if isinstance(value, str):
        return value
    if not given(value):
        return ""
    items = [str(v) for v in value]
    shown = ", ".join(items[:limit])
    return shown + (f" … (+{len(items) - limit} more)" if len(items) > limit else "")


def show_table(frame: pd.DataFrame, *, rows: int | None = 50) -> Any:
    """``frame`` (its first ``rows`` rows) as a notebook displays it best: a pandas
    ``Styler`` whose cells hold whole texts, wrapped, list cells as :func:`list_text`,
    and everything HTML-escaped (report text is untrusted).

    Examples
    --------
    >>> t = pd.DataFrame({"title": ["A <b>long</b> title " * 5], "aliases": [["A", "B"]]})
    >>> out = show_table(t).to_html()
    >>> "A, B" in out and "&lt;b&gt;long" in out and "title A" in out
    True
    """
    shown = frame if rows is None else frame.head(rows)
    lists = [c for c in shown.columns if shown[c].map(lambda v: isinstance(v, list)).any()]
    shown = shown.assign(**{c: shown[c].map(list_text) for c in lists})
    styler = shown.style.format(escape="html", na_rep="")
    styler = styler.format_index(escape="html").set_table_styles(_CSS)
    return styler

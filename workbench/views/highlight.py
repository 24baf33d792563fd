"""A displaCy-style view of a report: actors coloured by type, places, dates, persons.

Parse first, render second: :func:`highlight_html` takes the body and the mentions
table (plain data) and returns an HTML string. Report text is untrusted, so every
piece of it goes through :func:`html.escape`.
"""

from __future__ import annotations

import html
from pathlib import PurePath

import pandas as pd

from workbench.schema import ACTOR_TYPE_COLORS, KIND_COLORS

#: Columns of a report shown above its body.
REPORT_META = ["source_outlet", "dateline_place", "published", "byline", "editor", "url", "path"]

_MARK = (
    '<mark class="wb-ent wb-{kind}" title="{tip}" style="background:{bg};{fg}padding:0 .25em;'
    'border-radius:.25em;line-height:1.9">{text}<span style="font-size:.65em;font-weight:bold;'
    'margin-left:.3em;opacity:.8">{label}</span></mark>'
)


def highlight_html(body: str, mentions: pd.DataFrame | None = None) -> str:
    """Return ``body`` as HTML paragraphs with every mention marked.

    Hover text gives the canonical name and the actor type. Mentions must not
    overlap (the mentions table never has overlaps).

    Examples
    --------
    >>> m = pd.DataFrame({"start": [0], "end": [3], "kind": ["actor"], "canonical": ["SDF"],
    ...                   "actor_type": ["rebel_group"], "text": ["SDF"]})
    >>> out = highlight_html("SDF <b>took</b> it", m)
    >>> "&lt;b&gt;took&lt;/b&gt;" in out and 'title="SDF · rebel_group"' in out
    True
    """
    parts: list[str] = []
    pos = 0
    if mentions is not None and len(mentions):
        for m in mentions.sort_values("start").itertuples():
            start, end = int(m.start), int(m.end)
            if start < pos:
                continue
            parts.append(html.escape(body[pos:start]))
            parts.append(_mark(body[start:end], m))
            pos = end
    parts.append(html.escape(body[pos:]))
    paragraphs = "".join(parts).split("\n\n")
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def report_html(report: pd.Series, mentions: pd.DataFrame | None = None) -> str:
    """Return one report as HTML: headline, metadata line, highlighted body.

    Examples
    --------
    >>> r = pd.Series({"title": "<script>x</script>", "body": "Text.", "path": "/home/x/a.txt"})
    >>> "<script>" in report_html(r), "/home/x" in report_html(r), "a.txt" in report_html(r)
    (False, False, True)
    """
    meta = []
    for col in REPORT_META:
        value = report.get(col)
        if value is not None and not pd.isna(value) and str(value):
            shown = value.strftime("%Y-%m-%d") if isinstance(value, pd.Timestamp) else str(value)
            if col == "path":  # the file's name, never the folders of this machine
                shown = PurePath(shown).name
            meta.append(f"<b>{col.replace('_', ' ')}</b>: {html.escape(shown)}")
    title_mentions = body_mentions = None
    if mentions is not None:
        if "report_id" in report:
            mentions = mentions[mentions.report_id == report["report_id"]]
        in_title = mentions.sentence_id == -1 if "sentence_id" in mentions else False
        title_mentions, body_mentions = mentions[in_title], mentions[~in_title]
    title = highlight_html(str(report.get("title") or "(untitled)"), title_mentions)
    return (
        '<div class="wb-report" style="max-width:52em;font-family:sans-serif">'
        f"<h3>{title.removeprefix('<p>').removesuffix('</p>')}</h3>"
        f'<div style="color:#555;font-size:.85em">{" · ".join(meta)}</div>'
        f"{highlight_html(str(report.get('body') or ''), body_mentions)}</div>"
    )


def show_report(report: pd.Series, mentions: pd.DataFrame | None = None):
    """:func:`report_html` wrapped for display as a notebook cell's result."""
    from IPython.display import HTML

    return HTML(report_html(report, mentions))


def _mark(text: str, m) -> str:
    kind = str(getattr(m, "kind", "other"))
    canonical = getattr(m, "canonical", None)
    actor_type = getattr(m, "actor_type", None)
    tip = " · ".join(str(v) for v in (canonical, actor_type) if isinstance(v, str) and v)
    if kind == "actor":
        bg = ACTOR_TYPE_COLORS.get(actor_type if isinstance(actor_type, str) else "", "#7f7f7f")
        fg, label = "color:white;", (actor_type or "actor").replace("_", " ")
    else:
        bg, fg, label = KIND_COLORS.get(kind, "#eeeeee"), "", kind
    return _MARK.format(
        kind=html.escape(kind),
        tip=html.escape(tip or text, quote=True),
        bg=bg,
        fg=fg,
        text=html.escape(text),
        label=html.escape(label.upper()),
    )

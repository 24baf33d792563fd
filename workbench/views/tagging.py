"""The tagging panel: review one report's tags and correct them through the store.

Safe by construction, because a wrong click here rewrites the corpus: no dropdown
starts on a value (a merge target or an actor type is always an explicit choice), a
merge asks first in a sentence naming both actors, the mentions list shows what each
mention was resolved to, headline apart from the body in reading order, a reject or a
relabel can reach every mention of the same text in the report or the corpus, and every
correction made through the panel (or before it) can be undone from it.

What the buttons send is decided by pure functions tested without widgets:
:func:`mention_options`, :func:`mentions_in_scope`, :func:`correction_for`,
:func:`merge_question` and :func:`ledger_options`.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import pandas as pd

from workbench import schema
from workbench.errors import CorrectionError, WorkbenchError
from workbench.lexicon.events import load_sub_event_types
from workbench.resolve.references import LINK_SOURCES
from workbench.views.highlight import report_html
from workbench.views.panels import heading
from workbench.views.style import given, shorten, type_label

#: Buttons of the tagging panel: label -> correction kind (see ``workbench.resolve.corrections``).
TAGGING_ACTIONS: dict[str, str] = {
    "Reject": "reject_mention",
    "Relabel": "relabel",
    "Set type": "set_actor_type",
    "Link to": "set_canonical",
    "Merge into": "merge_actors",
    "Confirm": "confirm_actor",
}
#: How far a reject or a relabel reaches: option label -> scope.
SCOPES: dict[str, str] = {
    "this mention": "mention",
    "every mention of this text in the report": "report",
    "every mention of this text in the corpus": "corpus",
}
#: Actions that act on one mention (and so can reach others with the same text).
MENTION_ACTIONS = ("Reject", "Relabel")

MentionKey = tuple[str, int, int, str]


def mention_label(m: Any) -> str:
    """One line for a mention: the text as written, what it resolved to, its kind and type.

    Examples
    --------
    >>> from types import SimpleNamespace as N
    >>> mention_label(N(text="SDF", canonical="Syrian Democratic Forces", kind="actor",
    ...                 actor_type="rebel_group", start=4, end=7))
    'SDF → Syrian Democratic Forces · actor · rebel group  [4:7]'
    """
    resolved = f" → {m.canonical}" if given(m.canonical) and m.canonical != m.text else ""
    link = getattr(m, "link_source", None)
    linked = f"linked: {link}" if given(link) else None
    parts = (m.kind, m.actor_type, linked)
    detail = " · ".join(str(v).replace("_", " ") for v in parts if given(v))
    return f"{m.text}{resolved} · {detail}  [{m.start}:{m.end}]"


def link_note(m: Mapping[str, Any], body: str = "") -> str:
    """How a generic reference ("the army", "rebels") was bound, in words; "" for a name.

    Examples
    --------
    >>> link_note({"text": "the rebels", "canonical": "NPA", "link_source": "nearest",
    ...            "link_confidence": 0.75, "antecedent": "0-3"}, "NPA fighters ...")
    'the rebels → NPA: the nearest actor of its kind named before it (“NPA” at 0-3), confidence 0.75'
    """
    source = m.get("link_source")
    if not given(source):
        return ""
    why = LINK_SOURCES.get(source, source)
    back = m.get("antecedent")
    if given(back) and body:
        start, end = (int(x) for x in str(back).split("-"))
        why += f" (“{body[start:end]}” at {back})"
    confidence = m.get("link_confidence")
    sure = f", confidence {float(confidence):.2f}" if given(confidence) else ""
    return f"{m['text']} → {m.get('canonical')}: {why}{sure}"


def mention_options(mentions: pd.DataFrame) -> dict[str, list[tuple[str, MentionKey]]]:
    """Select options for a report's mentions, ``{"headline": [...], "body": [...]}``, each
    in reading order: a readable label (:func:`mention_label`) and the mention key
    ``(report_id, start, end, text)`` corrections name it by. Headline offsets count in
    the title, body offsets in the body, so the two are never mixed in one list.

    Examples
    --------
    >>> m = schema.conform([{"report_id": "r", "sentence_id": 0, "start": 4, "end": 7,
    ...                      "text": "SDF", "kind": "actor", "canonical": "SDF",
    ...                      "actor_type": "rebel_group"}], "mentions")
    >>> mention_options(m)
    {'headline': [], 'body': [('SDF · actor · rebel group  [4:7]', ('r', 4, 7, 'SDF'))]}
    """
    out: dict[str, list[tuple[str, MentionKey]]] = {"headline": [], "body": []}
    for m in mentions.sort_values(["start", "end"]).itertuples():
        part = "headline" if m.sentence_id == -1 else "body"
        out[part].append((mention_label(m), (m.report_id, int(m.start), int(m.end), m.text)))
    return out


def mentions_in_scope(
    mentions: pd.DataFrame, mention: Mapping[str, Any], scope: str = "mention"
) -> pd.DataFrame:
    """The mentions a reject or relabel of ``mention`` reaches: itself (``"mention"``), or
    every mention with the same text and kind in its report (``"report"``) or in the
    corpus (``"corpus"``), headline and body alike, in reading order.

    Examples
    --------
    >>> m = schema.conform([{"report_id": r, "start": s, "end": s + 3, "text": "SDF",
    ...                      "kind": "actor", "sentence_id": 0} for r, s in
    ...                     [("a", 0), ("a", 10), ("b", 5)]], "mentions")
    >>> len(mentions_in_scope(m, m.iloc[0], "report")), len(mentions_in_scope(m, m.iloc[0], "corpus"))
    (2, 3)
    """
    if scope not in SCOPES.values():
        raise WorkbenchError(f"scope {scope!r}: choose one of {', '.join(SCOPES.values())}")
    same = (mentions.text == mention["text"]) & (mentions.kind == mention["kind"])
    if scope == "mention":
        same &= (mentions.start == mention["start"]) & (mentions.end == mention["end"])
    if scope in ("mention", "report"):
        same &= mentions.report_id == mention["report_id"]
    return mentions[same].sort_values(["report_id", "start"])


def correction_for(
    action: str, mention: Mapping[str, Any], *, value: str | None = None
) -> tuple[str, dict[str, Any]]:
    """Return ``(kind, fields)`` for ``Store.correct`` when the analyst presses ``action``
    (a key of :data:`TAGGING_ACTIONS`) on ``mention`` (a mentions row), with the value of
    the action's dropdown (new kind, actor type, or actor to merge into).

    Examples
    --------
    >>> m = {"report_id": "r", "start": 4, "end": 7, "text": "SDF", "entity_id": "sdf"}
    >>> correction_for("Reject", m)
    ('reject_mention', {'report_id': 'r', 'start': 4, 'end': 7, 'text': 'SDF'})
    >>> correction_for("Merge into", m, value="ypg")
    ('merge_actors', {'actors': ['sdf', 'ypg'], 'into': 'ypg'})
    """
    kind = TAGGING_ACTIONS[action]
    key = {k: mention[k] for k in ("report_id", "start", "end", "text")}
    actor = mention.get("entity_id")
    needs_actor = kind in ("set_actor_type", "merge_actors", "confirm_actor")
    if needs_actor and (not given(actor) or mention.get("kind") not in (None, *schema.ACTOR_KINDS)):
        raise WorkbenchError(f"{action}: this mention is not resolved to an actor")
    if kind in ("relabel", "set_actor_type", "set_canonical", "merge_actors") and not value:
        raise WorkbenchError(f"{action}: choose a value in the dropdown next to the button")
    if kind == "merge_actors" and value == actor:
        raise WorkbenchError(f"{action}: choose another actor than this one")
    if kind == "reject_mention":
        return kind, key
    if kind == "relabel":
        return kind, {**key, "kind": value, "label": value.upper()}
    if kind == "set_actor_type":
        return kind, {"actor": actor, "actor_type": value}
    if kind == "set_canonical":  # this mention (a wrong link, say) to another actor
        return kind, {**key, "actor": value}
    if kind == "merge_actors":
        return kind, {"actors": [actor, value], "into": value}
    return kind, {"actor": actor}


def merge_question(actors: pd.DataFrame, source: str, target: str) -> str:
    """The sentence a merge asks before it is sent: both actors by name and type.

    Examples
    --------
    >>> a = pd.DataFrame({"actor_id": ["sdf", "ypg"], "canonical": ["SDF", "YPG"],
    ...                   "actor_type": ["rebel_group", "rebel_group"], "n_mentions": [5, 2]})
    >>> merge_question(a, "sdf", "ypg")
    'Merge “SDF” (rebel group, 5 mentions) into “YPG” (rebel group, 2 mentions)? Every mention of “SDF” will count as “YPG”.'
    """
    by_id = actors.set_index("actor_id")

    def name(actor_id: str) -> tuple[str, str]:
        if actor_id not in by_id.index:
            return actor_id, ""
        a = by_id.loc[actor_id]
        kind = type_label(a.actor_type) if given(a.actor_type) else "no type"
        return str(a.canonical), f" ({kind}, {int(a.n_mentions)} mentions)"

    (a, a_detail), (b, b_detail) = name(source), name(target)
    return (
        f"Merge “{a}”{a_detail} into “{b}”{b_detail}? Every mention of “{a}” will count as “{b}”."
    )


def ledger_options(ledger: pd.DataFrame) -> list[tuple[str, int]]:
    """Undoable corrections, newest first: ``("#7 merge_actors: sdf, ypg → ypg", 7)``.

    Examples
    --------
    >>> led = pd.DataFrame({"id": [1, 2], "kind": ["confirm_actor", "undo"],
    ...                     "payload": [{"actor": {"id": "sdf", "name": "SDF"}}, {"entry": "x"}],
    ...                     "status": ["applied", "applied"]})
    >>> ledger_options(led)
    [('#1 confirm_actor: SDF', 1)]
    """
    live = ledger[(ledger.kind != "undo") & (ledger.status != "undone")]
    out = []
    for e in live.sort_values("id", ascending=False).itertuples():
        p = e.payload if isinstance(e.payload, Mapping) else {}
        if e.kind == "merge_actors":
            what = f"{', '.join(map(_named, p.get('actors', [])))} → {_named(p.get('into'))}"
        elif e.kind in ("edit_event", "reject_event", "add_event"):
            keys = ("actor1", "sub_event_type", "actor", "action")
            what = " · ".join(_named(p[k]) for k in keys if k in p) or str(p.get("event_id"))
            changes = p.get("changes") or {}
            what += "".join(f" · {k} → {_named(v)}" for k, v in changes.items())
        else:
            keys = ("text", "actor", "kind", "actor_type", "canonical")
            what = " · ".join(_named(p[k]) for k in keys if k in p)
        stale = "  (stale)" if e.status == "stale" else ""
        out.append((shorten(f"#{e.id} {e.kind}: {what}{stale}", 70), int(e.id)))
    return out


def event_options(events: pd.DataFrame, report_id: str, sentence_id: int) -> list[tuple[str, str]]:
    """The events coded from one sentence, for the panel's list beside it:
    ``("SDF → Islamic State · Armed clash · Hajin · 3 dead", event_id)``.

    Examples
    --------
    >>> ev = schema.conform([{"event_id": "e1", "report_id": "r", "sentence_id": 2,
    ...     "actor1": "SDF", "sub_event_type": "Armed clash", "location": "Hajin"}], "events")
    >>> event_options(ev, "r", 2)
    [('SDF · Armed clash · Hajin', 'e1')]
    """
    here = events[(events.report_id == report_id) & (events.sentence_id == sentence_id)]
    out = []
    for e in here.sort_values("trigger_start").itertuples():
        who = f"{e.actor1} → {e.actor2}" if given(e.actor2) else str(e.actor1)
        toll = f"{int(e.fatalities)} dead" if given(e.fatalities) else ""
        parts = [who, e.sub_event_type, e.location, toll, "claimed" if e.claimed is True else ""]
        out.append((shorten(" · ".join(str(p) for p in parts if given(p)), 70), e.event_id))
    return out


#: Event fields the panel edits: label -> ``edit_event`` field.
EVENT_EDITS = {
    "Actor 1": "actor1",
    "Actor 2": "actor2",
    "Sub-event type": "sub_event_type",
    "Place": "place",
    "Date": "date",
    "Fatalities": "fatalities",
    "Claimed": "claimed",
}


def event_change(field: str, text: str) -> dict[str, Any]:
    """The ``changes`` of an ``edit_event`` from what an analyst typed; a blank clears
    actor 2, the place or the toll (unknown). The store checks the values.

    Examples
    --------
    >>> event_change("fatalities", " 12 "), event_change("actor2", ""), event_change("claimed", "No")
    ({'fatalities': '12'}, {'actor2': None}, {'claimed': False})
    """
    text = (text or "").strip()
    if field == "claimed":
        if text.lower() not in ("yes", "no"):
            raise CorrectionError("edit_event: claimed is yes or no")
        return {field: text.lower() == "yes"}
    if field in ("actor2", "place", "fatalities"):
        return {field: None if text.lower() in ("", "unknown") else text}
    if not text:
        label = next(k for k, v in EVENT_EDITS.items() if v == field)
        raise CorrectionError(f"edit_event: type the new {label.lower()}")
    return {field: text}


def tagging_panel(store: Any, report_id: str | None = None) -> TaggingPanel:
    """Return a panel to review one report's tags and correct them through ``store``
    (a :class:`workbench.Store`): reject or relabel a mention (or every mention of its
    text in the report or corpus), set an actor's type, merge it into another actor
    (after a confirmation), confirm it, and undo any correction."""
    return TaggingPanel(store, report_id=report_id)


class TaggingPanel(widgets.VBox):
    """The widget :func:`tagging_panel` returns. Parts: ``report_picker``, ``view`` (the
    highlighted report), ``headline_picker`` and ``mention_picker`` (body), ``details``,
    ``scope``, ``buttons`` (label -> Button), ``values`` (label -> Dropdown, all starting
    empty), ``confirm_box`` (``confirm_button``, ``cancel_button``), ``event_picker`` (the
    events coded from the mention's sentence) with ``event_field``, ``event_value`` and
    ``edit_event_button``, ``reject_event_button``, and ``new_event_type`` with
    ``add_event_button`` (an event of the chosen actor's sentence), ``undo_button`` (the
    panel's last action), ``ledger_picker`` with ``undo_selected``, and ``message``."""

    def __init__(self, store: Any, *, report_id: str | None = None) -> None:
        self.store = store
        self.tables = store.tables()
        self.history: list[list[int]] = []
        self.pending: tuple[str, dict[str, Any]] | None = None
        reports = self.tables["reports"]
        first = reports.report_id.iloc[0] if len(reports) else None
        self.report_picker = widgets.Dropdown(
            options=[
                (shorten(r.title or r.report_id, 70), r.report_id) for r in reports.itertuples()
            ],
            value=report_id if report_id is not None else first,
            layout={"width": "100%"},
        )
        self.view = widgets.HTML(layout={"max_height": "460px", "overflow": "auto"})
        self.headline_picker = widgets.Select(rows=3, layout={"width": "100%"})
        self.mention_picker = widgets.Select(rows=10, layout={"width": "100%"})
        self.details = widgets.HTML()
        self.scope = widgets.Dropdown(
            options=list(SCOPES.items()),
            value="mention",
            description="Reach",
            layout={"width": "100%"},
        )
        narrow = {"width": "170px"}
        self.values = {
            "Relabel": widgets.Dropdown(
                options=list(schema.MENTION_KINDS), value=None, layout=narrow
            ),
            "Set type": widgets.Dropdown(
                options=[(type_label(t), t) for t in schema.ACTOR_TYPES], value=None, layout=narrow
            ),
            "Link to": widgets.Dropdown(options=[], value=None, layout=narrow),
            "Merge into": widgets.Dropdown(options=[], value=None, layout=narrow),
        }
        self.buttons = {label: widgets.Button(description=label) for label in TAGGING_ACTIONS}
        for label, button in self.buttons.items():
            button.on_click(lambda _, label=label: self.apply(label))
        self.confirm_button = widgets.Button(description="Yes, merge", button_style="warning")
        self.cancel_button = widgets.Button(description="Cancel")
        self.confirm_button.on_click(lambda _: self.confirm())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.question = widgets.HTML()
        self.confirm_box = widgets.VBox(
            [self.question, widgets.HBox([self.confirm_button, self.cancel_button])],
            layout={"display": "none"},
        )
        self.event_picker = widgets.Select(rows=3, layout={"width": "100%"})
        self.reject_event_button = widgets.Button(description="Reject event")
        self.reject_event_button.on_click(lambda _: self.reject_event())
        self.event_field = widgets.Dropdown(options=list(EVENT_EDITS.items()), value=None,
                                            layout={"width": "130px"})  # fmt: skip
        self.event_value = widgets.Combobox(placeholder="new value", layout={"width": "160px"})
        self.event_field.observe(lambda _: self._event_choices(), "value")
        self.edit_event_button = widgets.Button(description="Set", layout={"width": "60px"})
        self.edit_event_button.on_click(lambda _: self.edit_event())
        subs = list(load_sub_event_types().sub_event_type)
        self.new_event_type = widgets.Dropdown(options=subs, value=None, layout=narrow)
        self.add_event_button = widgets.Button(description="Add event")
        self.add_event_button.on_click(lambda _: self.add_event())
        self.undo_button = widgets.Button(description="Undo last", icon="undo")
        self.undo_button.on_click(lambda _: self.undo())
        self.ledger_picker = widgets.Select(rows=4, layout={"width": "100%"})
        self.undo_selected = widgets.Button(description="Undo selected", icon="undo")
        self.undo_selected.on_click(lambda _: self.undo(self.ledger_picker.value))
        self.message = widgets.HTML()
        self.report_picker.observe(lambda _: self.show(), "value")
        self.headline_picker.observe(lambda c: self._picked(c, self.mention_picker), "value")
        self.mention_picker.observe(lambda c: self._picked(c, self.headline_picker), "value")
        rows = [
            widgets.HBox([self.buttons[k], *([self.values[k]] if k in self.values else [])])
            for k in TAGGING_ACTIONS
        ]
        side = widgets.VBox(
            [
                heading("Headline"),
                self.headline_picker,
                heading("Body, in reading order"),
                self.mention_picker,
                self.details,
                self.scope,
                *rows,
                self.confirm_box,
                heading("Events coded from this sentence"),
                self.event_picker,
                widgets.HBox([self.event_field, self.event_value, self.edit_event_button]),
                self.reject_event_button,
                widgets.HBox([self.add_event_button, self.new_event_type]),
                heading("Corrections in this store"),
                self.ledger_picker,
                widgets.HBox([self.undo_button, self.undo_selected]),
                self.message,
            ],
            layout={"width": "400px", "min_width": "400px"},
        )
        super().__init__([self.report_picker, widgets.HBox([self.view, side])])
        self.add_class("wb-tagging")
        for part, name in [
            (self.headline_picker, "headline-mentions"),
            (self.mention_picker, "body-mentions"),
            (self.details, "mention-details"),
            (self.scope, "scope"),
            (self.values["Relabel"], "relabel-value"),
            (self.values["Set type"], "type-value"),
            (self.values["Link to"], "link-value"),
            (self.values["Merge into"], "merge-value"),
            (self.confirm_box, "confirm"),
            (self.ledger_picker, "ledger"),
            (self.event_picker, "sentence-events"),
            (self.event_field, "event-field"),
            (self.event_value, "event-value"),
            (self.new_event_type, "new-event-type"),
            (self.message, "tagging-message"),
        ]:
            part.add_class(f"wb-{name}")  # handles for browser tests and custom CSS
        self.show()

    @property
    def chosen(self) -> MentionKey | None:
        """The mention key picked in the headline or body list."""
        return self.headline_picker.value or self.mention_picker.value

    def show(self) -> None:
        """Draw the chosen report and list its mentions, actors and corrections."""
        rid = self.report_picker.value
        reports, mentions = self.tables["reports"], self.tables["mentions"]
        report = reports[reports.report_id == rid]
        here = mentions[mentions.report_id == rid]
        self.view.value = report_html(report.iloc[0], here) if len(report) else ""
        options = mention_options(here)
        self.headline_picker.options = options["headline"]
        self.headline_picker.value = None
        self.mention_picker.options = options["body"]
        actors = self.tables["actors"].sort_values("canonical")
        choices = [
            (f"{shorten(a.canonical, 32)} ({type_label(a.actor_type)})", a.actor_id)
            for a in actors.itertuples()
        ]
        self.values["Link to"].options = self.values["Merge into"].options = choices
        for dropdown in [*self.values.values(), self.event_field, self.new_event_type]:
            dropdown.value = None
        self.event_value.value = ""
        self.ledger_picker.options = ledger_options(self.store.corrections())
        self._describe()

    def apply(self, action: str) -> int | None:
        """Send the correction for ``action`` on the chosen mention; return its entry id
        (the first one when the scope reaches several mentions). A merge only asks: it is
        sent by :meth:`confirm`."""
        row = self._row()
        if row is None:
            self._say("Choose a mention first.", error=True)
            return None
        value = self.values[action].value if action in self.values else None
        try:
            kind, fields = correction_for(action, row, value=value)
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        if kind == "merge_actors":
            self.pending = (kind, fields)
            actors = self.tables["actors"]
            self.question.value = f"<b>{html.escape(merge_question(actors, *fields['actors']))}</b>"
            self.confirm_box.layout.display = "flex"
            self._say("")
            return None
        targets = [fields]
        if action in MENTION_ACTIONS and self.scope.value != "mention":
            reach = mentions_in_scope(self.tables["mentions"], row, self.scope.value)
            targets = [correction_for(action, m, value=value)[1] for m in reach.to_dict("records")]
        return self._submit(kind, targets)

    def reject_event(self) -> int | None:
        """Reject the event chosen in the list beside the sentence (by its ``event_id``)."""
        if self.event_picker.value is None:
            self._say("Choose an event of this sentence first.", error=True)
            return None
        return self._submit("reject_event", [{"event_id": self.event_picker.value}])

    def edit_event(self) -> int | None:
        """Set one field of the chosen event to what is typed in ``event_value``."""
        if self.event_picker.value is None or self.event_field.value is None:
            self._say("Choose an event of this sentence and a field first.", error=True)
            return None
        try:
            changes = event_change(self.event_field.value, self.event_value.value)
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        return self._submit(
            "edit_event", [{"event_id": self.event_picker.value, "changes": changes}]
        )

    def add_event(self) -> int | None:
        """Add an event of the chosen actor mention's sentence, of ``new_event_type``."""
        row = self._row()
        if row is None or row["kind"] not in schema.ACTOR_KINDS or not given(row["entity_id"]):
            self._say("Choose the acting actor in a body sentence first.", error=True)
            return None
        if self.new_event_type.value is None or int(row["sentence_id"]) < 0:
            self._say("Choose a body mention and the event's sub-event type.", error=True)
            return None
        fields = {"report_id": row["report_id"], "sentence_id": int(row["sentence_id"]),
                  "actor1": row["entity_id"], "sub_event_type": self.new_event_type.value}  # fmt: skip
        return self._submit("add_event", [fields])

    def confirm(self) -> int | None:
        """Send the merge :meth:`apply` asked about."""
        if self.pending is None:
            return None
        kind, fields = self.pending
        self.cancel()
        return self._submit(kind, [fields])

    def cancel(self) -> None:
        """Drop the merge waiting for confirmation."""
        self.pending = None
        self.question.value = ""
        self.confirm_box.layout.display = "none"

    def undo(self, entry: int | None = None) -> int | None:
        """Undo ``entry`` (a ledger id), or else the panel's last action (all the
        corrections it sent); return the id of the last undo entry."""
        if entry is None and not self.history:
            self._say("Nothing to undo.", error=True)
            return None
        group = [entry] if entry is not None else self.history.pop()
        try:
            with self.store.batch():
                undo_ids = [self.store.undo(e) for e in reversed(group)]
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        self.history = [[e for e in g if e not in group] for g in self.history]
        self.history = [g for g in self.history if g]
        self._reload(f"Undid {', '.join(f'#{e}' for e in group)}.")
        return undo_ids[-1]

    def _submit(self, kind: str, targets: list[dict[str, Any]]) -> int | None:
        try:
            with self.store.batch():
                entries = [self.store.correct(kind, **fields) for fields in targets]
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return None
        self.history.append(entries)
        many = f" ({len(entries)} mentions)" if len(entries) > 1 else ""
        ids = f"#{entries[0]}" + (f"–#{entries[-1]}" if len(entries) > 1 else "")
        self._reload(f"Saved {ids}: {kind}{many}.")
        return entries[0]

    def _row(self) -> dict[str, Any] | None:
        key = self.chosen
        if key is None:
            return None
        m = self.tables["mentions"]
        hit = m[
            (m.report_id == key[0]) & (m.start == key[1]) & (m.end == key[2]) & (m.text == key[3])
        ]
        return hit.iloc[0].to_dict() if len(hit) else None

    def _picked(self, change: dict, other: widgets.Select) -> None:
        if change["new"] is not None and other.value is not None:
            other.value = None
        self.cancel()
        self._describe()

    def _describe(self) -> None:
        row = self._row()
        if row is None:
            self.details.value = "<i>Pick a mention in the headline or the body.</i>"
            self.event_picker.options = []
            return
        events = self.tables.get("events", schema.empty("events"))
        self.event_picker.options = event_options(events, row["report_id"], int(row["sentence_id"]))
        actor = row["entity_id"] if row["kind"] in schema.ACTOR_KINDS else None
        esc = html.escape
        parts = [f"<b>{esc(row['text'])}</b> is tagged <b>{esc(str(row['kind']))}</b>"]
        if given(row["canonical"]):
            parts.append(f"resolved to <b>{esc(str(row['canonical']))}</b>")
        else:
            parts.append("unresolved")
        if given(row["actor_type"]):
            parts.append(f"type <b>{esc(type_label(row['actor_type']))}</b>")
        if given(actor):
            parts.append(f"actor id <code>{esc(str(actor))}</code>")
        reports = self.tables["reports"]
        body = reports.body[reports.report_id == row["report_id"]]
        note = link_note(row, body.iloc[0] if len(body) and row["sentence_id"] != -1 else "")
        link = (
            f"<br>Linked {esc(note)}. Wrong? Point it at the right actor with <i>Link to</i>"
            if note
            else ""
        )
        self.details.value = f"<div style='font-size:.9em'>{', '.join(parts)}{link}</div>"

    def _event_choices(self) -> None:
        """Offer the values the chosen event field can take (any may still be typed)."""
        field, tables = self.event_field.value, self.tables
        choices = {
            "actor1": tables["actors"].canonical,
            "actor2": tables["actors"].canonical,
            "place": tables["places"].name,
            "sub_event_type": load_sub_event_types().sub_event_type,
            "claimed": pd.Series(["yes", "no"]),
        }.get(field, pd.Series([], dtype=object))
        self.event_value.options = sorted(set(choices.dropna().astype(str)))
        self.event_value.value = ""

    def _reload(self, message: str) -> None:
        self.tables = self.store.tables()
        self.show()
        self._say(message)

    def _say(self, text: str, *, error: bool = False) -> None:
        color = "#b00020" if error else "#1b5e20"
        self.message.value = f'<span style="color:{color}">{html.escape(text)}</span>'


def _named(ref: Any) -> str:
    """An actor reference as the ledger stores it (an id, or ``{"id", "name"}``): its name."""
    if isinstance(ref, Mapping):
        return str(ref.get("name") or ref.get("id"))
    return str(ref)

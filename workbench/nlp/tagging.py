"""Tag reports: run the pipeline over report bodies and return the mentions table.

This is the expensive, per-report step. Its output depends only on the report body,
:data:`~workbench.nlp.version.PIPELINE_VERSION` and the model, which is what lets the
store cache it. Corpus-level resolution (actors, places, dates) is in ``workbench.resolve``.

A long report is tagged in pieces of at most :data:`PIECE_CHARS` characters, cut at
paragraph boundaries: spaCy refuses texts over ``nlp.max_length`` (a million characters)
and needs about a gigabyte of temporary memory per hundred thousand. Offsets and sentence
numbers are re-based to the whole body, so a long report reads like any other.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from spacy.language import Language
from spacy.tokens import Doc

from workbench import schema

#: Batch size for ``nlp.pipe``: large enough to amortise, small enough for steady progress.
BATCH_SIZE = 32
#: The longest text handed to spaCy at once (a longer body is tagged in pieces).
PIECE_CHARS = 100_000


def tag_reports(
    reports: pd.DataFrame, *, nlp: Language | None = None, progress: bool = False
) -> pd.DataFrame:
    """Return the ``mentions`` table for ``reports`` (schema ``COLUMNS["mentions"]``).

    ``canonical`` and ``actor_type`` are left for :func:`workbench.resolve.tables.resolve`,
    except ``entity_id``, which holds what the pipeline knows (a gazetteer actor id,
    ``new:<key>``, ``forces:<ISO>``); offsets slice ``reports.body``, or the title for
    headline mentions (``sentence_id`` -1).

    Examples
    --------
    >>> from workbench.read.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR / "000_d02af4319f79bde9.txt")
    >>> m = tag_reports(reports)
    >>> text = [(reports.title[0] if i == -1 else reports.body[0])[s:e]
    ...         for i, s, e in zip(m.sentence_id, m.start, m.end)]
    >>> bool((m.text == text).all())
    True
    """
    return _tag(reports, nlp=nlp, progress=progress, events=False)["mentions"]


def tag(
    reports: pd.DataFrame, *, nlp: Language | None = None, progress: bool = False
) -> dict[str, pd.DataFrame]:
    """Tag ``reports`` in one pass: ``{"mentions": ..., "events_raw": ...}``.

    ``events_raw`` (schema ``COLUMNS["events_raw"]``) holds the events read off the
    parse (:func:`workbench.nlp.events.doc_events`), pointing at mentions by offsets;
    :func:`workbench.resolve.tables.resolve` turns them into the ``events`` table.

    Examples
    --------
    >>> from workbench.read.reports import read_reports
    >>> from workbench.config import SEEDS_DIR
    >>> reports, _ = read_reports(SEEDS_DIR / "000_d02af4319f79bde9.txt")
    >>> tagged = tag(reports)
    >>> sorted(tagged)
    ['events_raw', 'mentions']
    """
    return _tag(reports, nlp=nlp, progress=progress, events=True)


def _tag(
    reports: pd.DataFrame, *, nlp: Language | None, progress: bool, events: bool
) -> dict[str, pd.DataFrame]:
    from tqdm.auto import tqdm

    from workbench.nlp.events import doc_events

    if nlp is None:
        from workbench.nlp.pipeline import load_pipeline

        nlp = load_pipeline()
    rows: list[dict[str, Any]] = []
    event_rows: list[dict[str, Any]] = []
    titles = reports.title.fillna("").astype(str).tolist()
    pieces = []  # (report_id, title, base, text, last): one per report unless it is long
    for rid, title, body in zip(reports.report_id, titles, reports.body, strict=True):
        parts = split_text(body, PIECE_CHARS)
        for i, (base, chunk) in enumerate(parts):
            pieces.append((rid, title if i == 0 else "", base, chunk, i == len(parts) - 1))
    texts = (f"{t}\n\n{chunk}" if t else chunk for _, t, _, chunk, _ in pieces)
    docs = nlp.pipe(texts, batch_size=BATCH_SIZE)
    bar = tqdm(total=len(reports), desc="tagging", unit="report", disable=not progress)
    first = 0  # body sentences of this report in its pieces before this one
    for (report_id, title, base, _, last), doc in zip(pieces, docs, strict=True):
        where = {"report_id": report_id, "title_len": len(title), "base": base}
        first = 0 if base == 0 else first
        rows.extend(doc_mentions(doc, **where, first_sentence=first))
        if events:
            event_rows.extend(doc_events(doc, **where, first_sentence=first))
        offset = len(title) + 2 if title else 0
        first += sum(1 for s in doc.sents if s.end_char > offset)
        if bar.n + last < bar.total:
            bar.update(int(last))
        else:
            bar.n += int(last)  # done: close() draws the 100 % line, once
    bar.close()
    out = {"mentions": schema.conform(rows, "mentions")}
    if events:
        out["events_raw"] = schema.conform(event_rows, "events_raw")
    return out


def doc_mentions(
    doc: Doc, *, report_id: str, title_len: int = 0, base: int = 0, first_sentence: int = 0
) -> list[dict[str, Any]]:
    """Rows of the mentions table for one processed ``Doc`` (its ``workbench`` spans).

    ``doc`` is the headline, a blank line, then the body (``title_len`` is the headline's
    length; 0 when the doc is the body alone), or a piece of a long body that starts at
    ``base`` in the body, after ``first_sentence`` sentences. Headline mentions get
    ``sentence_id`` -1 and offsets into the title; all others get offsets into the body.
    """
    offset = title_len + 2 if title_len else 0
    sentences = [s for s in doc.sents if s.end_char > offset]
    starts = [s.start for s in sentences]
    rows = []
    for span in doc.spans.get("workbench", []):
        if span.start_char < offset:
            if span.end_char > title_len:
                continue  # straddles headline and body: the parser joined them
            sid, sent_start, sent_end, shift = -1, 0, title_len, 0
        else:
            sid = _sentence_index(starts, span.start)
            sent = sentences[sid]
            sent_start = max(sent.start_char, offset) - offset + base
            sent_end = max(sent.end_char, span.end_char) - offset + base  # never cut a mention
            shift = offset - base
            sid += first_sentence
        rows.append(
            {
                "report_id": report_id,
                "sentence_id": sid,
                "sent_start": sent_start,
                "sent_end": sent_end,
                "start": span.start_char - shift,
                "end": span.end_char - shift,
                "text": span.text,
                "kind": span.label_.lower(),
                "label": span.label_,
                "entity_id": span.kb_id_ or None,
                "source": span._.wb_source,
                "confidence": span._.wb_confidence,
            }
        )
    return rows


def _sentence_index(starts: list[int], token_i: int) -> int:
    import bisect

    return max(bisect.bisect_right(starts, token_i) - 1, 0)


def split_text(text: str, limit: int) -> list[tuple[int, str]]:
    r"""``text`` in pieces of at most ``limit`` characters, as ``(start, piece)``: cut at
    the last paragraph break before the limit, else a line break, a sentence end, a space.

    Examples
    --------
    >>> split_text("One.\n\nTwo two.\n\nThree.", 12)
    [(0, 'One.\n\n'), (6, 'Two two.\n\n'), (16, 'Three.')]
    >>> split_text("short", 12)
    [(0, 'short')]
    """
    out, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = limit  # no break in sight: cut where it is
        for sep in ("\n\n", "\n", ". ", " "):
            if (at := window.rfind(sep)) > limit // 4:
                cut = at + len(sep)
                break
        out.append((start, text[start : start + cut]))
        start += cut
    out.append((start, text[start:]))
    return out

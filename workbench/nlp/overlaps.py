"""Which candidate mentions a report keeps where they overlap, and what they imply.

The mention component (:mod:`workbench.nlp.mentions`) gathers candidates from NER, the
gazetteer, patterns and generic phrases; these functions pick one span per stretch of
text, keep the place named inside a group of people, and give a person the actor they
speak for. Each reads the candidates once, sorted, so the cost grows with their number,
not its square.
"""

from __future__ import annotations

import bisect

from spacy.tokens import Span

from workbench.nlp.cues import GROUPS_OF_PEOPLE, ROLE_WORDS

_Found = tuple[Span, str, float]


def dedupe(found: list[_Found]) -> list[_Found]:
    """Keep one span per stretch of text: the most confident, then the longest. A longer
    span naming the same entity as a shorter one inside it wins ("U.S. military forces")."""
    best: dict[tuple[str, str], list[tuple[int, int, float]]] = {}
    for f in found:
        best.setdefault((f[0].label_, f[0].kb_id_), []).append((f[0].start, f[0].end, f[2]))
    for same in best.values():
        same.sort()  # by start: the spans inside one are found by bisection, not a scan
    boosted = []
    for span, source, conf in found:
        same = best[(span.label_, span.kb_id_)] if span.kb_id_ else []
        inner = [conf]
        for k in range(bisect.bisect_left(same, (span.start,)), len(same)):
            s_start, s_end, c = same[k]
            if s_start > span.end:
                break
            if s_end <= span.end:
                inner.append(c)
        boosted.append((span, source, max(inner)))
    ranked = sorted(boosted, key=lambda f: (f[2], f[0].end - f[0].start), reverse=True)
    taken: set[int] = set()
    kept = []
    for item in ranked:
        tokens = set(range(item[0].start, item[0].end))
        if tokens & taken:
            continue
        taken |= tokens
        kept.append(item)
    return sorted(kept, key=lambda f: f[0].start)


def with_nested_places(kept: list[_Found]) -> list[_Found]:
    """ "residents of Abdiya" is a group of people and names a place: keep both."""
    groups = [s for s, _, _ in kept if s.label_ == "ACTOR" and s.kb_id_ in GROUPS_OF_PEOPLE]
    if not groups:
        return kept
    ents = groups[0].doc.ents  # once: each span.ents would walk every entity of the doc
    starts = [e.start for e in ents]
    nested = []
    for span in groups:  # the entities inside the span, as span.ents finds them
        for k in range(bisect.bisect_left(starts, span.start), len(ents)):
            if ents[k].end > span.end:
                break
            if ents[k].label_ == "GPE":
                place = Span(span.doc, ents[k].start, ents[k].end, label="PLACE")
                nested.append((place, "ner", 0.8))
    return sorted([*kept, *nested], key=lambda f: (f[0].start, -f[0].end)) if nested else kept


def link_persons(kept: list[_Found]) -> list[_Found]:
    """Give a person the actor they speak or act for, when the text says so right after
    the name ("Col. Ryan Dillon, spokesman for the coalition")."""
    out = []
    for i, (span, source, conf) in enumerate(kept):
        if span.label_ == "PERSON":
            for other, _, _ in kept[i + 1 : i + 4]:
                between = span.doc[span.end : other.start]
                if other.label_ != "ACTOR" or other.sent != span.sent or len(between) > 8:
                    continue
                if any(t.lower_ in ROLE_WORDS for t in between):
                    span = Span(span.doc, span.start, span.end, label="PERSON", kb_id=other.kb_id_)
                break
        out.append((span, source, conf))
    return out

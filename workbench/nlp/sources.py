"""Sources are not actors: an agency, broadcaster, monitor or UN agency that only reports.

"..., the Syrian Observatory for Human Rights said", "according to OCHA", "Reuters
reported": the organisation (``data/sources.csv``) tells of the events; it takes no
part in them (ACLED's convention, and the dev corpus's). Its mention is dropped when it
is the subject of a reporting verb (``data/words/reporting_verbs.txt``) or the object of
"according to"; a sentence where it does something else ("UNHCR evacuated 300 people")
keeps it.
"""

from __future__ import annotations

from spacy.tokens import Span

from workbench.lexicon.gazetteer import load_gazetteer, per_gazetteer
from workbench.lexicon.references import source_names
from workbench.lexicon.words import words
from workbench.nlp.roles import subject_verb
from workbench.text import fold

#: Lemmas of reporting verbs.
REPORTING_VERBS = words("reporting_verbs")


def is_source(span: Span) -> bool:
    """Whether ``span`` names a reporting organisation in a reporting role.

    Reporting roles: subject of a reporting verb, "according to X", "X's report", and a
    bare mention with no verb of its own (a byline, "Reuters" in brackets).
    """
    if fold(span.text).removeprefix("the ") not in source_names() and (
        span.kb_id_ not in _source_ids()
    ):
        return False
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ == "to" and root.head.i > 0:
        if span.doc[root.head.i - 1].lower_ == "according":
            return True
    verb = subject_verb(span)
    if verb is not None:
        return verb.lemma_.lower() in REPORTING_VERBS
    return root.dep_ not in ("dobj", "pobj", "conj") or root.head.lemma_.lower() in REPORTING_VERBS


@per_gazetteer
def _source_ids() -> frozenset[str]:
    """Gazetteer actors that are reporting organisations under any of their names, so
    "the UN Office for the Coordination of Humanitarian Affairs" is OCHA the source."""
    names = source_names()
    return frozenset(
        row.actor_id
        for row in load_gazetteer().itertuples()
        if any(fold(n) in names for n in [row.canonical, *row.aliases, *row.case_sensitive_aliases])
    )


def drop_sources(kept: list[tuple[Span, str, float]]) -> list[tuple[Span, str, float]]:
    """``kept`` without the actor mentions that are sources (:func:`is_source`)."""
    return [f for f in kept if not (f[0].label_ == "ACTOR" and is_source(f[0]))]

"""Generic references to actors ("the army", "troops", "rebels", "the junta"), marked.

News names an actor once, or never, and then writes "the army", "soldiers",
"militants". Each such phrase (``data/generic_actors.csv``) becomes an actor mention
with a placeholder id, ``generic:<type>:<branch>[:<ISO>]``; which actor it denotes is
decided with the whole report in view, in the resolve stage
(:mod:`workbench.resolve.references`), so a report's tagging depends on the report alone
and stays cacheable. A country the phrase names itself ("Ukraine's army", "the police
of Kenya") is kept in the id; so is a demonym plural acting as a state ("the Russians
launched", kept as that state's forces). A phrase that modifies a noun ("military
outpost", "Army Captain") or follows a name ("Arakan Army", "SDF fighters") is left to
the rules that tag names.
"""

from __future__ import annotations

import bisect

from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from workbench.lexicon.references import load_generic_actors
from workbench.lexicon.words import words
from workbench.nlp.cues import MILITARY_VERBS
from workbench.nlp.roles import subject_verb
from workbench.schema import GENERIC_PREFIX
from workbench.text import fold

#: Words allowed before a state-force phrase without naming anyone ("government troops").
STATE_MODIFIERS = ("government", "state", "regime", "junta", "federal", "national")
#: "allied militias", "pro-government militias", "army-backed vigilantes": on the state's
#: side, so not the insurgent the report names (branch ``allied``).
ALLIED_WORDS = words("generic_allied")
ALLIED_SIDES = words("generic_allied_sides")
#: Entity labels that name someone or somewhere (a number before "soldiers" does not).
NAMES = ("NORP", "GPE", "ORG", "PERSON", "FAC", "LOC", "ACTOR")
#: Confidence of a generic mention: below a name's, so a name over the same words wins.
CONFIDENCE = 0.6
#: Confidence of one that names its country ("Kenya's police"): above a place's (0.8).
CONFIDENCE_NAMED = 0.85


def generic_id(actor_type: str, branch: str = "", country: str = "") -> str:
    """The placeholder id the resolve stage binds.

    Examples
    --------
    >>> generic_id("state_force", "police", "KE"), generic_id("rebel_group")
    ('generic:state_force:police:KE', 'generic:rebel_group:')
    """
    return f"{GENERIC_PREFIX}{actor_type}:{branch}" + (f":{country}" if country else "")


class GenericReferences:
    """Find generic references in a parsed Doc: ``refs(doc) -> [(Span, source, conf)]``.

    ``countries`` maps folded country names, ``demonyms`` folded demonyms, to ISO codes.
    """

    def __init__(self, vocab: Vocab, *, countries: dict[str, str], demonyms: dict[str, str]):
        self.countries, self.demonyms = countries, demonyms
        self.plurals = {f"{d}s": code for d, code in demonyms.items() if not d.endswith("s")}
        self.kinds: dict[str, tuple[str, str]] = {}
        table = load_generic_actors()
        self.force_words = frozenset(
            p.split()[0] for p in table.phrase[table.type == "state_force"]
        )
        self.matcher = Matcher(vocab)
        modifier = {"LOWER": {"IN": list(STATE_MODIFIERS)}, "OP": "?"}
        for row in table.itertuples():
            words = [{"LOWER": w} for w in row.phrase.split()]
            key = f"generic {row.phrase}"
            self.kinds[key] = (row.type, row.branch)
            self.matcher.add(key, [[modifier, *words]] if row.type == "state_force" else [words])
        self.matcher.add(
            "generic plural", [[{"LOWER": "the"}, {"LOWER": {"IN": list(self.plurals)}}]]
        )

    def __call__(self, doc: Doc) -> list[tuple[Span, str, float]]:
        found: dict[int, tuple[Span, str, float]] = {}
        self._names = sorted(
            (e.start, e.end) for e in doc.ents if e.label_ in NAMES
        )  # read once per doc: a lookup per match, not a walk of every entity
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            hit = self._plural(doc, start, end) if key == "generic plural" else None
            if key != "generic plural":
                hit = self._phrase(doc, start, end, *self.kinds[key])
            if hit is not None and (
                hit[0].end not in found or len(hit[0]) > len(found[hit[0].end][0])
            ):
                found[hit[0].end] = hit
        return sorted(found.values(), key=lambda f: f[0].start)

    def _phrase(self, doc: Doc, start: int, end: int, actor_type: str, branch: str):
        last = doc[end - 1]
        if last.dep_ in ("amod", "compound", "nmod") and last.head.i >= end:
            return None  # "military outpost", "Army Captain Reyes": it modifies a noun
        if last.pos_ not in ("NOUN", "PROPN") or self._in_name(doc, start, end):
            return None  # an adjective, or part of a name NER found ("Arakan Army")
        if (
            actor_type == "government_or_official"
            and end + 1 < len(doc)
            and (doc[end].text in ("'s", "’s") and doc[end + 1].lower_ in self.force_words)
        ):
            return None  # "the junta's troops": the troops act, and they are tagged
        country, first = "", start
        prev = doc[start - 1] if start else None
        if prev is not None and prev.text in ("'s", "’s") and start >= 2:
            country = self._country(doc[start - 2].text)  # "Ukraine's army"
            if country:
                first = start - 2
            elif doc[start - 2].ent_type_ in NAMES or doc[start - 2].pos_ == "PROPN":
                return None  # "the SDF's fighters": that name's own, tagged there
        elif prev is not None and (
            prev.ent_type_ in NAMES
            or prev.pos_ == "PROPN"
            or (prev.text == "-" and not prev.whitespace_)
        ):
            return None  # "Nigerien soldiers", "SDF fighters", "Kyiv-loyal troops"
        if not country and end + 1 < len(doc) and doc[end].lower_ == "of":
            country = self._country(doc[end + 1].text)  # "the army of Niger"
            end = end + 2 if country else end
        if actor_type != "state_force" and _allied(doc, first):
            branch = "allied"
        span = Span(doc, first, end, label="ACTOR", kb_id=generic_id(actor_type, branch, country))
        # a country naming the phrase ("Kenya's police") is the owner, not a place, and an
        # entity inside it is a piece of it ("Gang" of "Gang members" tagged PERSON): the
        # phrase outranks NER on the same words
        named = country or self._covers(first, end)
        return span, "generic", CONFIDENCE_NAMED if named else CONFIDENCE

    def _plural(self, doc: Doc, start: int, end: int):
        """ "The Russians launched ...": a demonym plural acting is that state's forces."""
        token = doc[end - 1]
        verb = subject_verb(doc[start + 1 : end])
        if verb is None or verb.lemma_.lower() not in MILITARY_VERBS:
            return None
        code = self.plurals[token.lower_]
        span = Span(
            doc, start + 1, end, label="ACTOR", kb_id=generic_id("state_force", "military", code)
        )
        return span, "generic", CONFIDENCE

    def _in_name(self, doc: Doc, start: int, end: int) -> bool:
        """Part of a longer name NER found ("Arakan Army"); an entity that is no more than
        the phrase is no name ("Jihadists" tagged NORP)."""
        i = bisect.bisect_left(self._names, (start, -1))
        for ent_start, ent_end in self._names[max(0, i - 1) : i + 2]:
            if ent_start < end and start < ent_end:
                return ent_start < start or ent_end > end
        return False

    def _covers(self, start: int, end: int) -> bool:
        """An entity NER found lies inside the phrase."""
        i = bisect.bisect_left(self._names, (start, -1))
        return any(
            start <= s and e <= end and (s, e) != (start, end) for s, e in self._names[i : i + 2]
        )

    def _country(self, text: str) -> str:
        key = fold(text).removeprefix("the ")
        return self.countries.get(key) or self.demonyms.get(key) or ""


def _allied(doc: Doc, start: int) -> bool:
    """The words before ``start`` put the group on the state's side: "allied", "loyalist",
    "pro-government", "government-backed"."""
    if start < 1:
        return False
    prev = doc[start - 1]
    if prev.lower_ in ALLIED_WORDS:
        return True
    if start >= 3 and doc[start - 2].text == "-":
        before = doc[start - 3].lower_
        if prev.lower_ in ALLIED_SIDES and before == "pro":  # "pro-government"
            return True
        return prev.lower_ in ("backed", "allied", "aligned") and before in ALLIED_SIDES
    return False


def drop_after_names(kept: list[tuple[Span, str, float]]) -> list[tuple[Span, str, float]]:
    """ "IS militants", "Houthi rebels": a generic word right after an actor's name is that
    actor's head noun, already tagged with the name; "US-backed troops" keeps its troops
    (a supporter is someone else)."""
    out = []
    for item in kept:
        span, source, _ = item
        last = out[-1][0] if out else None
        if (
            source == "generic"
            and last is not None
            and last.label_ == "ACTOR"
            and last.end == span.start
        ):
            continue
        out.append(item)
    return out

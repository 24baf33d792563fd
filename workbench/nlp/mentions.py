"""The ``workbench_mentions`` component: entities and patterns -> workbench mentions.

It writes ``doc.spans["workbench"]``: one span per mention, with ``label_`` the kind in
upper case (ACTOR, SUPPORTER, PLACE, DATE, PERSON), ``kb_id_`` the actor id (gazetteer
id, ``new:<key>`` for actors found in the text, or ``forces:<ISO>`` for a state's
forces), and ``span._.wb_source`` / ``._.wb_confidence``. How each NER entity becomes a
mention is decided by :data:`ENTITY_RULES`, in order, first match wins.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from workbench.lexicon.gazetteer import load_demonyms, load_gazetteer, per_gazetteer
from workbench.lexicon.references import capitals
from workbench.nlp.aliases import alias_pairs
from workbench.nlp.cues import (
    ACTOR_HEADS,
    ATTACK_NOUNS,
    DATE_WORDS,
    DIRECTIONS,
    FORCE_MODIFIERS,
    FORCE_NOUNS,
    FOREIGN,
    GENERIC_FORCE_MODIFIERS,
    GROUPS_OF_PEOPLE,
    KIND_OF_LABEL,
    LOCATIVE_PREPOSITIONS,
    MILITARY_VERBS,
    NAME_LABELS,
    NAMED_BRANCHES,
    NOT_PLACES,
    PLACE_FEATURES,
    PLACE_PARTICLES,
    PLACE_SUFFIXES,
    STATEMENT_VERBS,
    SUPPORT_WORDS,
)
from workbench.nlp.generics import GenericReferences, drop_after_names
from workbench.nlp.overlaps import dedupe, link_persons, with_nested_places
from workbench.nlp.roles import (
    drop_authors_and_negated,
    modifies_non_place,
    subject_verb,
)
from workbench.nlp.sources import REPORTING_VERBS, drop_sources
from workbench.nlp.toponyms import revise_places
from workbench.schema import (
    ARMED_TYPES,
    COALITION_ID,
    GENERIC_PREFIX,
    HOME_FORCES_ID,
    HOME_GOVERNMENT_ID,
    UNIDENTIFIED_ID,
)
from workbench.text import fold

for _name, _default in (("wb_source", None), ("wb_confidence", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


@Language.factory("workbench_mentions")
def make_mentions_component(nlp: Language, name: str) -> MentionTagger:
    return MentionTagger(nlp)


class MentionTagger:
    """Turn entities into workbench mentions; add demonym forces, supporters and aliases."""

    def __init__(self, nlp: Language) -> None:
        demonyms = load_demonyms()
        self.demonyms = {
            fold(r.demonym): (r.country_code, r.state_forces_actor_id)
            for r in demonyms.itertuples()
        }
        self.countries = {
            fold(r.country): (r.country_code, r.state_forces_actor_id)
            for r in demonyms.itertuples()
        }
        lowers = sorted({d.lower() for d in demonyms.demonym})
        self.matcher = Matcher(nlp.vocab)
        dem = {"LOWER": {"IN": lowers}}
        mod = {"LOWER": {"IN": sorted(FORCE_MODIFIERS)}, "OP": "*"}
        self.matcher.add("FORCES", [[dem, mod, {"LOWER": {"IN": sorted(FORCE_NOUNS)}}]])
        generic = {"LOWER": {"IN": sorted(GENERIC_FORCE_MODIFIERS)}}
        self.matcher.add("COALITION", [[{"LOWER": "coalition"}]])
        govs = {"LOWER": {"IN": ["government", "governments", "leaders", "leadership"]}}
        self.matcher.add("GOVERNMENTS_OF", [[govs, {"LOWER": "of"}]])
        rulers = {"LOWER": {"IN": ["government", "authorities", "regime", "administration"]}}
        interim = {"LOWER": {"IN": ["transitional", "transition", "interim"]}, "OP": "?"}
        # one-word country names, matched as words: NER often calls "Mali" a PERSON
        country = {"ORTH": {"IN": sorted({c for c in demonyms.country if " " not in c})}}
        home = {"LOWER": {"IN": ["national", "unity", "transitional", "interim", "federal"]}}
        self.matcher.add(
            "HOME_GOVERNMENT",
            [[{"LOWER": "the"}, {**home, "OP": "*"}, {"LOWER": "government"}]],
        )
        possessive = {"ORTH": {"IN": ["’s", "'s"]}}
        self.matcher.add(
            "GOVERNMENT",
            [[dem, interim, rulers], [country, possessive, interim, rulers]],
        )
        self.matcher.add("HOME_FORCES", [[generic, {"LOWER": {"IN": ["forces", "force"]}}]])
        backer = {"LOWER": {"IN": sorted(SUPPORT_WORDS)}}
        self.matcher.add("SUPPORT", [[dem, {"ORTH": "-"}, backer]])
        feature = {"LOWER": {"IN": sorted(PLACE_FEATURES)}}
        self.matcher.add("PLACE_OF", [[feature, {"LOWER": "of"}]])
        possessive = {"ORTH": {"IN": ["’s", "'s"]}}
        self.matcher.add("PLACE_OF_GPE", [[{"ENT_TYPE": "GPE"}, possessive]])
        self.aliases = _alias_lookup()
        self.capitals = capitals()
        self.generics = GenericReferences(
            nlp.vocab,
            countries={k: v[0] for k, v in self.countries.items()},
            demonyms={k: v[0] for k, v in self.demonyms.items()},
        )

    def __call__(self, doc: Doc) -> Doc:
        blocked = doc.user_data.get("wb_dateline", [])
        found: list[_Found] = []
        for ent in doc.ents:
            if any(s <= ent.start_char < e for s, e in blocked):
                continue
            found.extend(self._from_ent(doc, ent))
        found.extend(self._pattern_spans(doc))
        found.extend(self.generics(doc))  # "the army", "rebels": bound in resolve
        found.extend(self._alias_spans(doc, found))
        found = [f for f in found if not any(s <= f[0].start_char < e for s, e in blocked)]
        kept = drop_sources(drop_authors_and_negated(drop_after_names(dedupe(found))))
        kept = link_persons(kept)
        kept = self._implied_perpetrator(doc, kept)
        kept = with_nested_places(kept)
        kept = revise_places(doc, kept)  # place cues (workbench.nlp.toponyms)
        for span, source, conf in kept:
            span._.wb_source = source
            span._.wb_confidence = conf
        doc.spans["workbench"] = [span for span, _, _ in kept]
        return doc

    def _from_ent(self, doc: Doc, ent: Span) -> list[_Found]:
        return self.decide(doc, ent)[1]

    def decide(self, doc: Doc, ent: Span) -> tuple[str, list[_Found]]:
        """Which rule of :data:`ENTITY_RULES` turns ``ent`` into mentions, and into which.

        Rules run in order; the first that returns a list (possibly empty: "not a
        mention") decides. ``("none", [])`` when no rule applies.
        """
        for name, rule in ENTITY_RULES:
            found = rule(self, doc, ent)
            if found is not None:
                return name, found
        return "none", []

    # -- the entity rules, in the order ENTITY_RULES applies them ---------------------

    def _gazetteer_actor(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """A gazetteer actor; groups of people keep their adjectives and place
        ("unarmed civilians", "residents of Abdiya")."""
        if ent.label_ != "ACTOR":
            return None
        filed = doc.user_data.get("wb_dateline_span")
        if filed and ent.start_char < filed[1] and ent.end_char > filed[0]:
            # "UNITED NATIONS (Xinhua) --", "PORT-AU-PRINCE, Haiti": where it was filed
            place = doc.char_span(*filed, alignment_mode="expand")
            return [_span(doc, place.start, place.end, "PLACE", "", "dateline", 0.8)]
        if _in_compound(doc, ent):  # "AU" in "Port-AU-Prince" elsewhere
            return []
        start, end = ent.start, ent.end
        if ent.ent_id_ in GROUPS_OF_PEOPLE:
            while start > 0 and doc[start - 1].pos_ == "ADJ" and doc[start - 1].is_lower:
                start -= 1
            if end + 1 < len(doc) and doc[end].lower_ == "of" and doc[end + 1].ent_type_ == "GPE":
                end += 2
                while end < len(doc) and doc[end].ent_iob_ == "I":
                    end += 1
        return [_span(doc, start, end, "ACTOR", ent.ent_id_, "gazetteer", 0.95)]

    def _preposition_place(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """ "Near Raqqah" tagged as a PERSON: the preposition is not part of the name."""
        if ent.label_ in NAME_LABELS and ent[0].lower_ in LOCATIVE_PREPOSITIONS and len(ent) > 1:
            return [_span(doc, ent.start + 1, ent.end, "PLACE", "", "ner+pattern", 0.7)]
        return None

    def _governments_of(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """ "the Governments of Saudi Arabia, ...": the country names the actor."""
        if ent.label_ not in ("GPE", "ORG") or len(ent) <= 2:
            return None
        if ent[0].lower_ not in ("government", "governments") or ent[1].lower_ != "of":
            return None
        code = self.countries.get(fold(ent[2:].text), ("",))[0]
        if not code:
            return None
        return [_span(doc, ent.start + 2, ent.end, "ACTOR", f"government:{code}", "pattern", 0.9)]

    def _alias_actor(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """A name the gazetteer knows as an actor's alias, whatever NER called it."""
        if ent.label_ in ("ORG", "NORP", "PERSON", "GPE") and fold(ent.text) in self.aliases:
            actor_id = self.aliases[fold(ent.text)]
            return [_span(doc, ent.start, ent.end, "ACTOR", actor_id, "gazetteer", 0.9)]
        return None

    def _person_place(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """A one-word PERSON that acts in no sentence and the place gazetteer knows."""
        if (
            ent.label_ == "PERSON"
            and len(ent) == 1
            and subject_verb(ent) is None
            and _is_place(ent.text)
        ):
            return [_span(doc, ent.start, ent.end, "PLACE", "", "ner+gazetteer", 0.7)]
        return None

    def _new_actor(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """An ORG/NORP with an actor's head noun is a new actor; any other is nothing."""
        if ent.label_ not in ("ORG", "NORP"):
            return None
        start = ent.start + (1 if ent[0].lower_ == "the" else 0)
        if start < ent.end and _looks_like_actor(doc[start : ent.end]):
            new_id = f"new:{fold(doc[start : ent.end].text)}"
            return [_span(doc, start, ent.end, "ACTOR", new_id, "ner", 0.6)]
        return []

    def _not_a_kind(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """Labels that name no kind of mention (MONEY, CARDINAL...), and DATE spans that
        are not dates ("the fighting")."""
        kind = KIND_OF_LABEL.get(ent.label_)
        if kind is None or (ent.label_ == "DATE" and not _date_like(ent)):
            return []
        return None

    def _country_agent(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """A country as the subject of a verb is an agent, not a place: its forces when
        the verb is military, else a statement's author (neither actor nor place). So is a
        capital that strikes or speaks ("Ankara said", "Moscow struck"); "Kabul fell" is
        still a place."""
        bare = fold(ent.text).removeprefix("the ")
        capital = (
            ent.label_ in ("GPE", "PERSON", "ORG")
            and bare in self.capitals
            and not ent.text.isupper()  # "BEIRUT (AP) - ...": a dateline, not an agent
        )
        if (ent.label_ != "GPE" and not capital) or (verb := subject_verb(ent)) is None:
            return None
        code, forces = self.countries.get(bare) or self.demonyms.get(bare) or ("", "")
        lemma = verb.lemma_.lower()
        if capital and not code:
            if lemma not in MILITARY_VERBS | STATEMENT_VERBS | REPORTING_VERBS:
                return None
            code = self.capitals[bare]
            forces = next((f for c, f in self.countries.values() if c == code), "")
        if not code:
            return None
        if lemma in MILITARY_VERBS:
            return [
                _span(doc, ent.start, ent.end, "ACTOR", forces or f"forces:{code}", "role", 0.8)
            ]
        return []

    def _adjective_country(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """ "U.S. officials", "the Iraqi government": a country as an adjective is no place
        (except where it is the dateline)."""
        if KIND_OF_LABEL[ent.label_] == "PLACE" and not self._is_dateline(doc, ent):
            if modifies_non_place(ent):
                return []
        return None

    def _entity(self, doc: Doc, ent: Span) -> list[_Found] | None:
        """Everything else is a mention of its label's kind; a place takes a leading
        direction ("eastern Syria") and a trailing suffix ("Marib Governorate")."""
        kind = KIND_OF_LABEL[ent.label_]
        start, end = ent.start, ent.end
        if kind == "PLACE" and start > 0 and doc[start - 1].lower_ in DIRECTIONS:
            start -= 1
        if (
            kind == "PLACE"
            and end < len(doc)
            and doc[end].lower_ in PLACE_SUFFIXES
            and not doc[end].is_sent_start
        ):
            end += 1
        source = "dateline" if self._is_dateline(doc, ent) and ent.label_ == "GPE" else "ner"
        return [_span(doc, start, end, kind, "", source, 0.8)]

    @staticmethod
    def _is_dateline(doc: Doc, ent: Span) -> bool:
        return ent.start_char == doc.user_data.get("wb_dateline_place")

    def _pattern_spans(self, doc: Doc) -> list[_Found]:
        out = []
        for match_id, start, end in self.matcher(doc):
            rule = doc.vocab.strings[match_id]
            if rule in ("PLACE_OF", "PLACE_OF_GPE"):
                out.extend(self._places_after(doc, end))
                continue
            country, forces = self.demonyms.get(fold(doc[start].text), ("", ""))
            actor_id = forces or f"forces:{country}"
            if rule == "GOVERNMENT":
                word = fold(doc[start].text)
                code = (self.demonyms.get(word) or self.countries.get(word) or ("", ""))[0]
                if code:
                    out.append(
                        _span(doc, start, end, "ACTOR", f"government:{code}", "demonym", 0.93)
                    )
                continue
            if rule == "HOME_GOVERNMENT":
                # "the government", "the national unity government": the report's country
                after = doc[end] if end < len(doc) else None
                if after is None or not (after.lower_ in ("of", "'s", "’s") or after.is_title):
                    out.append(
                        _span(doc, start + 1, end, "ACTOR", HOME_GOVERNMENT_ID, "pattern", 0.7)
                    )
                continue
            if rule == "GOVERNMENTS_OF":
                out.extend(self._governments_after(doc, end))
                continue
            if rule == "COALITION":
                # A bare "the coalition": the coalition of this report's theatre, in resolve.
                if not (start and (doc[start - 1].ent_type_ or doc[start - 1].text == "-")):
                    out.append(_span(doc, start, end, "ACTOR", COALITION_ID, "pattern", 0.7))
                continue
            if rule == "HOME_FORCES":
                # "security forces" with no country named: the report's country, in resolve.
                prev = doc[start - 1] if start else None
                if (
                    start >= 2
                    and prev.text in ("’s", "'s")
                    and fold(doc[start - 2].text) in self.countries
                ):
                    owner = doc[start - 2]  # "Somalia's security forces"
                    code, forces = self.countries.get(fold(owner.text), ("", ""))
                    if code:
                        actor_id = forces or f"forces:{code}"
                        out.append(_span(doc, owner.i, end, "ACTOR", actor_id, "pattern", 0.9))
                        continue
                if prev is None or not (
                    fold(prev.text) in self.demonyms or prev.ent_type_ or prev.lower_ in FOREIGN
                ):
                    out.append(_span(doc, start, end, "ACTOR", HOME_FORCES_ID, "pattern", 0.7))
                continue
            if rule == "SUPPORT":
                if country:
                    out.append(_span(doc, start, start + 1, "SUPPORTER", actor_id, "demonym", 0.93))
            elif {t.lower_ for t in doc[start:end]} & NAMED_BRANCHES and all(
                t.is_title for t in doc[start:end]
            ):
                # A named branch ("French Air Force") is its own actor, of that country.
                unit = f"forces:{country}:{fold(doc[start:end].text)}"
                out.append(_span(doc, start, end, "ACTOR", unit, "demonym", 0.92))
            else:
                if doc[end - 1].lower_ in ("police", "policemen") and country:
                    actor_id = f"police:{country}"  # "Bolivian police": its police forces
                out.append(_span(doc, start, end, "ACTOR", actor_id, "demonym", 0.92))
        for token in doc:
            lower = token.lower_
            if lower in LOCATIVE_PREPOSITIONS and token.pos_ in ("ADP", "PROPN", "SCONJ"):
                out.extend(self._places_after(doc, token.i + 1, confidence=0.5))
            elif "-" in lower and lower.rsplit("-", 1)[1] in SUPPORT_WORDS:
                # one token: "U.S.-backed"
                country, forces = self.demonyms.get(fold(lower.rsplit("-", 1)[0]), ("", ""))
                if country:
                    actor_id = forces or f"forces:{country}"
                    out.append(
                        _span(doc, token.i, token.i + 1, "SUPPORTER", actor_id, "demonym", 0.93)
                    )
        return out

    def _places_after(self, doc: Doc, i: int, *, confidence: float = 0.85) -> list[_Found]:
        """Proper nouns right after "the town of" / "in" are places ("villages of A and B")."""
        out = []
        while i < len(doc):
            j = i
            while j < len(doc) and _place_word(doc[j]):
                j += 1
            while j > i and not doc[j - 1].is_title:
                j -= 1
            if j == i or doc[i].lower_ in NOT_PLACES:
                break
            out.append(_span(doc, i, j, "PLACE", "", "pattern", confidence))
            if j + 1 < len(doc) and doc[j].lower_ in ("and", ",") and confidence > 0.5:
                i = j + 1
            else:
                break
        return out

    def _implied_perpetrator(self, doc: Doc, kept: list[_Found]) -> list[_Found]:
        """An attack with no armed group named anywhere in the report: ACLED codes the
        perpetrator as an unidentified armed group; tag it on the first attack word."""
        armed = _armed_actor_ids()
        if any(s.label_ == "ACTOR" and (s.kb_id_ in armed or _armed_generic(s.kb_id_))
               for s, _, _ in kept):  # fmt: skip
            return kept
        taken = {i for s, _, _ in kept for i in range(s.start, s.end)}
        for token in doc:
            if token.pos_ == "NOUN" and token.lower_ in ATTACK_NOUNS and token.i not in taken:
                if any(c.lower_ in ("no", "any") for c in token.children):
                    continue
                implied = _span(doc, token.i, token.i + 1, "ACTOR", UNIDENTIFIED_ID, "implied", 0.4)
                return sorted([*kept, implied], key=lambda f: f[0].start)
        return kept

    def _governments_after(self, doc: Doc, i: int) -> list[_Found]:
        """ "the Governments of Saudi Arabia, Jordan and Oman": each country's government."""
        out = []
        while i < len(doc) and (doc[i].ent_type_ == "GPE" or doc[i].lower_ in (",", "and", "the")):
            if doc[i].ent_type_ == "GPE" and doc[i].ent_iob_ == "B":
                j = i + 1
                while j < len(doc) and doc[j].ent_iob_ == "I":
                    j += 1
                code = self.countries.get(fold(doc[i:j].text), ("", ""))[0]
                if code:
                    out.append(_span(doc, i, j, "ACTOR", f"government:{code}", "pattern", 0.9))
                i = j
            else:
                i += 1
        return out

    def _alias_spans(self, doc: Doc, found: list[_Found]) -> list[_Found]:
        """Mine ``Long Name (ACR)`` / ``also known as`` pairs; tag every use of either."""
        by_text = {fold(s.text): s.kb_id_ for s, _, _ in found if s.label_ == "ACTOR"}
        out = []
        text = doc.text  # spaCy rebuilds it on every read: once per doc, not per form
        searched = set()  # a pair named again finds the same spans again
        for long, short in alias_pairs(text):
            long = self._known_suffix(long)
            key_long, key_short = fold(long), fold(short)
            actor_id = (
                by_text.get(key_long)
                or self.aliases.get(key_long)
                or by_text.get(key_short)
                or self.aliases.get(key_short)
            )
            if actor_id is None:
                if not _looks_like_actor_text(long):
                    continue
                actor_id = f"new:{key_long}"
            for form in (long, short):
                if (form, actor_id) in searched:
                    continue
                searched.add((form, actor_id))
                for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text):
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None:
                        out.append(
                            _span(doc, span.start, span.end, "ACTOR", actor_id, "alias", 0.9)
                        )
        return out

    def _known_suffix(self, long: str) -> str:
        """The longest tail of ``long`` that the gazetteer knows ("Iraqi Popular
        Mobilization Forces" -> "Popular Mobilization Forces"), else ``long``."""
        words = long.split()
        for i in range(len(words) - 1):
            tail = " ".join(words[i:])
            if fold(tail) in self.aliases:
                return tail
        return long


_Found = tuple[Span, str, float]

#: How an NER entity becomes mentions: ``(name, rule)`` in order, first match wins (a rule
#: returns None when it does not apply, a list, possibly empty, when it decides).
ENTITY_RULES = (
    ("gazetteer_actor", MentionTagger._gazetteer_actor),
    ("preposition_place", MentionTagger._preposition_place),
    ("governments_of", MentionTagger._governments_of),
    ("alias_actor", MentionTagger._alias_actor),
    ("person_place", MentionTagger._person_place),
    ("new_actor", MentionTagger._new_actor),
    ("not_a_kind", MentionTagger._not_a_kind),
    ("country_agent", MentionTagger._country_agent),
    ("adjective_country", MentionTagger._adjective_country),
    ("entity", MentionTagger._entity),
)


def _in_compound(doc: Doc, span: Span) -> bool:
    """``span`` is part of a hyphenated name in capitals ("AU" in "PORT-AU-PRINCE"); not
    "US-backed", "anti-ISIS" or "ISIS-Somalia", whose other part is a word of its own."""
    i, j = span.start, span.end
    before = i >= 2 and doc[i - 1].text == "-" and not doc[i - 2].whitespace_
    after = j + 1 < len(doc) and doc[j].text == "-" and not doc[j].whitespace_
    return (before and doc[i - 2].is_upper and not doc[i - 1].whitespace_) or (
        after and not doc[j - 1].whitespace_ and doc[j + 1].is_upper
    )


def _date_like(span: Span) -> bool:
    """NER sometimes calls a town a DATE ("Near Manbij"): a date has a number or a date word."""
    return any(t.like_num or t.lower_ in DATE_WORDS for t in span)


def _place_word(token) -> bool:
    """A token that can be part of a place name: a proper noun, or "al"/"-" inside one."""
    if token.ent_type_ in ("ACTOR", "TIME", "CARDINAL", "MONEY", "PERCENT"):
        return False
    if token.ent_type_ == "DATE" and _date_like(token.doc[token.i : token.i + 1]):
        return False
    if token.pos_ == "PROPN" and token.is_title:
        return True
    return token.lower_ in PLACE_PARTICLES and token.i + 1 < len(token.doc)


def _span(
    doc: Doc, start: int, end: int, label: str, kb_id: str, source: str, conf: float
) -> _Found:
    if label in ("PLACE", "ACTOR") and doc[start].lower_ == "the" and end - start > 1:
        start += 1
    return Span(doc, start, end, label=label, kb_id=kb_id or ""), source, conf


def _armed_generic(actor_id: str) -> bool:
    """ "militants", "rebels": an armed group is named, if not by name."""
    return actor_id.startswith(GENERIC_PREFIX) and actor_id.split(":")[1] in ARMED_TYPES


def _looks_like_actor(span: Span) -> bool:
    if any(t.like_num for t in span) or len(span.text) < 2:
        return False
    if len(span) == 1 and not span.text.isupper():
        return False  # "Army", "State": a bare head word names no one in particular
    return span[-1].lower_ in ACTOR_HEADS or span[-1].lemma_.lower() in ACTOR_HEADS


def _looks_like_actor_text(text: str) -> bool:
    words = re.split(r"[\s-]+", text.lower())
    return bool(words) and words[-1] in ACTOR_HEADS


@per_gazetteer
def _armed_actor_ids() -> frozenset[str]:
    table = load_gazetteer()
    return frozenset(table.actor_id[table.actor_type.isin(ARMED_TYPES)])


@per_gazetteer
def _alias_lookup() -> dict[str, str]:
    from workbench.lexicon.gazetteer import alias_index

    return alias_index(load_gazetteer())


def _is_place(text: str) -> bool:
    from workbench.lexicon.places import is_place  # the gazetteer loads on first use

    return is_place(text)

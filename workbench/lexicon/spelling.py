"""Place-name keys: the spellings of one place share a key ("Deir ez-Zor", "Dayr az Zawr").

Split from :mod:`workbench.lexicon.places` (which builds the gazetteer on these keys and
re-exports them); changing a rule here rebuilds the cached gazetteer.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["place_key", "spelling"]

_MARKS = dict.fromkeys(map(ord, "ʿʾ'’‘`´ʻʼ′ʹ"), None)


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


_ARTICLES = frozenset("al el il ad ar as az ash at ath adh an ed er es ez en ul".split())


_FINAL_AH = re.compile(r"(?<=[a-z]{2})[ae]h\b")  # Hasakah, Hasakeh -> hasaka


_TO_U = re.compile(r"ou|au|aw(?![aeiouy])")  # Zour, Zawr -> zur


_TO_I = re.compile(r"ai|ei|ay(?![aeiou])|ey(?![aeiou])")  # Deir, Dayr, Dair -> dir


_VOWELS = str.maketrans("eoq", "iuk")  # Arabic has no e/o: Hajeen/Hajin, Zor/Zur; Qaim/Kaim


_DOUBLE = re.compile(r"([a-z])\1+")  # Raqqa -> raka


def place_key(name: str) -> str:
    """Return the matching key of a place name: spellings of one place share a key.

    Diacritics, case, apostrophes and hyphens go; Arabic articles ("al-", "ez-",
    "ash-") and a leading "the" are dropped; common transliteration variants
    collapse (ee/i, ou/u, ay/ei/i, aw/u, q/k, doubled letters, e/i, o/u, a final
    "ah"/"eh" to "a"). The key is for matching only, not for display.

    Examples
    --------
    >>> place_key("Deir al-Zor"), place_key("Dayr az Zawr"), place_key("Deir ez-Zor")
    ('dir zur', 'dir zur', 'dir zur')
    >>> place_key("Hajeen") == place_key("Hajīn") == "hajin"
    True
    >>> {place_key(n) for n in ["al-Hasakah", "Al Ḩasakah", "Hasakah", "HASAKAH"]}
    {'hasaka'}
    >>> place_key("Sana'a") == place_key("Sanaa")
    True
    """
    text = spelling(name)
    if "h" in text:
        text = _FINAL_AH.sub("a", text)
    text = _TO_U.sub("u", text.replace("dj", "j"))
    text = _TO_I.sub("i", text).translate(_VOWELS)
    return _DOUBLE.sub(r"\1", text)


def spelling(name: str) -> str:
    """The first half of :func:`place_key`: folded, without articles, but spelled as
    written ("al-Hasakah" -> "hasakah")."""
    text = name.strip()
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    text = text.translate(_MARKS)
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NOT_ALNUM.sub(" ", text.casefold()).split()
    if len(words) > 1 and words[0] == "the":
        del words[0]
    if len(words) > 1 and not _ARTICLES.isdisjoint(words[:-1]):
        words = [w for w in words[:-1] if w not in _ARTICLES] + words[-1:]
    return " ".join(words)

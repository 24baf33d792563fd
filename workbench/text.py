"""Text normalisation and matching keys shared by every reader and resolver.

Offsets are only trustworthy if every step sees the same characters, so readers
normalise once, here, and nothing downstream rewrites the body.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u2000-\u200a\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MANY_BLANKS = re.compile(r"\n{3,}")
_KEY_PUNCT = re.compile(r"[^\w\s]")
_KEY_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Return ``text`` in the one form the workbench stores: NFC, ``\\n`` line ends,
    plain spaces, no invisible characters, at most one blank line between paragraphs.

    Curly quotes and dashes are kept: they are part of the text, and quotes matter
    for spotting statements.

    Examples
    --------
    >>> normalise_text("Deir\\u00a0ez-Zor\\r\\n\\r\\n\\r\\n\\u201cQuote\\u201d ")
    'Deir ez-Zor\\n\\n\\u201cQuote\\u201d'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_BLANKS.sub("\n\n", text).strip()


def fold(text: str) -> str:
    """Return a matching key: case-folded, accents stripped, punctuation as spaces.

    Examples
    --------
    >>> fold("Al-Ḩasakah’s  Governorate")
    'al hasakah s governorate'
    """
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _KEY_PUNCT.sub(" ", text.casefold())
    return _KEY_SPACE.sub(" ", text).strip()

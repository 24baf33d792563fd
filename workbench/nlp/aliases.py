"""Aliases a report defines for itself: "Long Name (ACR)" and "X, also known as Y".

The mention component tags every use of either form as the same actor
(``MentionTagger._alias_spans``); here is only the reading of the pairs off the text.
"""

from __future__ import annotations

import re

from workbench.nlp.cues import ALIAS_KNOWN_AS, ALIAS_PAREN


def alias_pairs(text: str) -> list[tuple[str, str]]:
    """``(long form, short form)`` pairs a text defines: "Syrian Democratic Forces (SDF)",
    "Hay'at Tahrir al-Sham, also known as HTS".

    Examples
    --------
    >>> alias_pairs("the US-backed Syrian Democratic Forces (SDF) said")
    [('Syrian Democratic Forces', 'SDF')]
    """
    pairs = []
    for m in ALIAS_PAREN.finditer(text):
        long, short = _trim_long(m["long"], m["short"]), m["short"]
        if long:
            pairs.append((long, short))
    for m in ALIAS_KNOWN_AS.finditer(text):
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

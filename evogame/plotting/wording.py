"""How labels read inside the phrases of a figure (no matplotlib here)."""
from __future__ import annotations

__all__ = ["mid_phrase", "split_profile"]


def split_profile(text: str) -> list[str]:
    """``"a, mixed(b 0.5, c 0.5)"`` -> ``["a", "mixed(b 0.5, c 0.5)"]``: split at ", " outside parentheses."""
    parts, depth, start = [], 0, 0
    for k, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith(", ", k):
            parts.append(text[start:k])
            start = k + 2
    return parts + [text[start:]]


def mid_phrase(label: str) -> str:
    """A label as it reads inside a phrase: "Strict supervision" -> "strict supervision".

    Only a first word that is capitalised and otherwise lower case is changed:
    acronyms ("ICT platform"), one-letter names ("A") and words with inner
    capitals ("eGov") stay as they are.
    """
    first = label.split(" ", 1)[0]
    if len(first) >= 2 and first[0].isupper() and first[1:].islower() and first[1:].isalpha():
        return label[:1].lower() + label[1:]
    return label

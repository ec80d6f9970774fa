# Copyright 2026 helpdesk_tiers contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Text normalisation shared by the glossary and the priority rules: customers
write "écran", "Ecran" or "ÉCRAN"; all of them must match the same phrase."""

import re
import unicodedata

_NON_WORD_RE = re.compile(r"[\W_]+")
_TAG_RE = re.compile(r"<[^>]*>")
_ENTITY_RE = re.compile(r"&(?:nbsp|#160);")


def normalize(text):
    """Lower case, without accents, words separated by single spaces:
    ``"L'écran  CLIGNOTE!"`` -> ``"l ecran clignote"``."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD_RE.sub(" ", stripped.casefold()).strip()


def html_to_words(html):
    """The words of an HTML fragment, normalised (markup dropped, not parsed:
    fast enough to run on every ticket of a batch)."""
    if not html:
        return ""
    return normalize(_ENTITY_RE.sub(" ", _TAG_RE.sub(" ", str(html))))


def phrase_pattern(phrases):
    """A compiled regex matching any of the normalised ``phrases`` as whole
    words in a normalised text, or None when there is no phrase."""
    phrases = sorted({p for p in map(normalize, phrases) if p}, key=len, reverse=True)
    if not phrases:
        return None
    alternatives = "|".join(map(re.escape, phrases))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")

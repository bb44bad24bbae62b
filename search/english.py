"""English word forms a searcher types and the cables' own forms: American spellings of British ones, and a word's
singular and plural.

Both serve matching a typed word against text that writes it another way: the expansion of a query word
(:mod:`cables.search.expansion`) and the tags whose meaning a word names (:mod:`cables.search.tagmeanings`).
"""

from __future__ import annotations

import re

BRITISH_SPELLINGS = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # labour, favourite, neighbouring: English words only, not names (Mansour, Ashour)
        (r"^(lab|fav|hon|col|behavi|neighb|harb|rum|hum|vap|endeav|flav|arm|rig|vig|val|od|tum|parl|savi|splend|ard|ferv)our", r"\1or"),
        (r"(?<=\w{2})is(?=(?:e|es|ed|ing|ation|ations|er|ers)$)", "iz"),  # organisation, recognised
        (r"(?<=\w{2})ys(?=(?:e|ed|ing)$)", "yz"),  # analyse, paralysed (not analyses, also the plural of analysis)
        (r"(?<=\w[bgt])re(?=(?:s|d)?$)", "er"),  # centre, theatre, fibre, meagre
        (r"(?<=\w{2}[^aeiou])ence(?=s?$)", "ense"),  # defence, licence, offence
        (r"(?<=\w{3})mme(?=s?$)", "m"),  # programme
    )
)
"""British spellings and the American ones the cables use.  Each rule is tried alone, and a caller keeps an
American form only where the text it matches holds it (``promise`` gives no ``promize``, ``rise`` no ``rize``)."""

NUMBER_ENDINGS = (("s", ""), ("es", ""), ("ies", "y"), ("y", "ies"), ("ses", "sis"), ("sis", "ses"))
"""A plural's ending and its singular's, both ways: refugees, taxes, policies, crises."""


def american_spellings(word: str) -> list[str]:
    """The American spellings a lower-case British one may stand for, one for each rule that changes it (defence:
    defense); the caller keeps those its text holds."""
    spelt = (pattern.sub(replacement, word) for pattern, replacement in BRITISH_SPELLINGS)
    return list(dict.fromkeys(american for american in spelt if american != word))


def number_forms(word: str) -> set[str]:
    """A lower-case word in the singular and the plural as English writes them (refugee and refugees, policy and
    policies, crisis and crises), with forms that are no word; the caller keeps those its text holds."""
    forms = {word, word + "s", word + "es"}
    for ending, other in NUMBER_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 1:
            forms.add(word[: -len(ending)] + other)
    return forms

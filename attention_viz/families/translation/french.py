"""French spelling of the toy language: elision and contraction; French tokens <-> text."""

from __future__ import annotations

import re

from attention_viz.families.translation.lexicon import starts_with_vowel


def tokenize_french(text: str) -> list[str]:
    """Words, with elided forms split off: "l'arbre" -> ["l'", "arbre"]."""
    return re.findall(r"[^\s'’.,!?]+['’]|[^\s'’.,!?]+", text.lower().replace("’", "'"))


def detokenize_french(tokens: list[str]) -> str:
    """Join words with spaces, none after an apostrophe."""
    out = ""
    for i, token in enumerate(tokens):
        out += token if i == 0 or out.endswith("'") else " " + token
    return out


_ELIDE = {"le": "l'", "la": "l'", "je": "j'", "ne": "n'", "ma": "mon", "ta": "ton", "sa": "son"}
_CONTRACT = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def elide_and_contract(words: list[list]) -> tuple[list[list], set[str]]:
    """Apply French elision (l', j', n', d', mon) and contraction (au, aux, du, des, de des).

    Args:
        words: [French word, source positions] in French order; contracted words merge their
            source positions (du <- of + the).
    Returns:
        (the new words, the phenomena met: "elision", "contractions").
    """
    tags: set[str] = set()
    elided: list[list] = []
    for k, (word, sources) in enumerate(words):
        following = words[k + 1][0] if k + 1 < len(words) else ""
        if word in _ELIDE and starts_with_vowel(following):
            word = _ELIDE[word]
            tags.add("elision")
        elif word == "de" and following in ("un", "une"):
            word = "d'"
            tags.add("elision")
        elided.append([word, list(sources)])
    out: list[list] = []
    for word, sources in elided:
        previous = out[-1][0] if out else None
        if (previous, word) in _CONTRACT:
            out[-1] = [_CONTRACT[previous, word], sorted(out[-1][1] + sources)]
            tags.add("contractions")
        elif previous == "de" and word == "des":  # de + des -> de ("near some cats": près de chats)
            tags.add("contractions")
        else:
            out.append([word, sources])
    return out, tags

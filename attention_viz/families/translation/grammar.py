"""Rule-based translation of the toy English grammar into French, with the gold word alignment.

Grammar (one clause per sentence):

    sentence  -> subject [negation] [adverb] verb [object] prep_phrase*
    subject   -> pronoun | noun_phrase          object -> noun_phrase
    noun_phrase -> determiner [pre-adjective] [post-adjective] noun   (English order)
    negation  -> "does not" | "do not" | "doesn't" | "don't"
    prep_phrase -> preposition noun_phrase

French moves most adjectives after the noun, wraps the verb in ne … pas, puts the adverb after
the verb, agrees determiners and adjectives in gender and number, conjugates the verb, elides
(l', j', n', d', mon before a vowel, vieil/bel) and contracts (au, aux, du, des).

The gold alignment is a list of (source position, target position) pairs. A French word made
from two English words (du <- of + the) is aligned to both; "does"/"do" of the negation and
"some" after de are aligned to nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from attention_viz.families.translation.french import (
    detokenize_french,
    elide_and_contract,
    tokenize_french,
)
from attention_viz.families.translation.lexicon import (
    ADJECTIVES,
    ADVERBS,
    DETERMINERS,
    NOUNS,
    POSSESSIVES,
    PREPOSITIONS,
    PRONOUNS,
    VERBS,
    Adjective,
    Noun,
    starts_with_vowel,
)

__all__ = [  # the French tokenizers are re-exported: callers import them from here
    "PHENOMENA",
    "Translation",
    "UnknownWordsError",
    "detokenize_french",
    "english_words",
    "reference_translate",
    "tokenize_english",
    "tokenize_french",
    "unknown_words",
]

PHENOMENA = ("negation", "adjective order", "elision", "contractions", "agreement")

_NOUN_SG = {n.english: n for n in NOUNS}
_NOUN_PL = {n.english_plural: n for n in NOUNS}
_ADJ = {a.english: a for a in ADJECTIVES}
_VERB_BASE = {v.english: v for v in VERBS}
_VERB_3SG = {v.english_3sg: v for v in VERBS}
_NEGATION_WORDS = ("does", "do", "not", "doesn't", "don't")


def english_words() -> list[str]:
    """Every English word the grammar knows, sorted."""
    words = {*_NOUN_SG, *_NOUN_PL, *_ADJ, *_VERB_BASE, *_VERB_3SG, *PRONOUNS, *DETERMINERS}
    return sorted(words | set(PREPOSITIONS) | set(ADVERBS) | set(_NEGATION_WORDS))


_KNOWN = frozenset(english_words())


class UnknownWordsError(ValueError):
    """Words outside the toy vocabulary; `suggestions` maps each to its closest known words."""

    def __init__(self, suggestions: dict[str, list[str]]):
        self.suggestions = suggestions
        parts = []
        for word, close in suggestions.items():
            hint = f" (did you mean {', '.join(repr(c) for c in close)}?)" if close else ""
            parts.append(f"{word!r}{hint}")
        super().__init__("unknown word" + ("s" if len(parts) > 1 else "") + ": " + "; ".join(parts))


@dataclass(frozen=True)
class Translation:
    source_tokens: list[str]
    target_tokens: list[str]
    alignment: list[tuple[int, int]]  # (source position, target position), gold
    phenomena: frozenset[str] = field(default_factory=frozenset)


def tokenize_english(text: str) -> list[str]:
    """Lower-case words; curly apostrophes straightened, punctuation dropped."""
    text = text.lower().replace("’", "'")
    return re.findall(r"[a-z]+(?:'[a-z]+)?", text)


def unknown_words(tokens: list[str]) -> dict[str, list[str]]:
    """Each word outside the vocabulary -> up to 3 closest known words (difflib)."""
    return {
        t: difflib.get_close_matches(t, _KNOWN, n=3, cutoff=0.6) for t in tokens if t not in _KNOWN
    }


def reference_translate(english: str | list[str]) -> Translation:
    """Translate a toy-grammar English sentence into French with its gold alignment.

    Args:
        english: a sentence, or its tokens from tokenize_english.
    Returns:
        Translation with target tokens (elided forms are tokens of their own: "l'", "j'") and
        alignment pairs (i, j) meaning source token i produced target token j.
    Raises:
        UnknownWordsError (a ValueError): a word outside the vocabulary, with close matches.
        ValueError: a sentence outside the grammar, naming the word and what was expected.
    """
    tokens = tokenize_english(english) if isinstance(english, str) else list(english)
    if not tokens:
        raise ValueError("empty sentence: type an English sentence such as 'the cat sleeps'")
    unknown = unknown_words(tokens)
    if unknown:
        raise UnknownWordsError(unknown)
    words, tags = _Parser(tokens).sentence()
    words, more = elide_and_contract(words)
    alignment = [(s, j) for j, (_, sources) in enumerate(words) for s in sources]
    return Translation(tokens, [w for w, _ in words], alignment, frozenset(tags | more))


# A French word under construction: [word, source positions it comes from]
_Word = list


class _Parser:
    """Recursive descent over the English tokens, emitting French words in French order."""

    def __init__(self, tokens: list[str]):
        self.tokens = tokens
        self.i = 0
        self.tags: set[str] = set()

    def peek(self) -> str | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def fail(self, expected: str) -> ValueError:
        word = self.peek()
        where = f"{word!r} (word {self.i + 1})" if word else "the end of the sentence"
        return ValueError(f"outside the toy grammar: expected {expected}, found {where}")

    def sentence(self) -> tuple[list[_Word], set[str]]:
        out, person, third_singular = self.subject()
        negated, neg_at = self.negation(third_singular)
        adverb = None
        if self.peek() in ADVERBS:
            adverb, self.i = [[ADVERBS[self.peek()], [self.i]]], self.i + 1
            self.tags.add("adverbs")
        verb, verb_at = self.verb(negated, third_singular)
        verb_word = [verb.forms[person], [verb_at]]
        if negated:
            out += [["ne", neg_at], verb_word, ["pas", neg_at]]
        else:
            out.append(verb_word)
        out += adverb or []
        if self.peek() in DETERMINERS:
            if not verb.transitive:
                raise ValueError(
                    f"outside the toy grammar: '{self.tokens[verb_at]}' takes no object "
                    f"(use a preposition: '... {self.tokens[verb_at]} in the garden')"
                )
            out += self.noun_phrase()[0]
        while self.peek() in PREPOSITIONS:
            self.tags.add("prepositions")
            prep_at = self.i
            self.i += 1
            out += [[w, [prep_at]] for w in PREPOSITIONS[self.tokens[prep_at]]]
            out += self.noun_phrase()[0]
        if self.peek() is not None:
            raise self.fail("a preposition or the end of the sentence")
        return out, self.tags

    def subject(self) -> tuple[list[_Word], int, bool]:
        word = self.peek()
        if word in PRONOUNS:
            french, person = PRONOUNS[word]
            self.i += 1
            self.tags.add("pronouns")
            return [[french, [self.i - 1]]], person, person == 2
        if word in DETERMINERS:
            words, plural = self.noun_phrase()
            return words, 5 if plural else 2, not plural
        raise self.fail("a pronoun (I, you, he, she, we, they) or a determiner (the, a, my, ...)")

    def negation(self, third_singular: bool) -> tuple[bool, list[int]]:
        word = self.peek()
        if word in ("does", "do"):
            if (word == "does") != third_singular:
                raise self.fail(f"{'does' if third_singular else 'do'} (subject-verb agreement)")
            self.i += 1
            if self.peek() != "not":
                raise self.fail("'not' after 'do'/'does'")
            self.i += 1
        elif word in ("doesn't", "don't"):
            if (word == "doesn't") != third_singular:
                raise self.fail(f"{'doesn’t' if third_singular else 'don’t'} (agreement)")
            self.i += 1
        else:
            return False, []
        self.tags.add("negation")
        return True, [self.i - 1]

    def verb(self, negated: bool, third_singular: bool):
        word = self.peek()
        if negated or not third_singular:
            verb = _VERB_BASE.get(word)
            if verb is None and word in _VERB_3SG:
                raise self.fail(f"the base form '{_VERB_3SG[word].english}' (agreement)")
        else:
            verb = _VERB_3SG.get(word)
            if verb is None and word in _VERB_BASE:
                raise self.fail(f"'{_VERB_BASE[word].english_3sg}' (third person singular)")
        if verb is None:
            raise self.fail("a verb")
        self.i += 1
        return verb, self.i - 1

    def noun_phrase(self) -> tuple[list[_Word], bool]:
        """determiner [pre-adjective] [post-adjective] noun -> French order, agreed."""
        det_at = self.i
        det = self.tokens[det_at]
        self.i += 1
        adjectives: list[tuple[Adjective, int]] = []
        while self.peek() in _ADJ and len(adjectives) < 2:
            adjectives.append((_ADJ[self.peek()], self.i))
            self.i += 1
        word = self.peek()
        noun: Noun | None = _NOUN_SG.get(word) or _NOUN_PL.get(word)
        if noun is None:
            raise self.fail("an adjective or a noun" if len(adjectives) < 2 else "a noun")
        plural = word in _NOUN_PL and (word not in _NOUN_SG or det == "some")
        noun_at = self.i
        self.i += 1
        before = [a for a in adjectives if a[0].before_noun]
        after = [a for a in adjectives if not a[0].before_noun]
        if len(before) > 1 or len(after) > 1 or (before and adjectives[0][0] is not before[0][0]):
            raise ValueError(
                "outside the toy grammar: a noun takes at most one adjective of size/age/quality "
                "(big, small, good, old, young, beautiful) first, then at most one other"
            )
        self._check_determiner(det_at, plural)
        forms = DETERMINERS[det]
        determiner = forms[2] if plural else forms[1 if noun.feminine else 0]
        if det in POSSESSIVES:
            self.tags.add("possessives")
        gender_number = 2 * plural + noun.feminine
        out: list[_Word] = [[determiner, [det_at]]]
        for adjective, at in before:
            form = adjective.forms[gender_number]
            if (
                gender_number == 0
                and adjective.masculine_before_vowel
                and starts_with_vowel(noun.french)
            ):
                form = adjective.masculine_before_vowel
                self.tags.add("elision")
            out.append([form, [at]])
        out.append([noun.french_plural if plural else noun.french, [noun_at]])
        out += [[a.forms[gender_number], [at]] for a, at in after]
        if adjectives:
            self.tags.add("adjective order")
            if gender_number:
                self.tags.add("agreement")
        if plural:
            self.tags.add("plural")
        return out, plural

    def _check_determiner(self, det_at: int, plural: bool) -> None:
        det = self.tokens[det_at]
        forms = DETERMINERS[det]
        if plural and forms[2] is None:
            raise ValueError(f"outside the toy grammar: '{det}' needs a singular noun")
        if not plural and forms[0] is None:
            raise ValueError(f"outside the toy grammar: '{det}' needs a plural noun")
        if det in ("a", "an"):
            following = self.tokens[det_at + 1]
            vowel = following[0] in "aeiou"
            if (det == "an") != vowel:
                right = "an" if vowel else "a"
                raise ValueError(f"outside the toy grammar: write '{right} {following}'")

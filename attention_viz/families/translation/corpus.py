"""Sentences of the toy grammar, sampled; the train/test splits; the word vocabularies.

Splits (every sentence is translated by reference_translate, so pairs and gold alignments agree):
    train     no held-out noun–adjective pair, at most TRAIN_MAX_LEN English words
    heldout   every sentence has a held-out noun–adjective pair never seen in training
    long      longer than any training sentence (TRAIN_MAX_LEN + 1 ... LONG_MAX_LEN words)
Fresh data for tests comes from a seed distinct from the training seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch

from attention_viz.families.translation.grammar import (
    Translation,
    english_words,
    reference_translate,
)
from attention_viz.families.translation.lexicon import (
    ADJECTIVES,
    ADVERBS,
    DETERMINERS,
    NOUNS,
    PREPOSITIONS,
    PRONOUNS,
    VERBS,
)

TRAIN_MAX_LEN = 12  # English words; the long split starts above it
LONG_MAX_LEN = 20
MAX_SOURCE_LEN = 24  # the models refuse longer inputs
MAX_TARGET_LEN = 32  # decoding stops here
HELDOUT_SEED = 2024  # which noun–adjective pairs are held out; fixed forever
HELDOUT_PER_NOUN = 3

PAD, BOS, EOS, UNK = "<pad>", "<bos>", "<eos>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)


def heldout_pairs() -> frozenset[tuple[str, str]]:
    """(English noun, English adjective) pairs that never occur in training sentences."""
    rng = random.Random(HELDOUT_SEED)
    adjectives = [a.english for a in ADJECTIVES]
    return frozenset(
        (n.english, a) for n in NOUNS for a in rng.sample(adjectives, HELDOUT_PER_NOUN)
    )


def noun_adjective_pairs(tokens: list[str]) -> set[tuple[str, str]]:
    """The (noun, adjective) pairs of a tokenized English sentence (noun given singular)."""
    singular = {n.english_plural: n.english for n in NOUNS} | {n.english: n.english for n in NOUNS}
    adjectives = {a.english for a in ADJECTIVES}
    pairs, pending = set(), []
    for token in tokens:
        if token in adjectives:
            pending.append(token)
        elif token in singular:
            pairs |= {(singular[token], a) for a in pending}
            pending = []
        else:
            pending = []
    return pairs


@dataclass(frozen=True)
class SampleOptions:
    pronoun_subject: float = 0.3
    pre_adjective: float = 0.3
    post_adjective: float = 0.45
    plural: float = 0.35
    negation: float = 0.3
    adverb: float = 0.15
    max_prep_phrases: int = 1


def sample_sentence(
    rng: random.Random, opts: SampleOptions, pair: tuple[str, str] | None = None
) -> str:
    """One English sentence of the grammar (a string); `pair` forces a noun–adjective pair."""
    words: list[str] = []
    third_singular = False
    phrases = ["subject", "object", *["pp"] * rng.randint(0, opts.max_prep_phrases)]
    forced_at = rng.randrange(len(phrases)) if pair else -1
    if rng.random() < opts.pronoun_subject and forced_at != 0:
        pronoun = rng.choice(list(PRONOUNS))
        words.append("I" if pronoun == "i" else pronoun)
        third_singular = PRONOUNS[pronoun][1] == 2
    else:
        plural = _noun_phrase(rng, opts, words, pair if forced_at == 0 else None)
        third_singular = not plural
    negated = rng.random() < opts.negation
    if negated:
        aux = "does" if third_singular else "do"
        words += rng.choice([[aux, "not"], [aux + "n't"]])
    if rng.random() < opts.adverb:
        words.append(rng.choice(list(ADVERBS)))
    verbs = VERBS if forced_at != 1 else [v for v in VERBS if v.transitive]
    verb = rng.choice(verbs)
    words.append(verb.english_3sg if third_singular and not negated else verb.english)
    if verb.transitive and (forced_at == 1 or rng.random() < 0.85):
        _noun_phrase(rng, opts, words, pair if forced_at == 1 else None)
    for k in range(2, len(phrases)):
        words.append(rng.choice(list(PREPOSITIONS)))
        _noun_phrase(rng, opts, words, pair if forced_at == k else None)
    return " ".join(words)


_DETERMINER_WEIGHTS = {"the": 4.0, "a": 2.0, "some": 2.0}  # possessives 0.5 each


def _noun_phrase(
    rng: random.Random, opts: SampleOptions, words: list[str], pair: tuple[str, str] | None
) -> bool:
    """Append determiner [adjectives] noun to words; returns whether the noun is plural."""
    noun = next(n for n in NOUNS if n.english == pair[0]) if pair else rng.choice(NOUNS)
    plural = rng.random() < opts.plural
    dets = [d for d, forms in DETERMINERS.items() if forms[2 if plural else 0] and d != "an"]
    det = rng.choices(dets, [_DETERMINER_WEIGHTS.get(d, 0.5) for d in dets])[0]
    adjectives = []
    pre = [a for a in ADJECTIVES if a.before_noun]
    post = [a for a in ADJECTIVES if not a.before_noun]
    forced = next(a for a in ADJECTIVES if a.english == pair[1]) if pair else None
    if (forced and forced.before_noun) or (not forced and rng.random() < opts.pre_adjective):
        adjectives.append(forced if forced and forced.before_noun else rng.choice(pre))
    if (forced and not forced.before_noun) or rng.random() < opts.post_adjective:
        adjectives.append(forced if forced and not forced.before_noun else rng.choice(post))
    following = [a.english for a in adjectives] + [noun.english_plural if plural else noun.english]
    if det == "a" and following[0][0] in "aeiou":
        det = "an"
    words += [det, *following]
    return plural


def sample_pairs(
    n: int,
    seed: int,
    split: str = "train",
    opts: SampleOptions | None = None,
) -> list[Translation]:
    """n distinct sentence pairs of one split ("train", "heldout" or "long"), reproducibly.

    Args:
        seed: use different seeds for training and for fresh evaluation data.
    """
    if split not in ("train", "heldout", "long"):
        raise ValueError(f"unknown split {split!r}; choose train, heldout or long")
    rng = random.Random(f"{split}-{seed}")
    held = heldout_pairs()
    held_list = sorted(held)
    if opts is None:
        opts = SampleOptions(max_prep_phrases=3 if split == "long" else 2)
    seen: set[str] = set()
    out: list[Translation] = []
    for _ in range(200 * n):
        if len(out) == n:
            break
        pair = rng.choice(held_list) if split == "heldout" else None
        sentence = sample_sentence(rng, opts, pair)
        if sentence in seen:
            continue
        t = reference_translate(sentence)
        length = len(t.source_tokens)
        pairs = noun_adjective_pairs(t.source_tokens)
        if split == "long":
            ok = TRAIN_MAX_LEN < length <= LONG_MAX_LEN and not pairs & held
        else:
            ok = length <= TRAIN_MAX_LEN and bool(pairs & held) == (split == "heldout")
        if ok:
            seen.add(sentence)
            out.append(t)
    return out


@dataclass(frozen=True)
class Vocab:
    """Word <-> index; index 0 is padding, unknown words map to <unk>."""

    tokens: tuple[str, ...]

    def __post_init__(self):
        object.__setattr__(self, "_index", {t: i for i, t in enumerate(self.tokens)})

    def __len__(self) -> int:
        return len(self.tokens)

    def index(self, token: str) -> int:
        return self._index.get(token, self._index[UNK])

    def encode(self, tokens: list[str]) -> list[int]:
        return [self.index(t) for t in tokens]

    def decode(self, ids: list[int]) -> list[str]:
        return [self.tokens[i] for i in ids]


def source_vocab() -> Vocab:
    return Vocab(SPECIALS + tuple(english_words()))


def target_vocab() -> Vocab:
    """Every French word the reference translator can write (built from the lexicon)."""
    words = {"ne", "n'", "pas", "l'", "j'", "d'", "au", "aux", "du", "des", "mon", "ton", "son"}
    words |= {w for forms in DETERMINERS.values() for w in forms if w}
    words |= {w for p in PREPOSITIONS.values() for w in p} | set(ADVERBS.values())
    words |= {fr for fr, _ in PRONOUNS.values()}
    words |= {w for n in NOUNS for w in (n.french, n.french_plural)}
    for a in ADJECTIVES:
        words |= set(a.forms) | ({a.masculine_before_vowel} if a.masculine_before_vowel else set())
    words |= {w for v in VERBS for w in v.forms}
    return Vocab(SPECIALS + tuple(sorted(words)))


# One sentence per phenomenon, for the page's example buttons (tests check they translate).
EXAMPLES: dict[str, str] = {
    "adjective order": "the big black dog sees a beautiful white bird",
    "negation": "the black cat does not eat the apples",
    "elision": "I don't like the old tree near the school",
    "contractions": "the children walk to the garden near the trees",
    "agreement": "the happy girls watch the green cars",
    "possessives": "my sister carries your red shoes",
    "adverbs": "she often opens the door of the house",
    "long sentence": "my old friend does not often sell the small white boxes to the teachers "
    "in the city",
}


def batch_tensors(pairs: list[Translation], sv: Vocab, tv: Vocab):
    """Padded id tensors: source (B, T_k), valid_lens (B,), target_in/target_out (B, T_q)."""
    T_k = max(len(p.source_tokens) for p in pairs)
    T_q = max(len(p.target_tokens) for p in pairs) + 1
    bos, eos = tv.index(BOS), tv.index(EOS)
    src, tin, tout = [], [], []
    for p in pairs:
        s, t = sv.encode(p.source_tokens), tv.encode(p.target_tokens)
        src.append(s + [0] * (T_k - len(s)))
        tin.append([bos, *t] + [0] * (T_q - len(t) - 1))
        tout.append([*t, eos] + [0] * (T_q - len(t) - 1))
    lens = torch.tensor([len(p.source_tokens) for p in pairs])
    return torch.tensor(src), lens, torch.tensor(tin), torch.tensor(tout)

"""The toy language: each grammar rule, gold alignments, splits and vocabularies."""

from __future__ import annotations

import pytest

from attention_viz.families.translation.corpus import (
    LONG_MAX_LEN,
    TRAIN_MAX_LEN,
    heldout_pairs,
    noun_adjective_pairs,
    sample_pairs,
    source_vocab,
    target_vocab,
)
from attention_viz.families.translation.grammar import (
    UnknownWordsError,
    detokenize_french,
    reference_translate,
    tokenize_french,
)
from attention_viz.families.translation.lexicon import ADJECTIVES, NOUNS, VERBS, starts_with_vowel


def fr(english: str) -> str:
    return detokenize_french(reference_translate(english).target_tokens)


@pytest.mark.parametrize(
    ("english", "french"),
    [
        # determiners: gender, number, elision
        ("the cat sleeps", "le chat dort"),
        ("the car arrives", "la voiture arrive"),
        ("the trees arrive", "les arbres arrivent"),
        ("the tree sleeps", "l'arbre dort"),
        ("the school arrives", "l'école arrive"),
        ("a cat sleeps", "un chat dort"),
        ("an apple sleeps", "une pomme dort"),
        ("some apples sleep", "des pommes dorment"),
        # adjective order and agreement
        ("the black cat sleeps", "le chat noir dort"),
        ("the black cars sleep", "les voitures noires dorment"),
        ("the white house sleeps", "la maison blanche dort"),
        ("the big cat sleeps", "le grand chat dort"),
        ("the big black car sleeps", "la grande voiture noire dort"),
        ("the old tree sleeps", "le vieil arbre dort"),
        ("the old trees sleep", "les vieux arbres dorment"),
        ("the beautiful bird sleeps", "le bel oiseau dort"),
        ("the happy girls sleep", "les filles heureuses dorment"),
        # pronouns, conjugation, elision of je
        ("I eat", "je mange"),
        ("I like the cat", "j'aime le chat"),
        ("we eat", "nous mangeons"),
        ("they want the cake", "ils veulent le gâteau"),
        # negation, n' before a vowel
        ("the black cat does not eat the apples", "le chat noir ne mange pas les pommes"),
        ("she doesn't sleep", "elle ne dort pas"),
        ("I don't like the dog", "je n'aime pas le chien"),
        ("we do not open the door", "nous n'ouvrons pas la porte"),
        # prepositions and contractions
        ("the cat sleeps in the garden", "le chat dort dans le jardin"),
        ("the cat sleeps near the garden", "le chat dort près du jardin"),
        ("the cat walks to the garden", "le chat marche au jardin"),
        ("the cat walks to the gardens", "le chat marche aux jardins"),
        ("the cat walks to the house", "le chat marche à la maison"),
        ("the cat walks to the tree", "le chat marche à l'arbre"),
        ("she sees the door of the houses", "elle voit la porte des maisons"),
        ("the cat comes from a garden".replace("comes", "walks"), "le chat marche d'un jardin"),
        # possessives, mon before a feminine vowel noun
        ("my sister sleeps", "ma sœur dort"),
        ("my school sleeps", "mon école dort"),
        ("her brothers sleep", "ses frères dorment"),
        ("our cat sleeps", "notre chat dort"),
        # adverbs go after the verb
        ("she often opens the door", "elle ouvre souvent la porte"),
        ("he does not always eat", "il ne mange pas toujours"),
    ],
)
def test_rules(english: str, french: str):
    assert fr(english) == french


def test_gold_alignment_crosses_for_post_nominal_adjective():
    t = reference_translate("the black cat does not eat the apples")
    assert t.target_tokens == ["le", "chat", "noir", "ne", "mange", "pas", "les", "pommes"]
    assert (2, 1) in t.alignment and (1, 2) in t.alignment  # cat->chat, black->noir cross
    assert (4, 3) in t.alignment and (4, 5) in t.alignment  # not -> ne ... pas
    assert not any(i == 3 for i, _ in t.alignment)  # "does" is aligned to nothing


def test_contraction_aligned_to_both_words():
    t = reference_translate("the cat sleeps near the garden")
    assert t.target_tokens[4] == "du"
    assert {(3, 4), (4, 4)} <= set(t.alignment)


def test_alignments_consistent_on_sampled_data():
    for split in ("train", "heldout", "long"):
        for t in sample_pairs(200, 7, split):
            assert {j for _, j in t.alignment} == set(range(len(t.target_tokens)))
            assert all(0 <= i < len(t.source_tokens) for i, _ in t.alignment)


@pytest.mark.parametrize(
    ("english", "message"),
    [
        ("he eat the cat", "eats"),
        ("the cat sleeps the dog", "takes no object"),
        ("a apple sleeps", "an apple"),
        ("the cat", "a verb"),
        ("cat sleeps", "determiner"),
        ("the black big cat sleeps", "at most one"),
    ],
)
def test_outside_the_grammar_is_named(english: str, message: str):
    with pytest.raises(ValueError, match=message):
        reference_translate(english)


def test_unknown_words_listed_with_suggestions():
    with pytest.raises(UnknownWordsError) as e:
        reference_translate("the dgo eats the appel")
    assert set(e.value.suggestions) == {"dgo", "appel"}
    assert "dog" in e.value.suggestions["dgo"]
    assert "apple" in str(e.value)


def test_lexicon_size():
    assert len(NOUNS) >= 40 and len(ADJECTIVES) >= 20 and len(VERBS) >= 20
    assert any(n.feminine for n in NOUNS) and any(not n.feminine for n in NOUNS)
    vowel = [n for n in NOUNS if starts_with_vowel(n.french)]
    assert any(n.feminine for n in vowel) and any(not n.feminine for n in vowel)


def test_splits():
    held = heldout_pairs()
    train = sample_pairs(2000, 0, "train")
    assert all(not noun_adjective_pairs(t.source_tokens) & held for t in train)
    assert max(len(t.source_tokens) for t in train) <= TRAIN_MAX_LEN
    test = sample_pairs(200, 99, "heldout")
    assert all(noun_adjective_pairs(t.source_tokens) & held for t in test)
    long = sample_pairs(100, 99, "long")
    assert all(TRAIN_MAX_LEN < len(t.source_tokens) <= LONG_MAX_LEN for t in long)
    assert sample_pairs(50, 3, "train") == sample_pairs(50, 3, "train")  # reproducible


def test_vocabularies_cover_everything():
    sv, tv = source_vocab(), target_vocab()
    for t in sample_pairs(300, 5, "long") + sample_pairs(300, 5, "train"):
        assert "<unk>" not in sv.decode(sv.encode(t.source_tokens))
        assert "<unk>" not in tv.decode(tv.encode(t.target_tokens))


def test_french_tokenizer_round_trip():
    assert tokenize_french("je n'aime pas l'école") == ["je", "n'", "aime", "pas", "l'", "école"]
    assert detokenize_french(["je", "n'", "aime", "pas", "l'", "école"]) == "je n'aime pas l'école"

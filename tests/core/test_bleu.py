"""The shared BLEU (sacrebleu over pre-tokenized tokens) against a hand-computed value."""

from __future__ import annotations

import math

import pytest

from attention_viz.analysis.bleu import corpus_bleu


def test_bleu_by_hand():
    hyp = [["le", "chat", "dort", "dans", "le", "jardin"]]
    ref = [["le", "chat", "noir", "dort", "dans", "le", "jardin"]]
    # clipped matches: 1-gram 6/6, 2-gram 4/5, 3-gram 2/4, 4-gram 1/3; brevity exp(1 - 7/6)
    expected = 100 * math.exp(1 - 7 / 6) * (1 * 4 / 5 * 2 / 4 * 1 / 3) ** 0.25  # 51.15
    result = corpus_bleu(hyp, ref)
    assert result.score == pytest.approx(expected)
    assert "tok:none" in result.signature and "nrefs:1" in result.signature


def test_tokens_are_not_split_again():
    # 13a would split "l'" into "l '" and match "l arbre"; tok:none keeps the two apart.
    same = [["l'", "arbre", "est", "vert"]] * 2
    assert corpus_bleu(same, same).score == pytest.approx(100.0)
    assert corpus_bleu([["l", "arbre", "est", "vert"]], [["l'", "arbre", "est", "vert"]]).score < 60


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        corpus_bleu([["a"], ["b"]], [["a"]])
    with pytest.raises(ValueError, match="whitespace"):
        corpus_bleu([["a b"]], [["a"]])

"""The seq2seq base: the maps it builds from a decoder's step weights."""

from __future__ import annotations

import numpy as np

from attention_viz.seq2seq import Seq2Seq


class _Heads(Seq2Seq):
    leading_axes = ("layer", "head")


def test_step_weights_with_layers_and_heads_become_one_map_and_a_main_map():
    rng = np.random.default_rng(0)
    w = rng.random((3, 2, 4, 5))  # (T_q, layer, head, T_k)
    w /= w.sum(-1, keepdims=True)
    main, maps = _Heads().cross_maps(w, list("abcde"), list("xyz"))
    cross = maps["cross"]
    assert cross.leading == ("layer", "head") and cross.shape == (2, 4, 3, 5)
    np.testing.assert_allclose(cross.weights[1, 2], w[:, 1, 2])
    np.testing.assert_allclose(main, w[:, -1].mean(1))  # the last layer's heads, averaged
    np.testing.assert_allclose(main.sum(-1), 1.0)


def test_an_output_of_no_tokens_has_empty_maps():
    main, maps = _Heads().cross_maps(np.zeros((0, 2, 4, 5)), list("abcde"), [])
    assert main.shape == (0, 5) and maps["cross"].shape == (2, 4, 0, 5)
    main, maps = Seq2Seq().cross_maps(np.zeros((0, 5)), list("abcde"), [])
    assert main.shape == (0, 5) and maps["cross"].shape == (0, 5)

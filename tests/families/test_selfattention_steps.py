"""Self-attention steps: invariants, equivalence with torch's attention, presets, tokens."""

import math
import random

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from attention_viz.families.selfattention.presets import (
    PresetError,
    decode_matrix,
    encode_matrix,
    head_weights,
)
from attention_viz.families.selfattention.steps import (
    Options,
    equivariance_gap,
    mean_max_weight,
    self_attention_steps,
)
from attention_viz.families.selfattention.tokens import (
    MAX_TOKENS,
    TokenError,
    embed,
    parse_tokens,
    positional_encoding,
    shuffle_order,
    word_vector,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")
D_MODELS = (4, 6, 8, 12, 16, 32, 64, 128)


def random_case(seed, n_tokens=5, d_model=8, n_heads=2):
    rng = np.random.default_rng(seed)
    e = d_model // n_heads
    x = rng.standard_normal((n_tokens, d_model))
    w_q, w_k, w_v = rng.normal(0, 0.5, (3, n_heads, d_model, e))
    w_o = rng.normal(0, 0.5, (d_model, d_model))
    return x, w_q, w_k, w_v, w_o


def random_words(rng: random.Random, n: int) -> list[str]:
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice("abcdefghijklmnopé猫") for _ in range(rng.randint(1, 7))))
    return sorted(words, key=lambda _: rng.random())


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("positions", [False, True])
def test_one_head_matches_scaled_dot_product_attention(causal, positions):
    x, w_q, w_k, w_v, _ = random_case(0, n_heads=1)
    s = self_attention_steps(x, w_q[0], w_k[0], w_v[0], None, Options(True, causal, positions))
    q, k, v = (torch.from_numpy(m) for m in (s.q, s.k, s.v))  # (1, T, E)
    out = F.scaled_dot_product_attention(q, k, v, is_causal=causal)
    torch.testing.assert_close(torch.from_numpy(s.output), out[0], rtol=1e-10, atol=1e-10)
    # With the identity as values, attention returns its weights.
    eye = torch.eye(x.shape[0], dtype=torch.float64)[None]
    weights = F.scaled_dot_product_attention(q, k, eye, is_causal=causal)
    torch.testing.assert_close(torch.from_numpy(s.weights), weights, rtol=1e-10, atol=1e-10)
    if positions:  # X + P really is what was projected
        np.testing.assert_allclose(s.xp, x + positional_encoding(*x.shape))


@pytest.mark.parametrize("causal", [False, True])
def test_heads_match_torch_multihead_attention(causal):
    x, w_q, w_k, w_v, w_o = random_case(1, n_tokens=6, d_model=8, n_heads=4)
    s = self_attention_steps(x, w_q, w_k, w_v, w_o, Options(True, causal, False))
    mha = torch.nn.MultiheadAttention(8, 4, bias=False, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        # in_proj rows of head h are its W^T: (H, D, E) -> (H·E, D), stacked for Q, K, V
        packed = [torch.from_numpy(w).transpose(1, 2).reshape(8, 8) for w in (w_q, w_k, w_v)]
        mha.in_proj_weight.copy_(torch.cat(packed))
        mha.out_proj.weight.copy_(torch.from_numpy(w_o).T)
    xt = torch.from_numpy(x)[None]
    future = torch.ones(6, 6, dtype=torch.bool).triu(1) if causal else None  # True = hidden
    with torch.inference_mode():
        out, avg = mha(xt, xt, xt, attn_mask=future, need_weights=True)
    torch.testing.assert_close(torch.from_numpy(s.output), out[0], rtol=1e-10, atol=1e-10)
    torch.testing.assert_close(torch.from_numpy(s.weights.mean(0)), avg[0])
    assert s.concat.shape == (6, 8) and s.heads.shape == (4, 6, 2)


@pytest.mark.parametrize("seed", range(5))
def test_rows_sum_to_one_and_the_future_gets_exactly_zero(seed):
    x, w_q, w_k, w_v, w_o = random_case(seed)
    s = self_attention_steps(x, w_q, w_k, w_v, w_o, Options(causal=True))
    np.testing.assert_allclose(s.weights.sum(-1), 1.0, atol=1e-12)
    upper = np.triu(np.ones((5, 5), dtype=bool), 1)
    assert (s.weights[:, upper] == 0.0).all()
    assert np.isneginf(s.masked[:, upper]).all() and np.isfinite(s.masked[:, ~upper]).all()
    np.testing.assert_allclose(s.scaled, s.scores / math.sqrt(4))
    assert (s.weights[:, 0, 0] == 1.0).all()  # the first token sees only itself


def test_without_scaling_the_scores_are_not_divided():
    x, w_q, w_k, w_v, w_o = random_case(3)
    s = self_attention_steps(x, w_q, w_k, w_v, w_o, Options(scale=False))
    assert s.divisor == 1.0 and np.array_equal(s.scaled, s.scores)


@pytest.mark.parametrize("seed", range(5))
def test_permutation_equivariance_without_positions_and_its_breaking_with_them(seed):
    x, w_q, w_k, w_v, w_o = random_case(seed, n_tokens=6)
    order = shuffle_order(6, seed)
    plain = Options(positions=False)
    a = self_attention_steps(x, w_q, w_k, w_v, w_o, plain)
    b = self_attention_steps(x[order], w_q, w_k, w_v, w_o, plain)
    np.testing.assert_allclose(b.output, a.output[order], atol=1e-12)
    np.testing.assert_allclose(b.weights, a.weights[:, order][:, :, order], atol=1e-12)
    assert equivariance_gap(a, b, order) < 1e-12
    with_p = Options(positions=True)
    a = self_attention_steps(x, w_q, w_k, w_v, w_o, with_p)
    b = self_attention_steps(x[order], w_q, w_k, w_v, w_o, with_p)
    assert equivariance_gap(a, b, order) > 1e-3


def test_unscaled_softmax_saturates_as_d_grows_while_scaled_stays_spread():
    def mean_top(d_model, scale):
        tops = []
        for seed in range(30):
            rng = np.random.default_rng(seed)
            x = rng.standard_normal((6, d_model))
            w = rng.normal(0.0, 1 / math.sqrt(d_model), (3, d_model, d_model))
            s = self_attention_steps(x, *w, options=Options(scale, False, False))
            tops.append(s.weights.max(-1).mean())
        return np.mean(tops)

    unscaled = [mean_top(d, False) for d in (4, 32, 256)]
    scaled = [mean_top(d, True) for d in (4, 32, 256)]
    assert unscaled[0] < unscaled[1] < unscaled[2] and unscaled[2] > 0.9
    assert max(scaled) < 0.55 and max(scaled) - min(scaled) < 0.1
    # The page's batched curve tells the same story.
    assert mean_max_weight(256, scale=False) > 0.9 > 0.55 > mean_max_weight(256, scale=True)


def test_previous_token_preset_attends_to_the_previous_token():
    rng = random.Random(0)
    cases = [(["the", "cat", "sat", "on", "the", "mat"], d, 1) for d in D_MODELS]
    cases += [
        (random_words(rng, rng.randint(1, MAX_TOKENS)), rng.choice(D_MODELS), 1) for _ in range(40)
    ]
    cases += [(["a", "b", "c", "d", "e", "f"], 8, h) for h in (2, 4)]
    for words, d_model, n_heads in cases:
        x = embed(words, d_model)
        for h in range(n_heads):
            w = head_weights("previous", d_model, n_heads, h)
            for scale in (True, False):
                s = self_attention_steps(x, *w, options=Options(scale, True, True))
                expected = np.maximum(np.arange(len(words)) - 1, 0)
                assert (s.weights[0].argmax(-1) == expected).all(), (words, d_model, h)
                if len(words) > 1:
                    assert s.weights[0][1:, :].max(-1).min() > 0.5  # clearly, not barely


def test_previous_token_preset_is_blind_without_positions():
    x = embed(["the", "cat", "sat", "on", "the", "mat"], 4)
    s = self_attention_steps(
        x, *head_weights("previous", 4, 1, 0), options=Options(True, False, False)
    )
    np.testing.assert_allclose(s.weights, 1 / 6)


@pytest.mark.parametrize("positions", [False, True])
def test_same_token_preset_attends_to_the_same_token(positions):
    rng = random.Random(1)
    for _ in range(60):
        words = random_words(rng, rng.randint(1, MAX_TOKENS))
        d_model = rng.choice(D_MODELS)
        x = embed(words, d_model)
        for causal in (False, True):
            s = self_attention_steps(
                x, *head_weights("same", d_model, 1, 0), options=Options(True, causal, positions)
            )
            assert (s.weights[0].argmax(-1) == np.arange(len(words))).all(), (words, d_model)


def test_identity_and_random_presets():
    q, k, _ = head_weights("identity", 8, 2, 1)
    np.testing.assert_array_equal(q, np.eye(8)[:, 4:])
    np.testing.assert_array_equal(k, q)
    a, b = head_weights("random", 8, 2, 0, seed=3), head_weights("random", 8, 2, 0, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.allclose(a[0], head_weights("random", 8, 2, 0, seed=4)[0])
    assert not np.allclose(a[0], head_weights("random", 8, 2, 1, seed=3)[0])
    with pytest.raises(PresetError, match="d_head ≥ 2"):
        head_weights("previous", 4, 4, 0)
    with pytest.raises(PresetError, match="divisible"):
        head_weights("identity", 4, 3, 0)


def test_tokens_limits_and_literal_words():
    assert parse_tokens("  <b>x</b>  **y** 猫 émigré ") == ["<b>x</b>", "**y**", "猫", "émigré"]
    for bad, limit in (
        ("", "at least one"),
        ("   ", "at least one"),
        ("a " * (MAX_TOKENS + 1), f"at most {MAX_TOKENS}"),
        ("x" * 25, "at most 24 characters"),
        ("a\x00b", "control"),
    ):
        with pytest.raises(TokenError, match=limit):
            parse_tokens(bad)


def test_word_vectors_are_deterministic_with_equal_norms_and_empty_position_dims():
    v = word_vector("cat", 8)
    np.testing.assert_array_equal(v, word_vector("cat", 8))
    assert not np.allclose(v, word_vector("cat!", 8))
    assert (v[:2] == 0).all() and math.isclose(np.linalg.norm(v), math.sqrt(6))
    np.testing.assert_array_equal(word_vector("é", 4), word_vector("e\u0301", 4))  # NFC
    with pytest.raises(ValueError, match="even"):
        word_vector("cat", 5)


def test_positional_encoding_by_hand():
    p = positional_encoding(3, 4)
    np.testing.assert_allclose(p[2], [math.sin(2), math.cos(2), math.sin(0.02), math.cos(0.02)])
    np.testing.assert_allclose(p[0], [0, 1, 0, 1])


def test_shuffle_moves_something_and_is_seeded():
    for n in range(2, 7):
        for seed in range(20):
            order = shuffle_order(n, seed)
            assert sorted(order) == list(range(n)) and list(order) != list(range(n))
    assert list(shuffle_order(6, 3)) == list(shuffle_order(6, 3))


def test_matrix_text_round_trip_and_refusals():
    m = np.array([[1.0, -0.25], [3.14159, 0.0]])
    assert encode_matrix(m) == "1,-0.25;3.142,0"
    np.testing.assert_allclose(decode_matrix(encode_matrix(m), (2, 2)), m, rtol=1e-3)
    for bad, reason in (
        ("1,2", "rows"),
        ("1;2", "numbers per row"),
        ("a,b;c,d", "numbers"),
        ("nan,1;1,1", "finite"),
        ("1e9,1;1,1", "finite"),
    ):
        with pytest.raises(ValueError, match=reason):
            decode_matrix(bad, (2, 2))
    assert encode_matrix(np.zeros((17, 16))) is None

"""Invariants of the attention core and equivalence with torch's own implementation."""

import pytest
import torch
import torch.nn.functional as F

from attention_viz.attention import (
    KERNELS,
    AdditiveAttention,
    AdditiveScore,
    GeneralAttention,
    GeneralScore,
    attention_pool,
    dot_product_attention,
    kernel_scores,
    length_mask,
    masked_softmax,
)


@pytest.fixture
def qkv():
    g = torch.Generator().manual_seed(0)
    q = torch.randn(3, 4, 8, generator=g)  # (B, T_q, D)
    k = torch.randn(3, 6, 8, generator=g)  # (B, T_k, D)
    v = torch.randn(3, 6, 5, generator=g)  # (B, T_k, D_v)
    return q, k, v


def test_masked_softmax_rows_sum_to_one_and_masked_are_exactly_zero():
    scores = torch.randn(2, 3, 7) * 50
    mask = length_mask(torch.tensor([[7, 3, 1], [2, 5, 6]]), 7)  # (B, T_q, T_k)
    w = masked_softmax(scores, mask)
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3))
    assert (w[~mask] == 0).all()


def test_fully_masked_row_is_zero_not_nan_with_zero_gradient():
    scores = torch.randn(2, 4, requires_grad=True)
    mask = torch.tensor([[True, False, True, False], [False, False, False, False]])
    w = masked_softmax(scores, mask)
    assert torch.isfinite(w).all()
    assert (w[1] == 0).all()
    (w * torch.arange(4.0)).sum().backward()
    assert torch.isfinite(scores.grad).all()
    assert (scores.grad[1] == 0).all()


def test_softmax_is_stable_for_huge_scores():
    w = masked_softmax(torch.tensor([[1e30, 1e30 - 1e24, -1e30], [-1e4, -1e4, -1e4]]))
    assert torch.isfinite(w).all()
    torch.testing.assert_close(w.sum(-1), torch.ones(2))


@pytest.mark.parametrize("with_mask", [False, True])
def test_scaled_dot_matches_torch_sdpa(qkv, with_mask):
    q, k, v = qkv
    mask = length_mask(torch.tensor([6, 2, 4]), 6)[:, None, :] if with_mask else None  # (B, 1, T_k)
    out, w = dot_product_attention(q, k, v, mask)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-6)
    assert w.shape == (3, 4, 6)
    if with_mask:
        assert (w[1, :, 2:] == 0).all()


def test_unscaled_dot_is_sdpa_with_unit_scale(qkv):
    q, k, v = qkv
    out, _ = dot_product_attention(q, k, v, scaled=False)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, scale=1.0))


def test_general_and_additive_match_hand_computation(qkv):
    q, k, _v = qkv
    torch.manual_seed(1)
    general = GeneralScore(8, 8)
    W = general.W.weight  # (D_q, D_k)
    torch.testing.assert_close(general(q, k), torch.einsum("bqd,de,bke->bqk", q, W, k))

    additive = AdditiveScore(8, 8, 16)
    hand = torch.empty(3, 4, 6)
    for b in range(3):
        for i in range(4):
            for j in range(6):
                h = torch.tanh(additive.W_q.weight @ q[b, i] + additive.W_k.weight @ k[b, j])
                hand[b, i, j] = additive.v.weight[0] @ h
    torch.testing.assert_close(additive(q, k), hand, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("module", [GeneralAttention(8, 8), AdditiveAttention(8, 8, 16)])
def test_attention_modules_return_weights_and_store_none(qkv, module):
    q, k, v = qkv
    mask = length_mask(torch.tensor([6, 3, 1]), 6)[:, None, :]
    out, w = module(q, k, v, mask)
    assert out.shape == (3, 4, 5) and w.shape == (3, 4, 6)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 4))
    assert (w[2, :, 1:] == 0).all()
    tensors = [t for t in vars(module).values() if isinstance(t, torch.Tensor)]
    assert tensors == [], "attention weights must be returned, never kept on the module"


def test_gradcheck_pooling_and_learnable_scores():
    g = torch.Generator().manual_seed(0)
    q = torch.randn(2, 3, 4, dtype=torch.double, generator=g, requires_grad=True)
    k = torch.randn(2, 5, 4, dtype=torch.double, generator=g, requires_grad=True)
    v = torch.randn(2, 5, 3, dtype=torch.double, generator=g, requires_grad=True)
    mask = length_mask(torch.tensor([5, 2]), 5)[:, None, :]
    assert torch.autograd.gradcheck(lambda q, k, v: dot_product_attention(q, k, v, mask), (q, k, v))
    additive = AdditiveAttention(4, 4, 6).double()
    assert torch.autograd.gradcheck(lambda q, k, v: additive(q, k, v, mask), (q, k, v))
    general = GeneralAttention(4, 4).double()
    assert torch.autograd.gradcheck(lambda q, k, v: general(q, k, v, mask), (q, k, v))


@pytest.mark.parametrize("kernel", ["gaussian", "laplace", "epanechnikov"])
def test_gradcheck_kernel_pooling_in_bandwidth(kernel):
    d = torch.tensor([[0.1, -0.4, 0.7], [0.3, 0.2, -0.05]], dtype=torch.double)
    v = torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.double)
    h = torch.tensor(0.9, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(lambda h: attention_pool(kernel_scores(d, h, kernel), v)[0], h)


def test_kernel_scores_are_log_kernels():
    d = torch.tensor([0.0, 0.5, 1.0, 2.0])
    h = 1.0
    expected = {
        "gaussian": torch.exp(-0.5 * d**2),
        "laplace": torch.exp(-d.abs()),
        "epanechnikov": torch.clamp(1 - d**2, min=0),
        "boxcar": (d.abs() <= 1).float(),
    }
    for kernel in KERNELS:
        torch.testing.assert_close(kernel_scores(d, h, kernel).exp(), expected[kernel])
    with pytest.raises(ValueError, match="unknown kernel"):
        kernel_scores(d, h, "cosine")


def test_overwrite_reuses_the_distance_buffer_and_default_does_not():
    d = torch.tensor([1.0, -2.0])
    kernel_scores(d, 1.0, "gaussian")
    assert d.tolist() == [1.0, -2.0]
    s = kernel_scores(d, 1.0, "gaussian", overwrite=True)
    assert s.data_ptr() == d.data_ptr()

"""Nadaraya–Watson against a hand computation, its two limits, LOO and the learned width."""

import math

import numpy as np
import pytest

from attention_viz import kernel_regression as kr
from attention_viz.attention import KERNELS
from attention_viz.families.kernel.data import FUNCTIONS, query_grid, sample
from attention_viz.plots.heatmap import bin_weights

HAND_KERNELS = {
    "gaussian": lambda u: math.exp(-u * u / 2),
    "laplace": lambda u: math.exp(-abs(u)),
    "epanechnikov": lambda u: max(0.0, 1 - u * u),
    "boxcar": lambda u: 1.0 if abs(u) <= 1 else 0.0,
}


def hand_nw(x_train, y_train, x_query, kernel, h):
    """The textbook formula, one query at a time, in float64 Python."""
    out, rows = [], []
    for x in x_query:
        k = [HAND_KERNELS[kernel]((x - xi) / h) for xi in x_train]
        total = sum(k)
        rows.append([ki / total for ki in k])
        out.append(sum(ki * yi for ki, yi in zip(k, y_train, strict=True)) / total)
    return np.array(out), np.array(rows)


@pytest.mark.parametrize("kernel", KERNELS)
def test_matches_hand_computation(kernel):
    x, y = sample("d2l", 40, 0.5, seed=3)
    q = np.linspace(0.2, 4.8, 17)
    y_hat, w = kr.nadaraya_watson(x, y, q, kernel=kernel, bandwidth=0.8)
    ref_y, ref_w = hand_nw(x, y, q, kernel, 0.8)
    np.testing.assert_allclose(y_hat, ref_y, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5, atol=1e-6)
    assert w.shape == (17, 40)


@pytest.mark.parametrize("kernel", KERNELS)
def test_tiny_bandwidth_is_nearest_neighbour(kernel):
    x, y = sample("chirp", 60, 0.3, seed=1)
    q = np.linspace(0, 5, 101)
    y_hat, w = kr.nadaraya_watson(x, y, q, kernel=kernel, bandwidth=1e-3)
    gaps = np.sort(np.abs(q[:, None] - x[None, :]), axis=1)
    nearest = np.abs(q[:, None] - x[None, :]).argmin(1)
    clear = gaps[:, 1] - gaps[:, 0] > 1e-2  # 10 h: a near-tie rightly shares its weight
    assert clear.sum() > 60
    assert (w.argmax(1)[clear] == nearest[clear]).all()
    assert (w.max(1)[clear] > 0.99).all()
    np.testing.assert_allclose(y_hat[clear], y[nearest[clear]], atol=2e-3)
    assert np.isfinite(w).all()
    np.testing.assert_allclose(w.sum(1), 1.0, atol=1e-5)


@pytest.mark.parametrize("kernel", KERNELS)
def test_huge_bandwidth_is_average_pooling(kernel):
    x, y = sample("step", 80, 0.2, seed=2)
    q = np.linspace(0, 5, 33)
    y_hat, w = kr.nadaraya_watson(x, y, q, kernel=kernel, bandwidth=1e3)
    avg_y, avg_w = kr.average_pooling(x, y, q)
    # Over a domain of width 5 and h = 1000, K(u) is within 0.5% of flat for every kernel.
    np.testing.assert_allclose(y_hat, y.mean(), rtol=1e-2, atol=1e-3)
    np.testing.assert_allclose(avg_y, y.mean(), rtol=1e-6)
    np.testing.assert_allclose(w, avg_w, rtol=1e-2)


@pytest.mark.parametrize("h", [1e-3, 1e-2, 1.0, 1e2, 1e3])
def test_large_and_extreme_inputs_stay_finite(h):
    x, y = sample("d2l", 10_000, 0.5, seed=0)
    q = query_grid("d2l", 1_000)
    y_hat, w = kr.nadaraya_watson(x, y, q, "gaussian", h)
    assert y_hat.shape == (1_000,) and w.shape == (1_000, 10_000)
    assert np.isfinite(y_hat).all() and np.isfinite(w).all()
    np.testing.assert_allclose(w.sum(1), 1.0, atol=1e-4)


@pytest.mark.parametrize("kernel", ["gaussian", "laplace"])  # compact ones: _pool's path
def test_loo_curve_matches_a_hand_loop_and_picks_the_best(kernel):
    x, y = sample("d2l", 30, 0.5, seed=4)
    hs = [0.03, 0.05, 0.2, 0.5, 1.0, 3.0, 300.0]  # from nearly nearest-neighbour to the mean
    curve = kr.loo_curve(x, y, hs, kernel)
    for h, err in zip(hs, curve.errors, strict=True):
        preds = [
            hand_nw(np.delete(x, i), np.delete(y, i), [x[i]], kernel, h)[0][0] for i in range(30)
        ]
        assert err == pytest.approx(np.mean((np.array(preds) - y) ** 2), rel=1e-4)
    assert curve.best_bandwidth == hs[int(np.argmin(curve.errors))]


def test_loo_blocks_do_not_change_the_result(monkeypatch):
    x, y = sample("chirp", 300, 0.3, seed=5)
    hs = np.logspace(-2, 1, 9)
    whole = kr.loo_curve(x, y, hs, "epanechnikov")
    monkeypatch.setattr(kr, "_BLOCK", 1000)  # forces many row and bandwidth blocks
    blocked = kr.loo_curve(x, y, hs, "epanechnikov")
    np.testing.assert_allclose(blocked.errors, whole.errors, rtol=1e-5)


def test_loo_subsample_estimates_the_full_curve():
    x, y = sample("d2l", 2000, 0.5, seed=6)
    hs = [0.05, 0.2, 1.0]
    full = kr.loo_curve(x, y, hs)
    est = kr.loo_curve(x, y, hs, max_queries=800, seed=1)
    np.testing.assert_allclose(est.errors, full.errors, rtol=0.15)


@pytest.mark.parametrize("kernel", ["gaussian", "laplace", "epanechnikov"])
def test_learned_width_lowers_the_loo_loss(kernel):
    x, y = sample("d2l", 100, 0.5, seed=0)
    start = 3.0
    fit = kr.fit_parametric(x, y, kernel, init_bandwidth=start, steps=150)
    before = kr.loo_curve(x, y, [start], kernel).errors[0]
    after = kr.loo_curve(x, y, [fit.bandwidth], kernel).errors[0]
    assert after < 0.8 * before
    assert len(fit.losses) == 150 and len(fit.bandwidths) == 151
    assert fit.losses[-1] < fit.losses[0]


def test_learned_gaussian_width_lands_near_the_loo_optimum():
    x, y = sample("d2l", 200, 0.5, seed=2)
    best = kr.loo_curve(x, y, np.logspace(-2, 1, 61)).best_bandwidth
    fit = kr.fit_parametric(x, y, "gaussian", init_bandwidth=1.0, steps=300)
    assert fit.bandwidth == pytest.approx(best, rel=0.35)


def test_progress_callback_sees_every_step():
    x, y = sample("line", 20, 0.1, seed=0)
    seen = []
    kr.fit_parametric(x, y, steps=5, callback=lambda *a: seen.append(a))
    assert [s[0] for s in seen] == [1, 2, 3, 4, 5] and all(s[1] == 5 for s in seen)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([], [], [1.0]), "x_train is empty"),
        (([1.0, 2.0], [1.0], [1.0]), "y_train has 1"),
        (([1.0, np.nan], [1.0, 2.0], [1.0]), "NaN"),
        (([[1.0]], [1.0], [1.0]), "one-dimensional"),
    ],
)
def test_bad_inputs_are_refused_clearly(args, message):
    with pytest.raises(ValueError, match=message):
        kr.nadaraya_watson(*args)


@pytest.mark.parametrize("h", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_bandwidth_is_refused(h):
    with pytest.raises(ValueError, match="bandwidth must be a positive number"):
        kr.nadaraya_watson([1.0, 2.0], [1.0, 2.0], [1.5], bandwidth=h)


def test_boxcar_width_cannot_be_learned():
    with pytest.raises(ValueError, match="no gradient"):
        kr.fit_parametric([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], "boxcar")


def test_data_is_seeded_sorted_and_noisy_around_the_truth():
    for name, f in FUNCTIONS.items():
        x, y = sample(name, 500, 0.3, seed=9)
        _x2, y2 = sample(name, 500, 0.3, seed=9)
        np.testing.assert_array_equal(y, y2)
        assert (np.diff(x) >= 0).all()
        assert np.std(y - f.f(x)) == pytest.approx(0.3, rel=0.15)


def test_binning_keeps_rows_summing_to_one():
    w = np.random.default_rng(0).dirichlet(np.ones(1234), size=567)  # (T_q, T_k)
    binned, rows, cols = bin_weights(w, 200, 100)
    assert binned.shape == (200, 100)
    np.testing.assert_allclose(binned.sum(1), 1.0)
    assert rows[0] == 0 and rows[-1] == 567 and cols[-1] == 1234
    small, *_ = bin_weights(w[:5, :7] / w[:5, :7].sum(1, keepdims=True), 200, 200)
    assert small.shape == (5, 7)


def test_csv_table_quotes_and_defuses_formulas():
    from attention_viz.analysis.tables import matrix_csv

    text = matrix_csv(["q \\ k", "a,b", "=cmd"], np.array([[0.25, 0.75]]), ["-1"])
    assert text.splitlines() == ['q \\ k,"a,b",\'=cmd', "-1,0.25,0.75"]  # -1 is a number

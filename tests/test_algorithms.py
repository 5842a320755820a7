"""Solvers of the four papers: agreement between engines, identities, validation, divergence, batching."""

import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers import Mixture, population, sample
from solvers.algorithms import (
    ConvergenceWarning, DivergenceError, Truth, cyclic_isometry, em, gradient_em, gradient_em_batch,
    lloyd_population_radius, lloyd_population_step, lloyd_sample, polyak, simplex_vertices, structured_em,
    structured_means, theta_gradient, zxfd25_runs,
)
from solvers.algorithms.grid import GridEngine

W3 = np.array([0.2, 0.3, 0.5])


def _means(seed, n=3, d=2, scale=1.0):
    return scale * np.random.default_rng(seed).normal(size=(n, d))


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(0.05, 1.5))
@example(seed=0, scale=1.5)
def test_grid_engine_matches_adaptive_engine(seed, scale):
    m = _means(seed, scale=scale)
    m[np.linalg.norm(m, axis=1) > 3] *= 0.5
    eng = GridEngine(m[None], Truth.standard(2))
    loss, grad, resp, _ = eng(W3[None], m[None])
    ref = population.estimate(Mixture(W3, m), ("loss", "gradient", "responsibility_means"))
    assert abs(loss[0] - ref["loss"]) <= 1e-9
    np.testing.assert_allclose(grad[0], ref["gradient"], atol=1e-9)
    np.testing.assert_allclose(resp[0], ref["responsibility_means"], atol=1e-9)


def test_grid_engine_reduces_higher_dimension_exactly():
    m = np.zeros((3, 6))
    m[:, :2] = _means(1)
    rot = np.linalg.qr(np.random.default_rng(2).normal(size=(6, 6)))[0]
    a = gradient_em(W3, m, 0.5, 3, tol=0)
    b = gradient_em(W3, m @ rot.T, 0.5, 3, tol=0)
    np.testing.assert_allclose(a.loss, b.loss, atol=1e-13)
    np.testing.assert_allclose(b.means, a.means @ rot.T, atol=1e-12)


def test_sample_engine_matches_solvers_sample():
    rng = np.random.default_rng(0)
    X, m = rng.normal(size=(500, 2)), _means(3)
    tr = gradient_em(W3, m, 0.7, 1, engine="sample", X=X, tol=0)
    mix = Mixture(W3, m)
    assert tr.loss[0] == pytest.approx(sample.loss(mix, X), abs=1e-14)
    np.testing.assert_allclose(tr.means, m - 0.7 * sample.gradient(mix, X), atol=1e-14)


def test_monte_carlo_engine_is_seeded_and_close_to_population():
    m = _means(4, scale=0.7)
    a = gradient_em(W3, m, 0.7, 2, engine="monte-carlo", rng=np.random.default_rng(5), n_samples=40_000, tol=0)
    b = gradient_em(W3, m, 0.7, 2, engine="monte-carlo", rng=np.random.default_rng(5), n_samples=40_000, tol=0)
    c = gradient_em(W3, m, 0.7, 2, tol=0)
    np.testing.assert_array_equal(a.means, b.means)
    np.testing.assert_allclose(a.means, c.means, atol=0.05)


def test_em_update_is_closed_form_and_truth_multi_component():
    truth = Truth([0.5, 0.5], [[-3.0, 0.0], [3.0, 0.0]])
    tr = em([0.5, 0.5], [[1.0, 0.3], [-0.5, 0.2]], 30, truth=truth, update_weights=True, tol=1e-8)
    assert tr.converged
    np.testing.assert_allclose(np.sort(tr.means[:, 0]), [-3, 3], atol=1e-5)
    assert abs(tr.loss[-1]) < 1e-8


def test_truth_expectations_match_monte_carlo():
    truth = Truth([0.3, 0.7], [[-1.0, 0.5], [2.0, 0.0]])
    m = _means(7)
    loss, grad, _, _ = GridEngine(m[None], truth)(W3[None], m[None])
    X = truth.sample(np.random.default_rng(1), 400_000)
    mix = Mixture(W3, m)
    mc_loss = np.mean(truth.log_ratio(X)) + sample.loss(mix, X)
    assert abs(loss[0] - mc_loss) < 0.01
    np.testing.assert_allclose(grad[0], sample.gradient(mix, X), atol=0.02)


def test_alp25_geometry_and_em_is_gradient_descent():
    k, d = 4, 5
    V, R = simplex_vertices(k, d), cyclic_isometry(k, d)
    np.testing.assert_allclose(V @ R.T, np.roll(V, -1, axis=0), atol=1e-14)
    np.testing.assert_allclose(R @ R.T, np.eye(d), atol=1e-14)
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0)
    w = np.array([0.4, 0.3, 0.2, 0.1])
    theta = np.array([0.3, -0.2, 0.1, 0.0, 0.0])
    tr = structured_em(w, theta, 1, tol=0)
    g = gradient_em(w, structured_means(theta, R, k), 1.0, 0, tol=0)
    eng = GridEngine(structured_means(theta, R, k)[None], Truth.standard(d))
    grad = eng(w[None], structured_means(theta, R, k)[None])[1][0]
    np.testing.assert_allclose(tr.means[0], theta - theta_gradient(grad, R), atol=1e-12)
    assert g.loss[0] == pytest.approx(tr.loss[0], abs=1e-15)


def test_lloyd_population_radius_and_sample_lloyd():
    R0, err = lloyd_population_radius(4)
    assert abs(R0 - 1.18862029740202) < 1e-13 and err < 1e-12
    C, _ = lloyd_population_step(2.0 * simplex_vertices(4, 3))
    np.testing.assert_allclose(np.linalg.norm(C, axis=1), R0, atol=1e-13)
    X = np.random.default_rng(0).normal(size=(100_000, 3))
    hist = lloyd_sample(0.5 * simplex_vertices(4, 3), X, 1)
    np.testing.assert_allclose(np.linalg.norm(hist[1], axis=1), R0, atol=0.03)


def test_polyak_linear_and_gradient_em_sublinear():
    m0 = [[0.6, 0.2], [-0.3, 0.4]]
    p = polyak([0.3, 0.7], m0, K=20, eta=0.7, n_outer=8)
    outer = p.loss[p.extra["outer_rows"]]
    q = np.exp(np.polyfit(np.arange(4, 9), np.log(outer[4:9]), 1)[0])
    assert q < 0.5
    g = gradient_em([0.3, 0.7], m0, 0.7, 168, tol=0)
    assert g.loss[-1] > 100 * outer[-1]


def test_zxfd25_runs_seeded_success():
    truth = Truth([0.5, 0.5], [[-3.0, 0.0], [3.0, 0.0]])
    _, s1 = zxfd25_runs(truth, 4, 6, np.random.default_rng(3), n_iter=150, hybrid=True)
    _, s2 = zxfd25_runs(truth, 4, 6, np.random.default_rng(3), n_iter=150, hybrid=True)
    np.testing.assert_array_equal(s1, s2)
    assert s1.mean() >= 0.5


def test_batched_equals_loop():
    rng = np.random.default_rng(0)
    means = rng.normal(size=(5, 3, 2))
    b = gradient_em_batch(W3, means, 0.7, 10, tol=0)
    for i in range(5):
        one = gradient_em(W3, means[i], 0.7, 10, tol=0)
        np.testing.assert_allclose(b.run(i).loss, one.loss, atol=1e-13)
        np.testing.assert_allclose(b.means[i], one.means, atol=1e-12)


def test_convergence_warning_once_and_converged_flag():
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        tr = gradient_em(W3, _means(0), 0.7, 5, tol=1e-12)
    assert [r.category for r in rec] == [ConvergenceWarning]
    assert not tr.converged and tr.n_iter_ == 5 and tr.loss.shape == (6,)
    tr = gradient_em([1.0], [[0.5, 0.0]], 1.0, 50, tol=1e-12)
    assert tr.converged and tr.n_iter_ <= 2


@pytest.mark.parametrize("kwargs, name", [
    (dict(eta=0.0), "eta"), (dict(eta=float("nan")), "eta"), (dict(eta=-1.0), "eta"),
    (dict(n_iter=-1), "n_iter"), (dict(tol=-1.0), "tol"),
    (dict(engine="sample", X=np.ones((4, 3))), "X"), (dict(engine="sample", X=[[np.nan, 0.0]]), "X"),
    (dict(engine="bogus"), "engine"), (dict(weights=[0.5, 0.6, 0.1]), "weights"),
    (dict(truth=Truth.standard(3)), "truth"),
])
def test_bad_input_names_the_argument(kwargs, name):
    args = dict(weights=W3, means=_means(0), eta=0.5, n_iter=3)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        gradient_em(args.pop("weights"), args.pop("means"), args.pop("eta"), args.pop("n_iter"), **args)


def test_truth_weights_must_sum_to_one():
    with pytest.raises(ValueError, match="truth_weights"):
        Truth([0.5, 0.6], [[0.0], [1.0]])


def test_divergence_names_the_iteration():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(DivergenceError, match="iteration"):
        gradient_em(W3, _means(0), 1e9, 5, engine="sample", X=X, tol=0)

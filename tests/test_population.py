"""Population engines: quadrature vs the mpmath reference, Monte Carlo, invariances, identities."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers import Mixture, montecarlo, population
from verify import reference

ALL = ("loss", "gradient", "gradient_stein", "psi_tilde_sq", "responsibility_means")


def random_mixture(seed, n, d, rank, scale=4.0, min_weight=0.02):
    """Weights >= min_weight, means with |mu_i| <= scale spanning ``rank`` random coordinate axes of R^d.

    Coordinate axes (not a rotated subspace) keep the span exactly of dimension
    ``rank`` in floating point, which the exact-input mpmath reference needs.
    """
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(n))
    w = min_weight + (1 - n * min_weight) * w
    rank = min(rank, n, d)
    coords = rng.uniform(-1, 1, (n, rank))
    coords *= scale * rng.uniform(0, 1, (n, 1)) / np.maximum(np.linalg.norm(coords, axis=1, keepdims=True), 1e-12)
    means = np.zeros((n, d))
    means[:, rng.permutation(d)[:rank]] = coords
    return Mixture(w / w.sum(), means)


def assert_close_to_reference(mix, quantities=ALL, rtol=1e-10, atol=1e-12):
    est = population.estimate(mix, quantities)
    ref = reference.quantities(mix, quantities, dps=20)
    for q in quantities:
        ref_value = np.array(ref[q].value, dtype=float)
        value = np.asarray(est.values[q])
        scale = np.max(np.abs(ref_value))
        diff = np.max(np.abs(value - ref_value))
        assert diff <= max(rtol * scale, atol), (q, diff, scale)
        # the engine's own error estimate must cover the actual error (up to the reference's float rounding)
        assert diff <= est.errors[q] + 4e-16 * scale, (q, diff, est.errors[q])


@settings(max_examples=8)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5), d=st.integers(1, 8), rank=st.integers(1, 2))
@example(seed=0, n=5, d=8, rank=2)
@example(seed=1, n=2, d=1, rank=1)
def test_quadrature_matches_reference(seed, n, d, rank):
    assert_close_to_reference(random_mixture(seed, n, d, rank))


@pytest.mark.slow
@settings(max_examples=3)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(3, 4), d=st.integers(3, 5))
def test_quadrature_matches_reference_rank3(seed, n, d):
    assert_close_to_reference(random_mixture(seed, n, d, 3), ("loss", "gradient", "psi_tilde_sq"))


@pytest.mark.parametrize(
    "weights, means",
    [
        ([0.5, 0.5], [[20.0], [-20.0]]),
        ([0.3, 0.3, 0.4], [[20.0, 0.0], [-20.0, 0.0], [0.0, 15.0]]),
        ([0.2, 0.5, 0.3], [[-20.0], [0.0], [20.0]]),
    ],
)
def test_well_separated_means(weights, means):
    mix = Mixture(weights, means)
    est = population.estimate(mix, ("loss", "gradient", "psi_tilde_sq"))
    assert est.detail["converged"]
    assert_close_to_reference(mix, ("loss", "gradient", "psi_tilde_sq"))


@pytest.mark.parametrize(
    "weights, means",
    [
        ([0.3, 0.7], [[1e-3, 0.0], [-1e-3, 0.5e-3]]),  # T1 != 0: L ~ 1e-7..1e-11
        ([0.5, 0.5], [[1e-3, 2e-4], [-1e-3, -1.9e-4]]),
        ([0.3, 0.7], [[7e-4, 0.0], [-3e-4, 0.0]]),  # T1 = 0: L is quartic, ~1e-14
    ],
)
def test_near_optimum_loss_keeps_relative_accuracy(weights, means):
    mix = Mixture(weights, means)
    est = population.estimate(mix, ("loss",))
    ref = float(reference.loss(mix, dps=30).value)
    assert abs(est["loss"] - ref) <= 1e-6 * abs(ref)
    assert abs(est["loss"] - ref) <= est.errors["loss"]


def test_zero_means_rank_zero():
    mix = Mixture([0.25, 0.75], np.zeros((2, 4)))
    est = population.estimate(mix, ALL + ("hessian",))
    assert est["loss"] == 0.0 and np.all(est["gradient"] == 0) and est["psi_tilde_sq"] == 0.0
    np.testing.assert_allclose(est["responsibility_means"], mix.weights, rtol=1e-15)
    assert est.errors["responsibility_means"] >= abs(est["responsibility_means"] - mix.weights).max()
    # H_ij = delta_ij pi_i I - (delta_ij pi_i - pi_i pi_j) I  =  pi_i pi_j I
    H = est["hessian"].reshape(2, 4, 2, 4)
    np.testing.assert_allclose(H[0, :, 1, :], 0.25 * 0.75 * np.eye(4), atol=1e-15)


def test_single_component_closed_form():
    mu = np.array([[0.3, -1.2, 2.0]])
    est = population.estimate(Mixture([1.0], mu), ALL)
    assert est["loss"] == pytest.approx(0.5 * float(np.sum(mu**2)), rel=1e-13)
    np.testing.assert_allclose(est["gradient"], mu, rtol=1e-12)
    np.testing.assert_allclose(est["gradient_stein"], mu, rtol=1e-12)


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 4), d=st.integers(2, 5))
def test_invariances_rotation_embedding_permutation(seed, n, d):
    mix = random_mixture(seed, n, d, 2)
    rng = np.random.default_rng(seed + 1)
    base = population.estimate(mix, ("loss", "gradient", "psi_tilde_sq"))
    Q = np.linalg.qr(rng.standard_normal((d, d)))[0]
    rotated = population.estimate(mix.with_means(mix.means @ Q.T), ("loss", "gradient"))
    assert rotated["loss"] == pytest.approx(base["loss"], rel=1e-11, abs=1e-13)
    np.testing.assert_allclose(rotated["gradient"], base["gradient"] @ Q.T, rtol=1e-9, atol=1e-12)
    embedded = Mixture(mix.weights, np.hstack([mix.means, np.zeros((n, 3))]))
    assert population.loss(embedded) == pytest.approx(base["loss"], rel=1e-11, abs=1e-13)
    perm = rng.permutation(n)
    permuted = Mixture(mix.weights[perm], mix.means[perm])
    est_p = population.estimate(permuted, ("loss", "gradient"))
    assert est_p["loss"] == pytest.approx(base["loss"], rel=1e-11, abs=1e-13)
    np.testing.assert_allclose(est_p["gradient"], base["gradient"][perm], rtol=1e-9, atol=1e-12)


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 5), d=st.integers(1, 6))
def test_identities_fact1_lemma9_cor10(seed, n, d):
    """xfd24.fact1 (gradient = E psi_i(mu_i - x)), xfd24.lemma9 (Stein form), xfd24.cor10 (<grad, mu> = E|psi~|^2)."""
    mix = random_mixture(seed, n, d, 2)
    est = population.estimate(mix, ALL)
    np.testing.assert_allclose(est["gradient"], est["gradient_stein"], rtol=0, atol=1e-12)
    assert float(np.sum(est["gradient"] * mix.means)) == pytest.approx(est["psi_tilde_sq"], rel=1e-12, abs=1e-12)
    np.testing.assert_allclose(est["responsibility_means"].sum(), 1.0, atol=1e-12)


@settings(max_examples=3)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 3), d=st.integers(1, 3))
def test_gradient_and_hessian_against_finite_differences(seed, n, d):
    mix = random_mixture(seed, n, d, 2, scale=2.0)
    est = population.estimate(mix, ("gradient", "hessian"))
    h = 1e-5
    flat = mix.means.ravel()
    fd_grad = np.empty_like(flat)
    fd_hess = np.empty((flat.size, flat.size))
    for k in range(flat.size):  # loop over coordinates of mu, not over samples
        step = np.zeros_like(flat)
        step[k] = h
        plus, minus = mix.with_means((flat + step).reshape(n, d)), mix.with_means((flat - step).reshape(n, d))
        fd_grad[k] = (population.loss(plus) - population.loss(minus)) / (2 * h)
        fd_hess[:, k] = (population.gradient(plus) - population.gradient(minus)).ravel() / (2 * h)
    np.testing.assert_allclose(est["gradient"].ravel(), fd_grad, atol=1e-8)
    np.testing.assert_allclose(est["hessian"], fd_hess, atol=1e-7)
    np.testing.assert_allclose(est["hessian"], est["hessian"].T, atol=1e-12)


def test_hessian_matches_reference():
    mix = Mixture([0.2, 0.3, 0.5], [[1.0, 0.5, 0.0], [-0.7, 0.2, 0.0], [0.1, -0.4, 0.0]])
    est = population.estimate(mix, ("hessian",))
    ref = np.array(reference.hessian(mix, dps=20).value, dtype=float)
    np.testing.assert_allclose(est["hessian"], ref, atol=1e-11)
    assert np.max(np.abs(est["hessian"] - ref)) <= est.errors["hessian"]


@settings(max_examples=5)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 5), d=st.integers(1, 6))
def test_monte_carlo_within_five_standard_errors(seed, n, d):
    mix = random_mixture(seed, n, d, 2)
    quad = population.estimate(mix, ("loss", "gradient", "psi_tilde_sq", "responsibility_means"))
    mc = population.estimate(mix, engine="monte-carlo", rng=np.random.default_rng(seed), n_samples=20_000)
    for q in ("loss", "psi_tilde_sq"):
        assert abs(mc[q] - quad[q]) <= 5 * mc.errors[q] + 1e-12
    # per-component standard errors: the max-norm SE bounds each component's SE
    assert np.max(np.abs(mc["gradient"] - quad["gradient"])) <= 5 * mc.errors["gradient"] + 1e-12


def test_monte_carlo_reproducible_and_fixed_samples():
    mix = Mixture([0.4, 0.6], [[1.0, 0.0], [-0.5, 0.3]])
    a = montecarlo.estimate(mix, np.random.default_rng(7), 1000)
    b = montecarlo.estimate(mix, np.random.default_rng(7), 1000)
    assert a.values["loss"] == b.values["loss"]
    X = np.random.default_rng(7).standard_normal((1000, 2))
    c = montecarlo.estimate(mix, X=X)
    assert c.values["loss"] == a.values["loss"]


def test_engine_argument_errors():
    mix = Mixture([1.0], [[1.0]])
    with pytest.raises(ValueError, match="^engine: expected one of"):
        population.estimate(mix, engine="simpson")
    with pytest.raises(ValueError, match="^quantities: expected a non-empty subset"):
        population.estimate(mix, ("entropy",))
    with pytest.raises(ValueError, match="^rng: engine 'monte-carlo' needs rng"):
        population.estimate(mix, engine="monte-carlo")
    with pytest.raises(ValueError, match="^rng: expected a numpy.random.Generator"):
        population.estimate(mix, engine="monte-carlo", rng=3, n_samples=10)
    with pytest.raises(ValueError, match="^rtol: expected a finite number > 0"):
        population.estimate(mix, rtol=-1.0)
    with pytest.raises(ValueError, match="^quantities: engine 'monte-carlo' supports"):
        population.estimate(mix, ("hessian",), engine="monte-carlo", rng=np.random.default_rng(0), n_samples=5)


@pytest.mark.parametrize("engine", ["quadrature", "qmc"])
def test_engines_for_rank_above_three_report_error(engine):
    """Five means spanning 5 dimensions differ in 4: the default runs the lattice rule there."""
    mix = random_mixture(5, 5, 6, 5, scale=1.5)
    est = population.estimate(mix, ("loss", "gradient", "psi_tilde_sq"), engine=engine)
    if engine == "quadrature":
        assert est.engine == "lattice" and "lattice" in est.detail["method"]
    else:
        assert est.engine == "qmc" and "QMC" in est.detail["method"]
    assert est.detail["rank"] == 4
    mc = population.estimate(mix, engine="monte-carlo", rng=np.random.default_rng(0), n_samples=200_000)
    assert abs(est["loss"] - mc["loss"]) <= 5 * (mc.errors["loss"] + est.errors["loss"])
    assert est.errors["loss"] < 1e-3
    again = population.estimate(mix, ("loss", "gradient", "psi_tilde_sq"), engine=engine)
    assert again["loss"] == est["loss"]


def test_sample_versions():
    from solvers import sample

    rng = np.random.default_rng(2)
    mix = Mixture([0.3, 0.7], [[1.0, 0.0], [0.0, -1.0]])
    X = rng.standard_normal((500, 2))
    psi = sample.responsibilities(mix, X)
    grad = (psi[:, :, None] * (mix.means[None] - X[:, None, :])).mean(0)
    np.testing.assert_allclose(sample.gradient(mix, X), grad, atol=1e-14)
    np.testing.assert_allclose(sample.gradient_terms(mix, X).mean(0), grad, atol=1e-14)
    dens = np.exp(-0.5 * ((X[:, None, :] - mix.means[None]) ** 2).sum(-1)) @ mix.weights
    assert sample.loss(mix, X) == pytest.approx(np.mean(-0.5 * (X**2).sum(1) - np.log(dens)), rel=1e-12)


@pytest.mark.parametrize(
    "weights, means",
    [
        ([0.4, 0.6], [[0.3185], [0.3202]]),  # found by the claim search: the loss integral is tiny next to L
        ([0.4, 0.6], [[0.3185, 0.1], [0.3202, 0.1001]]),
    ],
)
def test_nearly_coincident_means_converge(weights, means):
    mix = Mixture(weights, means)
    est = population.estimate(mix, ("loss", "gradient"))
    assert est.detail["converged"]
    assert_close_to_reference(mix, ("loss", "gradient"))

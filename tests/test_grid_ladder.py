"""The grid engine's ladder of rules: cheap Gauss-Hermite levels agree with the default rule where they are used."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from solvers import Mixture, population
from solvers.algorithms import Truth, gradient_em, gradient_em_batch
from solvers.algorithms.grid import LADDER, GridEngine, spread


def _state(seed, r, n, target_spread, shift):
    """Weights (1, n) and means (1, n, r) with spread exactly ``target_spread`` and a common shift."""
    rng = np.random.default_rng(seed)
    C = rng.normal(size=(n, r))
    C *= target_spread / spread(C[None])[0]
    C += shift * rng.normal(size=r)
    weights = rng.dirichlet(np.full(n, 0.8))
    weights = np.maximum(weights, 1e-3)
    return (weights / weights.sum())[None], C[None]


def _agree(ladder_out, default_out, loss_rtol=1e-11):
    loss_a, grad_a, resp_a, _ = ladder_out
    loss_b, grad_b, resp_b, _ = default_out
    assert abs(loss_a[0] - loss_b[0]) <= loss_rtol * abs(loss_b[0]) + 1e-15
    scale = max(float(np.linalg.norm(grad_b)), 1e-300)
    assert float(np.max(np.abs(grad_a - grad_b))) <= 1e-11 * scale + 1e-15
    np.testing.assert_allclose(resp_a, resp_b, rtol=0, atol=1e-13)


# spreads at and just below each ladder threshold, where a cheap level is at its worst
THRESHOLDS = sorted({s for r, steps in LADDER.items() if r <= 3 for s, _ in steps})


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), r=st.sampled_from([1, 2, 3]), extra=st.integers(0, 2),
       threshold=st.sampled_from(THRESHOLDS), below=st.floats(1e-9, 0.05), shift=st.floats(0.0, 1.5))
@example(seed=0, r=2, extra=0, threshold=2.1, below=1e-9, shift=0.0)
@example(seed=1, r=2, extra=1, threshold=0.4, below=1e-9, shift=1.5)
@example(seed=2, r=1, extra=0, threshold=1.3, below=1e-9, shift=0.0)
@example(seed=3, r=3, extra=1, threshold=0.3, below=1e-9, shift=1.0)
@example(seed=0, r=3, extra=0, threshold=0.2, below=0.03125, shift=0.0)
@example(seed=0, r=3, extra=0, threshold=0.4, below=0.03125, shift=0.5)  # a 2^12 lattice level was 1e-10 off
def test_ladder_agrees_with_default_rule_at_the_thresholds(seed, r, extra, threshold, below, shift):
    n = max(2, r) + extra  # n >= r, so the means span r dimensions
    weights, C = _state(seed, r, n, threshold * (1 - below), shift)
    truth = Truth.standard(r)
    ladder = GridEngine(C, truth, differences=False)  # integrate in r dimensions: the rank under test
    assert ladder.r == r
    cheap = {f"Gauss-Hermite q={q}^{r}" for _, q in LADDER[r]}
    assert ladder.rule_names(weights, C)[0] in cheap or threshold > LADDER[r][-1][0]
    _agree(ladder(weights, C), GridEngine(C, truth, ladder=False, differences=False)(weights, C))


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 3), target=st.floats(0.05, 2.0))
@example(seed=0, n=2, target=2.0)
def test_ladder_under_a_mixture_truth(seed, n, target):
    """Truth 0.5 N(-a, 1) + 0.5 N(a, 1) in d = 2: the truth's spread counts too."""
    truth = Truth([0.5, 0.5], [[-0.1, 0.0], [0.1, 0.0]])
    weights, C = _state(seed, 2, n, target, 0.3)
    ladder = GridEngine(C, truth)
    _agree(ladder(weights, C), GridEngine(C, truth, ladder=False)(weights, C), loss_rtol=1e-10)


def test_rules_follow_the_spread_and_are_counted():
    truth = Truth.standard(2)
    small = np.array([[[0.1, 0.0], [-0.1, 0.05], [0.0, -0.1]]])  # spread about 0.2
    large = np.array([[[2.0, 0.0], [-2.0, 0.5], [0.0, 1.5]]])  # spread about 4
    means = np.concatenate([small, large])
    w = np.full((2, 3), 1 / 3)
    eng = GridEngine(means, truth)
    assert eng.r == 2
    names = ["Gauss-Hermite q=16^2", "composite Gauss-Legendre 24x8 on [-11, 11]^2"]
    assert eng.rule_names(w, means) == names  # the wide run's box: T = ceil(9 + |mu|_max / 2) = 11
    eng(w, means)
    counts = eng.rule_counts()
    assert sorted(counts) == sorted(names)
    np.testing.assert_array_equal(counts[names[0]], [1, 0])
    np.testing.assert_array_equal(counts[names[1]], [0, 1])
    assert "q=16 for s <= 0.4" in eng.description and "Gauss-Legendre" in eng.description
    fixed = GridEngine(means, truth, order=20)
    assert "Gauss-Hermite q=20^2" in fixed.description
    assert fixed.rule_names(w, means) == ["Gauss-Hermite q=20^2"] * 2


def test_trajectories_record_the_rules_they_used():
    w = np.array([0.2, 0.3, 0.5])
    means = np.array([[[0.1, 0.0], [-0.1, 0.05], [0.0, -0.1]], [[2.0, 0.0], [-2.0, 0.5], [0.0, 1.5]]])
    batch = gradient_em_batch(w, means, 0.7, 20, tol=0)
    total = sum(c for c in batch.rule_counts.values())
    np.testing.assert_array_equal(total, [21, 21])
    assert batch.run(0).rule_counts == {"Gauss-Hermite q=16^2": 21}
    assert any(rule.startswith("composite Gauss-Legendre") for rule in batch.run(1).rule_counts)
    X = np.random.default_rng(0).normal(size=(50, 2))
    one = gradient_em(w, means[0], 0.7, 3, tol=0, engine="sample", X=X)
    assert one.rule_counts == {"sample (N=50)": 4}


def test_truth_spread_keeps_the_default_rule():
    """Well separated truth means: every run uses the default rule, whatever its own spread."""
    truth = Truth([0.5, 0.5], [[-2.0, 0.0], [2.0, 0.0]])
    means = np.array([[[0.0, 0.1], [0.0, -0.1]]])
    eng = GridEngine(means, truth)
    assert eng.r == 2 and not eng.differences  # a mixture truth: integrate on the span of all means
    assert eng.rule_names(np.full((1, 2), 0.5), means)[0].startswith("composite Gauss-Legendre 24x8")


def test_batch_mixing_levels_equals_loop():
    """Runs at different ladder levels in one batch get the arithmetic they get alone."""
    rng = np.random.default_rng(5)
    scales = np.array([0.05, 0.3, 0.6, 1.0, 1.5, 2.5])[:, None, None]
    means = scales * rng.normal(size=(6, 3, 2))
    w = np.array([0.2, 0.3, 0.5])
    batch = gradient_em_batch(w, means, 0.7, 30, tol=0)
    for b in range(6):
        one = gradient_em(w, means[b], 0.7, 30, tol=0)
        np.testing.assert_allclose(batch.run(b).loss, one.loss, rtol=1e-12, atol=1e-16)
        np.testing.assert_allclose(batch.means[b], one.means, rtol=0, atol=1e-13)


@pytest.mark.parametrize("r", [1, 2, 3])
def test_cheap_levels_are_gauss_hermite_of_increasing_order(r):
    steps = LADDER[r]
    assert all(a[0] < b[0] and a[1] < b[1] for a, b in zip(steps, steps[1:]))


def test_one_level_mixing_the_cancellation_free_and_plain_forms():
    """Same spread (same rule), one run near 0 (cancellation-free loss and expm1 responsibilities), one shifted
    beyond |mu| = 1 (plain log-sum-exp): the batch returns what each run gets alone."""
    truth = Truth.standard(2)
    base = np.array([[0.1, 0.0], [-0.1, 0.05], [0.0, -0.1]])
    means = np.stack([base, base + np.array([1.5, 0.0])])
    w = np.array([[0.2, 0.3, 0.5], [0.5, 0.3, 0.2]])
    eng = GridEngine(means, truth)
    assert eng.rule_names(w, means) == ["Gauss-Hermite q=16^2"] * 2
    together = eng(w, means)
    for b in range(2):
        alone = GridEngine(means[b:b + 1], truth)(w[b:b + 1], means[b:b + 1])
        for x, y in zip(together, alone):
            np.testing.assert_allclose(x[b], y[0], rtol=1e-13, atol=1e-17)


@settings(max_examples=4, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(2, 3), d=st.integers(2, 3), scale=st.floats(0.05, 1.5))
@example(seed=0, n=3, d=3, scale=1.5)
@example(seed=1, n=2, d=3, scale=1.0)
def test_difference_span_matches_the_adaptive_engine(seed, n, d, scale):
    """Truth N(0, I): integrating on the span of the mean differences (rank <= n - 1 <= 2) plus the
    exact common-shift term |e|^2 / 2 gives the adaptive engine's loss, gradient and E psi (for
    n = d = 3 the span of the means would need the inaccurate r = 3 Gauss-Hermite rule)."""
    rng = np.random.default_rng(seed)
    means = scale * rng.normal(size=(n, d))
    w = rng.dirichlet(np.ones(n))
    eng = GridEngine(means[None], Truth.standard(d))
    assert eng.differences
    loss, grad, resp, _ = eng(w[None], means[None])
    ref = population.estimate(Mixture(w, means), ("loss", "gradient", "responsibility_means"), rtol=1e-12)
    assert abs(loss[0] - ref["loss"]) <= 1e-10 * abs(ref["loss"]) + 1e-13
    np.testing.assert_allclose(grad[0], ref["gradient"], rtol=0, atol=1e-11)
    np.testing.assert_allclose(resp[0], ref["responsibility_means"], rtol=0, atol=1e-11)


def test_difference_span_is_one_dimension_less_and_exact_for_equal_means():
    rng = np.random.default_rng(3)
    w = np.array([[0.2, 0.3, 0.5]])
    means = rng.normal(size=(1, 3, 5))
    eng = GridEngine(means, Truth.standard(5))
    assert eng.r == 3 and all(name.endswith("^2") for name in eng.rule_names(w, means))
    equal = np.broadcast_to(means[:, :1], means.shape).copy()  # L = |mu|^2 / 2, grad_i = pi_i mu
    loss, grad, resp, _ = GridEngine(equal, Truth.standard(5))(w, equal)
    mu = equal[0, 0]
    assert abs(loss[0] - 0.5 * mu @ mu) <= 1e-15 * (mu @ mu)
    np.testing.assert_allclose(grad[0], w[0][:, None] * mu[None], rtol=1e-14, atol=1e-16)
    np.testing.assert_allclose(resp[0], w[0], rtol=1e-14)


def test_integration_rank_above_the_limit_is_refused_by_name():
    means = np.random.default_rng(0).normal(size=(8, 8))
    with pytest.raises(ValueError, match=r"engine: the grid engine supports an integration rank <= 6, got 7"):
        gradient_em(np.full(8, 1 / 8), means, 0.7, 1)
    seven = means[:7, :7]  # 7 means: their differences span 6 dimensions, accepted
    assert GridEngine(seven[None], Truth.standard(7)).rule_names(np.full((1, 7), 1 / 7), seven[None])[0].endswith("(6-D)")


@settings(max_examples=6, deadline=None)
@given(seed=st.integers(0, 10_000), spread_to=st.floats(1.0, 15.0))
@example(seed=3, spread_to=15.0)  # 6e-5 of loss error at spread 15 (measured against the adaptive engine)
def test_loss_errors_cover_the_distance_to_the_adaptive_engine(seed, spread_to):
    """The grid engine's loss error estimate (comparison with a rule refined twice) covers its
    distance to the adaptive engine (whose own error is added); trajectories carry it."""
    from solvers import Mixture, population

    rng = np.random.default_rng(seed)
    M = rng.normal(size=(1, 3, 2))
    M *= spread_to / spread(M)[0]
    W = rng.dirichlet(np.ones(3))[None]
    engine = GridEngine(M, Truth.standard(2))
    loss, error = engine(W, M)[0][0], engine.loss_errors(W, M)[0]
    ref = population.estimate(Mixture(W[0], M[0]), ("loss",))
    assert abs(loss - ref["loss"]) <= error + ref.errors["loss"]


def test_batch_loss_error_is_computed_when_read():
    """A batch trajectory keeps the final state's loss error deferred (no refined rule is built unless it is
    read); the first read computes GridEngine.loss_errors there, and the deferred value pickles without
    the engine's rules."""
    import pickle

    from solvers.algorithms import gradient_em_batch
    from solvers.algorithms.grid import DeferredLossErrors

    rng = np.random.default_rng(3)
    W, M = np.full((2, 3), 1 / 3), rng.normal(size=(2, 3, 2))
    tr = gradient_em_batch(W, M, 0.7, 15, tol=0)
    assert isinstance(tr.final_loss_error, DeferredLossErrors)
    blob = pickle.dumps(tr.final_loss_error)
    assert len(blob) < 10_000
    expected = GridEngine(M, Truth.standard(2)).loss_errors(tr.weights, tr.means)
    np.testing.assert_array_equal(tr.loss_error, expected)
    assert isinstance(tr.final_loss_error, np.ndarray)
    np.testing.assert_array_equal(pickle.loads(blob)(), expected)


def test_trajectories_carry_the_final_loss_error():
    from solvers.algorithms import gradient_em

    tr = gradient_em(np.array([0.2, 0.3, 0.5]), np.random.default_rng(0).normal(size=(3, 2)), 0.7, 20, tol=0)
    assert tr.loss_error is not None and 0 <= tr.loss_error < 1e-10
    sample = gradient_em(np.array([0.5, 0.5]), np.array([[1.0], [-1.0]]), 0.5, 3, tol=0, engine="sample",
                         X=np.random.default_rng(1).normal(size=(50, 1)))
    assert sample.loss_error is None

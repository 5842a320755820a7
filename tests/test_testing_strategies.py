"""verify.testing.strategies: bounded draws, documented supports, shrinking to small instances."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from _user_steps import gauss_hermite_step, variant
from solvers import Mixture
from solvers.algorithms import Truth
from verify.testing import SolverMismatch, assert_gradient_em_step
from verify.testing import strategies as vs


@given(mix=vs.mixtures(n=(1, 4), d=(1, 3), scale=2.0, min_weight=0.05))
def test_mixtures_stay_in_their_documented_support(mix):
    assert isinstance(mix, Mixture) and 1 <= mix.n <= 4 and 1 <= mix.d <= 3
    assert np.all(mix.weights >= 0.05 - 1e-12) and abs(mix.weights.sum() - 1) < 1e-12
    shares = mix.weights - 0.05  # above the floor: proportional to 1 + 9 u_i, u_i in [0, 1]
    assert shares.max() <= 10 * shares.min() * (1 + 1e-9)
    assert mix.mu_max <= 2.0 * np.sqrt(min(mix.n, mix.d)) * (1 + 1e-12)


@given(mix=vs.mixtures(n=(3, 5), d=(3, 6), rank=(1, 2)))
def test_mixtures_of_a_given_rank_span_at_most_that_many_dimensions(mix):
    assert np.linalg.matrix_rank(mix.means, tol=1e-9 * max(1.0, mix.mu_max)) <= 2


@given(truth=vs.truths(m=(1, 4), separation=3.0, d=(1, 3)))
def test_truths_are_separated(truth):
    assert isinstance(truth, Truth) and 1 <= truth.m <= 4
    diff = truth.means[:, None] - truth.means[None]
    dist = np.sqrt(np.sum(diff**2, axis=2)) + np.eye(truth.m) * 1e9
    assert dist.min() >= 3.0 * (1 - 1e-9)
    assert truth.m > 1 or truth.is_standard


@given(pair=vs.data(vs.mixtures(d=(1, 3)), n_samples=(5, 50)), X0=vs.data(2, n_samples=7), eta=vs.steps(0.1, 0.9))
def test_data_and_steps(pair, X0, eta):
    mix, X = pair
    assert X.shape[1] == mix.d and 5 <= X.shape[0] <= 50 and np.all(np.isfinite(X))
    assert X0.shape == (7, 2)
    assert 0.1 <= eta <= 0.9


QUICK = settings(database=None, derandomize=True, max_examples=20)


def test_data_of_a_truth_is_seeded():
    truth = Truth([0.5, 0.5], [[-2.0], [2.0]])
    assert find(vs.data(truth, n_samples=3), lambda X: True, settings=QUICK).shape == (3, 1)


def test_strategies_shrink_to_equal_weights_and_the_smallest_sizes():
    mix = find(vs.mixtures(n=(2, 6), d=(1, 5)), lambda m: True, settings=QUICK)
    assert mix.n == 2 and mix.d == 1 and np.allclose(mix.weights, 0.5) and mix.mu_max == 0
    truth = find(vs.truths(m=(2, 4), separation=2.0, d=(1, 3)), lambda t: True, settings=QUICK)
    assert truth.m == 2 and truth.d == 1 and np.allclose(truth.weights, 0.5)


SHRINK = settings(database=None, derandomize=True, max_examples=200, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow],
                  phases=[Phase.explicit, Phase.generate, Phase.shrink])


def test_a_failure_is_reported_on_a_small_instance():
    # A researcher's property test of a step that drops the |mu_i|^2/2 term, over students with up to
    # 8 components in up to 6 dimensions: hypothesis reports (and re-raises on) a shrunk instance.
    broken = variant(gauss_hermite_step, "missing_half_square")

    @SHRINK
    @given(mix=vs.mixtures(n=(1, 8), d=(1, 6), scale=2.0, rank=(1, 2)), eta=vs.steps())
    def test_my_step(mix, eta):
        assert_gradient_em_step(broken, mix, eta)

    with pytest.raises(SolverMismatch) as info:
        test_my_step()
    shrunk = info.value.mixture
    assert shrunk.n <= 3 and shrunk.d <= 2, shrunk
    assert "repro: assert_gradient_em_step(step_fn, Mixture(" in str(info.value)


def test_find_shrinks_a_failing_instance_to_two_components_in_one_dimension():
    broken = variant(gauss_hermite_step, "missing_half_square")

    def fails(mix):
        try:
            assert_gradient_em_step(broken, mix, 0.5)
        except SolverMismatch:
            return True
        return False

    mix = find(vs.mixtures(n=(1, 8), d=(1, 6), rank=(1, 2)), fails, settings=SHRINK)
    # n = 1 cannot fail (psi_1 = 1 whatever the scores), so two components on a line is the smallest
    assert (mix.n, mix.d) == (2, 1), mix


@pytest.mark.parametrize("call, match", [
    (lambda: vs.mixtures(n=(0, 3)), "n: expected an int or a pair"),
    (lambda: vs.mixtures(d=(3, 2)), "d: expected an int or a pair"),
    (lambda: vs.mixtures(scale=-1.0), "scale: expected a number in"),
    (lambda: vs.mixtures(n=4, min_weight=0.3), "min_weight: expected a number in"),
    (lambda: vs.truths(separation=0), "separation: expected a number in"),
    (lambda: vs.data("abc"), "source: expected a solvers.Mixture"),
    (lambda: vs.steps(0.0, 1.0), "low, high: expected 0 < low <= high <= 10"),
])
def test_bad_strategy_arguments_raise_value_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@given(st.data())
def test_data_rejects_a_bad_source_inside_a_strategy(draw):
    with pytest.raises(ValueError, match="source"):
        draw.draw(vs.data(st.just("not a mixture")))

"""The pytest plugin of verify.testing, run on generated user test files with pytester."""

from __future__ import annotations

import importlib.metadata
import os

import pytest
from hypothesis import settings

import verify.testing.plugin  # noqa: F401 - in sys.modules before pytester's inline runs snapshot it

PLUGIN = "verify.testing.plugin"


def _plugin_args() -> list:
    """``-p verify.testing.plugin`` unless an installed entry point already loads it."""
    installed = any(ep.value == PLUGIN for ep in importlib.metadata.entry_points(group="pytest11"))
    return [] if installed else ["-p", PLUGIN]


USER_STEP = '''
import numpy as np

def my_step(weights, means, eta, drop_half_square=False):
    """Population gradient EM by a Gauss-Hermite rule on the span of the means (rank 2 at most)."""
    weights, means = np.asarray(weights, float), np.asarray(means, float)
    u, s, _ = np.linalg.svd(means.T, full_matrices=False)
    r = int(np.sum(s > 1e-12 * max(s.max(initial=0.0), 1e-300)))
    if r == 0:
        return means.copy()
    x, w = np.polynomial.hermite_e.hermegauss(60)
    w = w / w.sum()
    Y = np.stack([g.ravel() for g in np.meshgrid(*([x] * r), indexing="ij")], axis=1)
    W = np.prod(np.stack([g.ravel() for g in np.meshgrid(*([w] * r), indexing="ij")], axis=1), axis=1)
    X = Y @ u[:, :r].T
    scores = X @ means.T + np.log(weights)
    if not drop_half_square:
        scores -= 0.5 * np.sum(means**2, axis=1)
    scores -= scores.max(axis=1, keepdims=True)
    psi = np.exp(scores)
    psi /= psi.sum(axis=1, keepdims=True)
    grad = means * (W @ psi)[:, None] - psi.T @ (W[:, None] * X)
    return means - eta * grad
'''

GOOD_TESTS = USER_STEP + '''
import pytest
from hypothesis import given, settings
from verify.testing import strategies as vs, assert_gradient_em_step, check_solver


def test_fixture_mixture(overmix_mixture, overmix_reference):
    assert overmix_mixture.n == 2 and overmix_mixture.d == 2
    overmix_reference.assert_gradient_em_step(my_step, overmix_mixture, 0.7)
    ref = overmix_reference.step("gradient_em", overmix_mixture, eta=0.7)
    assert np.max(np.abs(my_step(overmix_mixture.weights, overmix_mixture.means, 0.7) - ref.means)) < 1e-9


@pytest.mark.overmix(weights=[0.2, 0.3, 0.5], means=[[1.0], [-0.5], [0.25]], dps=20)
def test_marker_sets_the_instance_and_the_precision(overmix_mixture, overmix_reference):
    assert overmix_mixture.n == 3 and overmix_reference.dps == 20
    values, errors = overmix_reference.quantities(overmix_mixture, ("loss",))
    assert errors["loss"] < 1e-15  # mpmath at 20 digits, rounded to float64
    overmix_reference.assert_gradient_em_step(my_step, overmix_mixture, 0.5)


@settings(max_examples=8)
@given(mix=vs.mixtures(n=(1, 3), d=(1, 3), rank=(1, 2)), eta=vs.steps())
def test_strategies(mix, eta):
    assert_gradient_em_step(my_step, mix, eta)


def test_battery():
    report = check_solver(my_step, kind="gradient_em", n_instances=3)
    assert report.passed, str(report)
'''

BROKEN_TESTS = USER_STEP + '''
from functools import partial
from verify.testing import assert_gradient_em_step


def test_broken_step(overmix_mixture):
    assert_gradient_em_step(partial(my_step, drop_half_square=True), overmix_mixture, 0.7)
'''


def test_a_user_test_file_with_the_fixtures_and_strategies_passes(pytester):
    pytester.makepyfile(test_user=GOOD_TESTS)
    result = pytester.runpytest(*_plugin_args(), "--strict-markers", "-q")
    result.assert_outcomes(passed=4)


def test_a_broken_user_step_fails_with_the_documented_message(pytester):
    pytester.makepyfile(test_user=BROKEN_TESTS)
    result = pytester.runpytest(*_plugin_args(), "-q")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    for line in ("SolverMismatch: gradient-EM step (eta=0.7) differs from the trusted value",
                 "instance: Mixture(weights=[0.3, 0.7], means=[[1.0, -0.5], [-0.4, 0.8]])",
                 "user:", "reference:", "solvers.population.estimate",
                 "> allowed", "= engine bound", "+ atol 1e-10 + rtol 1e-07 x",
                 "repro: assert_gradient_em_step(step_fn, Mixture(weights=[0.3, 0.7], "
                 "means=[[1.0, -0.5], [-0.4, 0.8]]), eta=0.7)"):
        assert line in text, line


def test_the_plugin_loads_from_a_conftest(pytester):
    """Without the installed entry point (blocked by its name when installed), a conftest line loads it."""
    pytester.makeconftest(f"pytest_plugins = [{PLUGIN!r}]")
    pytester.makepyfile(test_user="def test_it(overmix_mixture):\n    assert overmix_mixture.d == 2\n")
    block = [] if _plugin_args() else ["-p", "no:overmix"]
    pytester.runpytest(*block, "-q").assert_outcomes(passed=1)


def test_the_ci_profile_is_loaded_under_ci(pytester, monkeypatch):
    pytester.makepyfile(test_user='''
from hypothesis import settings

def test_profile():
    assert settings.default.derandomize and settings.default.deadline is None
''')
    monkeypatch.setenv("CI", "true")
    try:
        result = pytester.runpytest(*_plugin_args(), "-q")
    finally:
        # loading a profile is global to the process: back to the one tests/conftest.py chose
        monkeypatch.undo()
        settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
    result.assert_outcomes(passed=1)


def test_the_marker_is_registered(pytester):
    pytester.makepyfile(test_user="import pytest\n\n@pytest.mark.overmix(dps=20)\ndef test_it():\n    pass\n")
    pytester.runpytest(*_plugin_args(), "--strict-markers", "-q").assert_outcomes(passed=1)
    result = pytester.runpytest(*_plugin_args(), "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.overmix(weights=None, means=None, dps=None)*"])

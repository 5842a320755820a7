"""verify.testing: check_solver on the toolkit's solvers, on a researcher's own steps and on broken variants."""

from __future__ import annotations

import numpy as np
import pytest

from _user_steps import BROKEN, gauss_hermite_em_step, gauss_hermite_step, sample_step
from solvers import Mixture
from solvers.algorithms import em, gradient_em, polyak
from verify import testing as vt
from verify.testing import Instance, SolverCheckError, adapters, check_solver, checks, iter_checks
from verify.testing.reference_steps import population_step

FAST = {"n_instances": 4}


def polyak_step(K):
    def step(weights, means, eta):
        return polyak(weights, means, K=K, eta=eta, n_outer=1, L_star=0.0, tol=0).means
    return step


TOOLKIT = {
    "gradient_em[grid]": (adapters.one_step(gradient_em), "gradient_em", {}),
    "em[grid]": (adapters.one_step(em, eta=False), "em", {}),
    "hybrid[grid]": (adapters.one_step(gradient_em, update_weights=True, returns_weights=True), "hybrid", {}),
    "polyak[grid, K=2]": (polyak_step(2), "polyak", {"K": 2}),
    "gradient_em[sample]": (adapters.one_step(gradient_em, engine="sample", data_keyword="X"), "gradient_em", {}),
    "em[sample]": (adapters.one_step(em, eta=False, engine="sample", data_keyword="X"), "em", {}),
    "hybrid[sample]": (adapters.one_step(gradient_em, engine="sample", data_keyword="X", update_weights=True,
                                         returns_weights=True), "hybrid", {}),
}


@pytest.mark.parametrize("name", list(TOOLKIT))
def test_check_solver_passes_on_every_toolkit_solver(name):
    step, kind, options = TOOLKIT[name]
    report = check_solver(step, kind, **options, **FAST)
    assert report.passed, str(report)
    sample = "sample" in name
    assert report.sample is sample
    ran = {r.name for r in report.results}
    assert ("sample_standard_errors" in ran) is sample and ("population_agreement" in ran) is not sample


@pytest.mark.slow
@pytest.mark.parametrize("name", list(TOOLKIT))
def test_check_solver_default_battery_on_every_toolkit_solver(name):
    step, kind, options = TOOLKIT[name]
    report = check_solver(step, kind, **options)
    assert report.passed, str(report)


@pytest.mark.slow
def test_check_solver_on_the_adaptive_engine_and_polyak_k5():
    report = check_solver(adapters.one_step(gradient_em, engine="quadrature"), "gradient_em", n_instances=3)
    assert report.passed, str(report)
    report = check_solver(polyak_step(5), "polyak", K=5)
    assert report.passed, str(report)


@pytest.mark.parametrize("step, kind", [(gauss_hermite_step, "gradient_em"), (gauss_hermite_em_step, "em"),
                                        (sample_step, "gradient_em")],
                         ids=["gradient_em", "em", "sample"])
def test_a_researchers_correct_steps_pass(step, kind):
    report = check_solver(step, kind)
    assert report.passed, str(report)


# Which checks each broken variant fails, on the first four instances of the seeded schedule
# (read off the report and explained by the bug):
PINNED = {
    # wrong value; the loss increases; the bug keeps every symmetry
    "sign_error": {"population_agreement", "stein_form", "monotone_loss"},
    # E[pi_i e^{a_i(x)} (mu_i - x)] = 0 exactly: the step is the identity, so (33) fails too
    "unnormalised_responsibilities": {"population_agreement", "stein_form", "monotone_loss"},
    "missing_half_square": {"population_agreement", "stein_form"},
    "weights_not_responsibilities": {"population_agreement", "stein_form"},
    # exact enough at |mu| <= 5; exp overflows in single precision at |mu| >= 10
    "float32_overflow": {"finite_for_large_means"},
    # every check that calls the step twice sees two different subsamples
    "unseeded_minibatch": {"deterministic", "sample_agreement", "rotation_invariance", "permutation_invariance",
                           "embedding_invariance"},
    # the weight of component i + 1 on component i: invisible under equal weights and n = 2
    "rolled_weights": {"population_agreement", "stein_form", "permutation_invariance", "monotone_loss"},
    "em_weights_in_denominator": {"population_agreement", "stein_form"},
}


@pytest.mark.parametrize("name, step, kind, expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_check_solver_names_the_broken_check(name, step, kind, expected):
    report = check_solver(step, kind, **FAST)
    assert expected in report.failed, str(report)
    assert set(report.failed) == PINNED[name], str(report)
    text = str(report)
    assert f"{expected} FAILED" in text and "repro: verify.testing.checks.check_" in text
    result = report[expected]
    assert result.status == "failed" and result.first_failure is not None and result.worst_ratio > 1


def test_at_least_six_broken_variants_with_distinct_bugs():
    assert len(BROKEN) >= 6
    assert {"population_agreement", "monotone_loss", "finite_for_large_means", "deterministic",
            "permutation_invariance"} <= {b[3] for b in BROKEN}


def test_the_repro_line_of_a_failure_reruns_the_failing_instance():
    step_fn = dict((b[0], b[1]) for b in BROKEN)["missing_half_square"]
    result = checks.check_population_agreement(step_fn, "gradient_em", **FAST)
    repro = result.message.split("repro: ")[1]
    namespace = {"step_fn": step_fn, "verify": __import__("verify.testing.checks"), "Instance": Instance}
    again = eval(repro, namespace)  # noqa: S307 - the line is ours, printed for users to paste
    assert again.status == "failed" and again.n_instances == 1 and again.first_failure == result.first_failure


def test_iter_checks_yields_each_applicable_check_and_raises_on_failure():
    pairs = list(iter_checks(gauss_hermite_step, "gradient_em", n_instances=2))
    assert [name for name, _ in pairs] == vt.applicable_checks(vt._core.Config.make(gauss_hermite_step))
    assert all(check().status == "passed" for _, check in pairs)
    broken = dict(iter_checks(dict((b[0], b[1]) for b in BROKEN)["sign_error"], "gradient_em", n_instances=2))
    with pytest.raises(SolverCheckError, match="monotone_loss FAILED") as info:
        broken["monotone_loss"]()
    assert info.value.result.name == "monotone_loss"
    broken["rotation_invariance"]()  # the sign error keeps the symmetry


@pytest.mark.parametrize("check", ["population_agreement", "rotation_invariance", "deterministic"])
def test_each_check_runs_alone_on_given_instances(check):
    inst = Instance([0.25, 0.75], [[1.0, 0.5], [-0.3, 0.2]], eta=0.4, seed=5)
    result = checks.CHECKS[check](gauss_hermite_step, "gradient_em", instances=[inst])
    assert result.status == "passed" and result.n_instances == 1 and result.worst == inst


def test_a_check_asked_for_that_does_not_apply_is_reported_as_skipped_with_the_reason():
    report = check_solver(gauss_hermite_step, "polyak", n_instances=1, checks=["monotone_loss", "sample_agreement"])
    assert [r.status for r in report.results] == ["skipped", "skipped"] and report.failed == []
    assert "a Polyak step need not decrease L" in str(report) and "a population step" in str(report)
    (name, check), = iter_checks(sample_step, "gradient_em", checks=["stein_form"])
    with pytest.raises(pytest.skip.Exception, match="not for sample steps"):
        check()


def test_a_failing_step_that_raises_is_reported_not_propagated():
    def raising(weights, means, eta):
        raise ZeroDivisionError("boom")

    report = check_solver(raising, "gradient_em", n_instances=1, checks=["population_agreement", "deterministic"])
    assert report.failed == ["population_agreement", "deterministic"]
    assert "the step raised ZeroDivisionError: boom" in report["deterministic"].message


def test_a_step_of_the_wrong_shape_fails_with_the_shapes():
    report = check_solver(lambda w, m, eta: m.T, "gradient_em", instances=[Instance([0.5, 0.5], [[1.0], [-1.0]])],
                          checks=["population_agreement"])
    assert "expected shape (2, 1), got (1, 2)" in report["population_agreement"].message


def test_adapters_for_other_signatures():
    def grad(weights, means):
        return means - gauss_hermite_step(weights, means, 1.0)

    flat = adapters.from_flat(lambda w, theta, eta: gauss_hermite_step(w, theta.reshape(len(w), -1), eta).ravel())
    transposed = adapters.from_transposed(lambda w, m_dn, eta: gauss_hermite_step(w, m_dn.T, eta).T)
    batched = adapters.from_batched(lambda W, M, eta: np.stack([gauss_hermite_step(w, m, eta) for w, m in zip(W, M)]))
    keywords = adapters.from_keywords(lambda pi, mu, lr: gauss_hermite_step(pi, mu, lr), weights="pi", means="mu",
                                      eta="lr")
    inst = Instance([0.2, 0.3, 0.5], [[1.0, 0.5], [-0.7, 0.2], [0.1, -0.4]], eta=0.7, seed=2)
    for step in (adapters.from_gradient(grad), flat, transposed, batched, keywords):
        report = check_solver(step, "gradient_em", instances=[inst],
                              checks=["population_agreement", "rotation_invariance"])
        assert report.passed, str(report)


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "newton"}, "kind: expected one of"),
    ({"kind": "polyak", "sample": True}, "kind: sample steps are supported"),
    ({"rtol": -1.0}, "rtol: expected a finite number >= 0"),
    ({"n_instances": 0}, "n_instances: expected an integer >= 1"),
    ({"dps": 10}, "dps: expected None or an int >= 15"),
    ({"instances": [1, 2]}, "instances: expected a non-empty sequence"),
    ({"checks": ["nope"]}, "checks: expected names from"),
])
def test_bad_options_raise_value_errors_naming_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        check_solver(gauss_hermite_step, **kwargs)


def test_instance_repr_is_a_valid_constructor_and_validates():
    inst = Instance([0.5, 0.5], [[1.0], [-2.0]], eta=0.25, seed=3)
    assert eval(repr(inst), {"Instance": Instance}) == inst  # noqa: S307
    with pytest.raises(ValueError, match="weights"):
        Instance([0.5, 0.6], [[1.0], [-2.0]])


@pytest.mark.parametrize("kind", ["gradient_em", "em", "hybrid", "polyak"])
def test_reference_steps_agree_with_mpmath_within_their_bounds(kind):
    # both engines' bounds together must cover their difference (mpmath: verify.reference at 20 digits)
    for w, m in (([0.5, 0.5], [[1.0], [-0.6]]), ([0.3, 0.7], [[1.0, -0.5], [-0.4, 0.8]])):
        a = population_step(kind, w, m, 0.5, K=1)
        b = population_step(kind, w, m, 0.5, K=1, dps=20)
        diff = np.max(np.abs(a.means - b.means))
        if kind == "hybrid":
            diff = max(diff, np.max(np.abs(a.weights - b.weights)))
        assert diff <= a.bound + b.bound
        assert a.bound < 1e-9 and b.bound < 1e-13


def test_monotone_loss_uses_a_step_inside_the_descent_lemma():
    # the check's step eta' <= 1/Lambda makes (33) hold exactly for exact gradient EM; (33) is a
    # quantitative decrease: a descent step of a tenth of the length decreases L by ~eta'/10 |g|^2
    # and must fail, the exact step must pass
    inst = Instance([0.3, 0.7], [[1.0, -0.5], [-0.4, 0.8]], eta=1.0, seed=0)

    def short(weights, means, eta):
        return gauss_hermite_step(weights, means, eta / 10)

    assert checks.check_monotone_loss(gauss_hermite_step, instances=[inst]).status == "passed"
    result = checks.check_monotone_loss(short, instances=[inst])
    assert result.status == "failed" and "eq. (33)" in result.message


def test_the_assertion_helpers_pass_and_fail_with_the_documented_message():
    mix = Mixture([0.3, 0.7], [[1.0, -0.5], [-0.4, 0.8]])
    vt.assert_gradient_em_step(gauss_hermite_step, mix, 0.5)
    vt.assert_em_step(lambda w, m: gauss_hermite_em_step(w, m, 1.0), mix)
    vt.assert_population_gradient(lambda w, m: m - gauss_hermite_step(w, m, 1.0), mix)
    vt.assert_loss(lambda w, m: 0.0, Mixture([1.0], [[0.0, 0.0]]))
    broken = dict((b[0], b[1]) for b in BROKEN)["missing_half_square"]
    with pytest.raises(vt.SolverMismatch) as info:
        vt.assert_gradient_em_step(broken, mix, 0.5)
    text = str(info.value)
    for part in ("gradient-EM step (eta=0.5) differs from the trusted value", "instance: Mixture(weights=[0.3, 0.7]",
                 "user:", "reference:", "engine bound", "repro: assert_gradient_em_step(step_fn, Mixture("):
        assert part in text
    assert info.value.mixture == mix and info.value.bound < 1e-10
    with pytest.raises(vt.SolverMismatch, match="loss differs"):
        vt.assert_loss(lambda w, m: 0.1, mix)


def test_assertion_helpers_against_mpmath_with_dps():
    mix = Mixture([0.5, 0.5], [[1.0], [-0.6]])
    vt.assert_gradient_em_step(gauss_hermite_step, mix, 0.5, dps=20)
    with pytest.raises(vt.SolverMismatch, match="verify.reference at dps=20"):
        vt.assert_gradient_em_step(lambda w, m, eta: m, mix, 0.5, dps=20)


@pytest.mark.parametrize("solver", ["hybrid", "em_with_weights"])
def test_the_em_weight_update_stays_positive_when_a_responsibility_underflows(solver):
    # found by finite_for_large_means: a component at |mu| = 100 has E psi = 0 in float64, the
    # weight became 0 and the next E-step took log(0) (RuntimeWarning, an error in this suite)
    w, m = [0.2, 0.8], [[42.0], [100.0]]
    if solver == "hybrid":
        tr = gradient_em(w, m, 0.5, 2, tol=0, update_weights=True)
    else:
        tr = em(w, m, 2, tol=0, update_weights=True)
    assert np.all(tr.weights > 0) and np.all(np.isfinite(tr.loss))

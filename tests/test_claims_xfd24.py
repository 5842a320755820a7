"""xfd24 claim evaluations on instances with known answers."""

import math

import numpy as np
import pytest

from verify.claims import FAILS, HOLDS, PROVEN, REFUTED, SUPPORTED, get
from verify.claims.runner import run_claim


def ev(claim_id, params, dps=None):
    return get(claim_id).evaluate(params, dps=dps)


def test_registry_has_every_xfd24_claim_of_the_catalog():
    ids = {c for c in [
        "xfd24.fact1", "xfd24.eq8", "xfd24.lemma9", "xfd24.cor10", "xfd24.eq22", "xfd24.eq6", "xfd24.eq23",
        "xfd24.lemma11", "xfd24.lemma12", "xfd24.lemma12.case2", "xfd24.lemma19", "xfd24.lemma17",
        "xfd24.lemma18", "xfd24.thm13", "xfd24.thm14", "xfd24.lemma15", "xfd24.proof.norm_lower_tail",
        "xfd24.proof.norm_upper_tail", "xfd24.proof.ratio_power", "xfd24.proof.lemma17_const",
        "xfd24.proof.eq11_step", "xfd24.proof.eq18_exp", "xfd24.proof.exp_rational", "xfd24.thm7", "xfd24.thm2"]}
    for i in ids:
        assert get(i).id == i


def test_thm14_single_component_is_tight():
    # n = 1: L = |mu|^2/2 exactly, so lhs = rhs up to the error bound
    e = ev("xfd24.thm14", {"weights": [1.0], "means": [[0.7, 0.0]]})
    assert abs(e.lhs - 0.245) < 1e-10 and abs(e.rhs - 0.245) < 1e-15
    assert abs(e.constant - 0.5) < 1e-9


def test_lemma19_closed_form_value():
    # pi = (1/2, 1/2), mu = (1, -1): spread = 2 * 1/4 * 4 = 2, pi_min mu_max^2 / 8 = 1/16
    e = ev("xfd24.lemma19", {"weights": [0.5, 0.5], "means": [[1.0], [-1.0]]})
    assert e.lhs == pytest.approx(2.0) and e.rhs == pytest.approx(1 / 16) and e.verdict == HOLDS


def test_case2_pointwise_bound():
    # all means equal to m: psi~ = m everywhere, E|psi~|^2 = |m|^2 >= |m|^2/4 with constant 1
    e = ev("xfd24.lemma12.case2", {"weights": [0.4, 0.6], "means": [[0.8, 0.6], [0.8, 0.6]]})
    assert e.lhs == pytest.approx(1.0, abs=1e-10) and e.constant == pytest.approx(1.0, abs=1e-9)


def test_identities_hold_on_known_instance():
    p = {"weights": [0.2, 0.3, 0.5], "means": [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]]}
    for cid in ("xfd24.lemma9", "xfd24.cor10"):
        assert ev(cid, p).verdict == HOLDS
    q = dict(p, x=[0.3, -1.2])
    assert ev("xfd24.eq8", q).verdict == HOLDS
    e22 = ev("xfd24.eq22", q)
    assert e22.verdict == HOLDS and e22.detail["min_eigenvalue"] >= -1e-12


def test_scalar_fact_known_values():
    # exp(1 + x) <= 1 + 2x is false at x = 0 (e > 1)
    e = ev("xfd24.proof.eq18_exp", {"x_from": 0.0, "x_to": 0.0, "points": 2})
    assert e.verdict == FAILS and e.lhs == pytest.approx(math.e)
    assert e.detail["corrected_exp_x_le_1_plus_2x_min_margin"] >= 0
    r = ev("xfd24.proof.ratio_power", {"d_from": 1, "d_to": 1})
    assert r.lhs == 4.0 and r.verdict == HOLDS          # exact equality at d = 1
    t = ev("xfd24.proof.norm_upper_tail", {"d_from": 1, "d_to": 1})
    assert t.lhs == pytest.approx(math.erfc(math.sqrt(2)), rel=1e-12) and t.verdict == HOLDS


def test_lemma17_moment_matches_d1_closed_form():
    # d = 1: E exp(c|x|) = 2 exp(c^2/2) Phi(c)
    import mpmath
    from verify.claims.xfd24_scalar import _lemma17_moment

    with mpmath.workdps(30):
        c = mpmath.mpf(1) / 3
        exact = 2 * mpmath.exp(c * c / 2) * mpmath.ncdf(c)
        assert abs(_lemma17_moment(1, c) - exact) < mpmath.mpf(10) ** -25


def test_eq6_fails_and_eq23_links_hold_on_clustered_means():
    p = {"weights": [0.5, 0.5], "means": [[1.6, 0.0], [1.8, 0.0]]}
    e6 = ev("xfd24.eq6", p, dps=20)
    assert e6.verdict == FAILS and e6.confirmed and e6.detail["ratio_D_over_A"] < 1e-3
    e23 = ev("xfd24.eq23", p)
    assert e23.verdict == HOLDS
    assert all(link["verdict"] == HOLDS for link in e23.detail.values())


def test_thm7_small_d_invariants():
    e = ev("xfd24.thm7", {"d": 4, "n": 3, "eta": 0.7})
    assert e.verdict == HOLDS and e.detail["T"] == 2
    assert e.detail["inv40_excess"] <= 0 and e.detail["inv41_margin"] >= 0
    assert e.lhs == pytest.approx(24.0, abs=1e-6)


def test_thm7_gradient_far_below_float_range_at_d12():
    from verify.claims.xfd24_trajectory import run_thm7

    run = run_thm7(12, 3, 0.7, exact_steps=1, chunks=1)
    assert run["states"][0]["log10_G"] < -90          # would underflow float64 beyond 1e-308 only later,
    assert run["min_a"] >= 10 * math.sqrt(12)          # but is below any fixed-grid resolution


def test_thm2_step_condition_and_checks():
    from verify.claims.xfd24_trajectory import thm2_step
    from verify.claims import mixture_from_params

    p = {"weights": [0.5, 0.5], "means": [[1.0], [-0.5]], "steps": 5}
    mix = mixture_from_params(p)
    eta = thm2_step(mix)
    assert eta <= 1 / (40 * 1 * 4 * 2) + 1e-15
    e = ev("xfd24.thm2", p)
    assert e.verdict == HOLDS and e.detail["c_max"] > 0


@pytest.mark.parametrize("cid,verdict", [("xfd24.proof.eq18_exp", REFUTED), ("xfd24.proof.exp_rational", SUPPORTED),
                                         ("xfd24.proof.eq11_step", REFUTED)])
def test_scalar_claim_verdicts(cid, verdict, tmp_path):
    assert run_claim(get(cid), out_dir=tmp_path).verdict == verdict


def test_cor10_is_proven_by_symbolic_layer():
    r = run_claim(get("xfd24.cor10"), instances=1)
    assert r.verdict == PROVEN and r.proof["scope"] == "expectation"

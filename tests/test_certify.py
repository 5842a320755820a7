"""Certified enclosures (python-flint): containment of the mpmath reference, widths, verdicts."""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import flint  # noqa: E402  (a core dependency)

from _enclosures import assert_reference_contained  # noqa: E402

from solvers import Mixture  # noqa: E402
from verify import reference  # noqa: E402
from verify import certify  # noqa: E402
from verify.certify import (CERTIFIED, CERTIFIED_REFUTED, UNDECIDED, Enclosure, LineMixture,  # noqa: E402
                            certify_instance, certify_on_interval, line_quantities)
from verify.claims import load_papers  # noqa: E402

load_papers()  # the formula claims (Theorem 14, Lemmas 11 and 12) register their Arb statements


def _instance(draw_weights, coords, direction):
    w = np.asarray(draw_weights, float)
    w = w / w.sum()
    means = [[c * v for v in direction] for c in coords]
    return {"weights": w.tolist(), "means": means}


coord = st.floats(-4, 4, allow_nan=False).map(lambda x: round(x, 3))
instances = st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0.1, 1.0), min_size=n, max_size=n),
    st.lists(coord, min_size=n, max_size=n),
    st.sampled_from([(1.0,), (1.0, 0.0), (0.0, 1.0, 0.0), (1.0, 2.0), (-1.0, 0.5, 2.0)])))


@settings(max_examples=6, deadline=None)
@given(instances)
@example(([1.0], [-1.0], (1.0,)))  # sign of c_i along a negative axis mean
@example(([1.0], [-1.0], (1.0, 2.0)))
@example(([1.0, 0.5], [0.0, 0.0], (1.0,)))  # all means zero (r = 0)
@example(([1.0, 1.0], [0.0, 1.0], (1.0,)))
def test_enclosures_contain_reference(inst):
    params = _instance(*inst)
    mix = Mixture(np.asarray(params["weights"]), np.asarray(params["means"]))
    names = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
    ref = reference.quantities(mix, names, dps=30)
    got = line_quantities(params, names)
    assert_reference_contained(got, ref, 28)


@settings(max_examples=12, deadline=None)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
    st.lists(st.floats(-10, 10, allow_nan=False), min_size=n, max_size=n))))
def test_width_below_1e25_at_128_bits(inst):
    w, c = inst
    got = line_quantities(LineMixture.from_coords(w, c), prec=128)
    widths = [got["loss"].width, got["psi_tilde_sq"].width]
    widths += [e.width for e in got["responsibility_means"]]
    widths += [e.width for row in got["gradient"] + got["gradient_stein"] for e in row]
    assert max(widths) < 1e-25


def test_known_values_and_symmetry():
    got = line_quantities({"weights": [0.5, 0.5], "means": [[1.0], [-1.0]]})
    g = got["gradient_coeff"]
    assert (g[0] + g[1]).contains(0)  # E psi_1 (1 - t) = -E psi_2 (-1 - t) by t -> -t
    assert got["responsibility_means"][0].contains(0.5)
    zero = line_quantities({"weights": [1.0], "means": [[0.0, 0.0]]})
    assert zero["loss"].contains(0) and zero["loss"].width < 1e-30
    # general direction: gradient is g_i * e with e = (1, 2)/sqrt(5)
    gen = line_quantities({"weights": [0.25, 0.75], "means": [[1.0, 2.0], [-0.5, -1.0]]})
    ax = line_quantities({"weights": [0.25, 0.75], "means": [[math.sqrt(5)], [-math.sqrt(5) / 2]]})
    assert abs(float(gen["loss"]) - float(ax["loss"])) < 1e-14
    assert abs(float(gen["gradient"][0][1]) - 2 * float(gen["gradient"][0][0])) < 1e-30


def test_rank_dispatch_of_instances():
    with pytest.raises(ValueError, match="collinear"):
        LineMixture.from_means([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]])
    plane = certify_instance("xfd24.thm14", {"weights": [0.5, 0.5], "means": [[1.0, 0.0], [0.0, 1.0]]})
    assert plane.verdict == CERTIFIED and plane.detail["rank"] == 2
    space = {"weights": [0.25] * 4, "means": [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]}
    res = certify_instance("xfd24.thm14", space)
    assert res.verdict == UNDECIDED and "r > 2" in res.detail["reason"]
    assert certify_instance("xfd24.lemma19", space).verdict == CERTIFIED  # closed form: any rank


def test_ball_parameters_enclose_endpoints():
    from verify.certify.line import line_quantities_arb
    with certify.workprec(128):
        arb = flint.arb
        w = [arb(1) / 3] * 3
        ball = arb(2, 0.01)
        wide = line_quantities_arb(w, [ball, -ball, arb(0)], ("gradient",))["gradient"][0]
        for a in (arb("1.99"), arb(2), arb("2.01")):
            pt = line_quantities_arb(w, [a, -a, arb(0)], ("gradient",))["gradient"][0]
            assert wide.contains(pt)


# ---- verdicts on claims -----------------------------------------------------------------------

LINE = {"weights": [0.2, 0.3, 0.5], "means": [[1.5, 0.0], [-2.0, 0.0], [0.3, 0.0]]}


@pytest.mark.parametrize("cid", ["xfd24.thm14", "xfd24.lemma11", "xfd24.cor10", "xfd24.lemma9"])
def test_mixture_claims_certified(cid):
    res = certify_instance(cid, LINE)
    assert res.verdict == CERTIFIED, res.detail
    from verify.claims.certified import as_evaluation

    ev = as_evaluation(res)
    assert ev.certified and ev.verdict == "HOLDS" and ev.detail["certified_verdict"] == CERTIFIED


def test_lemma15_certified_and_hypotheses():
    d = 3
    s = math.sqrt(d)
    ok = {"weights": [0.3, 0.3, 0.4], "means": [[10.5 * s, 0, 0], [-11 * s, 0, 0], [0.5 * s, 0, 0]]}
    res = certify_instance("xfd24.lemma15", ok)
    assert res.verdict == CERTIFIED and res.detail["hypotheses"]
    bad = {"weights": [0.3, 0.3, 0.4], "means": [[1.0, 0, 0], [-11 * s, 0, 0], [0.5 * s, 0, 0]]}
    res = certify_instance("xfd24.lemma15", bad)
    assert res.verdict == UNDECIDED and res.detail["hypotheses"] is False


def test_identity_refuted_when_zero_excluded():
    from verify.certify import compare
    a = Enclosure.from_bounds(Fraction(1), Fraction(1) + Fraction(1, 10**30))
    b = Enclosure.from_bounds(Fraction(1) + Fraction(1, 10**20), Fraction(1) + Fraction(2, 10**20))
    assert compare(a, b, "==") == CERTIFIED_REFUTED


# ---- scalar facts -------------------------------------------------------------------------------

def test_eq18_certified_refuted():
    res = certify.certify_scalar("xfd24.proof.eq18_exp")
    assert res.verdict == CERTIFIED_REFUTED
    assert res.detail["counterexample"]["x"] == "0" and res.lhs.certainly_gt(res.rhs)
    assert res.detail["fails_everywhere_on_[0,1]"]
    generic = certify_on_interval(lambda x: (1 + x).exp(), lambda x: 1 + 2 * x, 0, 1, "<=")
    assert generic.verdict == CERTIFIED_REFUTED


def test_exp_rational_certified():
    res = certify.certify_exp_rational()
    assert res.verdict == CERTIFIED
    assert set(res.detail["covering"].values()) == {CERTIFIED}
    # a covering away from the tangency at 0 also certifies by subdivision alone
    assert certify_on_interval(lambda t: (-t).exp(), lambda t: 1 / (1 + t), Fraction(1, 100), 10).verdict == CERTIFIED


def test_scalar_facts_all_d():
    r = certify.certify_scalar_range
    assert r("xfd24.proof.norm_lower_tail").verdict == CERTIFIED
    assert r("xfd24.proof.ratio_power").verdict == CERTIFIED
    assert r("xfd24.lemma17").verdict == CERTIFIED
    up = r("xfd24.proof.norm_upper_tail")
    # Pr[|x| > 2 sqrt d] ~ exp(-d (3 - ln 4)/2) > exp(-d) for large d: false from d = 17 on
    assert up.verdict == CERTIFIED_REFUTED and up.detail["counterexample"] == {"d": 17}
    assert r("xfd24.proof.norm_upper_tail", 1, 16).verdict == CERTIFIED
    lc = r("xfd24.proof.lemma17_const")
    assert lc.verdict == CERTIFIED_REFUTED and lc.detail["counterexample"] == {"d": 1}
    assert [d for d, _ in lc.detail["not_certified"]] == [1]
    assert r("xfd24.proof.lemma17_const", 2, 1000).verdict == CERTIFIED


def test_scalar_facts_every_d():
    all_d = certify.certify_all_d
    for cid in ("xfd24.proof.norm_lower_tail", "xfd24.proof.ratio_power", "xfd24.lemma17"):
        r = all_d(cid)
        assert r.verdict == CERTIFIED and r.detail["scope"] == "all d >= 1"
    lc = all_d("xfd24.proof.lemma17_const")
    assert lc.verdict == CERTIFIED_REFUTED and lc.detail["holds_for"] == "d >= 2"
    assert lc.lhs.certainly_gt(lc.rhs)  # the d = 1 counterexample
    assert all_d("xfd24.proof.norm_upper_tail").verdict == CERTIFIED_REFUTED
    assert certify_instance("xfd24.lemma17", {"all_d": True}).verdict == CERTIFIED


@pytest.mark.parametrize("d", [1, 2, 7, 50])
def test_scalar_values_match_mpmath(d):
    with mpmath.workdps(40):
        low = mpmath.gammainc(mpmath.mpf(d) / 2, mpmath.mpf(d) / 8, mpmath.inf, regularized=True)
        c = mpmath.mpf(1) / (3 * d)
        k = mpmath.mpf(2) ** (1 - mpmath.mpf(d) / 2) / mpmath.gamma(mpmath.mpf(d) / 2)
        mgf = mpmath.quad(lambda r: mpmath.exp(c * r) * r ** (d - 1) * mpmath.exp(-r * r / 2) * k, [0, 5, 20, 60])
    res = certify.certify_scalar("xfd24.proof.norm_lower_tail", d)
    assert abs(float(res.lhs) - float(low)) < 1e-15 and res.lhs.contains_interval(low - 1e-35, low + 1e-35) \
        or abs(res.lhs.mid - Fraction(str(mpmath.nstr(low, 35)))) < Fraction(1, 10**33)
    l17 = certify.certify_scalar("xfd24.lemma17", d)
    assert abs(l17.lhs.mid - Fraction(mpmath.nstr(mgf, 35))) < Fraction(1, 10**30)


def test_thm7_certified_default():
    res = certify.certify_thm7_range(range(1, 11), eta=0.7)
    assert [r.verdict for r in res] == [CERTIFIED] * 10
    assert res[-1].detail["T"] == 1048
    for r in res:
        assert r.detail["eq41"] == CERTIFIED and r.detail["trapping"] == CERTIFIED
        assert r.lhs.certainly_ge(r.rhs)


@pytest.mark.parametrize("n", [3, 10])
def test_thm7_all_step_sizes(n):
    res = [certify.certify_thm7_all_eta(d, n) for d in range(1, 31)]
    assert all(r.verdict == CERTIFIED and r.detail["covered"] for r in res)
    assert all(r.lhs.certainly_le(r.rhs) for r in res)


@pytest.mark.slow
def test_thm7_all_step_sizes_d_up_to_1000():
    bad = [d for d in range(1, 1001) if certify.certify_thm7_all_eta(d).verdict != CERTIFIED]
    assert bad == []


@pytest.mark.slow
@pytest.mark.parametrize("eta", [0.1, 0.35])
def test_thm7_trajectory_smaller_steps(eta):
    res = certify.certify_thm7_range(range(1, 9), eta=eta)
    assert [r.verdict for r in res] == [CERTIFIED] * 8


def test_certify_instance_dispatch():
    assert certify_instance("xfd24.proof.ratio_power", {"d": 1}).verdict == CERTIFIED
    assert certify_instance("xfd24.thm7", {"d": 5, "eta": 0.7}).verdict == CERTIFIED
    r = certify_instance("xfd24.thm7", {"d": 12, "eta": "all"})
    assert r.verdict == CERTIFIED and r.detail["eta"] == "all eta > 0"
    with pytest.raises(KeyError):
        certify_instance("xfd24.thm13", LINE)


EXPECTED_CLAIM_VERDICTS = {
    "xfd24.thm14": CERTIFIED, "xfd24.lemma11": CERTIFIED, "xfd24.lemma15": CERTIFIED,
    "xfd24.lemma12": CERTIFIED, "xfd24.lemma12.case2": CERTIFIED, "xfd24.lemma19": CERTIFIED,
    "xfd24.cor10": CERTIFIED, "xfd24.lemma9": CERTIFIED,
    "xfd24.proof.norm_lower_tail": CERTIFIED, "xfd24.proof.norm_upper_tail": CERTIFIED_REFUTED,
    "xfd24.proof.ratio_power": CERTIFIED, "xfd24.proof.lemma17_const": CERTIFIED_REFUTED,
    "xfd24.lemma17": CERTIFIED, "xfd24.proof.exp_rational": CERTIFIED,
    "xfd24.proof.eq18_exp": CERTIFIED_REFUTED, "xfd24.thm7": CERTIFIED,
}


def test_certify_claim_all_ids():
    assert set(EXPECTED_CLAIM_VERDICTS) == set(certify.certified_claim_ids())
    for cid, expected in EXPECTED_CLAIM_VERDICTS.items():
        cert = certify.certify_claim(cid)
        assert cert.verdict == expected, (cid, cert.summary)
        assert cert.summary.startswith(expected)
        if expected == CERTIFIED_REFUTED:
            assert cert.counterexample
        cert.to_json()


def test_certify_claim_engine_instances():
    r2 = {"weights": [0.5, 0.5], "means": [[1.0, 0.0], [0.0, 1.0]]}
    r3 = {"weights": [0.5, 0.25, 0.25], "means": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]}
    cert = certify.certify_claim("xfd24.thm14", [LINE, r2, r3], builtin=False)
    assert cert.verdict == CERTIFIED, cert.summary
    assert "r = 1: 1, r = 2: 1" in cert.summary and "1 instances not certifiable" in cert.summary

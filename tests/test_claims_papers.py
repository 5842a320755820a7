"""alp25.em_is_gd / alp25.rate, zxfd25.stein / zxfd25.global, wcf26.linear / wcf26.misspecified."""

import numpy as np
import pytest

from verify.claims import FAILS, HOLDS, SUPPORTED, get, run_claim
from verify.claims.alp25 import dft_contraction
from verify.claims.fits import fit_geometric, fit_power, tail_window
from verify.claims.zxfd25 import coverage_probability, wilson_interval


# ------------------------------------------------------------------ fit helpers
def test_fit_helpers_recover_known_rates():
    t = np.arange(1, 61)
    fit = fit_geometric(t, 3.0 * 0.7**t)
    assert abs(fit["q"] - 0.7) < 1e-12 and fit["q_se"] < 1e-12 and fit["r_squared"] > 1 - 1e-12
    power = fit_power(t, 5.0 * t**-2.0)
    assert abs(power["p"] - 2.0) < 1e-12
    loss = np.concatenate([0.5**np.arange(40), np.full(10, 1e-20)])
    window = tail_window(loss)
    assert loss[window].min() > 1e-13 and window[0] >= 10 and window[-1] < 44


def test_wilson_and_coverage():
    lo, hi = wilson_interval(48, 48)
    assert 0.92 < lo < 0.93 and hi == pytest.approx(1.0)
    lo, hi = wilson_interval(0, 10)
    assert lo == 0.0 and 0.25 < hi < 0.35
    assert coverage_probability([0.25] * 4, 4) == pytest.approx(24 / 256)
    with pytest.raises(ValueError, match="trials"):
        wilson_interval(3, 0)


# ------------------------------------------------------------------ alp25
def test_alp25_em_is_gd_float_and_mpmath():
    claim = get("alp25.em_is_gd")
    params = {"weights": [0.5, 0.3, 0.2], "theta": [0.3, 0.1]}
    ev = claim.evaluate(params)
    assert ev.verdict == HOLDS and ev.error < 1e-10 and ev.detail["max_abs_difference"] < 1e-13
    precise = claim.evaluate({"weights": [0.7, 0.3], "theta": [0.4]}, dps=20)
    assert precise.confirmed and precise.verdict == HOLDS and precise.error < 1e-15


def test_alp25_em_is_gd_detects_a_wrong_update():
    from verify.claims import Evaluation

    ev = get("alp25.em_is_gd").evaluate({"weights": [0.7, 0.3], "theta": [0.4]})
    shifted = Evaluation(ev.lhs + 1e-8, ev.rhs, ev.error, "==")
    assert shifted.verdict == FAILS


def test_alp25_rate_fitted_q_matches_dft_and_uniform_is_sublinear():
    claim = get("alp25.rate")
    dft = claim.evaluate({"weights": [0.7, 0.3], "theta": [0.4], "n_iter": 100})
    assert dft.verdict == HOLDS
    assert abs(dft.detail["q"] - dft_contraction([0.7, 0.3])["q_theory"]) < 1e-6
    assert dft.detail["q_theory"] == pytest.approx(0.84**2) and dft.detail["r_squared"] > 0.999999
    uniform = claim.evaluate({"weights": [0.5, 0.5], "theta": [0.5], "n_iter": 400})
    assert uniform.verdict == HOLDS and uniform.detail["regime"] == "DFT condition violated"
    assert uniform.detail["q_late"] > uniform.detail["q_early"] > 0.98
    assert 1.7 < uniform.detail["p"] < 2.1  # L ~ t^-2 at a quartic minimum


def test_alp25_bad_params_name_the_argument():
    with pytest.raises(ValueError, match="^weights:"):
        get("alp25.em_is_gd").evaluate({"weights": [0.7, 0.7], "theta": [0.4]})
    with pytest.raises(ValueError, match="^theta:"):
        get("alp25.em_is_gd").evaluate({"weights": [0.5, 0.3, 0.2], "theta": [0.4]})
    with pytest.raises(ValueError, match="^n_iter:"):
        get("alp25.rate").evaluate({"weights": [0.7, 0.3], "theta": [0.4], "n_iter": 3})


# ------------------------------------------------------------------ zxfd25
def test_zxfd25_stein_float_and_mpmath():
    claim = get("zxfd25.stein")
    params = {"truth_weights": [0.3, 0.7], "truth_means": [[-1.5], [2.0]],
              "weights": [0.2, 0.5, 0.3], "means": [[-1.0], [1.8], [2.6]]}
    ev = claim.evaluate(params)
    assert ev.verdict == HOLDS and ev.error < 1e-10
    assert ev.detail["grid_engine_difference"] < 1e-10  # the solver's mixture-truth gradient agrees
    precise = claim.evaluate(params, dps=20)
    assert precise.confirmed and precise.verdict == HOLDS and precise.error < 1e-15
    with pytest.raises(ValueError, match="^truth_weights:"):
        claim.evaluate({**params, "truth_weights": [0.3, 0.3]})


def test_zxfd25_global_failure_at_n_equals_m_and_success_overparameterized():
    claim = get("zxfd25.global")
    exact = claim.evaluate({"n": 4})
    over = claim.evaluate({"n": 16})
    assert exact.verdict == HOLDS and exact.detail["wilson_high"] < 0.9
    assert over.verdict == HOLDS and over.detail["wilson_low"] > 0.8
    sweep = over.detail["sweep_n_over_m"]
    assert sweep["1"][0] < sweep["4"][0]
    again = claim.evaluate({"n": 4})
    assert again.detail["successes"] == exact.detail["successes"]  # seeded
    with pytest.raises(ValueError, match="^n:"):
        claim.evaluate({"n": 8})  # m < n < C m log m: no prediction
    with pytest.raises(ValueError, match="^n:"):
        claim.evaluate({"n": 2})


# ------------------------------------------------------------------ wcf26
def test_wcf26_linear_q_near_quartic_polyak_factor():
    claim = get("wcf26.linear")
    ev = claim.evaluate({"weights": [0.3, 0.7], "means": [[0.6], [-0.4]], "K": 20, "eta": 0.7, "n_outer": 14})
    assert ev.verdict == HOLDS
    assert abs(ev.detail["q"] - 0.31640625) < 0.01 and ev.detail["q_se"] < 0.01
    assert ev.detail["q_gd_per_outer"] > 0.7 and 1.5 < ev.detail["gd_exponent_p"] < 2.2
    assert ev.detail["L_end_gradient_em"] > 1e4 * ev.detail["L_end_method"]
    with pytest.raises(ValueError, match="^K:"):
        claim.evaluate({"weights": [0.3, 0.7], "means": [[0.6], [-0.4]], "K": 0})
    with pytest.raises(ValueError, match="^eta:"):
        claim.evaluate({"weights": [0.3, 0.7], "means": [[0.6], [-0.4]], "eta": 3.0})


def test_wcf26_misspecified_reaches_plateau():
    claim = get("wcf26.misspecified")
    ev = claim.evaluate({"truth_weights": [0.5, 0.5], "truth_means": [[-1.5], [1.5]],
                         "weights": [0.6, 0.3, 0.1], "means": [[-1.0], [0.8], [1.2]]})
    assert ev.verdict == HOLDS and ev.error < 1e-9
    assert 0.013 < ev.detail["plateau"] < 0.0131  # L_min > 0: the weights cannot match
    assert ev.detail["excess"] < 1e-9 < ev.detail["gradient_em_excess"]
    with pytest.raises(ValueError, match="truth_means"):
        claim.evaluate({"truth_weights": [0.5, 0.5], "weights": [0.6, 0.4], "means": [[0.0], [1.0]]})


@pytest.mark.parametrize("cid", ["alp25.em_is_gd", "zxfd25.stein", "wcf26.linear"])
def test_default_runs_supported(cid):
    result = run_claim(get(cid), certify=False, prove=False)
    assert result.verdict == SUPPORTED and result.seconds < 10

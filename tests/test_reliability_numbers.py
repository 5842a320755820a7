"""No silent wrong number: tiny and huge means, the loss error near the optimum,
Monte Carlo standard errors, and the validation of the model's constructor.

Each test pins an input on which an earlier version printed a wrong number
with a small (or zero) error, or accepted invalid input.
"""

import json

import numpy as np
import pytest

from solvers import Mixture, montecarlo, population, reduction
from verify.cli import main

TINY = ["--weights", "0.5,0.5", "--means", "[[1e-13],[3e-13]]"]


def _quantities(capsys, argv):
    code = main(["quantities", *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_tiny_means_are_not_rank_zero(capsys):
    # mu = (1e-13, 3e-13): L = |sum_i pi_i mu_i|^2 / 2 + O(mu^4) = (2e-13)^2 / 2 = 2e-26 (series of L at 0);
    # the gradient of component i is pi_i * 2e-13 + O(mu^2) = 1e-13 (mpmath reference: 1.0e-13)
    code, out, _ = _quantities(capsys, [*TINY, "--json"])
    assert code == 0
    res = json.loads(out)
    assert res["loss"] == pytest.approx(2e-26, rel=1e-6)
    assert res["error"]["loss"] < 1e-24 or res["error"]["loss"] < res["loss"]
    grad = np.array(res["gradient"], dtype=float)
    assert np.all(np.abs(grad - 1e-13) <= res["error"]["gradient"])
    assert res["psi_tilde_sq"] == pytest.approx(4e-26, rel=1e-6)


@pytest.mark.parametrize("scale", [1e-13, 1e-30, 1e-90])
def test_rank_is_scale_free(scale):
    base = np.array([[1.0, 0.0], [0.3, 2.0], [-1.0, 0.5]])
    assert reduction.reduce(Mixture([0.2, 0.3, 0.5], base * scale)).rank == 2
    assert reduction.reduce(Mixture([0.5, 0.5], np.zeros((2, 3)))).rank == 0
    _, ranks, _ = reduction.split_common_shift(np.array([[0.5, 0.5]]), np.array([[[scale], [3 * scale]]]))
    assert ranks.tolist() == [1]


def test_zero_is_reported_only_for_exact_zero():
    exact = population.estimate(Mixture([0.5, 0.5], [[0.0], [0.0]]), ("loss",))
    assert exact["loss"] == 0.0
    tiny = population.estimate(Mixture([0.5, 0.5], [[1e-60], [3e-60]]), ("loss", "psi_tilde_sq"))
    assert tiny["loss"] == pytest.approx(2e-120, rel=1e-6) and tiny["psi_tilde_sq"] > 0


def test_user_claim_on_tiny_means_is_not_supported():
    from verify.claims import run_claim, user_inequality

    params = {"weights": [0.5, 0.5], "means": [[1e-13], [3e-13]]}
    claim = user_inequality("rel.tiny_loss", "L <= 1e-27", lambda q: q["loss"], lambda q: 1e-27,
                            quantities=("loss",), families={"one": lambda rng, count: [dict(params)]})
    result = run_claim(claim, search_evaluations=0, certify=False)
    assert result.verdict == "REFUTED"  # L = 2e-26 > 1e-27, confirmed in mpmath


@pytest.mark.parametrize("means", ["[[1e14],[-1e14]]", "[[1e18],[-1e18]]", "[[1e200],[-1e200]]", "[[1e-160],[0]]"])
def test_means_outside_the_accurate_range_are_refused(capsys, means):
    code, out, err = _quantities(capsys, ["--weights", "0.5,0.5", "--means", means])
    assert code == 2 and out == ""
    assert err.startswith("error: means: expected max |mu_i| = 0 or in [1e-100, 1e+06]") and "Traceback" not in err


def test_huge_means_refused_by_every_float64_engine():
    mix = Mixture([0.5, 0.5], [[1e18], [-1e18]])
    for kwargs in ({}, {"engine": "qmc"}, {"engine": "monte-carlo", "rng": np.random.default_rng(0), "n_samples": 10}):
        with pytest.raises(ValueError, match="^means: expected max"):
            population.estimate(mix, **kwargs)


def test_means_at_the_top_of_the_range_are_accurate():
    # +-1e6, equal weights: E psi_i = 1/2 and grad_1 = mu/2 - E[psi_1 x] = 5e5 - phi(0) (exactly, by symmetry)
    est = population.estimate(Mixture([0.5, 0.5], [[1e6], [-1e6]]), ("gradient", "responsibility_means"))
    assert np.allclose(est["responsibility_means"], 0.5, atol=est.errors["responsibility_means"] + 1e-15)
    assert abs(est["gradient"][0, 0] - (5e5 - 1 / np.sqrt(2 * np.pi))) <= est.errors["gradient"] + 1e-9


def test_loss_error_holds_for_small_means():
    # certified value (verify.certify, Arb, 128 bits): the float64 loss was off by 3.6e-22 with error 1.1e-22
    from verify import certify

    w = [0.2160956933647673, 0.7839043066352328]
    m = [[7.300874326907128e-06], [1.656162088209809e-05]]
    est = population.estimate(Mixture(w, m), ("loss", "gradient", "psi_tilde_sq", "responsibility_means"))
    exact = certify.line_quantities({"weights": w, "means": m}, ("loss",))["loss"]
    assert abs(est["loss"] - float(exact.mid)) <= est.errors["loss"]
    assert est.detail["converged"]


def test_monte_carlo_standard_error_does_not_cancel(capsys):
    code, out, _ = _quantities(capsys, ["--weights", "0.5,0.5", "--means", "[[1000],[1000.001]]",
                                        "--engine", "monte-carlo", "--seed", "1", "--json"])
    assert code == 0
    err = json.loads(out)["error"]["psi_tilde_sq"]
    # psi_tilde = 1000 + 0.001 psi_2: its standard deviation over N(0,1) is about 1e-3 * 0.3, / sqrt(350000)
    assert 1e-7 < err < 1e-5


def test_monte_carlo_variance_matches_two_pass():
    mix = Mixture([0.3, 0.7], [[1e4], [1e4 + 0.5]])
    X = np.random.default_rng(3).standard_normal((5000, 1))
    est = montecarlo.estimate(mix, X=X, quantities=("loss",))
    from solvers import sample

    terms = sample.loss_terms(mix, X)
    assert est.errors["loss"] == pytest.approx(np.std(terms, ddof=1) / np.sqrt(5000), rel=1e-6)


def test_monte_carlo_refuses_too_few_samples(capsys):
    code, _, err = _quantities(capsys, ["--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "monte-carlo",
                                        "--samples", "1"])
    assert code == 2 and err.startswith("error: n_samples: expected at least 2")
    with pytest.raises(ValueError, match="^X: expected at least 2"):
        montecarlo.estimate(Mixture([1.0], [[1.0]]), X=np.zeros((1, 1)))


def test_monte_carlo_refuses_work_beyond_its_limit_and_says_the_memory(capsys):
    code, _, err = _quantities(capsys, ["--weights", "0.5,0.5", "--means", "[[1],[2]]", "--engine", "monte-carlo",
                                        "--samples", "100000000000"])
    assert code == 2 and "GiB" in err and err.startswith("error: n_samples:")


def test_monte_carlo_high_dimension_draws_in_blocks(monkeypatch):
    mix = Mixture([0.5, 0.5], np.eye(2, 10_000))
    monkeypatch.setattr(montecarlo, "_BLOCK_ENTRIES", 50_000)  # 2-row blocks at d = 1e4, n = 2
    blocked = montecarlo.estimate(mix, np.random.default_rng(4), 7)
    whole = montecarlo.estimate(mix, X=np.random.default_rng(4).standard_normal((7, 10_000)))
    for q in ("loss", "psi_tilde_sq"):
        assert blocked[q] == pytest.approx(whole[q], rel=1e-12)
        assert blocked.errors[q] == pytest.approx(whole.errors[q], rel=1e-9)


def test_qmc_seed_is_validated():
    with pytest.raises(ValueError, match="^seed: expected a non-negative integer"):
        population.estimate(Mixture([1.0], [[1.0]]), engine="qmc", seed="a")


@pytest.mark.parametrize("means", [np.array([[1 + 1j, 0], [0, 1]]), [[1j], [0]], np.array([[1 + 0j], [2]])])
def test_complex_means_are_refused(means):
    with pytest.raises(ValueError, match="^means: expected real numbers, got complex"):
        Mixture([0.5, 0.5], means)


def test_overflowing_integers_are_refused():
    with pytest.raises(ValueError, match="^means: expected a 2-d array of real numbers"):
        Mixture([1], [[10**400]])
    with pytest.raises(ValueError, match="^weights:"):
        Mixture([10**400], [[1.0]])


def test_negative_zero_hash_and_equality_agree():
    a, b = Mixture([1.0], [[-0.0, 1.0]]), Mixture([1.0], [[0.0, 1.0]])
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1


def test_arrays_stay_read_only():
    w = np.array([0.5, 0.5])
    mix = Mixture(w, [[1.0], [2.0]])
    w[0] = 0.9
    assert mix.weights[0] == 0.5
    for arr in (mix.weights, mix.means):
        with pytest.raises(ValueError):
            arr.setflags(write=True)
        with pytest.raises(ValueError):
            arr[0] = 0.0


@pytest.mark.slow
def test_rank_three_far_means_finish_and_offer_qmc():
    # four means of norm 100 in d = 1e4 whose differences span 3 dimensions (three means would span only a
    # plane: the engine integrates on the span of the differences): the adaptive rule once took over 13
    # minutes; now it stops at its rank-3 subdivision cap (about 7 s on the 2-core machine) and the warning
    # offers engine='qmc'
    rng = np.random.default_rng(1)
    means = np.zeros((4, 10_000))
    means[:, :3] = rng.normal(size=(4, 3))
    means = 100 * means / np.linalg.norm(means, axis=1)[:, None]
    mix = Mixture([0.2, 0.3, 0.4, 0.1], means)
    with pytest.warns(population.QuadratureWarning, match="engine='qmc'"):
        est = population.estimate(mix, ("loss",))
    assert est.detail["rank"] == 3
    qmc = population.estimate(mix, ("loss",), engine="qmc")
    assert abs(est["loss"] - qmc["loss"]) <= 5 * (est.errors["loss"] + qmc.errors["loss"])

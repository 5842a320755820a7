r"""wcf26 claims (our formalization, see shared/claims.md; seeds 000/001 are the abstract only).

Method (:func:`solvers.algorithms.polyak`): repeat { K short gradient steps with step eta;
one Polyak step :math:`\mu \leftarrow \mu - (L(\mu) - L^*)/|\nabla L|^2\,\nabla L` }.
Each claim is a function returning the computed and the theoretical value.

``wcf26.linear`` (local linear convergence of short steps + Polyak)
    Truth N(0, I_d), realizable (:math:`L^* = 0`). Fit on the outer-iteration losses
    :math:`L_t` (after each Polyak step): tail window = second half of the outer
    iterations with :math:`L_t > 10^{-13}` (:func:`verify.claims.fits.tail_window`),
    :math:`\log L_t = \log C + t\log q`. Gradient EM with the same step from the same
    start, for the same number of gradient evaluations :math:`n_{outer}(K+1)`:
    its decay factor per K+1 evaluations :math:`q_{GD}` fitted on the same window, and
    its sublinear exponent p (:math:`L \approx Ct^{-p}` on the last half of its run).
    HOLDS when :math:`q + 3\,\mathrm{se}(q) < q_{GD} - 3\,\mathrm{se}(q_{GD})` (and so q < 1).
    Theoretical value beside it: on the slow manifold L is quartic, and a Polyak step on
    a degree-4 homogeneous function contracts the loss by :math:`(3/4)^4 = 0.3164`.

``wcf26.misspecified`` (convergence up to the misspecification threshold)
    Truth :math:`\tfrac12N(-1.5, 1) + \tfrac12N(1.5, 1)` (d = 1); student weights that no
    grouping of components can turn into (1/2, 1/2), e.g. (0.8, 0.2) and (0.6, 0.3, 0.1),
    so the minimum :math:`L_{min} > 0` (the plateau). Method: ``L_star="estimate"``
    (smallest loss of a 2000-step gradient-EM run). Reference minimum :math:`L_{ref}`:
    the smallest of BFGS (scipy, gtol 1e-12, then an L-BFGS-B polish, on the same grid engine) from the method's
    and from gradient EM's end points, then up to 1000 gradient-EM steps from the best of them (at a degenerate
    minimum the line searches stall with :math:`|\nabla L|\sim10^{-9}`), the estimate and the method's own losses
    (the minimum reached from this start, a local one). HOLDS when
    :math:`L_{final} - L_{ref} < 10^{-9}` beyond its error (grid-rule difference of the
    loss at both points plus :math:`|\nabla L(\mu_{ref})|` times a unit distance).
    Reported: the plateau :math:`L_{ref}`, the excess, and gradient EM's excess with the
    same gradient budget.
"""

from __future__ import annotations

import warnings

import numpy as np

from .fits import FIT_FLOOR, fit_geometric, fit_power, tail_window
from .core import Claim, Evaluation
from .families import fixed
from .registry import register
from .wcf26_expansion import EXPANSION
from .papers import PAPERS

REF = PAPERS["wcf26"]
POLYAK_QUARTIC_Q = (3 / 4) ** 4
MISSPECIFIED_THRESHOLD = 1e-9


def _method_params(params):
    """Validated (weights, means, K, eta, n_outer) (ValueError naming the argument)."""
    try:
        w = np.asarray(params["weights"], float)
        m0 = np.asarray(params["means"], float)
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None
    K, eta, n_outer = params.get("K", 20), params.get("eta", 0.7), params.get("n_outer", 12)
    if not isinstance(K, int) or K < 1:
        raise ValueError(f"K: expected an integer >= 1 of short steps, got {K!r}")
    if not isinstance(n_outer, int) or n_outer < 6:
        raise ValueError(f"n_outer: expected an integer >= 6 of outer iterations for a rate fit, got {n_outer!r}")
    if not (isinstance(eta, (int, float)) and 0 < eta < 2):
        raise ValueError(f"eta: expected a step in (0, 2), got {eta!r}")
    return w, m0, K, float(eta), n_outer


def eval_linear(params, *, dps=None):
    r"""``wcf26.linear``: fitted q per outer iteration vs gradient EM's factor per K+1 evaluations (see module)."""
    from solvers.algorithms import gradient_em, polyak

    w, m0, K, eta, n_outer = _method_params(params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = polyak(w, m0, K=K, eta=eta, n_outer=n_outer, L_star=0.0)
        gd = gradient_em(w, m0, eta, run.n_iter_, tol=0)
    rows = run.extra["outer_rows"]
    outer = run.loss[rows]
    window = tail_window(outer, floor=FIT_FLOOR)
    if window.size < 3:
        raise ValueError("n_outer: fewer than 3 outer iterations above the fit floor; lower n_outer or K")
    fit = fit_geometric(window, outer[window])
    gd_outer = gd.loss[rows[rows <= gd.n_iter_]]
    fit_gd = fit_geometric(window, gd_outer[window])
    t = np.arange(gd.loss.size)
    gd_tail = t[t.size // 2:]
    power = fit_power(gd_tail, gd.loss[gd_tail])
    detail = {"K": K, "eta": eta, "n_outer": n_outer, "gradient_evaluations": int(run.n_iter_),
              "window_outer": [int(window[0]), int(window[-1])], "floor": FIT_FLOOR,
              "q": fit["q"], "q_se": fit["q_se"], "r_squared": fit["r_squared"], "q_theory_quartic": POLYAK_QUARTIC_Q,
              "q_gd_per_outer": fit_gd["q"], "q_gd_se": fit_gd["q_se"], "gd_exponent_p": power["p"],
              "gd_exponent_se": power["p_se"], "gd_r_squared": power["r_squared"],
              "L_end_method": float(outer[-1]), "L_end_gradient_em": float(gd.loss[-1])}
    return Evaluation(fit["q"], fit_gd["q"], 3 * (fit["q_se"] + fit_gd["q_se"]), "<=",
                      method=f"float64 {run.method} vs {gd.method}; least-squares fits on the tail window",
                      detail=detail)


def _reference_minimum(w, truth, candidates):
    """BFGS on the grid engine from each candidate (n, d) start; returns (L_ref, |grad| there, means)."""
    from scipy.optimize import minimize

    from solvers.algorithms import gradient_em
    from solvers.algorithms.grid import GridEngine

    best = None
    for x0 in candidates:
        eng = GridEngine(x0[None], truth)

        def f(x):
            L, G, _, _ = eng(w[None], x.reshape((1,) + x0.shape))
            return float(L[0]), G[0].ravel()

        res = minimize(f, x0.ravel(), jac=True, method="BFGS", options={"gtol": 1e-12, "maxiter": 2000})
        polish = minimize(f, res.x, jac=True, method="L-BFGS-B",
                          options={"gtol": 1e-15, "ftol": 1e-18, "maxiter": 2000})
        for x in (res.x, polish.x):
            L, g = f(x)
            if best is None or (L, np.linalg.norm(g)) < best[:2]:
                best = (L, float(np.linalg.norm(g)), x.reshape(x0.shape))
    # At a degenerate minimum (students merging) the line searches stop where L changes below its
    # float64 resolution, with |grad| ~ 1e-9; gradient EM from there keeps shrinking the gradient.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        refined = gradient_em(w, best[2], 0.7, 1000, tol=1e-15, truth=truth).means
    L, g = GridEngine(refined[None], truth)(w[None], refined[None])[:2]
    if float(np.linalg.norm(g[0])) < best[1]:
        best = (min(float(L[0]), best[0]), float(np.linalg.norm(g[0])), refined)
    return best


def _loss_rule_difference(w, means, truth):
    """|L(default grid) - L(Gauss-Hermite, 256 points per coordinate)| at ``means`` (:func:`solvers.rules.compare_rules`)."""
    from solvers.algorithms.grid import GridEngine
    from solvers.rules import compare_rules

    def loss(order):
        return GridEngine(means[None], truth, order=order)(w[None], means[None])[0][0]

    return float(compare_rules(loss, None, 256, names=("default grid rule", "Gauss-Hermite q=256")).error)


def eval_misspecified(params, *, dps=None):
    r"""``wcf26.misspecified``: :math:`L_{final} - L_{ref} \le 10^{-9}` (see the module docstring)."""
    from solvers.algorithms import Truth, gradient_em, polyak

    w, m0, K, eta, n_outer = _method_params({"K": 30, "n_outer": 10, **params})
    try:
        truth = Truth(params["truth_weights"], params["truth_means"])
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run = polyak(w, m0, K=K, eta=eta, n_outer=n_outer, L_star="estimate", estimate_iter=2000, truth=truth)
        gd = gradient_em(w, m0, eta, run.n_iter_, tol=0, truth=truth)
    L_ref, grad_ref, means_ref = _reference_minimum(w, truth, [run.means, gd.means])
    L_ref = min(L_ref, float(run.extra["L_star"]), float(np.min(run.loss)))
    L_final = float(run.loss[-1])
    error = (_loss_rule_difference(w, run.means, truth) + _loss_rule_difference(w, means_ref, truth)
             + grad_ref + 8 * np.finfo(float).eps * abs(L_final))
    excess = L_final - L_ref
    detail = {"plateau": L_ref, "L_final": L_final, "excess": excess, "threshold": MISSPECIFIED_THRESHOLD,
              "L_star_estimate": float(run.extra["L_star"]), "grad_norm_at_reference": grad_ref,
              "gradient_em_excess": float(gd.loss[-1]) - L_ref, "gradient_evaluations": int(run.n_iter_),
              "reference_means": means_ref.tolist()}
    return Evaluation(excess, MISSPECIFIED_THRESHOLD, error, "<=",
                      method=f"float64 {run.method}; reference minimum by BFGS + L-BFGS-B on the grid engine", detail=detail)


LINEAR_FIXED = [
    {"weights": [0.3, 0.7], "means": [[0.6], [-0.4]], "K": 20, "eta": 0.7, "n_outer": 14},
    {"weights": [0.2, 0.3, 0.5], "means": [[0.5], [-0.4], [0.2]], "K": 30, "eta": 0.7, "n_outer": 12},
]
MISSPECIFIED_TRUTH = {"truth_weights": [0.5, 0.5], "truth_means": [[-1.5], [1.5]]}
MISSPECIFIED_FIXED = [
    {**MISSPECIFIED_TRUTH, "weights": [0.8, 0.2], "means": [[-1.0], [1.0]]},
    {**MISSPECIFIED_TRUTH, "weights": [0.6, 0.3, 0.1], "means": [[-1.0], [0.8], [1.2]]},
]

register(EXPANSION)  # first, in the order of shared/claims.md

register(Claim(
    id="wcf26.linear", paper="wcf26", label="local linear convergence (short steps + Polyak)",
    statement="short steps + Polyak: L after outer iteration t <= C q^t with q < 1; gradient EM with a constant "
              "step is sublinear from the same start",
    kind="trajectory", evaluate=eval_linear, families={"paper": fixed(*LINEAR_FIXED)},
    report_keys=("q", "q_se", "r_squared", "q_gd_per_outer", "gd_exponent_p", "gd_r_squared"),
    formalization="our formalization of the wcf26 abstract: truth N(0, 1), L* = 0, grid engine; fits on the second "
                  "half of the outer iterations with L > 1e-13; HOLDS when q + 3 se < gradient EM's factor per K+1 "
                  "gradient evaluations minus 3 se on the same window",
    reference=f"{REF}, main theorem (local linear rate) and the Polyak step on the slow manifold"))

register(Claim(
    id="wcf26.misspecified", paper="wcf26", label="near-optimal under misspecified weights",
    statement="with student weights that cannot match the truth, the method reaches L within a small threshold "
              "of its minimum (the plateau)",
    kind="trajectory", evaluate=eval_misspecified, families={"paper": fixed(*MISSPECIFIED_FIXED)},
    report_keys=("plateau", "excess", "gradient_em_excess"),
    formalization="our formalization: truth 1/2 N(-1.5, 1) + 1/2 N(1.5, 1), student weights (0.8, 0.2) and "
                  "(0.6, 0.3, 0.1); L_star='estimate'; threshold 1e-9 above a BFGS reference minimum",
    reference=f"{REF}, misspecified weights (convergence up to the misspecification threshold)"))

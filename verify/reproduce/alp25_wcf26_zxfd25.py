r"""Figures of alp25, wcf26 and zxfd25 (our setups: their full texts are not in the seeds).

* ``alp25.fig``: structured EM in :math:`\theta` (means :math:`R^j\theta` on a regular
  simplex, k = 4, d = 3), log L against t for weights satisfying the DFT condition,
  (0.4, 0.3, 0.2, 0.1), and uniform weights (which violate it for k > 2); 4 runs each,
  :math:`\theta_0` uniform on the sphere of radius 0.5.
* ``wcf26.fig``: L against gradient evaluations for gradient EM and for K short steps +
  one Polyak step (L* = 0, realizable), n = 2, d = 2, weights (0.3, 0.7), eta = 0.7.
* ``zxfd25.fig``: success probability (every true mean recovered within 0.5 and L <= 1e-3)
  of gradient EM with the EM weight update (zxfd25's hybrid) from means drawn i.i.d. from
  the truth, against n, for truths of m = 2, 3, 4 components on a circle of radius 4 in
  d = 2; beside it, the fraction of plain gradient EM runs (weights fixed at 1/n) that
  recover every true mean (their loss stalls above 1e-3 when n > m: fixed weights cannot fit).
"""

from __future__ import annotations

import warnings

import numpy as np

from ._common import column, finish, log_times, loss_runs_figure, new_figure, select, unit_rng, unit_rows

ALP_WEIGHTS = {"DFT condition (0.4,0.3,0.2,0.1)": (0.4, 0.3, 0.2, 0.1), "uniform (1/4 each)": (0.25,) * 4}
ALP_SIZES = {False: dict(runs=4, n_iter=300), True: dict(runs=2, n_iter=20)}
WCF_SIZES = {False: dict(runs=4, K=20, n_outer=12), True: dict(runs=2, K=4, n_outer=3)}
ZX_SIZES = {False: dict(m_values=(2, 3, 4), n_factors=(1, 1.5, 2, 3, 4), runs=32, n_iter=150),
            True: dict(m_values=(2,), n_factors=(1, 2), runs=4, n_iter=30)}
ALP_COLUMNS = ("weights", "run", "t", "loss", "theta_norm")
WCF_COLUMNS = ("method", "run", "evaluations", "loss")
ZX_COLUMNS = ("variant", "m", "n", "run", "success", "recovered", "final_loss", "recovery_gap")


def alp25_unit(unit):
    """``(seed, label_index, runs, n_iter)`` -> rows of structured EM in theta."""
    from solvers.algorithms import structured_em_batch

    seed, index, runs, n_iter = unit
    label = list(ALP_WEIGHTS)[index]
    weights = np.array(ALP_WEIGHTS[label])
    rng = unit_rng(seed, 4, index)
    theta0 = rng.standard_normal((runs, 3))
    theta0 *= 0.5 / np.linalg.norm(theta0, axis=1, keepdims=True)
    traj = structured_em_batch(np.broadcast_to(weights, (runs, 4)), theta0, n_iter, tol=0)
    return [dict(weights=label, run=b, t=t, loss=float(traj.loss[t, b]),
                 theta_norm=float(traj.extra["theta_norm"][t, b])) for b in range(runs) for t in range(n_iter + 1)]


def figure_alp25(out_dir=None, quick=False, seed=0, executor=None, progress=None):
    """alp25: log L against t for DFT-condition and uniform weights (structured EM in theta).

    Parameters and return value as :func:`verify.reproduce.xfd24.figure_xfd24_fig1`.
    """
    size = ALP_SIZES[bool(quick)]
    units = [(seed, i, size["runs"], size["n_iter"]) for i in range(len(ALP_WEIGHTS))]
    table = unit_rows(units, alp25_unit, ALP_COLUMNS, out_dir, "alp25.fig", executor, progress)
    return loss_runs_figure("alp25.fig", "alp25 (EM on overspecified mixtures), figure: structured EM, k=4, d=3",
                            table, "weights", ALP_WEIGHTS, ("tab:blue", "tab:orange"), size["runs"], "t",
                            ("EM iteration t", "L(theta_t)  (log scale)"), out_dir)


def wcf26_unit(unit):
    """``(seed, method, runs, K, n_outer)`` -> rows of L against gradient evaluations."""
    from solvers.algorithms import gradient_em_batch, polyak_batch

    seed, method, runs, K, n_outer = unit
    rng = unit_rng(seed, 5)  # the same starts for both methods
    means0 = 0.7 * rng.standard_normal((runs, 2, 2))
    weights = np.broadcast_to([0.3, 0.7], (runs, 2))
    n_eval = n_outer * (K + 1)
    if method == "polyak":
        traj = polyak_batch(weights, means0, K=K, eta=0.7, n_outer=n_outer, L_star=0.0)
        name = f"{K} short steps + Polyak"
    else:
        traj = gradient_em_batch(weights, means0, 0.7, n_eval, tol=0)
        name = "gradient EM (eta=0.7)"
    T = traj.loss.shape[0] - 1
    return [dict(method=name, run=b, evaluations=t, loss=float(traj.loss[t, b]))
            for b in range(runs) for t in range(T + 1)]


def figure_wcf26(out_dir=None, quick=False, seed=0, executor=None, progress=None):
    """wcf26: L against gradient evaluations, gradient EM vs short steps + Polyak.

    Parameters and return value as :func:`verify.reproduce.xfd24.figure_xfd24_fig1`.
    """
    size = WCF_SIZES[bool(quick)]
    units = [(seed, m, size["runs"], size["K"], size["n_outer"]) for m in ("gradient", "polyak")]
    table = unit_rows(units, wcf26_unit, WCF_COLUMNS, out_dir, "wcf26.fig", executor, progress)
    methods = list(dict.fromkeys(r["method"] for r in table[0]))
    return loss_runs_figure("wcf26.fig", "wcf26 (Wang, Charisopoulos et al. 2026), figure: n=2, d=2, pi=(0.3,0.7)",
                            table, "method", methods, ("tab:blue", "tab:red"), size["runs"], "evaluations",
                            ("gradient evaluations", "L(mu)  (log scale)"), out_dir)


def zxfd25_truth(m):
    """m equal-weight components on the circle of radius 4 in d = 2."""
    from solvers.algorithms import Truth

    angles = 2 * np.pi * np.arange(m) / m
    return Truth(np.full(m, 1.0 / m), 4.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1))


def zxfd25_unit(unit):
    """``(seed, variant, m, n, runs, n_iter)`` -> one row per random initialization.

    ``variant`` is ``"hybrid"`` (EM weight update) or ``"gradient"`` (fixed weights 1/n);
    both start from the same means.
    """
    from solvers.algorithms import ConvergenceWarning, zxfd25_runs

    seed, variant, m, n, runs, n_iter = unit
    truth = zxfd25_truth(m)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj, success = zxfd25_runs(truth, n, runs, unit_rng(seed, 6, m, n), n_iter=n_iter,
                                    hybrid=variant == "hybrid", order=24)
    gap = truth.recovery_gap(traj.means)
    return [dict(variant=variant, m=m, n=n, run=b, success=int(success[b]), recovered=int(gap[b] <= 0.5),
                 final_loss=float(traj.loss[-1, b]), recovery_gap=float(gap[b])) for b in range(runs)]


def figure_zxfd25(out_dir=None, quick=False, seed=0, executor=None, progress=None):
    """zxfd25: success probability against n for a few m.

    Parameters and return value as :func:`verify.reproduce.xfd24.figure_xfd24_fig1`.
    """
    size = ZX_SIZES[bool(quick)]
    pairs = sorted({(m, int(round(f * m))) for m in size["m_values"] for f in size["n_factors"]})
    units = [(seed, v, m, n, size["runs"], size["n_iter"]) for v in ("hybrid", "gradient") for m, n in pairs]
    rows, csv_path, notes = unit_rows(units, zxfd25_unit, ZX_COLUMNS, out_dir, "zxfd25.fig", executor, progress)
    fig, (ax_h, ax_g) = new_figure(2, "zxfd25 (Zhou, Xu, Fazel, Du 2025), figure: random initialization from "
                                      "the truth, m components on a circle of radius 4, d=2")
    summary = {}
    for ax, variant, field, ylabel, title in (
            (ax_h, "hybrid", "success", "success probability", "hybrid (EM weights): recovery and L <= 1e-3"),
            (ax_g, "gradient", "recovered", "fraction recovering every true mean",
             "gradient EM, weights 1/n: max_a min_i |mu_i - mu*_a| <= 0.5")):
        for m in size["m_values"]:
            sel = select(rows, variant=variant, m=float(m))
            ns = np.array(sorted({r["n"] for r in sel}))
            prob = np.array([column(select(sel, n=n), field).mean() for n in ns])
            ax.plot(ns, prob, "o-", label=f"m={m} true components")
            summary[f"{field}[{variant}, m={m}]"] = dict(zip(ns.astype(int).tolist(), prob.tolist()))
        ax.set_xlabel("student components n")
        ax.set_ylabel(f"{ylabel} ({size['runs']} initializations)")
        ax.set_title(title, fontsize=9)
        ax.set_ylim(-0.05, 1.05)
        ax.legend(fontsize=8)
    return finish("zxfd25.fig", fig, rows, csv_path, out_dir, notes, summary)

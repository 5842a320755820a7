r"""xfd24 (Xu, Fazel, Du, NeurIPS 2024) Figures 1 and 2.

Figure 1 (Section 5, "Convergence rates" and "Weight configurations"): population
gradient EM, d = 5, eta = 0.7, truth N(0, I_d); n = 2, 5, 10 with Dirichlet(1)
weights (left: L, middle: parametric distance :math:`\sum_i\pi_i|\mu_i|^2`, log-log
against t) and n = 3 with weights (1/3,1/3,1/3), (1/6,1/3,1/2), (1/20,1/5,3/4), 4 runs
each (right). The paper does not state the initialization; we draw
:math:`\mu_i(0)\sim N(0, I_d)` i.i.d. The paper estimates the gradient by Monte Carlo
(3.5e5 samples); we use the population ``"grid"`` engine (deterministic). It integrates
on the span of the mean differences: 1 dimension for n = 2, 2 for the n = 3 panel
(relative error ~1e-13), 4 and 5 for n = 5 and n = 10 (Gauss--Hermite while the means are
close or spread along few axes, lattice rules of :mod:`solvers.rules` with moment-matched weights
otherwise: relative error of L at most 1.4e-9 for n = 5 and 7.6e-9 for n = 10, measured every 20th
iteration by ``benchmarks/bench_fig1_accuracy.py``; see :mod:`solvers.algorithms.grid`).

Figure 2 left: :math:`\|\nabla L(\mu(0))\|` at the Theorem 7 start
:math:`\mu_1 = c\sqrt d e_1, \mu_2 = -c\sqrt d e_1, \mu_3 = 0` (n = 3, equal weights)
against d for c = 12 (the theorem; below float64 resolution for d >= 2, so the mpmath
reference engine :mod:`verify.reference` at ``8 d + 25`` digits) and c = 2 (the paper's
plotted constant; float64 :func:`solvers.population.estimate`).
Figure 2 right: sample gradient EM (n = 5, equal weights, d = 5, eta = 0.7, means
:math:`N(0, I)`, data N(0, I_d)), 50 runs per sample size; the statistical error
:math:`(\sum_i\pi_i|\mu_i|^2)^{1/2}` after the run and its fitted log-log slope next to -1/4.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..claims.fits import fit_log_linear
from ._common import column, finish, log_times, new_figure, select, unit_rng, unit_rows

D, ETA = 5, 0.7
WEIGHT_CONFIGS = ((1 / 3, 1 / 3, 1 / 3), (1 / 6, 1 / 3, 1 / 2), (1 / 20, 1 / 5, 3 / 4))
WEIGHT_LABELS = ("(1/3,1/3,1/3)", "(1/6,1/3,1/2)", "(1/20,1/5,3/4)")
FIG1_SIZES = {False: dict(n_values=(2, 5, 10), n_iter=3000, runs=4),
              True: dict(n_values=(2, 5), n_iter=30, runs=2)}
FIG2_SIZES = {False: dict(d12=tuple(range(1, 11)) + (12, 14, 17, 20), d2=tuple(range(1, 41)),
                          sizes=(128, 256, 512, 1024, 2048, 4096), runs=50, chunk=25, n_iter=600),
              True: dict(d12=(1, 2, 3), d2=(1, 2, 4, 8), sizes=(64, 128, 256), runs=8, chunk=4, n_iter=100)}
FIG1_COLUMNS = ("panel", "label", "n", "run", "t", "loss", "distance")
FIG2_COLUMNS = ("panel", "constant", "d", "grad_norm", "error_estimate", "engine", "samples", "run", "distance",
                "statistical_error")


def fig1_unit(unit):
    """One Figure 1 unit: ``("convergence", seed, n, n_iter)`` or ``("weights", seed, config, runs, n_iter)``."""
    from solvers.algorithms import gradient_em_batch

    panel, seed = unit[0], unit[1]
    if panel == "convergence":
        _, _, n, n_iter = unit
        rng = unit_rng(seed, 1, n)
        weights = rng.dirichlet(np.ones(n))[None]
        means0 = rng.standard_normal((1, n, D))
        label = f"n={n}"
    else:
        _, _, config, runs, n_iter = unit
        rng = unit_rng(seed, 2, config)
        n = 3
        weights = np.broadcast_to(WEIGHT_CONFIGS[config], (runs, n))
        means0 = rng.standard_normal((runs, n, D))
        label = WEIGHT_LABELS[config]
    traj = gradient_em_batch(weights, means0, ETA, n_iter, tol=0)
    keep = log_times(n_iter)
    return [dict(panel=panel, label=label, n=n, run=b, t=int(t), loss=float(traj.loss[t, b]),
                 distance=float(traj.distance[t, b]))
            for b in range(traj.batch_size) for t in keep]


def figure_xfd24_fig1(out_dir=None, quick=False, seed=0, executor=None, progress=None):
    """xfd24 Figure 1: L and the parametric distance against t (log-log); the weight comparison.

    Parameters
    ----------
    out_dir : str or Path or None
        Where ``xfd24.fig1.csv`` / ``.png`` go (nothing is written when None).
    quick : bool
        Small sizes (tests, notebooks).
    seed : int
        Seed of every random draw (same seed, same CSV).
    executor : verify.executor executor or None
        Runs the independent units (serial when None).
    progress : callable or None
        ``progress(done, total)``.

    Returns
    -------
    FigureResult
    """
    size = FIG1_SIZES[bool(quick)]
    units = [("convergence", seed, n, size["n_iter"]) for n in size["n_values"]]
    units += [("weights", seed, c, size["runs"], size["n_iter"]) for c in range(len(WEIGHT_CONFIGS))]
    rows, csv_path, notes = unit_rows(units, fig1_unit, FIG1_COLUMNS, out_dir, "xfd24.fig1", executor, progress)
    fig, (ax_l, ax_d, ax_w) = new_figure(3, "xfd24 (Xu, Fazel, Du 2024), Figure 1: population gradient EM, "
                                            f"d={D}, eta={ETA}")
    summary = {}
    for n in size["n_values"]:
        sel = [r for r in select(rows, panel="convergence", n=float(n)) if r["t"] > 0]
        if sel:
            t = column(sel, "t")
            ax_l.loglog(t, column(sel, "loss"), label=f"n={n}")
            ax_d.loglog(t, column(sel, "distance"), label=f"n={n}")
            tail = t >= t.max() / 10
            fit = fit_log_linear(np.log(t[tail]), np.log(column(sel, "loss")[tail]))
            summary[f"loss_slope_n{n}"], summary[f"loss_slope_n{n}_se"] = fit["slope"], fit["slope_se"]
    colors = ("tab:blue", "tab:orange", "tab:green")
    for c, label in enumerate(WEIGHT_LABELS):
        for run in range(size["runs"]):
            sel = [r for r in select(rows, panel="weights", label=label, run=float(run)) if r["t"] > 0]
            if sel:
                ax_w.loglog(column(sel, "t"), column(sel, "loss"), color=colors[c], alpha=0.8,
                            label=f"pi={label}" if run == 0 else None)
    for ax, ylabel, title in ((ax_l, "L(mu(t))", "likelihood loss, Dirichlet(1) weights"),
                              (ax_d, "sum_i pi_i |mu_i - mu*|^2", "parametric distance"),
                              (ax_w, "L(mu(t))", f"n=3, {size['runs']} runs per weight vector")):
        ax.set_xlabel("iteration t")
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8)
    return finish("xfd24.fig1", fig, rows, csv_path, out_dir, notes, summary)


def fig2_unit(unit):
    """One Figure 2 unit: ``("gradient", c, d)`` or ``("statistical", seed, N, chunk, runs, n_iter)``."""
    if unit[0] == "gradient":
        _, c, d = unit
        n = 3
        if c == 2:
            from solvers import Mixture, population

            means = np.zeros((n, d))
            means[0, 0], means[1, 0] = c * np.sqrt(d), -c * np.sqrt(d)
            est = population.estimate(Mixture(np.full(n, 1 / n), means), ("gradient",))
            value, err, engine = float(np.linalg.norm(est["gradient"])), float(est.errors["gradient"]), "float64"
        else:
            import mpmath

            from verify import reference

            dps = 8 * d + 25
            with mpmath.workdps(dps):
                v = mpmath.mpf(c) * mpmath.sqrt(d)
                rv = reference.gradient(weights=["1/3"] * 3, means=[[v] + [0] * (d - 1), [-v] + [0] * (d - 1),
                                                                   [0] * d], dps=dps)
                norm = mpmath.sqrt(mpmath.fsum(x * x for row in rv.value for x in row))
                value, err, engine = float(norm), float(rv.error), f"mpmath ({dps} digits)"
        return [dict(panel="gradient", constant=c, d=d, grad_norm=value, error_estimate=err, engine=engine,
                     samples="", run="", distance="", statistical_error="")]
    from solvers.algorithms import ConvergenceWarning, gradient_em_batch

    _, seed, N, chunk, runs, n_iter = unit
    rng = unit_rng(seed, 3, N, chunk)
    n = 5
    X = rng.standard_normal((runs, N, D))
    means0 = rng.standard_normal((runs, n, D))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        traj = gradient_em_batch(np.full(n, 1 / n), means0, ETA, n_iter, tol=1e-8, engine="sample", X=X)
    dist = traj.distance[-1]
    return [dict(panel="statistical", constant="", d=D, grad_norm="", error_estimate="", engine="sample",
                 samples=N, run=chunk * runs + b, distance=float(dist[b]), statistical_error=float(np.sqrt(dist[b])))
            for b in range(runs)]


def figure_xfd24_fig2(out_dir=None, quick=False, seed=0, executor=None, progress=None):
    """xfd24 Figure 2: gradient norm at the Theorem 7 start against d; statistical error against N.

    Parameters and return value as :func:`figure_xfd24_fig1`. ``summary`` holds
    ``slope`` (fitted log-log slope of the mean statistical error, to compare with
    -1/4) and ``slope_distance`` (the same for the squared distance).
    """
    size = FIG2_SIZES[bool(quick)]
    units = [("gradient", 12, d) for d in size["d12"]] + [("gradient", 2, d) for d in size["d2"]]
    chunk = min(size["chunk"], size["runs"])
    units += [("statistical", seed, N, k, chunk, size["n_iter"]) for N in size["sizes"]
              for k in range(size["runs"] // chunk)]
    rows, csv_path, notes = unit_rows(units, fig2_unit, FIG2_COLUMNS, out_dir, "xfd24.fig2", executor, progress)
    fig, (ax_12, ax_2, ax_s) = new_figure(3, "xfd24 (Xu, Fazel, Du 2024), Figure 2")
    for ax, c, color in ((ax_12, 12, "tab:red"), (ax_2, 2, "tab:blue")):
        sel = select(rows, panel="gradient", constant=float(c))
        d, g, e = column(sel, "d"), column(sel, "grad_norm"), column(sel, "error_estimate")
        ok = (g > 0) & (e < 0.1 * g)
        engine = sel[0]["engine"].split(" (")[0] if sel else ""
        ax.semilogy(d[ok], g[ok], "o-", color=color, ms=3, label=f"mu_1 = -mu_2 = {c} sqrt(d) e_1 ({engine})")
        if np.any(~ok):
            notes.append(f"c={c}: {int(np.sum(~ok))} value(s) not resolved by the engine")
        ax.set_xlabel("dimension d")
        ax.set_ylabel("||grad L(mu(0))||")
        ax.set_title(f"Theorem 7 start with {c} sqrt(d), n=3, equal weights", fontsize=9)
        ax.legend(fontsize=8)
    summary = {}
    stat = select(rows, panel="statistical")
    sizes = np.array(sorted({r["samples"] for r in stat}))
    if sizes.size < 3 and stat:
        notes.append(f"statistical error: {sizes.size} sample size(s) left, too few for a slope fit")
    if sizes.size >= 3:
        mean_err = np.array([column(select(stat, samples=N), "statistical_error").mean() for N in sizes])
        mean_dist = np.array([column(select(stat, samples=N), "distance").mean() for N in sizes])
        fit = fit_log_linear(np.log(sizes), np.log(mean_err))
        fit_dist = fit_log_linear(np.log(sizes), np.log(mean_dist))
        slope, intercept = fit["slope"], fit["intercept"]
        summary = {"slope": slope, "slope_se": fit["slope_se"],
                   "slope_distance": fit_dist["slope"], "slope_distance_se": fit_dist["slope_se"]}
        ax_s.loglog(sizes, mean_err, "o-", color="tab:blue", label="mean statistical error")
        ax_s.loglog(sizes, np.exp(intercept) * sizes**slope, "--", color="tab:green",
                    label=f"fit: slope {slope:.3f}")
        ax_s.loglog(sizes, mean_err[0] * (sizes / sizes[0]) ** -0.25, ":", color="tab:red", label="slope -1/4")
        ax_s.legend(fontsize=8)
        from matplotlib.ticker import NullFormatter

        ax_s.xaxis.set_minor_formatter(NullFormatter())
        ax_s.yaxis.set_minor_formatter(NullFormatter())
        ax_s.set_xticks(sizes, [f"{int(N)}" for N in sizes])
        yticks = np.geomspace(mean_err.min(), mean_err.max(), 4)
        ax_s.set_yticks(yticks, [f"{y:.3g}" for y in yticks])
    ax_s.set_xlabel("sample size N")
    ax_s.set_ylabel("(sum_i pi_i |mu_i|^2)^(1/2) after gradient EM")
    ax_s.set_title("sample gradient EM, n=5, equal weights", fontsize=10)
    return finish("xfd24.fig2", fig, rows, csv_path, out_dir, notes, summary)

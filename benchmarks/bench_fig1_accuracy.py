"""Accuracy of the loss curves of ``reproduce xfd24.fig1`` for n = 5 and n = 10 (integration ranks 4 and 5).

Runs the figure's n = 5 and n = 10 gradient-EM runs (same seeds, d = 5, eta = 0.7) on the grid
engine step by step and, at a sample of iterations, compares the loss the figure records with
the lattice engine of ``solvers.population`` at a budget of 2^23 evaluations (its own error
estimate is printed next to it) and with the grid engine's default rule refined to a lattice of
2^22 points (shift 0). Every 20th iteration and the first iteration on each rule of the
ladder are compared with the refined rule as well (the sample of the population engine alone misses
the spreads where a level is at its worst). Prints the relative difference per sampled iteration
and the worst ones; then times the figure's runs (``gradient_em_batch``, best of 2, alternating) with the present
ladder and with the former fixed Gauss--Hermite rules, and the figure's other units, for the ratio
of figure times measured in one run. Last, the whole figure's units (serial, each in a fresh process,
best of 2, alternating) on the present code and on the code of ``--baseline`` (default
:data:`BASELINE`, the head before the rules for ranks 3 to 6 were added, checked out in a temporary
git worktree): the ratio of figure times the target is stated against.
Asserts nothing.

Run: ``python benchmarks/bench_fig1_accuracy.py [--n-iter 3000] [--n 5 10] [--baseline REV | --baseline none]``
(a few minutes).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from solvers import Mixture, population
from solvers.algorithms import Truth, gradient_em_batch
from solvers.algorithms.grid import DEFAULT_LATTICE, GridEngine
from verify.reproduce._common import unit_rng
from verify.reproduce.xfd24 import D, ETA, fig1_unit

SAMPLE = (0, 2, 10, 50, 200, 1000, 3000)
"""Iterations compared with the population engine (2^23 points) and with the refined default rule."""
DENSE_EVERY = 20
"""Every this many iterations (and where the rule changes) the loss is compared with the refined default rule."""
REFERENCE_LOG2 = 22
"""log2 points of the refined default rule (the grid engine's default lattice refined to 2^22 points)."""
FORMER_ORDER = {5: 10, 10: 8}
BASELINE = "b4561a6"
"""The head before the rules for ranks 3 to 6 (Gauss--Hermite q = 10^4 and 8^5 for the figure's n = 5 and 10)."""
ROOT = Path(__file__).resolve().parents[1]
TIME_FIGURE = """
import time
from verify.reproduce.xfd24 import FIG1_SIZES, WEIGHT_CONFIGS, fig1_unit
size = FIG1_SIZES[False]
units = [("convergence", 0, n, size["n_iter"]) for n in size["n_values"]]
units += [("weights", 0, c, size["runs"], size["n_iter"]) for c in range(len(WEIGHT_CONFIGS))]
start = time.perf_counter()
for unit in units:
    fig1_unit(unit)
print(time.perf_counter() - start)
"""
"""Gauss--Hermite points per coordinate that the runs used before the r >= 3 ladder (ranks 4 and 5)."""


def run(n, n_iter):
    rng = unit_rng(0, 1, n)  # as verify.reproduce.xfd24.fig1_unit, seed 0
    weights = rng.dirichlet(np.ones(n))[None]
    means = rng.standard_normal((1, n, D))
    engine = GridEngine(means, Truth.standard(D))
    refine = 2 ** (REFERENCE_LOG2 - DEFAULT_LATTICE[min(n - 1, D)])
    refined = GridEngine(means, Truth.standard(D), ladder=False, refine=refine)
    worst = worst_dense = agree = 0.0
    previous_rule, at_worst = None, None
    print(f"n = {n}: t, spread, rule, L (figure's rule), relative difference to the refined default rule; at the "
          "sample also to the population engine's lattice run, its relative error estimate")
    for t in range(n_iter + 1):
        rule = engine.rule_names(weights, means)[0]
        loss, grad, _, _ = engine(weights, means)
        if t in SAMPLE or t % DENSE_EVERY == 0 or rule != previous_rule:
            ref = refined(weights, means)[0][0]
            rel_dense = abs(loss[0] - ref) / ref
            if rel_dense > worst_dense:
                worst_dense, at_worst = rel_dense, t
            s = np.max(np.linalg.norm(means[0][:, None] - means[0][None], axis=2))
            line = f"   {t:>5} {s:6.2f} {rule:>24} {loss[0]:.12e} {rel_dense:9.1e}"
            if t in SAMPLE:
                fine = population.estimate(Mixture(weights[0], means[0]), ("loss",), engine="lattice",
                                           max_points=1 << 23)
                rel = abs(loss[0] - fine["loss"]) / fine["loss"]
                worst, agree = max(worst, rel), max(agree, abs(ref - fine["loss"]) / fine["loss"])
                line += f" {rel:9.1e} {fine.errors['loss'] / fine['loss']:9.1e}"
            if t in SAMPLE or rule != previous_rule or t % (10 * DENSE_EVERY) == 0:
                print(line, flush=True)
        previous_rule = rule
        means = means - ETA * grad
    print(f"   worst relative difference on the sample {worst:.1e} (population engine, 2^23 points; the refined "
          f"rule differs from it by at most {agree:.1e} there)")
    print(f"   worst relative difference to the refined default rule every {DENSE_EVERY} iterations and at each "
          f"change of rule: {worst_dense:.1e} at t = {at_worst}; rules {engine.rule_counts()}")
    # the figure's own call, timed apart from the fine runs; former and present rules alternate
    times = {"now": [], "former": []}
    for _ in range(2):
        for key, order in (("now", None), ("former", FORMER_ORDER[n])):
            start = time.perf_counter()
            gradient_em_batch(weights, rng_means(n), ETA, n_iter, tol=0, order=order)
            times[key].append(time.perf_counter() - start)
    spent, former = min(times["now"]), min(times["former"])
    print(f"   gradient_em_batch, {n_iter} iterations (best of 2): {spent:.1f} s now vs {former:.1f} s with the former "
          f"rule (Gauss-Hermite q={FORMER_ORDER[n]}^{min(n - 1, D)} at every step)")
    return spent, former


def rng_means(n):
    rng = unit_rng(0, 1, n)
    rng.dirichlet(np.ones(n))
    return rng.standard_normal((1, n, D))


def figure_seconds(root):
    """Seconds of the figure's units (serial) in a fresh process importing the code under ``root``."""
    env = dict(os.environ, PYTHONPATH=str(root))
    out = subprocess.run([sys.executable, "-c", TIME_FIGURE], cwd=root, env=env, capture_output=True, text=True,
                         check=True)
    return float(out.stdout.split()[-1])


def compare_with_baseline(revision):
    """Best of 2 (alternating) figure times of the present code and of ``revision`` (a temporary git worktree)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision], check=True,
                       capture_output=True)
        try:
            times = {"now": [], "baseline": []}
            for _ in range(2):
                times["now"].append(figure_seconds(ROOT))
                times["baseline"].append(figure_seconds(tree))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=True,
                           capture_output=True)
    now, then = min(times["now"]), min(times["baseline"])
    print(f"whole figure (all units, serial, fresh process, best of 2): {now:.1f} s now vs {then:.1f} s at "
          f"{revision}: ratio {now / then:.2f} (target <= 2)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-iter", type=int, default=3000)
    parser.add_argument("--n", type=int, nargs="+", default=[5, 10], choices=[5, 10])
    parser.add_argument("--baseline", default=BASELINE,
                        help=f"git revision whose figure time the target is stated against (default {BASELINE}); "
                             "'none' skips it")
    args = parser.parse_args()
    start = time.perf_counter()
    rest = [fig1_unit(("convergence", 0, 2, args.n_iter))]
    rest += [fig1_unit(("weights", 0, c, 4, args.n_iter)) for c in range(3)]
    t_rest = time.perf_counter() - start
    print(f"the figure's other units (n = 2, the three n = 3 panels): {t_rest:.1f} s")
    new = former = 0.0
    for n in args.n:
        a, b = run(n, args.n_iter)
        new, former = new + a, former + b
    print(f"figure time (units, serial): {t_rest + new:.1f} s now vs {t_rest + former:.1f} s with the former rules: "
          f"ratio {(t_rest + new) / (t_rest + former):.2f}")
    if args.baseline != "none":
        compare_with_baseline(args.baseline)


if __name__ == "__main__":
    main()

"""Time of check_solver's default battery per toolkit solver, and of each check (one run, serial).

    python benchmarks/bench_testing.py [--instances 6]

Prints, per solver, the battery's total seconds and the share of the slowest checks; the
default battery is meant to take a few seconds per solver.
"""

from __future__ import annotations

import argparse
import time

from solvers.algorithms import em, gradient_em, polyak
from verify.testing import adapters, check_solver


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=6)
    args = parser.parse_args(argv)
    solvers = {
        "gradient_em (grid)": (adapters.one_step(gradient_em), "gradient_em", {}),
        "em (grid)": (adapters.one_step(em, eta=False), "em", {}),
        "hybrid (grid)": (adapters.one_step(gradient_em, update_weights=True, returns_weights=True), "hybrid", {}),
        "polyak (grid, K=2)": (lambda w, m, eta: polyak(w, m, K=2, eta=eta, n_outer=1, L_star=0.0, tol=0).means,
                               "polyak", {"K": 2}),
        "gradient_em (sample)": (adapters.one_step(gradient_em, engine="sample", data_keyword="X"), "gradient_em", {}),
    }
    print(f"check_solver default battery, {args.instances} instances per check")
    print(f"{'solver':<22} {'passed':>6} {'seconds':>8}   slowest checks (share of the time)")
    for name, (step, kind, options) in solvers.items():
        start = time.perf_counter()
        report = check_solver(step, kind, n_instances=args.instances, **options)
        total = time.perf_counter() - start
        top = sorted(report.results, key=lambda r: -r.seconds)[:3]
        shares = ", ".join(f"{r.name} {r.seconds / total:.0%}" for r in top)
        print(f"{name:<22} {str(report.passed):>6} {total:>8.2f}   {shares}")


if __name__ == "__main__":
    main()

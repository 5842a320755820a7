"""Foundation benchmarks. Prints ratios measured in one run; asserts nothing.

Run: ``python benchmarks/bench_foundation.py``

1. Cost independent of d: the population gradient at d = 2000 vs d = 5 for
   means with the same span (r = 2, n = 3).
2. The xfd24 experimental setting (d = 5, n in {2, 5, 10}, Dirichlet(1)
   weights, N(0, 1) means): the default engine's gradient error estimate vs
   plain Monte Carlo with 3.5e5 samples (the paper's choice), and both times.
   The Monte Carlo error is its standard error; the default engine's is its
   own estimate (Kronrod error for r' <= 3, 6 standard errors over the random
   shifts of the lattice rule used when r' > 3), with the default budget and
   with ``max_points = 2**22`` (the 10x-time comparison).
"""

from __future__ import annotations

import time

import numpy as np

from solvers import Mixture, population


def _best_time(fn, repeat=5):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def bench_dimension_independence():
    rng = np.random.default_rng(0)
    coords = rng.standard_normal((3, 2))
    weights = [0.2, 0.3, 0.5]
    times = {}
    for d in (5, 2000):
        means = np.zeros((3, d))
        means[:, :2] = coords
        mix = Mixture(weights, means)
        population.gradient(mix)  # warm caches
        times[d] = _best_time(lambda: population.gradient(mix))
    print("1. population gradient cost vs ambient dimension (same span, r = 2, n = 3)")
    print(f"   d = 5: {times[5] * 1e3:.1f} ms   d = 2000: {times[2000] * 1e3:.1f} ms   "
          f"ratio d2000/d5 = {times[2000] / times[5]:.2f}  (target <= 1.5)")


def bench_paper_setting():
    rng = np.random.default_rng(1)
    print("2. xfd24 setting d = 5: default engine vs Monte Carlo with 3.5e5 samples (gradient, max-norm error)")
    print(f"   {'n':>3} {'engine':>10} {'budget':>8} {'err (default)':>14} {'t (default)':>12} {'SE (MC)':>10} {'t (MC)':>8} "
          f"{'error ratio MC/default':>23} {'time ratio default/MC':>22}")
    population.estimate(Mixture([0.5, 0.5], [[1.0, 0, 0, 0, 1.0], [0, 1.0, 0, 0, 0]]), engine="lattice")  # warm-up
    for n in (2, 5, 10):
        mix = Mixture(rng.dirichlet(np.ones(n)), rng.standard_normal((n, 5)))
        start = time.perf_counter()
        mc = population.estimate(mix, ("gradient",), engine="monte-carlo", rng=np.random.default_rng(n), n_samples=350_000)
        t_mc = time.perf_counter() - start
        for label, budget in (("default", None), ("2^22", 1 << 22)):
            start = time.perf_counter()
            est = population.estimate(mix, ("gradient",), max_points=budget)
            t_default = time.perf_counter() - start
            print(f"   {n:>3} {est.engine:>10} {label:>8} {est.errors['gradient']:>14.2e} {t_default:>11.3f}s "
                  f"{mc.errors['gradient']:>10.2e} {t_mc:>7.3f}s {mc.errors['gradient'] / est.errors['gradient']:>23.1f} "
                  f"{t_default / t_mc:>22.2f}")
    print("   (targets: error ratio >= 100 at time ratio <= 1 (default budget); >= 10,000 at time ratio <= 10)")


if __name__ == "__main__":
    bench_dimension_independence()
    bench_paper_setting()

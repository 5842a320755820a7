"""Benchmark of the worst-case search (:mod:`verify.claims.search`), ratios measured in one run.

1. Evaluations per second of the search objective: a population of P candidates in one
   batched call (the grid engine over the batch) against the same candidates one at a time.
2. Convergence: the best constant reached against the budget (evaluations per space) for
   three claims, next to the tight value over the default spaces (tests/test_search.py says
   how each was obtained).

Run: ``python benchmarks/bench_search.py [--population 256] [--budgets 200,400,800,1600,3200]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from verify.claims import get
from verify.claims.search import search_claim

TIGHT = {"xfd24.lemma11": 0.251004514, "xfd24.lemma12": 1.19601372, "xfd24.lemma12.case2": 0.25}


def throughput(claim_id, population, rng):
    claim = get(claim_id)
    search = claim.search
    space = search.spaces[3]  # n = 3, d = 2
    lo, hi = np.array(space.bounds()).T
    X = lo + (hi - lo) * rng.random((population, space.dim))
    start = time.perf_counter()
    batched = search.tight_constants(space, X)
    t_batch = time.perf_counter() - start
    start = time.perf_counter()
    single = np.concatenate([search.tight_constants(space, x[None]) for x in X])
    t_single = time.perf_counter() - start
    same = np.allclose(batched, single, rtol=1e-9, equal_nan=True)
    return population / t_batch, population / t_single, same


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--population", type=int, default=256)
    parser.add_argument("--budgets", default="200,400,800,1600,3200")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    print(f"1. objective throughput, {args.population} random candidates of the (n = 3, d = 2) space")
    print(f"{'claim':<22} {'batched eval/s':>15} {'one at a time eval/s':>21} {'ratio':>7} {'same values':>12}")
    for cid in ("xfd24.lemma11", "xfd24.thm14", "xfd24.lemma12.case2"):
        fast, slow, same = throughput(cid, args.population, rng)
        print(f"{cid:<22} {fast:15.0f} {slow:21.0f} {fast / slow:6.1f}x {str(same):>12}")
    budgets = [int(b) for b in args.budgets.split(",")]
    print("\n2. best constant reached against the budget (evaluations per space, default spaces, seed 0)")
    print(f"{'claim':<22} {'tight':>10} " + " ".join(f"{b:>11}" for b in budgets) + "   seconds at each budget")
    for cid, tight in TIGHT.items():
        values, seconds = [], []
        for b in budgets:
            start = time.perf_counter()
            out = search_claim(get(cid), seed=0, evaluations=b, registered=False)
            seconds.append(time.perf_counter() - start)
            values.append(out.constant)
        print(f"{cid:<22} {tight:10.6g} " + " ".join(f"{v:11.6g}" for v in values) + "   "
              + " ".join(f"{s:.1f}" for s in seconds))
        print(f"{'':<22} {'rel. gap':>10} " + " ".join(f"{(v - tight) / tight:11.2e}" for v in values))


if __name__ == "__main__":
    main()

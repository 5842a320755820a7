"""Certified r = 1 loss + gradient (issue 6). Prints times and ratios measured in one run; asserts nothing.

Run: ``python benchmarks/bench_certify.py``

For n = 1..5 random instances with means on a line (|mu_i| <= 10, d = 3), both in
the same run:

* certified: :func:`verify.certify.line_quantities` for ``("loss", "gradient")``
  at 128 bits (Arb balls; the enclosure is a proof), after one warm-up call that
  fills the Gauss-Legendre node cache;
* reference: :func:`verify.reference.quantities` for the same quantities at 30
  digits (mpmath, two-level agreement; an estimate, not a proof).

Target (issue 6): certified < 50 ms for n <= 5. Needs python-flint.
"""

from __future__ import annotations

import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from solvers import Mixture  # noqa: E402
from verify import certify, reference  # noqa: E402


def _best_time(fn, repeat=3):
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def main(seed: int = 0, per_n: int = 3):
    if not certify.available():
        print(certify.SKIPPED_MESSAGE)
        return
    rng = np.random.default_rng(seed)
    names = ("loss", "gradient")
    certify.line_quantities({"weights": [0.5, 0.5], "means": [[1.0], [-1.0]]}, names)  # warm the node cache
    print(f"{'n':>2} {'max|mu|':>8} {'certified 128 bit [ms]':>23} {'reference 30 dps [ms]':>22} "
          f"{'ratio':>7} {'max width':>10} {'segments':>8}")
    worst = 0.0
    for n in range(1, 6):
        for _ in range(per_n):
            w = rng.dirichlet(np.ones(n))
            c = rng.uniform(-10, 10, n)
            e = np.array([1.0, 0.0, 0.0])
            params = {"weights": w.tolist(), "means": np.outer(c, e).tolist()}
            t_cert, got = _best_time(lambda: certify.line_quantities(params, names))
            t_ref, _ = _best_time(lambda: reference.quantities(Mixture(w, np.outer(c, e)), names, dps=30), repeat=1)
            width = max([got["loss"].width] + [x.width for row in got["gradient"] for x in row])
            worst = max(worst, t_cert)
            print(f"{n:>2} {np.abs(c).max():>8.2f} {1e3 * t_cert:>23.1f} {1e3 * t_ref:>22.1f} "
                  f"{t_ref / t_cert:>7.1f} {width:>10.1e} {got.detail['segments']:>8}")
    print(f"slowest certified loss+gradient: {1e3 * worst:.1f} ms (target < 50 ms)")


if __name__ == "__main__":
    main()

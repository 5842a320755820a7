"""Timings of :func:`verify.reference.quantities` (run: ``python benchmarks/bench_reference.py``).

Targets: ``r = 1`` under 0.5 s and ``r = 2`` under 10 s at 30 digits
for ``n <= 4``, for loss + gradient + psi_tilde_sq + responsibility_means
together. Each case is timed in one process (Gauss–Legendre rules computed by earlier
cases are reused from the module cache) and printed with the number of
integrand evaluations and the largest reported error.
"""

from __future__ import annotations

import sys
import time

import mpmath

from verify.reference import DEFAULT_QUANTITIES, QUANTITY_NAMES, quantities

CASES = [
    # (label, weights, means, quantities)
    ("r=1 n=2 symmetric", ["1/2", "1/2"], [[1], [-1]], DEFAULT_QUANTITIES),
    ("r=1 n=3", ["0.2", "0.3", "0.5"], [[1], [-0.7], [0.1]], DEFAULT_QUANTITIES),
    ("r=1 n=4", ["1/4"] * 4, [[3], [-2], [0.5], [1.5]], DEFAULT_QUANTITIES),
    ("r=1 n=2 separation 40", ["1/2", "1/2"], [[20], [-20]], DEFAULT_QUANTITIES),
    ("r=1 n=3 separation 40", ["0.3", "0.3", "0.4"], [[20], [-20], [0]], DEFAULT_QUANTITIES),
    ("r=1 n=2 near optimum", ["1/3", "2/3"], [["0.002"], ["-0.001"]], DEFAULT_QUANTITIES),
    ("r=1 n=4 all + hessian", ["1/4"] * 4, [[3], [-2], [0.5], [1.5]], QUANTITY_NAMES),
    ("r=2 n=3", ["0.2", "0.3", "0.5"], [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]], DEFAULT_QUANTITIES),
    ("r=2 n=4", ["1/4"] * 4, [[1.2, 0.3], [-0.8, 1.1], [0.4, -1.5], [-0.6, -0.2]],
     DEFAULT_QUANTITIES),
    ("r=2 n=4 separated", ["1/4"] * 4, [[3, 0], [-3, 1], [0, 4], [1, -3]], DEFAULT_QUANTITIES),
    ("r=2 n=3 all + hessian", ["0.2", "0.3", "0.5"], [[1, 0.5], [-0.7, 0.2], [0.1, -0.4]],
     QUANTITY_NAMES),
]


def main(argv=None) -> int:
    """Run the timing table; ``--r3`` adds a (slow) r = 3 case at dps = 15."""
    argv = sys.argv[1:] if argv is None else argv
    cases = list(CASES)
    if "--r3" in argv:
        cases.append(("r=3 n=4 (dps=15)", ["1/4"] * 4, [[1, 0, 0], [0, 1, 0], [0, 0, 1], [-1, -1, -1]],
                      DEFAULT_QUANTITIES))
    print(f"{'case':28s} {'quantities':10s} {'dps':>4s} {'time [s]':>9s} {'nodes':>8s} "
          f"{'max error':>10s}")
    for label, w, m, names in cases:
        dps = 15 if "dps=15" in label else 30
        t0 = time.perf_counter()
        res = quantities(weights=w, means=m, quantities=names, dps=dps)
        dt = time.perf_counter() - t0
        method = next(iter(res.values())).method
        nodes = method.split("nodes=")[1].split(",")[0] if "nodes=" in method else "0"
        err = max(v.error for v in res.values())
        tag = "default" if tuple(names) == DEFAULT_QUANTITIES else "all"
        print(f"{label:28s} {tag:10s} {dps:4d} {dt:9.3f} {nodes:>8s} {mpmath.nstr(err, 3):>10s}")
    print(f"mpmath.mp.dps after the run: {mpmath.mp.dps}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

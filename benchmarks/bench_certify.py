"""Certified population quantities (r = 1 and r = 2). Prints times and ratios measured in one run; asserts nothing.

Run: ``python benchmarks/bench_certify.py`` (``--plane-only`` skips the r = 1 table)

For n = 1..5 random instances with means on a line (|mu_i| <= 10, d = 3), both in
the same run:

* certified: :func:`verify.certify.line_quantities` for ``("loss", "gradient")``
  at 128 bits (Arb balls; the enclosure is a proof), after one warm-up call that
  fills the Gauss-Legendre node cache;
* reference: :func:`verify.reference.quantities` for the same quantities at 30
  digits (mpmath, two-level agreement; an estimate, not a proof).

Target: certified < 50 ms for n <= 5.

For n = 2..4 random instances with means spanning a plane in R^3 (exact
rationals; plane coordinates uniform in [-scale, scale] on a 0.01 grid, scale 1
and 3), both in the same run:

* certified: :func:`verify.certify.mixture_quantities` for the loss, gradient,
  E|psi~|^2 and E psi_i at 128 bits (tensor Gauss-Legendre on adaptive
  rectangles; the enclosure is a proof), its largest width and its cell / node
  counts;
* reference: :func:`verify.reference.quantities` for the same quantities at 30
  digits, and the largest |reference - certified midpoint|.

Target: widths below 1e-20 in under 2 s per instance for n <= 4.
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


def _flat(x):
    if isinstance(x, (list, tuple)):
        for v in x:
            yield from _flat(v)
    else:
        yield x


def plane(seed: int = 0, per_n: int = 2):
    """Certified r = 2 quantities at 128 bits vs the mpmath reference at 30 digits."""
    import mpmath

    from fractions import Fraction

    rng = np.random.default_rng(seed)
    names = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")
    basis = ((1, 2, 2), (2, 1, -2))  # orthogonal, norm 3: the means are exact rationals in a plane of R^3
    certify.mixture_quantities([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]], ("loss",))  # warm the node cache
    print(f"{'n':>2} {'scale':>5} {'certified 128 bit [s]':>22} {'reference 30 dps [s]':>21} {'ratio':>6} "
          f"{'max width':>10} {'|ref - mid|':>11} {'cells':>6} {'nodes':>7}")
    worst, widest = 0.0, 0.0
    for scale in (1, 3):
        for n in range(2, 5):
            for _ in range(per_n):
                w = [Fraction(int(k)) for k in rng.integers(1, 10, n)]
                w = [x / sum(w) for x in w]
                ab = [[Fraction(int(k), 100) for k in row] for row in rng.integers(-100 * scale, 100 * scale, (n, 2))]
                means = [[(a * u + b * v) / 3 for u, v in zip(*basis)] for a, b in ab]
                start = time.perf_counter()
                got = certify.mixture_quantities(w, means, names, prec=128)
                t_cert = time.perf_counter() - start
                start = time.perf_counter()
                ref = reference.quantities(weights=w, means=means, quantities=names, dps=30)
                t_ref = time.perf_counter() - start
                diff = mpmath.mpf(0)
                with mpmath.workdps(40):
                    for q in names:
                        for enc, val in zip(_flat(got[q]), _flat(ref[q].value)):
                            diff = max(diff, abs(val - mpmath.mpf(enc.mid.numerator) / enc.mid.denominator))
                width = got.max_width()
                worst, widest = max(worst, t_cert), max(widest, width)
                print(f"{n:>2} {scale:>5} {t_cert:>22.2f} {t_ref:>21.2f} {t_ref / t_cert:>6.1f} {width:>10.1e} "
                      f"{float(diff):>11.1e} {got.detail['cells']:>6} {got.detail['nodes']:>7}")
    print(f"r = 2: slowest certified instance {worst:.2f} s, widest enclosure {widest:.1e} "
          "(target < 2 s, < 1e-20)")


def main(seed: int = 0, per_n: int = 3):
    if not certify.available():
        print(certify.SKIPPED_MESSAGE)
        return
    if "--plane-only" in sys.argv[1:]:
        plane(seed)
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
    print()
    plane(seed)


if __name__ == "__main__":
    main()

r"""Search the Korobov generating vectors of ``solvers.rules.LATTICE_VECTORS``.

For :math:`N = 2^m` points in r dimensions the rank-1 lattice
:math:`\{\{j z / N\}\}_{j<N}` with :math:`z = (1, a, a^2, \dots) \bmod N` integrates a
periodic function exactly up to the Fourier modes on its dual lattice
:math:`\{k \ne 0: k\cdot z \equiv 0 \bmod N\}`. The integrands of ``solvers.rules`` are
analytic with roughly isotropic Gaussian decay of their Fourier coefficients, so the
criterion is

.. math:: e^2(z) = \sum_{k \ne 0,\ k\cdot z\equiv 0} e^{-\alpha |k|^2}
          = \frac1N\sum_{j<N}\prod_a\vartheta(\{j z_a/N\}) - 1,\qquad
          \vartheta(x) = \sum_k e^{-\alpha k^2} e^{2\pi i k x},

with :math:`\alpha = 20 / N^{2/r}` (a mode at the tensor grid's Nyquist radius
:math:`N^{1/r}` weighs :math:`e^{-20}`). Odd multipliers a are drawn at random (seeded)
and the best is kept.

Run: ``python benchmarks/search_lattice.py [--seed 0]`` (a few minutes); it prints the
dictionary pasted into ``solvers/rules/lattice.py``.
"""

import argparse

import numpy as np


def theta_table(N, alpha):
    x = np.arange(N) / N
    table = np.ones(N)
    for k in range(1, int(np.sqrt(40 / alpha)) + 2):
        table += 2 * np.exp(-alpha * k * k) * np.cos(2 * np.pi * k * x)
    return table


def criterion(z, N, table):
    j = np.arange(N, dtype=np.int64)
    prod = table.copy()
    for za in z[1:]:
        prod *= table[(j * int(za)) % N]
    return float(prod.mean() - 1.0)


def korobov_vector(r, m, candidates, rng):
    N = 1 << m
    table = theta_table(N, 20.0 / N ** (2 / r))
    best, best_z = np.inf, None
    for a in rng.integers(0, N // 2, candidates) * 2 + 1:
        z = [1]
        for _ in range(r - 1):
            z.append(z[-1] * int(a) % N)
        e = criterion(z, N, table)
        if e < best:
            best, best_z = e, z
    return best_z, best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ranks", type=int, nargs="+", default=[2, 3, 4, 5, 6])
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print("LATTICE_VECTORS = {")
    for r in args.ranks:
        for m in range(8, 23):
            candidates = 256 if m <= 16 else (64 if m <= 19 else 24)
            z, e = korobov_vector(r, m, candidates, rng)
            print(f"    ({r}, {m}): {tuple(z)},  # e^2 = {e:.1e}", flush=True)
    print("}")


if __name__ == "__main__":
    main()

"""Calibration of the grid engine's ladder (``solvers.algorithms.grid.LADDER``).

For random states of a given reduced rank r (n = 2, 3, 5 means; random, collinear,
symmetric and two-cluster shapes; a random common shift; Dirichlet and equal
weights) this prints, per spread bin, the worst ratio

    err(Gauss-Hermite q) / max(err(default rule), 1e-13)

where err is the largest of the relative loss error, the gradient error relative
to the gradient norm and the absolute error of E psi, each against a finer
reference rule. A ratio <= 1 means the cheap rule is as good as the default one
(or within 1e-13); the ladder uses a level only below the spread where every
bin stays under about 1, with a margin. Tiny spreads show ratios of a few where
the loss is a cancellation of O(1) terms: rounding, not the rule.

For ranks 3 to 6 (n = r + 1 and r + 3 means spanning r dimensions, spreads uniform in
[0.05, 4.5]) the candidates are the lattice rules of :mod:`solvers.rules` (2^m points) and, for
ranks 5 and 6, Gauss-Hermite rules; the reference is a randomly shifted lattice of 2^20 points
(ranks 5, 6: 2^22), and the table shows the worst error itself per 0.25-wide spread bin. The
ladder uses a level up to the spread below which every bin, and the next one, stays under the
rank's tolerance: 1e-9 for ranks 3 and 4, 1e-7 for ranks 5 and 6 (seeds 0 and 1).

With ``--axes`` (ranks 3 to 6) it measures the grid engine's rules along the principal axes of the
mean differences instead (``solvers.algorithms.grid.AXIS_LADDER``): the error of q Gauss-Hermite points
along one axis by the extent of the means along it, the largest extent each q covers within
``AXIS_TOLERANCE`` (1e-10) in its bin and the next, and a check of the whole table's rule on fresh
states against the same rule with 1.6 times the points along each axis (:func:`calibrate_axes`).

Run: ``python benchmarks/calibrate_grid.py [--rank 1 2 3 4 5 6] [--states 600] [--seed 0] [--axes]``
(ranks 1, 2: about 30 s; each rank >= 3: a few minutes; ``--axes --rank 3 4 5 6 --states 150``: about
a minute per seed).
"""

import argparse

import numpy as np

from solvers._integrands import STABLE_LOSS_MU_MAX
from solvers.algorithms.grid import (AXIS_LADDER, AXIS_TOLERANCE, DEFAULT_LATTICE, DEFAULT_ORDER, LADDER, LATTICE_LADDER,
                                    PANEL_RULE, STABLE_MU_MAX, axis_orders, grid_moments, hermite_rule, panel_rule)
from solvers.reduction import split_common_shift
from solvers.rules import anisotropic_hermite_rule, fixed_lattice_rule, lattice_rule
from solvers.rules.sparse import smolyak_hermite_rule

REFERENCE = {1: lambda: panel_rule(1, 120, 12, 12.0), 2: lambda: panel_rule(2, 64, 12, 12.0)}
CANDIDATES = {1: (8, 12, 16, 24, 32, 48, 64), 2: (12, 16, 24, 32, 48, 64, 96, 128)}
LATTICE_REFERENCE_LOG2 = {3: 20, 4: 20, 5: 22, 6: 22}
LATTICE_CANDIDATES = {3: (10, 12, 14, 16, 18), 4: (10, 12, 14, 16, 17, 18),
                      5: (14, 15, 16, 17, 18, 19, 20), 6: (14, 15, 16, 17, 18, 19, 20)}
HERMITE_CANDIDATES = {5: (6, 8, 10), 6: (5, 6, 8)}
SPARSE_CANDIDATES = {4: (9, 10, 11), 5: (11, 12, 13), 6: (12, 13)}
"""Ranks 3 to 6: lattice rules of 2^m points (shift 0, as in the grid engine), Gauss-Hermite rules
(q points per coordinate; ranks 5, 6) and sparse grids (Smolyak levels of Gauss-Hermite rules,
:func:`solvers.rules.smolyak_hermite_rule`; ranks 4 to 6) against a randomly shifted lattice of 2^20 points (ranks 5, 6:
2^22); the table is the worst error itself."""


def default_rule(r):
    if r in PANEL_RULE:
        panels, q = PANEL_RULE[r]
        return panel_rule(r, panels, q, 10.0)
    return hermite_rule(r, DEFAULT_ORDER[r])


def random_states(rng, r, n, count, max_spread, min_spread=None):
    """Weights (count, n), reduced means (count, n, r) and their spreads (log-uniform in [0.01, max_spread];
    uniform in [min_spread, max_spread] when min_spread is given)."""
    C = rng.normal(size=(count, n, r))
    shape = rng.integers(0, 4, count)
    C[shape == 1, :, 1:] = 0.0  # collinear
    C[shape == 2] = C[shape == 2][:, :1] * np.linspace(-1, 1, n)[None, :, None]  # evenly spread on a line
    C[shape == 3] = C[shape == 3][:, :1] * np.where(np.arange(n) % 2, 1, -1)[None, :, None]  # two clusters
    if min_spread is None:
        target = 10 ** rng.uniform(-2, np.log10(max_spread), count)
    else:
        target = rng.uniform(min_spread, max_spread, count)
    current = np.max(np.linalg.norm(C[:, :, None] - C[:, None], axis=3), axis=(1, 2))
    C *= (target / current)[:, None, None]
    C += rng.normal(size=(count, 1, r)) * rng.uniform(0, 1.5, count)[:, None, None]
    w = rng.dirichlet(np.full(n, 0.7), count)
    w = np.maximum(w, 1e-3)
    w /= w.sum(axis=1, keepdims=True)
    w[rng.random(count) < 0.3] = 1.0 / n
    return w, C, target


def errors(out, ref, C):
    g_out = C * out[1][..., None] - out[2]
    g_ref = C * ref[1][..., None] - ref[2]
    loss = np.abs(out[0] - ref[0]) / np.maximum(np.abs(ref[0]), 1e-300)
    grad = np.max(np.abs(g_out - g_ref), axis=(1, 2)) / np.maximum(np.linalg.norm(g_ref, axis=(1, 2)), 1e-300)
    resp = np.max(np.abs(out[1] - ref[1]), axis=1)
    return np.maximum(np.maximum(loss, grad), resp)


def worst_by_bin(worst, key, values, s, bins, width):
    """Update ``worst[key, b]`` with the largest of ``values`` whose spread lies in (b - width, b]."""
    for b in bins:
        sel = (s <= b) & (s > b - width)
        if sel.any():
            worst[key, b] = max(worst.get((key, b), 0.0), float(values[sel].max()))


def evaluate(rule, w, C, chunk=16):
    Y, W = rule
    stable_mu_max = STABLE_MU_MAX.get(Y.shape[1], STABLE_LOSS_MU_MAX)  # the loss form the grid engine takes
    parts = [grid_moments(w[k:k + chunk], C[k:k + chunk], Y[None], W[None], stable_mu_max=stable_mu_max)
             for k in range(0, len(w), chunk)]
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def calibrate(r, states, seed=0, max_spread=2.5):
    rng = np.random.default_rng(seed)
    bins = np.round(np.arange(0.1, max_spread + 1e-9, 0.1), 2)
    worst = {}
    for n in (2, 3, 5):
        w, C, s = random_states(rng, r, n, states, max_spread)
        ref = evaluate(REFERENCE[r](), w, C)
        floor = np.maximum(errors(evaluate(default_rule(r), w, C), ref, C), 1e-13)
        for q in CANDIDATES[r]:
            worst_by_bin(worst, q, errors(evaluate(hermite_rule(r, q), w, C), ref, C) / floor, s, bins, 0.1)
    print(f"r = {r}: worst err(Gauss-Hermite q) / max(err(default rule), 1e-13) by spread bin (upper edge); "
          f"ladder in use: {LADDER.get(r, ())}")
    print("   q " + " ".join(f"{b:>5}" for b in bins))
    for q in CANDIDATES[r]:
        cells = [worst.get((q, b), np.nan) for b in bins]
        print(f"{q:>4} " + " ".join(f"{c:5.1f}" if c < 10 else f"{c:5.0e}" for c in cells))


def calibrate_lattice(r, states, seed=0, max_spread=4.5):
    rng = np.random.default_rng(seed)
    bins = np.round(np.arange(0.25, max_spread + 1e-9, 0.25), 2)
    reference = lattice_rule(r, LATTICE_REFERENCE_LOG2[r], shift=rng.random(r))[:2]
    worst = {}
    for n in (r + 1, r + 3):
        w, C, s = random_states(rng, r, n, states, max_spread, min_spread=0.05)
        ref = evaluate(reference, w, C, chunk=4)
        for q in HERMITE_CANDIDATES.get(r, ()):
            worst_by_bin(worst, f"q={q}", errors(evaluate(hermite_rule(r, q), w, C), ref, C), s, bins, 0.25)
        for level in SPARSE_CANDIDATES.get(r, ()):
            worst_by_bin(worst, f"sg{level}", errors(evaluate(smolyak_hermite_rule(r, level), w, C), ref, C), s,
                         bins, 0.25)
        for m in LATTICE_CANDIDATES[r]:
            worst_by_bin(worst, m, errors(evaluate(fixed_lattice_rule(r, m), w, C), ref, C), s, bins, 0.25)
    print(f"r = {r}: worst error of Gauss-Hermite q^r and of the lattice rule with 2^m points by spread bin "
          f"(upper edge); ladder in use: {LADDER.get(r, ())}, lattice {LATTICE_LADDER.get(r, ())}, "
          f"else 2^{DEFAULT_LATTICE[r]}")
    print("     m " + " ".join(f"{b:>7}" for b in bins))
    for key in ([f"q={q}" for q in HERMITE_CANDIDATES.get(r, ())] + [f"sg{lv}" for lv in SPARSE_CANDIDATES.get(r, ())]
                + list(LATTICE_CANDIDATES[r])):
        print(f"{key:>6} " + " ".join(f"{worst.get((key, b), np.nan):7.1e}" for b in bins))


AXIS_CANDIDATES = (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 18, 20, 22, 24, 28, 32, 40, 48, 56, 64, 80, 96)
"""Gauss--Hermite points along one principal axis, measured by :func:`calibrate_axes`."""
FINER = 1.6
"""The check of the whole table compares with the rule of FINER times the points along each axis."""
MAX_POINTS = 1 << 21
"""Rules with more points are left out of the measurement and of the check (memory)."""


def principal_coordinates(w, C):
    """Means in the principal axes of their differences (the grid engine's basis) and the extent along each."""
    V, _, _ = split_common_shift(w, C)
    P = np.einsum("bnr,brk->bnk", C, V)
    return P, P.max(axis=1) - P.min(axis=1)


def high_order(e):
    """Points along an axis of extent e for the comparison rule (well above the table)."""
    return int(np.ceil(16 + 12 * e + 12 * e * e))


def cheap_order(e):
    """Points along the other axes while one axis is measured (their error cancels in the difference)."""
    return int(np.ceil(2 + 4 * e)) if e > 1e-12 else 1


def calibrate_axes(r, states, seed=0, max_spread=2.5, width=0.05):
    """Per-axis error of Gauss--Hermite rules in the principal axes of the mean differences.

    For each random state (n = r + 1 and r + 3, all shapes of :func:`random_states`) and each principal
    axis k, the rule with q points along k (the other axes at :func:`cheap_order`) is compared with
    the same rule with :func:`high_order` points along k: the difference isolates the error of axis k.
    Prints, per extent bin of that axis, the worst error (largest of the relative loss, the gradient
    relative to its norm and the absolute E psi), and the largest extent each q covers within the
    per-axis tolerance of ``AXIS_LADDER`` in its bins and the next. Then checks the whole rule of
    ``AXIS_LADDER`` on fresh states against the same rule with FINER times the points on every axis.
    """
    rng = np.random.default_rng(seed)
    bins = np.round(np.arange(width, max_spread + 1e-9, width), 3)
    worst = {}
    for n in (r + 1, r + 3):
        w, C, _ = random_states(rng, r, n, states, max_spread, min_spread=0.02)
        P, ext = principal_coordinates(w, C)
        for b in range(len(w)):
            others = [cheap_order(e) for e in ext[b]]
            for k in np.flatnonzero(ext[b] > 1e-12):
                orders = list(others)
                orders[k] = high_order(ext[b, k])
                if np.prod(orders) > MAX_POINTS:
                    continue
                ref = evaluate(anisotropic_hermite_rule(tuple(orders)), w[b:b + 1], P[b:b + 1])
                for q in AXIS_CANDIDATES:
                    if q >= orders[k] - 2:
                        break
                    trial = orders[:k] + [q] + orders[k + 1:]
                    err = errors(evaluate(anisotropic_hermite_rule(tuple(trial)), w[b:b + 1], P[b:b + 1]), ref,
                                 P[b:b + 1])
                    worst_by_bin(worst, q, err, ext[b, k:k + 1], bins, width)
    print(f"r = {r}: worst per-axis error of Gauss-Hermite q along a principal axis, by the axis's extent "
          f"(bin upper edge); the table in use: {AXIS_LADDER}")
    print("   q " + " ".join(f"{b:>5}" for b in bins))
    covered = []
    for q in AXIS_CANDIDATES:
        cells = [worst.get((q, b), np.nan) for b in bins]
        print(f"{q:>4} " + " ".join(f"{c:5.0e}" if not np.isnan(c) else "    -" for c in cells))
        ok = 0.0
        for i, b in enumerate(bins[:-1]):
            if any(c > AXIS_TOLERANCE for c in cells[i:i + 2] if not np.isnan(c)):
                break
            ok = b
        covered.append(f"q={q}: {ok:g}")
    print(f"   largest extent each q covers within {AXIS_TOLERANCE:g} (its bins and the next): " + ", ".join(covered))
    # the whole rule of the table on fresh states
    for n in (r + 1, r + 3):
        w, C, s = random_states(rng, r, n, states, max_spread, min_spread=0.02)
        P, ext = principal_coordinates(w, C)
        err, points = np.zeros(len(w)), np.zeros(len(w))
        for b in range(len(w)):
            orders = axis_orders(ext[b])
            if orders is None:
                err[b] = np.nan
                continue
            points[b] = np.prod(orders)
            finer = tuple(int(np.ceil(FINER * q)) if e > 1e-12 else 1 for q, e in zip(orders, ext[b]))
            if np.prod(finer) > MAX_POINTS:
                err[b] = np.nan
                continue
            ref = evaluate(anisotropic_hermite_rule(finer), w[b:b + 1], P[b:b + 1])
            err[b] = errors(evaluate(anisotropic_hermite_rule(orders), w[b:b + 1], P[b:b + 1]), ref, P[b:b + 1])[0]
        used = ~np.isnan(err)
        print(f"   n = {n}: the table's rule on {used.sum()} fresh states (of {len(w)}; the others are beyond it "
              f"or their finer rule beyond {MAX_POINTS} points): "
              f"worst error {np.nanmax(err):.1e} (bound r x {AXIS_TOLERANCE:g} = {r * AXIS_TOLERANCE:.0e}), "
              f"median points {np.median(points[used]):.0f}")
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rank", type=int, nargs="+", default=[1, 2, 3, 4, 5], choices=range(1, 7))
    parser.add_argument("--states", type=int, default=600, help="random states per n (default 600; 60 for r >= 3)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--axes", action="store_true",
                        help="ranks >= 3: the per-axis Gauss-Hermite table instead (at most 200 states per n)")
    args = parser.parse_args()
    if args.axes and min(args.rank) < 3:
        parser.error(f"--axes: expected ranks 3 to 6, got {args.rank}")
    for r in args.rank:
        if args.axes:
            calibrate_axes(r, min(args.states, 200), seed=args.seed)
            continue
        if r < 3:
            calibrate(r, args.states, seed=args.seed)
        else:
            calibrate_lattice(r, min(args.states, 60), seed=args.seed)


if __name__ == "__main__":
    main()

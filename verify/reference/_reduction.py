r"""Reduction to :math:`\operatorname{span}(\mu_1,\dots,\mu_n)` in mpmath.

For :math:`x\sim N(0, I_d)` and an orthonormal basis :math:`B\in\mathbb R^{d\times r}`
of the span of the means, :math:`\mu_i = B c_i` and :math:`y = B^\top x\sim N(0,I_r)`;
the orthogonal part :math:`(I-BB^\top)x` is independent of :math:`y` and has mean
zero. Every score :math:`\langle x,\mu_i\rangle - |\mu_i|^2/2 = \langle y, c_i\rangle
- |c_i|^2/2` depends on :math:`y` only, so all expectations become
:math:`r`-dimensional Gaussian integrals.

The basis is computed by modified Gram–Schmidt with column pivoting and one
re-orthogonalisation pass at the working precision. A direction is accepted
while the largest remaining residual exceeds the rank tolerance
``RANK_RTOL_DIGITS`` digits below the working precision times
:math:`\max_i|\mu_i|` (i.e. ``10**-(wp - 4) * mu_max``): only rounding-level
residuals are dropped. Rank 0 means all means are exactly zero.

For ``r >= 2`` the reduced frame is then rotated (:func:`generic_rotation`) so
that no difference :math:`c_i - c_j` is nearly orthogonal to the last axis;
this keeps every crossing of two scores transversal to the innermost line of
the nested quadrature.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass

import mpmath

__all__ = ["MpReduction", "reduce_mp", "generic_rotation"]

RANK_RTOL_DIGITS = 4
"""The rank tolerance is ``10**-(wp - RANK_RTOL_DIGITS)`` relative to ``max|mu_i|``."""


@dataclass(frozen=True)
class MpReduction:
    """Result of :func:`reduce_mp` (all entries mpf at the working precision).

    Attributes
    ----------
    basis : list of list of mpf
        ``B`` as ``d`` rows of ``r`` entries (orthonormal columns).
    coords : list of list of mpf
        ``c_i = B^T mu_i``, ``n`` rows of ``r`` entries.
    rank : int
        ``r`` (0 when every mean is zero).
    residual : mpf
        ``max_i |mu_i - B c_i|`` (rounding level).
    tol : mpf
        Absolute rank tolerance used.
    """

    basis: list
    coords: list
    rank: int
    residual: object
    tol: object


def _dot(u, v):
    return mpmath.fsum(a * b for a, b in zip(u, v))


def reduce_mp(means, wp: int) -> MpReduction:
    r"""Orthonormal basis of the span of ``means`` (rows) at ``wp`` digits.

    Parameters
    ----------
    means : list of list of mpf
        ``n`` rows of length ``d``.
    wp : int
        Working precision in decimal digits (must be in force).

    Returns
    -------
    MpReduction
    """
    n, d = len(means), len(means[0])
    mu_max = max(mpmath.sqrt(_dot(m, m)) for m in means)
    tol = mpmath.mpf(10) ** (-(wp - RANK_RTOL_DIGITS)) * mu_max
    if mu_max == 0:
        return MpReduction(basis=[[] for _ in range(d)], coords=[[] for _ in range(n)],
                           rank=0, residual=mpmath.mpf(0), tol=tol)
    res = [list(m) for m in means]
    qs = []
    while len(qs) < min(n, d):
        norms = [mpmath.sqrt(_dot(v, v)) for v in res]
        k = max(range(n), key=lambda i: norms[i])
        if norms[k] <= tol:
            break
        q = [v / norms[k] for v in res[k]]
        for _ in range(2):  # re-orthogonalise q against the basis
            for p in qs:
                s = _dot(q, p)
                q = [a - s * b for a, b in zip(q, p)]
            nq = mpmath.sqrt(_dot(q, q))
            q = [a / nq for a in q]
        qs.append(q)
        for i in range(n):
            s = _dot(res[i], q)
            res[i] = [a - s * b for a, b in zip(res[i], q)]
    r = len(qs)
    coords = [[_dot(m, q) for q in qs] for m in means]
    residual = mpmath.mpf(0)
    for m, c in zip(means, coords):
        diff = [m[a] - mpmath.fsum(c[j] * qs[j][a] for j in range(r)) for a in range(d)]
        residual = max(residual, mpmath.sqrt(_dot(diff, diff)))
    basis = [[qs[j][a] for j in range(r)] for a in range(d)]
    return MpReduction(basis=basis, coords=coords, rank=r, residual=residual, tol=tol)


def _score(R, diffs, triples):
    """Quality of the frame ``R`` (rows = axes), larger is better."""
    r = len(R)
    s = 1.0
    for v in diffs:  # transversality to the innermost axis
        s = min(s, abs(sum(R[-1][a] * v[a] for a in range(r))))
    for v in triples:  # triple lines (r = 3) transversal to the outer axis slices
        s = min(s, abs(sum(R[0][a] * v[a] for a in range(r))))
    return s


def generic_rotation(coords_f, wp: int):
    r"""An orthogonal ``R`` (mpf, rows = new axes) making the frame generic.

    Parameters
    ----------
    coords_f : list of list of float
        Reduced coordinates ``c_i`` (floats, geometry only).
    wp : int
        Working precision (digits) in force; ``R`` is orthogonal to it.

    Returns
    -------
    list of list of mpf
        ``r x r`` rotation; new coordinates are ``R c``.

    Notes
    -----
    Chooses, among deterministic candidates, the frame maximising the smallest
    ``|<e_last, (c_i - c_j)/|c_i - c_j|>|`` (and for ``r = 3`` the smallest
    ``|<e_1, nu>|`` for the unit directions ``nu`` of the triple lines where
    three scores are equal). Candidates are angles ``k pi / 90`` for ``r = 2``
    and seeded random rotations for ``r = 3``; the chosen frame is then
    re-orthonormalised at the working precision. Any orthonormal frame gives
    the same integrals; this only keeps the crossings transversal.
    """
    r = len(coords_f[0])
    n = len(coords_f)
    diffs = []
    for i, j in itertools.combinations(range(n), 2):
        v = [coords_f[i][a] - coords_f[j][a] for a in range(r)]
        nv = math.sqrt(sum(x * x for x in v))
        if nv > 0:
            diffs.append([x / nv for x in v])
    triples = []
    if r == 3:
        for i, j, k in itertools.combinations(range(n), 3):
            u = [coords_f[j][a] - coords_f[i][a] for a in range(3)]
            v = [coords_f[k][a] - coords_f[i][a] for a in range(3)]
            w = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
            nw = math.sqrt(sum(x * x for x in w))
            if nw > 1e-12 * (1 + sum(x * x for x in u) + sum(x * x for x in v)):
                triples.append([x / nw for x in w])
    best, best_s = None, -1.0
    if r == 2:
        for k in range(90):
            t = math.pi * k / 90
            R = [[math.cos(t), math.sin(t)], [-math.sin(t), math.cos(t)]]
            s = _score(R, diffs, triples)
            if s > best_s + 1e-12:
                best, best_s = k, s
        with mpmath.workdps(wp):
            t = mpmath.pi * best / 90
            c, s = mpmath.cos(t), mpmath.sin(t)
            return [[c, s], [-s, c]]
    rng = random.Random(20240917 + r)
    cands = [[[1.0 if a == b else 0.0 for b in range(r)] for a in range(r)]]
    for _ in range(400):
        M = [[rng.gauss(0, 1) for _ in range(r)] for _ in range(r)]
        cands.append(_gs_float(M))
    for R in cands:
        s = _score(R, diffs, triples)
        if s > best_s + 1e-12:
            best, best_s = R, s
    with mpmath.workdps(wp):
        M = [[mpmath.mpf(x) for x in row] for row in best]
        out = []
        for _ in range(2):
            out = []
            for row in M:
                v = list(row)
                for q in out:
                    s = _dot(v, q)
                    v = [a - s * b for a, b in zip(v, q)]
                nv = mpmath.sqrt(_dot(v, v))
                out.append([a / nv for a in v])
            M = out
        return out


def _gs_float(M):
    out = []
    for row in M:
        v = list(row)
        for q in out:
            s = sum(a * b for a, b in zip(v, q))
            v = [a - s * b for a, b in zip(v, q)]
        nv = math.sqrt(sum(a * a for a in v))
        out.append([a / nv for a in v])
    return out

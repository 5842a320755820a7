r"""Gaussian expectations of the generated integrands, in float64 or in mpmath.

:math:`E_{x\sim N(0,I_d)} f(x)` for integrands that depend on x through the
span of the means (rank r) except polynomially of degree <= 5 in the orthogonal
part -- true for every integrand of :mod:`verify.symbolic.codegen` (degree <= 2).

Rule: rotate so that the means span the first r coordinates; in those use the
trapezoidal rule with step h on :math:`[-T, T]^r` (geometrically convergent
for integrands analytic in a strip, which the responsibilities are: their
poles lie at distance :math:`\gtrsim \pi/\max|\mu_i - \mu_j|` from the real
axis); in the d - r orthogonal coordinates use 3-point Gauss--Hermite (exact
for polynomials of degree <= 5). The error estimate compares the rule with
step h to the rule with step 2h on the same nodes (conservative: the error
of the 2h rule is roughly the square root of that of the h rule).

This is a small self-contained integrator for checking the symbolic layer;
the toolkit's production quadrature lives in :mod:`solvers.population` and
the mpmath reference in :mod:`verify.reference`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from solvers.reduction import span_basis

__all__ = ["GaussianExpectation", "gaussian_expectation", "gaussian_expectation_mp"]

_GH3_NODES = (0.0, 3.0**0.5, -(3.0**0.5))
_GH3_WEIGHTS = (2.0 / 3.0, 1.0 / 6.0, 1.0 / 6.0)


@dataclass(frozen=True)
class GaussianExpectation:
    """Value and error estimate of a Gaussian expectation.

    Attributes
    ----------
    value : ndarray or mpf or list
    error : float or mpf
        ``max |I_h - I_2h|`` (conservative).
    rank : int
        Dimension r of the span of the means.
    points : int
        Number of integrand evaluations.
    """

    value: object
    error: object
    rank: int
    points: int


def _numpy_basis(means):
    means = np.atleast_2d(np.asarray(means, dtype=float))
    basis, ranks, _ = span_basis(means[None])
    return basis[0], int(ranks[0]), means.shape[1]  # columns: orthonormal basis of R^d, first r span the means


def gaussian_expectation(func, means, *, step: float = 0.125, radius: float = 9.0) -> GaussianExpectation:
    """Float64 expectation of ``func`` over ``x ~ N(0, I_d)``.

    Parameters
    ----------
    func : callable
        ``func(X)`` with ``X`` of shape (N, d) returning shape (N, ...).
    means : array_like, shape (n, d)
        The means that define the reduced space.
    step, radius : float
        Trapezoid step h and half-width T in the reduced coordinates.

    Returns
    -------
    GaussianExpectation
    """
    Q, r, d = _numpy_basis(means)
    k = int(round(radius / step))
    t = step * np.arange(-k, k + 1)
    grids = np.meshgrid(*([t] * r), indexing="ij") if r else []
    T = np.stack([g.ravel() for g in grids], axis=-1) if r else np.zeros((1, 0))
    w_h = np.exp(-0.5 * np.sum(T**2, axis=1)) * (step / np.sqrt(2 * np.pi)) ** r
    coarse = np.all((np.rint(T / step).astype(int) % 2) == 0, axis=1) if r else np.ones(1, bool)
    w_2h = np.where(coarse, w_h * 2**r, 0.0)
    o = d - r
    S = np.array(list(itertools.product(_GH3_NODES, repeat=o))) if o else np.zeros((1, 0))
    w_o = np.array([np.prod(c) for c in itertools.product(_GH3_WEIGHTS, repeat=o)]) if o else np.ones(1)
    X = (T @ Q[:, :r].T)[:, None, :] + (S @ Q[:, r:].T)[None, :, :]
    values = np.asarray(func(X.reshape(-1, d)))
    values = values.reshape((T.shape[0], S.shape[0]) + values.shape[1:])
    inner = np.tensordot(w_o, values, axes=([0], [1]))  # (N_t, ...)
    fine = np.tensordot(w_h, inner, axes=([0], [0]))
    rough = np.tensordot(w_2h, inner, axes=([0], [0]))
    return GaussianExpectation(fine, float(np.max(np.abs(fine - rough))), r, int(T.shape[0] * S.shape[0]))


def _flatten(value):
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], (list, tuple)):
            return [v for row in value for v in row], (len(value), len(value[0]))
        return list(value), (len(value),)
    return [value], ()


def _unflatten(flat, shape):
    if shape == ():
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    rows, cols = shape
    return [flat[r * cols : (r + 1) * cols] for r in range(rows)]


def gaussian_expectation_mp(func, means, *, dps: int = 40, step=None, radius=None) -> GaussianExpectation:
    """mpmath expectation of ``func`` over ``x ~ N(0, I_d)`` for rank <= 1 means (high precision).

    Parameters
    ----------
    func : callable
        ``func(x)`` for one point ``x`` (list of d mpf) returning an mpf, a list
        or a list of lists (e.g. a :class:`~verify.symbolic.codegen.GeneratedIntegrand`
        with ``backend="mpmath"`` wrapped in a lambda).
    means : nested sequence (n, d)
        Numbers convertible to mpf (pass strings or Rationals for exact input).
    dps : int
        Working precision; the result is accurate to about ``dps - 5`` digits
        for means with pairwise distances <= 2 and the default step.
    step, radius : mpf, optional
        Default ``1/10`` and ``sqrt(2 (dps + 5) log 10)``.

    Returns
    -------
    GaussianExpectation
        ``value`` as mpf / list / list of lists; ``error`` = ``max |I_h - I_2h|``.

    Raises
    ------
    ValueError
        If the means have rank > 1 (use the float64 rule or :mod:`verify.reference`).
    """
    import mpmath

    with mpmath.workdps(dps):
        M = mpmath.matrix([[mpmath.mpf(v) for v in row] for row in means])
        n, d = M.rows, M.cols
        h = mpmath.mpf(step) if step is not None else mpmath.mpf(1) / 10
        T = mpmath.mpf(radius) if radius is not None else mpmath.sqrt(2 * (dps + 5) * mpmath.log(10))
        # direction of the means (rank <= 1)
        row_norms = [mpmath.sqrt(sum(M[i, a] ** 2 for a in range(d))) for i in range(n)]
        i0 = max(range(n), key=lambda i: row_norms[i])
        if row_norms[i0] == 0:
            r, Q = 0, mpmath.eye(d)
        else:
            u = [M[i0, a] / row_norms[i0] for a in range(d)]
            for i in range(n):
                proj = sum(M[i, a] * u[a] for a in range(d))
                resid = mpmath.sqrt(sum((M[i, a] - proj * u[a]) ** 2 for a in range(d)))
                if resid > mpmath.mpf(10) ** (-dps + 10) * max(1, row_norms[i0]):
                    raise ValueError("gaussian_expectation_mp: means must have rank <= 1")
            r = 1
            # complete u to an orthonormal basis (Householder reflection mapping e_1 to u)
            e1 = [mpmath.mpf(1)] + [mpmath.mpf(0)] * (d - 1)
            v = [u[a] - e1[a] for a in range(d)]
            vv = sum(x * x for x in v)
            Q = mpmath.eye(d)
            if vv != 0:
                for a in range(d):
                    for b in range(d):
                        Q[a, b] -= 2 * v[a] * v[b] / vv
        k = int(mpmath.ceil(T / h))
        gh_nodes = [mpmath.mpf(0), mpmath.sqrt(3), -mpmath.sqrt(3)]
        gh_weights = [mpmath.mpf(2) / 3, mpmath.mpf(1) / 6, mpmath.mpf(1) / 6]
        o = d - r
        ts = [h * j for j in range(-k, k + 1)] if r else [mpmath.mpf(0)]
        fine = rough = None
        shape = ()
        points = 0
        for j, t in zip(range(-k, k + 1) if r else [0], ts):
            w_t = h * mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi) if r else mpmath.mpf(1)
            acc = None
            for combo in itertools.product(range(3), repeat=o):
                coords = ([t] if r else []) + [gh_nodes[c] for c in combo]
                x = [sum(Q[a, b] * coords[b] for b in range(d)) for a in range(d)]
                flat, shape = _flatten(func(x))
                w = mpmath.fprod([gh_weights[c] for c in combo]) if o else mpmath.mpf(1)
                acc = [w * f for f in flat] if acc is None else [a_ + w * f for a_, f in zip(acc, flat)]
                points += 1
            fine = [w_t * a_ for a_ in acc] if fine is None else [f + w_t * a_ for f, a_ in zip(fine, acc)]
            w_2 = 2 * w_t if (j % 2 == 0) else mpmath.mpf(0)
            rough = [w_2 * a_ for a_ in acc] if rough is None else [f + w_2 * a_ for f, a_ in zip(rough, acc)]
        error = max(abs(f - g) for f, g in zip(fine, rough))
        return GaussianExpectation(_unflatten(fine, shape), error, r, points)

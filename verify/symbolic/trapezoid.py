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

The rules come from :mod:`solvers.rules`: the float64 path takes its nodes and
weights (:func:`solvers.rules.gaussian_trapezoid`, :func:`solvers.rules.gauss_hermite`,
:func:`solvers.rules.tensor_rule`) and its error (:func:`solvers.rules.compare_rules`)
there; the mpmath path computes nodes and weights at its working precision but takes the
plan (:func:`solvers.rules.trapezoid_offsets`: offsets and the nested 2h rule) and the
comparison from the same place. This integrator checks the symbolic layer; the
toolkit's production engines live in :mod:`solvers.population` and the mpmath
reference in :mod:`verify.reference`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from solvers.reduction import span_basis
from solvers.rules import compare_rules, gauss_hermite, gaussian_trapezoid, tensor_rule, trapezoid_offsets

__all__ = ["GaussianExpectation", "gaussian_expectation", "gaussian_expectation_mp"]

ORTHOGONAL_POINTS = 3
"""Gauss--Hermite points per orthogonal coordinate: exact for polynomials of degree <= 5."""


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
    fine, coarse = gaussian_trapezoid(step, int(round(radius / step)), r)
    T = fine.nodes
    S, w_o = tensor_rule(*gauss_hermite(ORTHOGONAL_POINTS), d - r)
    X = (T @ Q[:, :r].T)[:, None, :] + (S @ Q[:, r:].T)[None, :, :]
    values = np.asarray(func(X.reshape(-1, d)))
    values = values.reshape((T.shape[0], S.shape[0]) + values.shape[1:])
    inner = np.tensordot(w_o, values, axes=([0], [1]))  # (N_t, ...)
    est = compare_rules(lambda rule: rule.apply(inner), coarse, fine, what="func")
    return GaussianExpectation(est.value, est.max_error(), r, int(T.shape[0] * S.shape[0]))


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
                if resid > mpmath.mpf(10) ** (-dps + 10) * row_norms[i0]:  # relative, as span_basis
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
        # the plan of the float64 rule: offsets j = -k..k (k covers T), the 2h rule on even j;
        # nodes and weights at the working precision, the 3-point Gauss-Hermite rule in closed form
        offsets, on_coarse = trapezoid_offsets(int(mpmath.ceil(T / h)) if r else 0)
        gh_nodes = [mpmath.mpf(0), mpmath.sqrt(3), -mpmath.sqrt(3)]
        gh_weights = [mpmath.mpf(2) / 3, mpmath.mpf(1) / 6, mpmath.mpf(1) / 6]
        o = d - r
        inner, fine_w, coarse_w = [], [], []
        shape = ()
        points = 0
        for j, even in zip(offsets.tolist(), on_coarse.tolist()):
            t = h * j
            w_t = h * mpmath.exp(-t * t / 2) / mpmath.sqrt(2 * mpmath.pi) if r else mpmath.mpf(1)
            acc = None
            for combo in itertools.product(range(ORTHOGONAL_POINTS), repeat=o):
                coords = ([t] if r else []) + [gh_nodes[c] for c in combo]
                x = [sum(Q[a, b] * coords[b] for b in range(d)) for a in range(d)]
                flat, shape = _flatten(func(x))
                w = mpmath.fprod([gh_weights[c] for c in combo]) if o else mpmath.mpf(1)
                acc = [w * f for f in flat] if acc is None else [a_ + w * f for a_, f in zip(acc, flat)]
                points += 1
            inner.append(acc)
            fine_w.append(w_t)
            coarse_w.append(2**r * w_t if even else mpmath.mpf(0))

        def apply(weights):
            total = None
            for w_t, acc in zip(weights, inner):
                total = [w_t * a_ for a_ in acc] if total is None else [f + w_t * a_ for f, a_ in zip(total, acc)]
            return total

        est = compare_rules(apply, coarse_w, fine_w, names=(f"trapezoid h={2 * h}", f"trapezoid h={h}"))
        fine, error = est.value, max(est.error)
        return GaussianExpectation(_unflatten(fine, shape), error, r, points)

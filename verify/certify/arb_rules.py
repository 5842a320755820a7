r"""Rigorous Gauss–Legendre rules for vector-valued analytic integrands (Arb): the rule layer of
:mod:`verify.certify` (:mod:`solvers.rules` is the float64 one).

For :math:`f` analytic inside the Bernstein ellipse :math:`E_\rho` of the
segment :math:`[a, b]` (foci :math:`a, b`, semi-axes
:math:`h(\rho \pm \rho^{-1})/2`, :math:`h = (b-a)/2`) with :math:`|f| \le M`
there, the :math:`N`-point Gauss–Legendre rule satisfies (Trefethen 2008,
Thm. 4.5, the bound used by Arb's ``acb_calc_integrate``)

.. math:: \Bigl|\int_a^b f - h\sum_k w_k f(m + h x_k)\Bigr|
          \le h\,\frac{64\,M}{15\,(\rho^2-1)\,\rho^{2N}} .

Here :math:`M` and analyticity are both certified by *one* complex ball
evaluation of the integrand on the rectangle
:math:`[m - hA, m + hA] \times i[-hB, hB] \supset E_\rho`: ball arithmetic
encloses the integrand on the whole (filled) rectangle, so a finite result
proves that no pole or branch cut meets it (``acb.log(..., analytic=True)``
returns a non-finite ball otherwise) and bounds :math:`|f|`. Nodes and
weights are Arb balls (``arb.legendre_p_root``), so the rule itself is
evaluated rigorously. Segments that fail (non-finite bound, or more than the
largest rule needed) are bisected.
"""

from __future__ import annotations

import math

from ._flint import require

RULES = (8, 12, 16, 20, 24, 32, 40, 48, 64)
RHOS = (8.0, 5.0, 3.0, 2.0, 1.5)
_NODE_CACHE: dict = {}


def gauss_legendre(N: int, prec: int):
    """Nodes and weights (Arb balls) of the ``N``-point rule on ``[-1, 1]``, cached per precision."""
    key = (N, prec)
    if key not in _NODE_CACHE:
        fl = require()
        xs, ws = [], []
        for k in range(N):
            if k < (N + 1) // 2:
                x, w = fl.arb.legendre_p_root(N, k, weight=True)
            else:
                x, w = xs[N - 1 - k], ws[N - 1 - k]
                x = -x
            xs.append(x)
            ws.append(w)
        _NODE_CACHE[key] = (xs, ws)
    return _NODE_CACHE[key]


def integrate(real_f, box_f, a: float, b: float, tol: float, prec: int, *, max_depth: int = 40,
              stats: dict | None = None):
    r"""Enclose :math:`\int_a^b f` for a vector integrand.

    Parameters
    ----------
    real_f : callable
        ``real_f(t: arb) -> list[arb]`` (the integrand components at a real ball).
    box_f : callable
        ``box_f(z: acb) -> list[acb] | None``; must return non-finite balls (or
        None) when the integrand is not analytic on the box ``z``.
    a, b : float
        Endpoints (converted exactly to Arb; dyadic).
    tol : float or arb
        Absolute error goal for each component over the whole ``[a, b]`` (an Arb
        value may be below the float range; only its logarithm is used).
    prec : int
        Working precision (the caller holds it via :func:`._flint.workprec`).

    Returns
    -------
    list of arb
        Enclosures of the component integrals (quadrature error included).
    """
    fl = require()
    arb, acb = fl.arb, fl.acb
    log_tol = _log(arb, tol)
    total = None
    length = b - a
    stack = [(a, b, 0)]
    nseg = nodes = 0
    while stack:
        lo, hi, depth = stack.pop()
        log_seg_tol = log_tol + math.log((hi - lo) / length)
        mid_f, half_f = (lo + hi) / 2, (hi - lo) / 2
        m, h = (arb(lo) + arb(hi)) / 2, (arb(hi) - arb(lo)) / 2  # exact endpoints: segments tile [a, b]
        best = None
        for rho in RHOS:
            rb = arb(rho)
            A, B = (rb + 1 / rb) / 2, (rb - 1 / rb) / 2
            # rectangle m + [-hA, hA] + i[-hB, hB] containing the Bernstein ellipse (outward rounded)
            z = acb(m + arb(0, (h * A).upper()), arb(0, (h * B).upper()))
            vals = box_f(z)
            if vals is None or not all(v.is_finite() for v in vals):
                continue
            Ms = [abs(v).upper() for v in vals]
            log_M = max(_log(arb, x) for x in Ms)
            # smallest rule whose bound meets the segment goal (estimate; the bound is re-done in Arb below)
            log_ratio = math.log(half_f * 64 / (15 * (rho * rho - 1))) + log_M - log_seg_tol
            need = max(log_ratio, 0.0) / (2 * math.log(rho))
            N = next((r for r in RULES if r >= need + 0.5), None)
            if N is None:
                continue
            if best is None or N < best[1]:
                best = (rho, N, Ms)
            if N <= RULES[1]:
                break
        if best is None:
            if depth >= max_depth:
                raise ArithmeticError(f"quadrature: no analytic bound on [{lo}, {hi}] at depth {depth}")
            stack.append((mid_f, hi, depth + 1))
            stack.append((lo, mid_f, depth + 1))
            continue
        rho, N, Ms = best
        xs, ws = gauss_legendre(N, prec)
        acc = None
        for xk, wk in zip(xs, ws):
            vals = real_f(m + h * xk)
            if acc is None:
                acc = [wk * v for v in vals]
            else:
                for q, v in enumerate(vals):
                    acc[q] += wk * v
        rb = arb(rho)
        factor = h * 64 / (15 * (rb * rb - 1) * rb ** (2 * N))
        seg = [h * s + arb(0, (factor * Mq).upper()) for s, Mq in zip(acc, Ms)]
        total = seg if total is None else [t + s for t, s in zip(total, seg)]
        nseg += 1
        nodes += N
    if stats is not None:
        stats["segments"] = stats.get("segments", 0) + nseg
        stats["nodes"] = stats.get("nodes", 0) + nodes
    return total


def _log(arb, x) -> float:
    """Natural log of a positive number (float or Arb, possibly below the float range); -inf for 0."""
    if isinstance(x, arb):
        if not bool(x > 0):
            return -math.inf
        return float(x.log().mid())
    return math.log(x) if x > 0 else -math.inf

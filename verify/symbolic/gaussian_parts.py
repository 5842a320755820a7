r"""Gaussian integration by parts (Stein's identity) in one dimension, shown symbolically.

For :math:`\phi_c(t) = e^{-(t-c)^2/2}/\sqrt{2\pi}` and a bounded differentiable
:math:`g`,

.. math::

    \int_{\mathbb R} \big(g'(t) - (t - c)\,g(t)\big)\,\phi_c(t)\,dt
    = \lim_{M\to\infty}\Big[g\,\phi_c\Big]_{-M}^{M} = 0,
    \qquad\text{i.e.}\qquad E_{t\sim N(c,1)}[(t - c)\,g(t)] = E_{t\sim N(c,1)}[g'(t)] .

In :math:`\mathbb R^d` the same identity holds coordinatewise by Fubini
(integrate :math:`\partial_{x_a}(g\phi_c)` in :math:`x_a` first), which is the
Stein step of xfd24 Lemma 9 / zxfd25 with :math:`g = \psi_i`, a function with
values in (0, 1).
"""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

__all__ = ["gaussian_integration_by_parts_1d", "responsibility_bounds_hold"]


@lru_cache(maxsize=None)
def gaussian_integration_by_parts_1d() -> dict:
    r"""Exact checks of the 1-D Gaussian integration by parts.

    Returns
    -------
    dict
        ``product_rule``: :math:`\frac{d}{dt}(g\phi_c) = (g' - (t-c)g)\phi_c`
        for an undefined function g (bool);
        ``fundamental_theorem``: SymPy's :math:`\int_{-M}^{M}\frac{d}{dt}(g\phi_c)\,dt`
        equals :math:`g(M)\phi_c(M) - g(-M)\phi_c(-M)` (bool);
        ``boundary_vanishes``: :math:`\phi_c(\pm M)\to 0` as :math:`M\to\infty`
        for symbolic c, so the boundary term vanishes for bounded g (bool);
        ``exponential_instance``: the integrated identity
        :math:`E[(t-c)e^{bt}] = E[b e^{bt}] = b e^{bc + b^2/2}` computed by
        ``sympy.integrate`` with symbolic b, c (bool);
        ``identity``: the product-rule expression (a SymPy ``Eq``);
        ``all``: conjunction of the checks.
    """
    t, c, M, b = sp.symbols("t c M b", real=True)
    g = sp.Function("g")
    phi = sp.exp(-((t - c) ** 2) / 2) / sp.sqrt(2 * sp.pi)
    lhs = sp.diff(g(t) * phi, t)
    rhs = (sp.diff(g(t), t) - (t - c) * g(t)) * phi
    product_rule = sp.simplify(lhs - rhs) == 0

    ftc = sp.integrate(sp.Derivative(g(t) * phi, t), (t, -M, M))
    boundary = (g(t) * phi).subs(t, M) - (g(t) * phi).subs(t, -M)
    fundamental_theorem = sp.simplify(ftc - boundary) == 0

    boundary_vanishes = (
        sp.limit(phi.subs(t, M), M, sp.oo) == 0 and sp.limit(phi.subs(t, -M), M, sp.oo) == 0
    )

    # t = c + u with u ~ N(0, 1); g(t) = exp(b t) = exp(b c) exp(b u)
    u = sp.Symbol("u", real=True)
    phi0 = sp.exp(-(u**2) / 2) / sp.sqrt(2 * sp.pi)
    stein_lhs = sp.exp(b * c) * sp.integrate(u * sp.exp(b * u) * phi0, (u, -sp.oo, sp.oo), conds="none")
    stein_rhs = sp.exp(b * c) * sp.integrate(b * sp.exp(b * u) * phi0, (u, -sp.oo, sp.oo), conds="none")
    closed = b * sp.exp(b * c + b**2 / 2)
    exponential_instance = (
        sp.simplify(stein_lhs - stein_rhs) == 0 and sp.simplify(stein_rhs - closed) == 0
    )
    checks = {
        "product_rule": bool(product_rule),
        "fundamental_theorem": bool(fundamental_theorem),
        "boundary_vanishes": bool(boundary_vanishes),
        "exponential_instance": bool(exponential_instance),
    }
    return {**checks, "identity": sp.Eq(lhs, rhs, evaluate=False), "all": all(checks.values())}


def responsibility_bounds_hold(n: int) -> bool:
    r"""Exact check that :math:`0 < \psi_i < 1` for :math:`n \ge 2`, all i.

    With :math:`e_k = \pi_k e^{A_k} > 0` (positive symbols), :math:`\psi_i = e_i/\sum_k e_k`
    and :math:`1 - \psi_i = \sum_{k\ne i} e_k / \sum_k e_k` are quotients of
    sums of positive terms, which SymPy's assumption system certifies.
    For ``n = 1``, :math:`\psi_1 \equiv 1` (bounded as well).
    """
    e = sp.symbols(f"e_1:{n + 1}", positive=True)
    total = sp.Add(*e)
    ok = True
    for i in range(n):
        psi = e[i] / total
        ok &= bool(psi.is_positive)
        if n >= 2:
            ok &= bool(sp.together(1 - psi).is_positive)
    return ok

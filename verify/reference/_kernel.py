r"""Vector-valued nested Gauss–Legendre integration of the mixture moments.

Integrand
---------
With reduced means :math:`c_i`, :math:`\bar c = \sum_k\pi_k c_k`,
:math:`K_2 = \sum_k \pi_k |c_k|^2` and :math:`y\sim N(0, I_r)`, the shifted scores are

.. math:: b_i(y) = \log\pi_i + \langle y, c_i - \bar c\rangle - (|c_i|^2 - K_2)/2 ,

i.e. :math:`b_i = \log\pi_i + a_i - \bar a` with :math:`a_i = \langle y,c_i\rangle - |c_i|^2/2`
and :math:`\bar a = \sum_k \pi_k a_k`. Then (max-shifted log-sum-exp, :math:`m=\max_i b_i`)

.. math:: D(y) = \log\sum_i e^{b_i} = m + \log\sum_i e^{b_i - m}\;\ge 0,
          \qquad \psi_i(y) = e^{b_i - m} / \sum_k e^{b_k - m},

:math:`D = \log\sum_i\pi_i e^{a_i} - \sum_i\pi_i a_i \ge 0` by Jensen, and
:math:`L = K_2/2 - E[D]` because :math:`E[\bar a] = -K_2/2`. At every node all the
requested moments are accumulated at once:

* ``D``: :math:`E[D]`;
* ``psi``: :math:`E[\psi_i\,y^\alpha]` for monomials of degree ``<= deg_psi``;
* ``pp``: :math:`E[\psi_i\psi_j\,y^\alpha]`, ``i <= j``, degree ``<= deg_pp``.

Rule
----
Nested: the outer coordinates ``y_0 .. y_{r-2}`` and the inner line ``y_{r-1}``
are each integrated with Gauss–Legendre panels from :func:`._rules.plan_panels` on
the ball ``|y| <= T``. Breakpoints of the inner line are the crossings of the
upper envelope of the scores along it; breakpoints of an outer coordinate are
the vertices of the envelope of the remaining coordinates (points where
``r - k + 1`` scores are equal and maximal). The number of nodes per panel
follows the digits that panel needs: a panel at distance ``rho`` from the
origin carries a Gaussian factor ``exp(-rho^2/2)`` and gets
fewer digits; :func:`._rules.panel_nodes` sizes each panel from the Bernstein
ellipse of the Gaussian and of the nearest complex singularities
``t +- i pi w`` of the crossings. The arithmetic is fixed point (see
:mod:`._rules`).
"""

from __future__ import annotations

import itertools
import math

from ._rules import (
    fixed_math,
    float_to_fixed,
    gl_nodes_fixed,
    plan_panels,
    upper_envelope_crossings,
)

__all__ = ["MomentSpec", "Integrator", "BudgetExceeded", "monomials"]

LN10 = math.log(10.0)


class BudgetExceeded(Exception):
    """Raised internally when a level would exceed the node budget."""


def monomials(r: int, deg: int):
    """Monomials ``y^alpha`` of degree ``<= deg`` as sorted coordinate tuples."""
    out = [()]
    for k in range(1, deg + 1):
        out.extend(itertools.combinations_with_replacement(range(r), k))
    return out


class MomentSpec:
    """Which moments to accumulate.

    Parameters
    ----------
    need_D : bool
        Accumulate :math:`E[D]` (for the loss).
    deg_psi, deg_pp : int
        Largest monomial degree for :math:`E[\\psi_i y^\\alpha]` and
        :math:`E[\\psi_i\\psi_j y^\\alpha]`; ``-1`` for none.
    need_vsq : bool
        Accumulate :math:`E|\\sum_k \\psi_k (c_k - \\bar c)|^2` (a non-negative
        integrand, for :math:`E|\\tilde\\psi|^2` without cancellation).
    """

    def __init__(self, need_D: bool, deg_psi: int, deg_pp: int, need_vsq: bool = False):
        self.need_D = bool(need_D)
        self.need_vsq = bool(need_vsq)
        self.deg_psi = int(deg_psi)
        self.deg_pp = int(deg_pp)


class Integrator:
    r"""Fixed-point nested integrator for one reduced problem.

    Parameters
    ----------
    h : list of int
        F-numbers of :math:`\log\pi_i - (|c_i|^2 - K_2)/2`.
    g : list of list of int
        F-numbers of :math:`c_i - \bar c` (``n x r``).
    hf, gf : floats
        The same in floating point (geometry only: breakpoints, panel layout).
    T : float
        Truncation radius.
    P : int
        Fixed-point bits.
    spec : MomentSpec
    budget : int or None
        Maximal number of integrand evaluations for one :meth:`run`.
    """

    def __init__(self, h, g, hf, gf, T, P, spec, budget=None):
        self.h, self.g, self.hf, self.gf = h, g, hf, gf
        self.n = len(h)
        self.r = len(g[0])
        self.T = float(T)
        self.P = int(P)
        self.spec = spec
        self.budget = budget
        self.fm = fixed_math(self.P)
        self.cut = self.fm.cut
        self._gl = {}
        r = self.r
        self.mono_psi = monomials(r, spec.deg_psi) if spec.deg_psi >= 0 else []
        self.mono_pp = monomials(r, spec.deg_pp) if spec.deg_pp >= 0 else []
        self.pairs = [(i, j) for i in range(self.n) for j in range(i, self.n)]

    # -- helpers ---------------------------------------------------------
    def gl(self, m):
        hit = self._gl.get(m)
        if hit is None:
            hit = self._gl[m] = gl_nodes_fixed(m, self.P)
        return hit

    def _panels(self, R, breaks, D_line):
        """Panels of [-R, R] as (mid, half, m) F-numbers (see :func:`plan_panels`)."""
        P = self.P
        out = []
        for a, b, m in plan_panels(-R, R, breaks, D_line):
            A, B = float_to_fixed(a, P), float_to_fixed(b, P)
            out.append(((A + B) >> 1, (B - A) >> 1, m))
        return out

    # -- public ----------------------------------------------------------
    def run(self, D: float):
        r"""Integrate all moments to about ``D`` digits (one level).

        Returns
        -------
        dict
            ``"D"``: int, ``"vsq"``: int, ``"psi"``: {(i, mono): int}, ``"pp"``: {(i, j, mono): int},
            all F-numbers (P bits) of the *unnormalised* integrals
            :math:`\int f(y) e^{-|y|^2/2} dy` over the ball; ``"nodes"``: count.
        """
        n, r = self.n, self.r
        self.count = 0
        self.acc_D = 0
        self.acc_vsq = 0
        self.acc_psi = {(i, mo): 0 for i in range(n) for mo in self.mono_psi}
        self.acc_pp = {(i, j, mo): 0 for (i, j) in self.pairs for mo in self.mono_pp}
        ONE = 1 << self.P
        self._outer(0, [], list(self.h), list(self.hf), ONE, float(D), 0.0)
        return {"D": self.acc_D, "vsq": self.acc_vsq, "psi": dict(self.acc_psi), "pp": dict(self.acc_pp),
                "nodes": self.count}

    # -- recursion -------------------------------------------------------
    def _vertices(self, k, alpha_f, R):
        """Breakpoints for coordinate k: envelope vertices of the remaining space."""
        n, r = self.n, self.r
        mrem = r - k
        gf = self.gf
        out = []
        for S in itertools.combinations(range(n), mrem + 1):
            i0 = S[0]
            A = [[gf[j][a] - gf[i0][a] for a in range(k, r)] for j in S[1:]]
            rhs = [alpha_f[i0] - alpha_f[j] for j in S[1:]]
            z = _solve(A, rhs)
            if z is None:
                continue
            if sum(v * v for v in z) > R * R:
                continue
            vals = [alpha_f[i] + sum(gf[i][k + a] * z[a] for a in range(mrem)) for i in range(n)]
            if vals[i0] < max(vals) - 2.0:
                continue
            spread = max(math.sqrt(sum((gf[p][a] - gf[q][a]) ** 2 for a in range(k, r)))
                         for p, q in itertools.combinations(S, 2))
            if spread > 0:
                out.append((z[0], 1.0 / spread))
        return out

    def _outer(self, k, prefix, alpha, alpha_f, Wp, D_line, rad2):
        P = self.P
        R2 = self.T * self.T - rad2
        if R2 <= 0:
            return
        R = math.sqrt(R2)
        if k == self.r - 1:
            self._line(prefix, alpha, alpha_f, Wp, R, D_line)
            return
        breaks = self._vertices(k, alpha_f, R)
        gk = [gi[k] for gi in self.g]
        gkf = [gi[k] for gi in self.gf]
        fexp = self.fm.exp
        for mid, half, m in self._panels(R, breaks, D_line):
            X, Wt = self.gl(m)
            for x, w in zip(X, Wt):
                y = mid + ((half * x) >> P)
                ey = fexp(-((y * y) >> (P + 1)))
                if ey == 0:
                    continue
                W = (Wp * (((half * w) >> P) * ey >> P)) >> P
                yf = y / (1 << P)
                a2 = [al + ((gi * y) >> P) for al, gi in zip(alpha, gk)]
                a2f = [al + gi * yf for al, gi in zip(alpha_f, gkf)]
                self._outer(k + 1, prefix + [y], a2, a2f, W, D_line - yf * yf / (2 * LN10),
                            rad2 + yf * yf)

    def _line(self, prefix, alpha, alpha_f, Wp, R, D_line):
        """Innermost 1-D integral along y_{r-1} with the prefix fixed."""
        P = self.P
        n = self.n
        last = self.r - 1
        gam = [gi[last] for gi in self.g]
        gamf = [gi[last] for gi in self.gf]
        breaks = upper_envelope_crossings(alpha_f, gamf, -R, R)
        panels = self._panels(R, breaks, D_line)
        spec = self.spec
        need_D = spec.need_D
        need_vsq = spec.need_vsq
        gcols = [[gi[a] for gi in self.g] for a in range(self.r)]
        dpsi, dpp = spec.deg_psi, spec.deg_pp
        cut = self.cut
        fexp, flog = self.fm.exp, self.fm.log
        ONE = 1 << P
        ONE2 = 1 << (2 * P)
        rng_n = range(n)
        pairs = self.pairs
        sD = 0
        sV = 0
        s0 = [0] * n
        s1 = [0] * n
        s2 = [0] * n
        q0 = [0] * len(pairs)
        q1 = [0] * len(pairs)
        q2 = [0] * len(pairs)
        count = 0
        for mid, half, m in panels:
            X, Wt = self.gl(m)
            count += m
            for x, w in zip(X, Wt):
                t = mid + ((half * x) >> P)
                z = -((t * t) >> (P + 1))
                if z < cut:
                    continue
                Wn = (Wp * ((((half * w) >> P) * fexp(z)) >> P)) >> P
                if Wn == 0:
                    continue
                b = [al + ((gm * t) >> P) for al, gm in zip(alpha, gam)]
                mx = max(b)
                e = []
                s = 0
                for bi in b:
                    zz = bi - mx
                    if zz == 0:
                        ei = ONE
                    elif zz < cut:
                        ei = 0
                    else:
                        ei = fexp(zz)
                    e.append(ei)
                    s += ei
                if need_D:
                    sD += Wn * (mx + flog(s))
                inv = ONE2 // s
                psi = [(ei * inv) >> P for ei in e]
                if need_vsq:
                    vs = 0
                    for col in gcols:
                        va = 0
                        for p_, gc in zip(psi, col):
                            va += p_ * gc
                        va >>= P
                        vs += va * va
                    sV += Wn * (vs >> P)
                if dpsi >= 0 or dpp >= 0:
                    wpsi = [(Wn * p) >> P for p in psi]
                if dpsi >= 0:
                    for i in rng_n:
                        wp_ = wpsi[i]
                        if wp_:
                            s0[i] += wp_
                            if dpsi >= 1:
                                u = wp_ * t
                                s1[i] += u
                                if dpsi >= 2:
                                    s2[i] += (u >> P) * t
                if dpp >= 0:
                    for k, (i, j) in enumerate(pairs):
                        wp_ = wpsi[i]
                        pj = psi[j]
                        if wp_ and pj:
                            v = (wp_ * pj) >> P
                            q0[k] += v
                            if dpp >= 1:
                                u = v * t
                                q1[k] += u
                                if dpp >= 2:
                                    q2[k] += (u >> P) * t
        self.count += count
        if self.budget is not None and self.count > self.budget:
            raise BudgetExceeded(self.count)
        # combine the line sums with the prefix monomials
        if need_D:
            self.acc_D += sD >> P
        if need_vsq:
            self.acc_vsq += sV >> P
        sums_psi = (s0, [v >> P for v in s1], [v >> P for v in s2])
        sums_pp = (q0, [v >> P for v in q1], [v >> P for v in q2])
        cache = {}

        def pref(mono):
            key = tuple(a for a in mono if a != last)
            c = cache.get(key)
            if c is None:
                c = ONE
                for a in key:
                    c = (c * prefix[a]) >> P
                cache[key] = c
            return c

        acc = self.acc_psi
        for mo in self.mono_psi:
            kpow = mo.count(last)
            c = pref(mo)
            sk = sums_psi[kpow]
            for i in rng_n:
                acc[(i, mo)] += (c * sk[i]) >> P
        acc = self.acc_pp
        for mo in self.mono_pp:
            kpow = mo.count(last)
            c = pref(mo)
            sk = sums_pp[kpow]
            for k, (i, j) in enumerate(pairs):
                acc[(i, j, mo)] += (c * sk[k]) >> P


def _solve(A, rhs):
    """Solve a small dense system in floats (partial pivoting); None if singular."""
    m = len(A)
    M = [list(row) + [v] for row, v in zip(A, rhs)]
    scale = max((abs(x) for row in A for x in row), default=0.0)
    if scale == 0.0:
        return None
    for c in range(m):
        p = max(range(c, m), key=lambda i: abs(M[i][c]))
        if abs(M[p][c]) <= 1e-12 * scale:
            return None
        M[c], M[p] = M[p], M[c]
        for i in range(c + 1, m):
            f = M[i][c] / M[c][c]
            for j in range(c, m + 1):
                M[i][j] -= f * M[c][j]
    z = [0.0] * m
    for c in range(m - 1, -1, -1):
        z[c] = (M[c][m] - sum(M[c][j] * z[j] for j in range(c + 1, m))) / M[c][c]
    return z

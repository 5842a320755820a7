r"""Certified population quantities for means spanning a plane (reduced rank r = 2).

With an orthonormal basis :math:`e_1, e_2` of :math:`\operatorname{span}(\mu_i)`,
:math:`\mu_i = c_{i1}e_1 + c_{i2}e_2` and :math:`x\sim N(0, I_d)`, every score
:math:`\langle x,\mu_i\rangle - |\mu_i|^2/2 = \langle y, c_i\rangle - |c_i|^2/2`
depends on :math:`x` only through :math:`y = (\langle x,e_1\rangle, \langle x,e_2\rangle)
\sim N(0, I_2)`; the orthogonal part of :math:`x` is independent and centred, so it
integrates out exactly and

.. math::
   L = -E\log S(y),\quad \nabla_{\mu_i}L = \sum_a E[\psi_i(y)(c_{ia} - y_a)]\,e_a,\quad
   E|\tilde\psi|^2 = E|m(y)|^2,\quad m = \sum_k\psi_k c_k,

with :math:`S(y) = \sum_i \pi_i e^{a_i(y)}`, :math:`a_i(y) = \langle y, c_i\rangle - |c_i|^2/2`.

**Cubature.** :math:`[-T, T]^2` is tiled adaptively by rectangles. On a rectangle
:math:`[m_x \pm h_x]\times[m_y \pm h_y]` the tensor Gauss–Legendre rule
:math:`Q = Q_x\otimes Q_y` satisfies
:math:`I - Q = I_x\otimes(I_y - Q_y) + (I_x - Q_x)\otimes Q_y`, so with the
one-dimensional bound of :mod:`verify.certify.arb_rules` applied once per variable

.. math:: |I - Q| \le 2h_xh_y\frac{64}{15}\Bigl[\frac{M_y}{(\rho_y^2-1)\rho_y^{2N_y}}
          + \frac{M_x}{(\rho_x^2-1)\rho_x^{2N_x}}\Bigr],

where :math:`M_y \ge |f|` on (real :math:`x` in the cell) :math:`\times` (complex
:math:`y` in the Bernstein ellipse :math:`E_{\rho_y}` of :math:`[m_y\pm h_y]`) and
:math:`M_x` likewise with the roles exchanged (:math:`|Q_y g| \le 2h_y\sup|g|`, the
weights being positive). Each of :math:`M_x, M_y` is *one* complex ball evaluation
of the integrand on a box containing the ellipse; a finite result proves analyticity
there (no zero of the denominator, no branch cut of the logarithm).

**Where the responsibilities switch.** On each rectangle the integrand is written in
the stable form of the component :math:`j` dominant at its centre,
:math:`\psi_i = e^{a_i - a_j}/D`, :math:`D = \sum_k e^{a_k - a_j}`; the complex
zeros of :math:`D` lie at distance :math:`\pi/|c_i - c_j|` from the switching lines
:math:`a_i = a_j`, so a rectangle across such a line fails the ball test for large
:math:`\rho` and is split (in the variable with no admissible rule; the longer side
when both fail) until it passes; cells therefore shrink only along the switching
lines. The plane is first rotated so that the most costly oblique switching line
becomes parallel to an axis (:func:`_aligning_rotation`); for two components the
integrand then varies across one variable only. A rectangle whose
integrand ball, evaluated on the whole real rectangle, is already below its share of
the tolerance is enclosed by area :math:`\times` that ball (mean value theorem) with
no nodes at all.

**Tails.** Outside :math:`[-T,T]^2` (a subset of :math:`\{|y_1|>T\}\cup\{|y_2|>T\}`),
with :math:`Q = \tfrac12\operatorname{erfc}(T/\sqrt2)`, :math:`\varphi(T)` the
density, :math:`E|y_2| \le 0.8`:

* :math:`|\log S| \le |\log\pi_{\min}| + c_{\max}^2/2 + c_{\max}(|y_1|+|y_2|)`, so the
  loss tail is at most :math:`4K_0Q + c_{\max}(4\varphi(T) + 3.2\,Q)`;
* :math:`0\le\psi_i\le1`: :math:`4Q`; :math:`|\psi_i(c_{ia} - y_a)| \le |c_{ia}| + |y_a|`:
  :math:`4|c_{ia}|Q + 2\varphi(T) + 1.6\,Q`; :math:`|m|^2\le c_{\max}^2`,
  :math:`|\psi_i m_a|\le c_{\max}`,

and these are added as balls centred at 0.

Length: one module by design, the r = 2 enclosure engine (cells, switching lines, Bernstein bounds, tails) whose parts share the same exact planar geometry.
"""

from __future__ import annotations

import math

import numpy as np

from ._flint import require
from .arb_rules import _log, gauss_legendre

QUANTITIES = ("loss", "gradient", "gradient_stein", "psi_tilde_sq", "responsibility_means")
RULES = (4, 6, 8, 10, 12, 16, 20, 24, 32, 40)
RHOS = (8.0, 5.0, 3.0, 2.0, 1.5)
MAX_DEPTH = 30
INITIAL_CELL = 3.0


def default_tol(prec: int):
    """Absolute cubature goal per component at ``prec`` bits: :math:`2^{-\\lfloor 9\\,\\mathrm{prec}/16\\rfloor}` (2e-22 at 128)."""
    return require().arb(2) ** (-((9 * int(prec)) // 16))


class _Plane:
    """Integrand data for one mixture in reduced coordinates (Arb balls)."""

    def __init__(self, fl, weights, coords, names):
        self.fl = fl
        self.n = len(weights)
        self.names = tuple(names)
        self.lp = [w.log() for w in weights]
        self.c = [(c[0], c[1]) for c in coords]
        self.c2h = [(a * a + b * b) / 2 for a, b in self.c]
        self.inv_2pi = 1 / (2 * fl.arb.pi())
        self.inv_sqrt_2pi = self.inv_2pi.sqrt()
        self.layout = []
        n = self.n
        for q in self.names:
            self.layout.append((q, {"loss": 1, "psi_tilde_sq": 1, "responsibility_means": n}.get(q, 2 * n)))
        self.size = sum(s for _, s in self.layout)
        self.need_m = "psi_tilde_sq" in self.names or "gradient_stein" in self.names
        self.cf = [(float(a.mid()), float(b.mid())) for a, b in self.c]
        self.af = [float(x.mid()) - float(h.mid()) for x, h in zip(self.lp, self.c2h)]

    def dominant(self, x: float, y: float) -> int:
        return max(range(self.n), key=lambda i: self.af[i] + self.cf[i][0] * x + self.cf[i][1] * y)

    def stable(self, j):
        """Offsets of :math:`a_i - a_j = \\alpha_i + \\beta_{i1} y_1 + \\beta_{i2} y_2`."""
        al = [self.lp[i] - self.lp[j] - self.c2h[i] + self.c2h[j] for i in range(self.n)]
        be = [(self.c[i][0] - self.c[j][0], self.c[i][1] - self.c[j][1]) for i in range(self.n)]
        return al, be

    # ---- one ball point (real rectangle or complex box) ------------------------------------
    def ball_values(self, j, x, y, box: bool):
        """Integrand components at a ball point (``box``: complex, checks analyticity); None if not finite."""
        fl = self.fl
        one = fl.acb(1) if box else fl.arb(1)
        al, be = self.stable(j)
        s = [None] * self.n
        D = one
        for i in range(self.n):
            if i == j:
                s[i] = one
                continue
            s[i] = (al[i] + be[i][0] * x + be[i][1] * y).exp()
            D = D + s[i]
        w = (-(x * x + y * y) / 2).exp() * self.inv_2pi
        invD = 1 / D
        if box and not invD.is_finite():
            return None
        out = []
        m = None
        if self.need_m:
            m = [sum((s[i] * self.c[i][a] for i in range(self.n)), one * 0) * invD for a in (0, 1)]
        yy = (x, y)
        for q, _ in self.layout:
            if q == "loss":
                logD = D.log(analytic=True) if box else D.log()
                aj = self.lp[j] - self.c2h[j] + self.c[j][0] * x + self.c[j][1] * y
                out.append(-(aj + logD) * w)
            elif q == "responsibility_means":
                out.extend(s[i] * invD * w for i in range(self.n))
            elif q == "gradient":
                out.extend(s[i] * invD * w * (self.c[i][a] - yy[a]) for i in range(self.n) for a in (0, 1))
            elif q == "gradient_stein":
                out.extend(s[i] * invD * w * m[a] for i in range(self.n) for a in (0, 1))
            elif q == "psi_tilde_sq":
                out.append((m[0] * m[0] + m[1] * m[1]) * w)
        if box and not all(v.is_finite() for v in out):
            return None
        return out

    # ---- tensor Gauss-Legendre on a rectangle (vectorised over the nodes) -------------------
    def cell_rule(self, j, mx, hx, my, hy, Nx, Ny, prec):
        r"""The tensor rule on one rectangle, for every component (no error term).

        :math:`e^{a_i - a_j} = X_i(y_1)Y_i(y_2)` is a rank-one matrix on the node grid, so
        :math:`Q[\psi_i w\,g(y_1)h(y_2)] = (w_x g X_i)^\top (w/D)\,(w_y h Y_i)`: the
        responsibilities and the gradient need only matrix-vector products with
        :math:`w/D`.
        """
        fl = self.fl
        X, WX = gauss_legendre(Nx, prec)
        Y, WY = gauss_legendre(Ny, prec)
        xs = np.array([mx + hx * t for t in X], dtype=object)
        ys = np.array([my + hy * t for t in Y], dtype=object)
        wx = np.array([hx * w for w in WX], dtype=object)
        wy = np.array([hy * w for w in WY], dtype=object)
        phx = np.exp(-(xs * xs) / 2) * self.inv_sqrt_2pi
        phy = np.exp(-(ys * ys) / 2) * self.inv_sqrt_2pi
        al, be = self.stable(j)
        Xf, Yf = [None] * self.n, [None] * self.n
        others = [i for i in range(self.n) if i != j]
        for i in others:
            Xf[i], Yf[i] = np.exp(al[i] + be[i][0] * xs), np.exp(be[i][1] * ys)
        Xm = np.stack([Xf[i] for i in others], axis=1)  # (Nx, n-1)
        Ym = np.stack([Yf[i] for i in others], axis=0)  # (n-1, Ny): D - 1 = Xm Ym
        D = Xm.dot(Ym) + 1
        invD = 1 / D
        w = np.multiply.outer(phx, phy)
        inv = w * invD
        wxx, wyy = wx * xs, wy * ys

        def left(i, u):
            return u if i == j else u * Xf[i]

        def right(i, v):
            return v if i == j else v * Yf[i]

        out = []
        m = None
        if self.need_m:
            m = []
            for a in (0, 1):
                ca = np.array([self.c[i][a] for i in others], dtype=object)
                m.append(((Xm * ca).dot(Ym) + self.c[j][a]) * invD)
        rows = {}

        def row(i):  # (w/D) (w_y Y_i): the node sums over y_2 of psi_i w
            if i not in rows:
                rows[i] = inv.dot(right(i, wy))
            return rows[i]

        for q, _ in self.layout:
            if q == "loss":
                base = (self.lp[j] - self.c2h[j]) * wx.dot(phx) * wy.dot(phy)
                lin = self.c[j][0] * wxx.dot(phx) * wy.dot(phy) + self.c[j][1] * wx.dot(phx) * wyy.dot(phy)
                out.append(-(base + lin + wx.dot((np.log(D) * w).dot(wy))))
            elif q == "responsibility_means":
                out.extend(left(i, wx).dot(row(i)) for i in range(self.n))
            elif q == "gradient":
                for i in range(self.n):
                    e0 = left(i, wx).dot(row(i))
                    e1 = left(i, wxx).dot(row(i))
                    e2 = left(i, wx).dot(inv.dot(right(i, wyy)))
                    out.append(self.c[i][0] * e0 - e1)
                    out.append(self.c[i][1] * e0 - e2)
            elif q == "gradient_stein":
                g = [m[a] * inv for a in (0, 1)]
                out.extend(left(i, wx).dot(g[a].dot(right(i, wy))) for i in range(self.n) for a in (0, 1))
            elif q == "psi_tilde_sq":
                out.append(wx.dot(((m[0] * m[0] + m[1] * m[1]) * w).dot(wy)))
        return out


def _aligning_rotation(fl, coords):
    r"""Rotation :math:`R` (Arb balls) making one switching line parallel to an axis.

    The line :math:`a_a = a_b` has normal :math:`c_a - c_b`; with :math:`e_1' \parallel c_a - c_b`
    the integrand of that pair does not vary along :math:`e_2'`, and tensor rectangles
    resolve it with nodes in one variable only. Among the pairs, the one chosen
    minimises :math:`\sum_{\text{pairs}}\min(|\Delta_1'|, |\Delta_2'|)` (how oblique the
    switching lines are, weighted by their steepness). The exact rotation is
    orthogonal and lies in the balls, so the quantities computed from
    :math:`R c_i` are enclosed, and gradients are rotated back with :math:`R^\top`.
    """
    arb = fl.arb
    n = len(coords)
    cf = [(float(a.mid()), float(b.mid())) for a, b in coords]
    pairs = [(i, k) for i in range(n) for k in range(i + 1, n)
             if (cf[i][0] - cf[k][0]) ** 2 + (cf[i][1] - cf[k][1]) ** 2 > 0]
    if not pairs:
        return [[arb(1), arb(0)], [arb(0), arb(1)]]

    def oblique(angle):
        ca, sa = math.cos(angle), math.sin(angle)
        total = 0.0
        for i, k in pairs:
            d1, d2 = cf[i][0] - cf[k][0], cf[i][1] - cf[k][1]
            total += min(abs(ca * d1 + sa * d2), abs(-sa * d1 + ca * d2))
        return total

    i, k = min(pairs, key=lambda p: oblique(math.atan2(cf[p[0]][1] - cf[p[1]][1], cf[p[0]][0] - cf[p[1]][0])))
    d1, d2 = coords[i][0] - coords[k][0], coords[i][1] - coords[k][1]
    norm = (d1 * d1 + d2 * d2).sqrt()
    cos, sin = d1 / norm, d2 / norm
    return [[cos, sin], [-sin, cos]]


def _rule_for(log_bound, rho):
    """Smallest rule with ``log_bound - 2N log(rho) <= 0`` (float estimate), or None."""
    need = max(log_bound, 0.0) / (2 * math.log(rho))
    return next((r for r in RULES if r >= need + 0.25), None)


def plane_quantities_arb(weights, coords, names=QUANTITIES, *, prec: int, tol=None, stats: dict | None = None):
    r"""Arb enclosures of the r = 2 quantities in reduced coordinates (caller holds ``workprec(prec)``).

    Parameters
    ----------
    weights : list of arb
        :math:`\pi_i` (summing to one).
    coords : list of (arb, arb)
        :math:`c_i` in an orthonormal basis of the plane.
    names : sequence of str
        Subset of :data:`QUANTITIES`.
    tol : arb, optional
        Absolute cubature goal per component (default :func:`default_tol`).

    Returns
    -------
    dict
        ``loss``, ``psi_tilde_sq`` -> arb; ``responsibility_means`` -> list of arb;
        ``gradient``, ``gradient_stein`` -> list of ``[arb, arb]`` (coefficients on
        :math:`e_1, e_2`).
    """
    fl = require()
    arb, acb = fl.arb, fl.acb
    names = tuple(names)
    bad = [q for q in names if q not in QUANTITIES]
    if bad:
        raise ValueError(f"quantities: unknown {bad}, expected a subset of {QUANTITIES}")
    tol = default_tol(prec) if tol is None else arb(tol)
    rot = _aligning_rotation(fl, coords)
    coords = [(rot[0][0] * a + rot[0][1] * b, rot[1][0] * a + rot[1][1] * b) for a, b in coords]
    P = _Plane(fl, weights, coords, names)
    n = P.n
    log_tol = _log(arb, tol)

    # ---- truncation and analytic tails -------------------------------------------------------
    cmax = arb(max((((a * a + b * b).sqrt()).upper() for a, b in P.c), key=float))
    lp_min = min((x.lower() for x in P.lp), key=float)
    K0 = abs(arb(lp_min)).upper() + cmax * cmax / 2
    cm, k0 = float(cmax), float(K0)
    T = 4.0
    while -T * T / 2 + math.log(4 * k0 + 4 * cm * cm + 4 * cm + 4 * T + 8) > log_tol - math.log(32):
        T += 0.5
    Tb = arb(T)
    Q = (Tb / arb(2).sqrt()).erfc() / 2
    phiT = (-Tb * Tb / 2).exp() * P.inv_sqrt_2pi
    eabs = arb("0.8")  # >= E|N(0,1)| = sqrt(2/pi)
    tails = []
    for q, _ in P.layout:
        if q == "loss":
            tails.append(4 * K0 * Q + cmax * (4 * phiT + 4 * eabs * Q))
        elif q == "responsibility_means":
            tails.extend([4 * Q] * n)
        elif q == "gradient":
            tails.extend(4 * abs(P.c[i][a]).upper() * Q + 2 * phiT + 2 * eabs * Q for i in range(n) for a in (0, 1))
        elif q == "gradient_stein":
            tails.extend([4 * cmax * Q] * (2 * n))
        elif q == "psi_tilde_sq":
            tails.append(4 * cmax * cmax * Q)

    # ---- adaptive tiling of [-T, T]^2 ----------------------------------------------------------
    k = max(1, int(math.ceil(T / INITIAL_CELL)))
    edges = [-T + 2 * T * i / (2 * k) for i in range(2 * k + 1)]
    stack = [(x0, x1, y0, y1, 0) for x0, x1 in zip(edges[:-1], edges[1:]) for y0, y1 in zip(edges[:-1], edges[1:])]
    area_total = (2 * T) ** 2
    total = [arb(0)] * P.size
    cells = nodes = empty = 0
    while stack:
        x0, x1, y0, y1, depth = stack.pop()
        mxf, myf = (x0 + x1) / 2, (y0 + y1) / 2
        hxf, hyf = (x1 - x0) / 2, (y1 - y0) / 2
        mx, hx = (arb(x0) + arb(x1)) / 2, (arb(x1) - arb(x0)) / 2  # exact dyadic ends: cells tile the square
        my, hy = (arb(y0) + arb(y1)) / 2, (arb(y1) - arb(y0)) / 2
        share = 4 * hxf * hyf / area_total
        log_cell = log_tol + math.log(share)
        j = P.dominant(mxf, myf)
        rx, ry = arb(mx, hx), arb(my, hy)
        whole = P.ball_values(j, rx, ry, False)
        area = 4 * hx * hy
        if all(v.is_finite() for v in whole):
            log_sup = max(_log(arb, abs(v).upper()) for v in whole) + math.log(4 * hxf * hyf)
            if log_sup <= log_cell:  # |integral| <= area * sup|f| is already below this cell's share
                total = [t + area * v for t, v in zip(total, whole)]
                cells += 1
                empty += 1
                continue
        choice = {}
        for axis in ("x", "y"):
            best = None
            for rho in RHOS:
                rb = arb(rho)
                A, B = (rb + 1 / rb) / 2, (rb - 1 / rb) / 2
                if axis == "x":
                    zx = acb(mx + arb(0, (hx * A).upper()), arb(0, (hx * B).upper()))
                    vals = P.ball_values(j, zx, acb(ry), True)
                else:
                    zy = acb(my + arb(0, (hy * A).upper()), arb(0, (hy * B).upper()))
                    vals = P.ball_values(j, acb(rx), zy, True)
                if vals is None:
                    continue
                Ms = [abs(v).upper() for v in vals]
                log_M = max(_log(arb, m) for m in Ms)
                log_bound = (math.log(2 * hxf * hyf * 64 / (15 * (rho * rho - 1))) + log_M
                             - (log_cell - math.log(2)))
                N = _rule_for(log_bound, rho)
                if N is not None and (best is None or N < best[1]):
                    best = (rho, N, Ms)
                if N is not None and N <= RULES[2]:
                    break
            choice[axis] = best
        bx, by = choice["x"], choice["y"]
        if bx is None or by is None:
            if depth >= MAX_DEPTH:
                raise ArithmeticError(f"plane cubature: no analytic bound on [{x0}, {x1}] x [{y0}, {y1}]")
            split_x = bx is None if (bx is None) != (by is None) else hxf >= hyf
            if split_x:
                xm = (x0 + x1) / 2
                stack += [(x0, xm, y0, y1, depth + 1), (xm, x1, y0, y1, depth + 1)]
            else:
                ym = (y0 + y1) / 2
                stack += [(x0, x1, y0, ym, depth + 1), (x0, x1, ym, y1, depth + 1)]
            continue
        (rhox, Nx, Mx), (rhoy, Ny, My) = bx, by
        vals = P.cell_rule(j, mx, hx, my, hy, Nx, Ny, prec)
        fx = 2 * hx * hy * 64 / (15 * (arb(rhox) ** 2 - 1) * arb(rhox) ** (2 * Nx))
        fy = 2 * hx * hy * 64 / (15 * (arb(rhoy) ** 2 - 1) * arb(rhoy) ** (2 * Ny))
        total = [t + v + arb(0, (fx * a + fy * b).upper()) for t, v, a, b in zip(total, vals, Mx, My)]
        cells += 1
        nodes += Nx * Ny
    if stats is not None:
        stats["cells"] = stats.get("cells", 0) + cells
        stats["cells_without_nodes"] = stats.get("cells_without_nodes", 0) + empty
        stats["nodes"] = stats.get("nodes", 0) + nodes
        stats["T"] = T
    total = [t + arb(0, tb.upper()) for t, tb in zip(total, tails)]

    out, pos = {}, 0
    for q, size in P.layout:
        vals = total[pos:pos + size]
        pos += size
        if q in ("loss", "psi_tilde_sq"):
            out[q] = vals[0]
        elif q == "responsibility_means":
            out[q] = vals
        else:  # back to the caller's basis: g = R^T g'
            out[q] = [[rot[0][a] * g0 + rot[1][a] * g1 for a in (0, 1)]
                      for g0, g1 in (vals[2 * i:2 * i + 2] for i in range(n))]
    return out

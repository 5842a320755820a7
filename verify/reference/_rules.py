r"""Quadrature building blocks: fixed-point arithmetic, Gauss–Legendre nodes,
kink-aware panel plans and Gaussian tail bounds.

Fixed-point convention
----------------------
Inside the integration kernel every real number ``z`` is held as the Python
integer ``round(z * 2**P)`` ("an F-number at P bits"). Additions are exact,
products are ``(a * b) >> P`` (one unit in the last place, ``2**-P``, of
absolute error), ``exp`` and ``log`` are table driven (:class:`FixedMath`,
tables from mpmath at ``P + 16`` bits). Results are turned back into
:class:`mpmath.mpf` exactly. The caller chooses ``P`` with guard digits for
the cancellation and the smallest entry it must resolve, and adds a bound on
the rounding (a few ulps per node, weights summing to about one) to the
reported error.

Panels
------
The integrands are analytic but, for well separated means, change on a length
scale ``w = 1/|c_i - c_j|`` near the points where the dominant component of
the mixture changes (crossings of the affine scores): the analytic
continuation has singularities (zeros of :math:`\sum_i e^{b_i}`) at distance
about ``pi w`` (two components) or ``2 pi w / 3`` (three) from the real
crossing point. A Gauss–Legendre panel converges like ``rho^{-2m}`` with
``rho`` the Bernstein ellipse parameter of the nearest singularity, so
:func:`plan_panels` puts a breakpoint at each sharp crossing, grades the panels
geometrically away from it (first length twice the singularity distance,
ratio 4), splits the smooth remainder into the cheapest number of panels, and
:func:`panel_nodes` gives each panel the number of nodes that its nearest
singularity and the Gaussian factor require (Bernstein-ellipse estimates,
checked against mpmath).

Length: one module by design, the fixed-point rules and their error bounds share one arithmetic.
"""

from __future__ import annotations

import cmath
import math
import threading

import mpmath
from mpmath import libmp
from mpmath.libmp.libelefun import ln2_fixed

__all__ = [
    "gl_nodes_fixed",
    "float_to_fixed",
    "fixed_to_mpf",
    "plan_panels",
    "upper_envelope_crossings",
    "panel_nodes",
    "quantize_nodes",
    "FixedMath",
    "fixed_math",
    "chi_tail_moment",
    "radius_for_tail",
]

FIRST = 2.0
"""First graded panel length, in units of the distance ``POLE_DIST * w`` of the
nearest complex singularity from its crossing."""
RATIO = 4.0
"""Geometric growth of graded panel lengths away from a crossing."""

_GL_CACHE: dict[int, tuple[int, list[int], list[int]]] = {}
_GL_LOCK = threading.Lock()


NODE_SIZES = (3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 16, 18, 20, 22, 24, 27, 30, 33, 36, 40, 44, 48,
              53, 58, 64, 70, 77, 85, 94, 104, 115, 128, 142, 158, 176, 196, 218, 242, 270, 300)
"""Allowed panel sizes (about 10% apart), so that few rules need computing."""


def quantize_nodes(m: float) -> int:
    """Smallest size in :data:`NODE_SIZES` that is ``>= m`` (capped at the largest)."""
    for k in NODE_SIZES:
        if k >= m:
            return k
    return NODE_SIZES[-1]


def _gl_fixed(m: int, Pc: int):
    """Gauss–Legendre nodes/weights on [-1, 1] as F-numbers at ``Pc`` bits.

    Newton's method on the three-term recurrence of the Legendre polynomial,
    in exact integer fixed point with 32 guard bits, started from float64
    roots (Tricomi's approximation polished by Newton in floats) and iterated
    until the correction is below ``2**-(Pc+16)``. Only the non-negative half
    is computed; the rule is symmetric.
    """
    Q = Pc + 32
    ONE = 1 << Q

    def legendre(x):
        p0, p1 = ONE, x
        for j in range(2, m + 1):
            p0, p1 = p1, ((2 * j - 1) * ((x * p1) >> Q) - (j - 1) * p0) // j
        return p1, p0

    def deriv(x, p1, p0):
        num = m * (((x * p1) >> Q) - p0)
        den = ((x * x) >> Q) - ONE
        return (num << Q) // den

    xs, ws = [], []
    for k in range(1, m // 2 + 1):
        x0 = math.cos(math.pi * (k - 0.25) / (m + 0.5))
        for _ in range(8):
            q0, q1 = 1.0, x0
            for j in range(2, m + 1):
                q0, q1 = q1, ((2 * j - 1) * x0 * q1 - (j - 1) * q0) / j
            x0 -= q1 / (m * (x0 * q1 - q0) / (x0 * x0 - 1.0))
        x = float_to_fixed(x0, Q)
        for _ in range(40):
            p1, p0 = legendre(x)
            dx = (p1 << Q) // deriv(x, p1, p0)
            x -= dx
            if abs(dx) < (1 << 16):
                break
        else:  # pragma: no cover - Newton from float64 roots always converges
            raise ArithmeticError(f"Gauss-Legendre Newton iteration failed (m={m})")
        p1, p0 = legendre(x)
        dp = deriv(x, p1, p0)
        den = ((ONE - ((x * x) >> Q)) * ((dp * dp) >> Q)) >> Q
        xs.append(x >> 32)
        ws.append(((2 << (2 * Q)) // den) >> 32)
    if m % 2:
        _, p0 = legendre(0)
        dp = m * p0
        xs.append(0)
        ws.append(((2 << (2 * Q)) // ((dp * dp) >> Q)) >> 32)
    return xs, ws


def gl_nodes_fixed(m: int, P: int) -> tuple[list[int], list[int]]:
    r"""Gauss–Legendre rule with ``m`` nodes on ``[-1, 1]`` as F-numbers at P bits.

    Parameters
    ----------
    m : int
        Number of nodes (``m >= 1``).
    P : int
        Fixed-point precision in bits.

    Returns
    -------
    nodes, weights : list of int
        ``round(x_k 2^P)`` and ``round(w_k 2^P)``, ``k = 1..m``, with
        :math:`\int_{-1}^1 f \approx \sum_k w_k f(x_k)`. Cached per ``m`` at
        the highest precision requested so far (shifted down on reuse).
    """
    with _GL_LOCK:
        hit = _GL_CACHE.get(m)
    if hit is None or hit[0] < P:
        Pc = max(P, 160)
        half_x, half_w = _gl_fixed(m, Pc)
        if m % 2:
            nodes = [-x for x in half_x[:-1]] + [0] + half_x[:-1][::-1]
            weights = half_w[:-1] + [half_w[-1]] + half_w[:-1][::-1]
        else:
            nodes = [-x for x in half_x] + half_x[::-1]
            weights = half_w + half_w[::-1]
        hit = (Pc, nodes, weights)
        with _GL_LOCK:
            _GL_CACHE[m] = hit
    Pc, nodes, weights = hit
    sh = Pc - P
    return [x >> sh for x in nodes], [w >> sh for w in weights]


def float_to_fixed(x: float, P: int) -> int:
    """The float ``x`` as an F-number at ``P`` bits (exact up to the final rounding)."""
    if x == 0.0:
        return 0
    mant, ex = math.frexp(x)
    mi = int(mant * (1 << 53))
    sh = P + ex - 53
    return mi << sh if sh >= 0 else mi >> -sh


def fixed_to_mpf(v: int, P: int):
    """The F-number ``v`` (P bits) as an exact :class:`mpmath.mpf`."""
    return mpmath.mpf(libmp.from_man_exp(v, -P, None))


_FM_CACHE: dict = {}


class FixedMath:
    r"""Table-driven ``exp`` and ``log`` for F-numbers at ``P`` bits.

    ``exp(x)``, ``x <= 0``: with ``-x = n ln 2 + t``, ``t = k_1 2^-8 + k_2 2^-16
    + k_3 2^-24 + u``, ``0 <= u < 2^-24``,

    .. math:: e^{x} = 2^{-n} E_1[k_1] E_2[k_2] E_3[k_3] \sum_{j\le K}(-u)^j/j!,

    with tables ``E_s[k] = exp(-k 2^{-8s})`` computed by mpmath at ``P + 16``
    bits and ``K`` chosen so that the truncated Taylor term is below
    ``2^-(P+4)``. Absolute error: a few units of ``2^-P``. Arguments below
    ``-(P+2) ln 2`` give 0.

    ``log(s)``, ``s >= 1``: ``s = 2^k x``, ``x in [1, 2)``, three table
    reductions ``x <- x / (1 + j 2^{-8s})`` (``j`` the next 8 bits) leave
    ``x = 1 + v``, ``v < 2^-24``, and

    .. math:: \log s = k\ln 2 + \sum_s \log(1 + j_s 2^{-8s}) + \sum_{j\le K} (-1)^{j+1} v^j / j .
    """

    def __init__(self, P: int):
        self.P = P
        self.ONE = 1 << P
        self.ln2 = ln2_fixed(P)
        self.cut = -(P + 2) * self.ln2
        with mpmath.workprec(P + 16):
            def tab(sh):
                q = mpmath.exp(-mpmath.ldexp(1, -sh))
                out, v = [], mpmath.mpf(1)
                for _ in range(256):
                    out.append(libmp.to_fixed(v._mpf_, P))
                    v *= q
                return out
            self.E1, self.E2, self.E3 = tab(8), tab(16), tab(24)

            def ltab(sh):
                L, Rc = [], []
                for j in range(256):
                    v = 1 + mpmath.ldexp(j, -sh)
                    L.append(libmp.to_fixed(mpmath.log(v)._mpf_, P))
                    Rc.append(libmp.to_fixed((1 / v)._mpf_, P))
                return L, Rc
            (self.L1, self.R1), (self.L2, self.R2), (self.L3, self.R3) = ltab(8), ltab(16), ltab(24)
        K = 1
        while (K + 1) * 24 + math.lgamma(K + 2) / math.log(2) < P + 4:
            K += 1
        fact = 1
        coef = []
        for j in range(K + 1):
            if j:
                fact *= j
            coef.append(self.ONE // fact)
        self.coef_rev = coef[::-1]
        # log1p(v) = v * sum_{j>=0} (-v)^j / (j+1), Horner from the top
        self.lcoef_rev = [self.ONE // (j + 1) for j in range(K + 1)][::-1]

    def exp(self, x: int) -> int:
        """``exp(x)`` for an F-number ``x <= 0``."""
        if x < self.cut:
            return 0
        P = self.P
        n, t = divmod(-x, self.ln2)
        k1 = t >> (P - 8)
        t -= k1 << (P - 8)
        k2 = t >> (P - 16)
        t -= k2 << (P - 16)
        k3 = t >> (P - 24)
        u = t - (k3 << (P - 24))
        c = self.coef_rev
        p = c[0]
        for cj in c[1:]:
            p = cj - ((p * u) >> P)
        v = (((self.E1[k1] * self.E2[k2]) >> P) * self.E3[k3]) >> P
        return ((v * p) >> P) >> n

    def log(self, s: int) -> int:
        """``log(s)`` for an F-number ``s >= 1``."""
        P = self.P
        k = s.bit_length() - 1 - P
        x = s >> k if k > 0 else s
        ONE = self.ONE
        j1 = (x - ONE) >> (P - 8)
        x = (x * self.R1[j1]) >> P
        j2 = (x - ONE) >> (P - 16)
        if j2 < 0:
            j2 = 0
        x = (x * self.R2[j2]) >> P
        j3 = (x - ONE) >> (P - 24)
        if j3 < 0:
            j3 = 0
        v = ((x * self.R3[j3]) >> P) - ONE
        c = self.lcoef_rev
        p = c[0]
        for cj in c[1:]:
            p = cj - ((p * v) >> P)
        out = self.L1[j1] + self.L2[j2] + self.L3[j3] + ((p * v) >> P)
        if k > 0:
            out += k * self.ln2
        return out


def fixed_math(P: int) -> FixedMath:
    """Cached :class:`FixedMath` for ``P`` bits."""
    fm = _FM_CACHE.get(P)
    if fm is None:
        fm = _FM_CACHE[P] = FixedMath(P)
    return fm


def upper_envelope_crossings(alpha, beta, lo: float, hi: float):
    r"""Crossings of the upper envelope of lines ``alpha_i + beta_i t`` in ``(lo, hi)``.

    Parameters
    ----------
    alpha, beta : sequence of float
        Intercepts and slopes.
    lo, hi : float
        Interval.

    Returns
    -------
    list of (t, w)
        Points ``t`` where :math:`\arg\max_i (\alpha_i + \beta_i t)` changes,
        with the transition width ``w = 1/|beta_j - beta_i|`` of the two lines
        meeting there. Lines with equal slopes never cross (the larger
        intercept dominates everywhere).
    """
    n = len(alpha)
    # dominant line at t = lo
    cur = max(range(n), key=lambda i: (alpha[i] + beta[i] * lo, beta[i]))
    t0 = lo
    out = []
    for _ in range(n):
        best, bt = None, hi
        for j in range(n):
            db = beta[j] - beta[cur]
            if db <= 0.0:
                continue
            t = (alpha[cur] - alpha[j]) / db
            if t > t0 and (t < bt or (t == bt and best is not None and beta[j] > beta[best])):
                best, bt = j, t
            elif t <= t0 and alpha[j] + beta[j] * t0 > alpha[cur] + beta[cur] * t0:
                # numerically already above: switch immediately
                if best is None or t0 < bt:
                    best, bt = j, t0
        if best is None or bt >= hi:
            break
        out.append((bt, 1.0 / (beta[best] - beta[cur])))
        cur, t0 = best, bt
    return out


BREAK_DIST = 3.0
"""A crossing becomes a panel breakpoint when its nearest singularity is closer
than this to the real axis (farther ones only enter the node counts)."""
MAX_SPLIT = 8
"""Largest number of equal panels tried for a smooth segment."""


def plan_panels(lo: float, hi: float, crossings, D: float):
    r"""Panels ``(a, b, m)`` for ``[lo, hi]``: breakpoints, grading and node counts.

    Parameters
    ----------
    lo, hi : float
        Interval, ``lo < hi`` (a chord of the truncation ball).
    crossings : iterable of (t, w)
        Crossings of the dominant component with transition widths ``w``;
        the integrand has complex singularities near ``t +- i POLE_DIST w``.
    D : float
        Digits wanted, relative to the Gaussian peak of this line.

    Returns
    -------
    list of (float, float, int)
        Consecutive panels and their Gauss–Legendre node counts.

    Notes
    -----
    Crossings with ``POLE_DIST * w < BREAK_DIST`` are breakpoints; panels are
    graded geometrically away from them (first length ``FIRST * POLE_DIST * w``
    ... i.e. twice the singularity distance, ratio ``RATIO``), which keeps the
    Bernstein parameter of the singularity bounded away from 1 on every panel.
    The smooth remainder of each segment is split into the number ``k <=
    MAX_SPLIT`` of equal panels that minimises the total of
    :func:`panel_nodes`.
    """
    crossings = list(crossings)
    poles = [(t, w) for t, w in crossings if lo - 20 * w < t < hi + 20 * w]
    pts = sorted((t, w) for t, w in crossings if lo < t < hi and POLE_DIST * w < BREAK_DIST)
    merged: list[tuple[float, float]] = []
    for t, w in pts:
        if merged and t - merged[-1][0] < 1e-3 * min(w, merged[-1][1]):
            merged[-1] = (merged[-1][0], min(w, merged[-1][1]))
        else:
            merged.append((t, w))
    ends = [(lo, None)] + merged + [(hi, None)]
    out = []
    for (u, wu), (v, wv) in zip(ends[:-1], ends[1:]):
        mid = 0.5 * (u + v)
        left = [u]
        if wu is not None:
            size = FIRST * POLE_DIST * wu
            while left[-1] + size < mid:
                left.append(left[-1] + size)
                size *= RATIO
        right = [v]
        if wv is not None:
            size = FIRST * POLE_DIST * wv
            while right[-1] - size > mid:
                right.append(right[-1] - size)
                size *= RATIO
        a, b = left[-1], right[-1]
        for x, y in zip(left[:-1], left[1:]):
            out.append((x, y, panel_nodes(x, y, D, poles)))
        # smooth middle: best equal split
        best, best_k, rising = None, 1, 0
        for k in range(1, MAX_SPLIT + 1):
            edges = [a + (b - a) * j / k for j in range(k + 1)]
            edges[-1] = b
            ms = [panel_nodes(x, y, D, poles) for x, y in zip(edges[:-1], edges[1:])]
            tot = sum(ms)
            if best is None or tot < best[0]:
                best, best_k, rising = (tot, edges, ms), k, 0
            else:
                rising += 1
                if rising >= 2:
                    break
        _, edges, ms = best
        for x, y, m in zip(edges[:-1], edges[1:], ms):
            out.append((x, y, m))
        rr = right[::-1]
        for x, y in zip(rr[:-1], rr[1:]):
            out.append((x, y, panel_nodes(x, y, D, poles)))
    return [(x, y, m) for x, y, m in out if y > x]


POLE_DIST = 2 * math.pi / 3
"""Assumed distance of the nearest complex singularity from a crossing, in
units of ``w``: ``pi w`` for two components (``e^{b_i} + e^{b_j} = 0``), down
to ``2 pi w / 3`` where three components meet (``1 + e^{i theta} + e^{2 i theta} = 0``)."""
_LN10 = math.log(10.0)
_RHOS = [1.3, 1.6, 2.0, 2.5, 3.2, 4.0, 5.0, 6.5, 8.0, 11.0, 16.0]


def _m_gauss(D: float, a: float, b: float) -> float:
    """Nodes for ``exp(-y^2/2)`` on ``[a, b]`` to ``D`` digits of its peak 1.

    Bernstein-ellipse bound: ``err <= max_{E_rho} |e^{-z^2/2}| rho^{-2m}``, with
    ``|e^{-z^2/2}| <= exp(-(max(0, |y0| - A))^2/2 + B^2/2)`` on the ellipse with
    semi-axes ``A, B`` around the centre ``y0``; minimised over rho.
    """
    ell = 0.5 * (b - a)
    y0 = abs(0.5 * (a + b))
    best = float("inf")
    for rho in _RHOS:
        A = ell * 0.5 * (rho + 1 / rho)
        B = ell * 0.5 * (rho - 1 / rho)
        lnmax = -0.5 * max(0.0, y0 - A) ** 2 + 0.5 * B * B
        m = (D * _LN10 + lnmax) / (2 * math.log(rho))
        best = min(best, m)
    return max(best, 0.0)


def _rho_pole(a: float, b: float, t: float, dist: float) -> float:
    """Bernstein parameter of the pole ``t + i dist`` for the panel ``[a, b]``."""
    L = b - a
    z = complex(2 * (t - a) / L - 1, 2 * dist / L)
    s = cmath.sqrt(z * z - 1)
    return max(abs(z + s), abs(z - s))


def panel_nodes(a: float, b: float, D: float, poles) -> int:
    r"""Gauss–Legendre nodes for the panel ``[a, b]`` to ``D`` digits.

    Parameters
    ----------
    a, b : float
        Panel (on a line whose prefix Gaussian factor is already in ``D``).
    D : float
        Digits wanted relative to the Gaussian peak (``D <= 2``: 3 nodes).
    poles : iterable of (t, w)
        Crossings ``t`` with width ``w``; the integrand has complex
        singularities at ``t +- i pi w``.

    Returns
    -------
    int
        ``max(m_gauss, m_pole) + 2 + 10%``, where ``m_pole = D ln 10 / (2 ln rho)``
        for the smallest Bernstein parameter ``rho`` of the poles, and
        ``m_gauss`` from :func:`_m_gauss`.
    """
    if D <= 2.0:
        return 3
    mg = _m_gauss(D, a, b)
    mp = 0.0
    for t, w in poles:
        rho = _rho_pole(a, b, t, POLE_DIST * w)
        if rho < 1.0 + 1e-9:
            rho = 1.0 + 1e-9
        mp = max(mp, D * _LN10 / (2 * math.log(rho)))
    m = max(mg, mp)
    return quantize_nodes(1.1 * m + 2)


def chi_tail_moment(r: int, k: int, T):
    r"""``E[rho^k ; rho > T]`` for ``rho = |y|``, ``y ~ N(0, I_r)`` (mpf).

    .. math:: E[\rho^k 1_{\rho>T}] = 2^{k/2}\,\Gamma\!\big(\tfrac{r+k}2, \tfrac{T^2}2\big)
              / \Gamma\!\big(\tfrac r2\big).
    """
    T = mpmath.mpf(T)
    return mpmath.mpf(2) ** (mpmath.mpf(k) / 2) * mpmath.gammainc(
        mpmath.mpf(r + k) / 2, T * T / 2) / mpmath.gamma(mpmath.mpf(r) / 2)


def radius_for_tail(r: int, C: float, digits: float) -> float:
    r"""Smallest (rounded up) ``T`` with ``E[(rho + C)^2 ; rho > T] <= 10^-digits``.

    Computed in floats on a log scale (a bound on the radius, not on the
    tail: the tail itself is evaluated exactly with :func:`chi_tail_moment`).
    """
    target = -digits * math.log(10.0)

    def logtail(T):
        # log of an upper bound of E[(rho+C)^2; rho>T] for T >= sqrt(r):
        # density of rho ~ rho^(r-1) e^{-rho^2/2} / (2^(r/2-1) Gamma(r/2));
        # tail integral <= (T+C)^2 T^(r-2) e^{-T^2/2} * (1 + small) / norm
        lg = math.lgamma(r / 2) + (r / 2 - 1) * math.log(2)
        return (2 * math.log(T + C + 1) + (r - 2) * math.log(T) - T * T / 2
                + math.log(4.0) - lg)

    T = max(2.0, math.sqrt(r) + 1)
    while logtail(T) > target:
        T += 0.25
    return T

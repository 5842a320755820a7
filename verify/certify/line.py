r"""Certified population quantities for means on one line (reduced rank r = 1).

With :math:`\mu_i = c_i e` (:math:`|e| = 1`) and :math:`x \sim N(0, I_d)`,
every quantity depends on :math:`x` only through :math:`t = \langle x, e\rangle
\sim N(0,1)`; the orthogonal part is independent and centred, so

.. math::
   L &= -E\,\log S(t), \qquad S(t) = \sum_i \pi_i e^{c_i t - c_i^2/2},\\
   \nabla_{\mu_i} L &= E[\psi_i(t)(c_i - t)]\; e \quad\text{(xfd24.fact1)},\qquad
   E[\psi_i(t)\,m(t)]\; e \quad\text{(Stein form, xfd24.lemma9)},\\
   E|\tilde\psi|^2 &= E\,m(t)^2, \qquad m(t) = \sum_k \psi_k(t) c_k, \qquad E\psi_i(t).

Stable forms: on a segment where component :math:`j` is dominant,
:math:`\log S = a_j + \log D`, :math:`D = \sum_i e^{a_i - a_j}`,
:math:`\psi_i = e^{a_i - a_j}/D`, :math:`a_i(t) = \log\pi_i + c_i t - c_i^2/2`.
The integral over :math:`[-T, T]` is split at the kinks of the upper envelope
of the :math:`a_i` (the complex zeros of :math:`D` lie above them) and computed
by :func:`verify.certify.arb_rules.integrate`; the two Gaussian tails are
bounded analytically with :math:`Q(T) = \tfrac12\operatorname{erfc}(T/\sqrt2)`,
:math:`\int_T^\infty t\varphi = \varphi(T)`:

* :math:`|\log S(t)| \le |\log\pi_{\min}| + c_{\max}^2/2 + c_{\max}|t|`,
* :math:`0 \le \psi_i \le 1`, :math:`|\psi_i (c_i - t)| \le |c_i| + |t|`,
  :math:`|\psi_i m| \le c_{\max}`, :math:`m^2 \le c_{\max}^2`,

and the tail bounds are added to the enclosures as balls centred at 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from ._flint import require, workprec
from .enclosure import Enclosure, QuantityEnclosures, _to_fraction, enclose_quantities
from .arb_rules import _log, integrate

QUANTITIES = ("loss", "gradient", "gradient_stein", "psi_tilde_sq", "responsibility_means")
DEFAULT_PREC = 128


@dataclass(frozen=True)
class LineMixture:
    r"""A mixture whose means lie on one line: :math:`\mu_i = c_i e`.

    Attributes
    ----------
    weights : tuple of Fraction
        Exactly normalised weights :math:`\pi_i = w_i/\sum_k w_k`.
    coords : tuple
        :math:`c_i`, each a Fraction (exact) or, for general float means, the
        pair ``(dot, norm_sq)`` with :math:`c_i = \text{dot}/\sqrt{\text{norm\_sq}}`
        (both exact rationals; the square root is enclosed in Arb).
    direction : tuple of Fraction
        Unnormalised direction :math:`v` (:math:`e = v/|v|`); length ``d``.
    """

    weights: tuple
    coords: tuple
    direction: tuple

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def d(self) -> int:
        return len(self.direction)

    @classmethod
    def from_coords(cls, weights, coords, d: int = 1) -> "LineMixture":
        """Means :math:`c_i e_1` in :math:`R^d` (weights normalised exactly)."""
        w = [Fraction(x) for x in weights]
        if len(w) != len(coords) or not w or any(x <= 0 for x in w):
            raise ValueError("weights: expected len(coords) positive weights")
        s = sum(w)
        return cls(tuple(x / s for x in w), tuple(Fraction(c) for c in coords),
                   tuple([Fraction(1)] + [Fraction(0)] * (int(d) - 1)))

    @classmethod
    def from_means(cls, weights, means) -> "LineMixture":
        r"""From float means whose span is (exactly) at most one-dimensional.

        Collinearity is checked in exact rational arithmetic:
        :math:`\mu_i|v|^2 = \langle\mu_i, v\rangle v` for the largest mean :math:`v`.
        Raises ValueError when the means are not exactly collinear (then r > 1).
        """
        w, mu = validate_line_input(weights, means)
        d = len(mu[0])
        s = sum(w)
        w = tuple(x / s for x in w)
        norms = [sum(x * x for x in r) for r in mu]
        k = max(range(len(mu)), key=lambda i: norms[i])
        v = mu[k]
        vv = norms[k]
        if vv == 0:
            return cls(w, tuple(Fraction(0) for _ in mu), tuple([Fraction(1)] + [Fraction(0)] * (d - 1)))
        coords = []
        axis = [i for i, x in enumerate(v) if x != 0]
        for r in mu:
            dot = sum(a * b for a, b in zip(r, v))
            if any(a * vv != dot * b for a, b in zip(r, v)):
                raise ValueError("means: not exactly collinear (rank r > 1); certification needs r = 1")
            if len(axis) == 1:  # v is a multiple of a coordinate axis: c_i exact
                i0 = axis[0]
                coords.append(r[i0])  # e = +e_{i0}, so mu_i = r[i0] e exactly
            else:
                coords.append((dot, vv))
        if len(axis) == 1:
            e = [Fraction(0)] * d
            e[axis[0]] = Fraction(1)
            return cls(w, tuple(coords), tuple(e))
        return cls(w, tuple(coords), tuple(v))

    @classmethod
    def from_params(cls, params: dict) -> "LineMixture":
        return cls.from_means(params["weights"], params["means"])

    # ---- Arb views ------------------------------------------------------------------
    def arb_coords(self):
        fl = require()
        out = []
        for c in self.coords:
            if isinstance(c, tuple):
                dot, vv = c
                out.append(_q(fl, dot) / _q(fl, vv).sqrt())
            else:
                out.append(_q(fl, c))
        return out

    def arb_direction(self):
        fl = require()
        v = [_q(fl, x) for x in self.direction]
        nrm = sum((x * x for x in v), fl.arb(0)).sqrt()
        return [x / nrm for x in v]

    def arb_weights(self):
        fl = require()
        return [_q(fl, x) for x in self.weights]


CERTIFY_MU_MAX = 1e4
r"""Largest :math:`\max_i|\mu_i|` accepted: the cost of the enclosures grows with the means
(about 0.02 s at 1e3, several seconds at 1e4, minutes beyond)."""


def validate_line_input(weights, means) -> tuple[list, list]:
    r"""Exact weights and means, validated as :class:`solvers.Mixture` validates them.

    Numbers stay exact: a Fraction, an int or a decimal string is itself, an mpmath
    number its dyadic value, a float the double it is. Weights must be positive and sum
    to 1 within ``solvers.mixture.WEIGHT_SUM_RTOL * n`` (they are never silently
    renormalised beyond that); means a rectangular (n, d) array of finite reals with
    :math:`\max|\mu_{ia}| \le` :data:`CERTIFY_MU_MAX`.
    """
    from solvers.mixture import WEIGHT_SUM_RTOL

    try:
        w = [_to_fraction(x) for x in weights]
    except (TypeError, ValueError, OverflowError, ZeroDivisionError) as exc:
        raise ValueError(f"weights: expected finite real numbers, got {weights!r:.80} ({exc})") from None
    if not w or any(x <= 0 for x in w):
        raise ValueError(f"weights: expected every weight > 0, got {weights!r:.80}")
    if abs(float(sum(w)) - 1.0) > WEIGHT_SUM_RTOL * len(w):
        raise ValueError(f"weights: expected weights summing to 1 (tolerance {WEIGHT_SUM_RTOL * len(w):.1e}), "
                         f"got sum {float(sum(w))!r}")
    try:
        rows = [list(row) for row in means]
        if any(isinstance(x, (complex, bytes)) or isinstance(x, bool) for row in rows for x in row):
            raise TypeError("expected real numbers")
        mu = [[_to_fraction(x) for x in row] for row in rows]
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"means: expected an (n, d) array of finite real numbers, got {means!r:.80} ({exc})") from None
    if len(mu) != len(w) or not mu[0] or any(len(r) != len(mu[0]) for r in mu):
        raise ValueError(f"means: expected shape (n, d) with n = {len(w)} rows of equal length d >= 1, "
                         f"got row lengths {[len(r) for r in mu]}")
    big = max(abs(x) for r in mu for x in r)
    if big > CERTIFY_MU_MAX:
        raise ValueError(f"means: expected max |mu_ia| <= {CERTIFY_MU_MAX:g} (the certified engine's cost grows "
                         f"with the means), got {float(big):.3g}")
    return w, mu


def _q(fl, x: Fraction):
    return fl.arb(fl.fmpq(x.numerator, x.denominator))


def _envelope_kinks(logw, cs, T):
    """Kinks of the upper envelope of the lines ``logw_i + c_i t - c_i^2/2`` inside (-T, T) (floats)."""
    n = len(cs)
    lines = [(logw[i] - cs[i] ** 2 / 2, cs[i]) for i in range(n)]
    kinks = set()
    for i in range(n):
        for j in range(i + 1, n):
            if cs[i] == cs[j]:
                continue
            t = (lines[j][0] - lines[i][0]) / (cs[i] - cs[j])
            if not -T < t < T:
                continue
            top = max(l0 + c * t for l0, c in lines)
            here = lines[i][0] + cs[i] * t
            if here >= top - 1e-9 * (1 + abs(top)):
                kinks.add(round(t, 12))
    return sorted(kinks)


def line_quantities_arb(weights, coords, names=QUANTITIES, *, prec: int = DEFAULT_PREC,
                        tol: float | None = None, stats: dict | None = None, components=None):
    r"""Arb enclosures of the r = 1 quantities (caller holds ``workprec(prec)``).

    Parameters
    ----------
    weights, coords : list of arb
        :math:`\pi_i` and :math:`c_i` as Arb balls (balls of positive radius are
        allowed: the result then encloses the quantity for every parameter in them).
    names : sequence of str
        Subset of :data:`QUANTITIES`.
    tol : float, optional
        Absolute quadrature error goal (default :math:`2^{16 - \text{prec}}`).
    components : sequence of int, optional
        Compute the vector quantities only for these components (default: all).

    Returns
    -------
    dict
        ``loss`` -> arb, ``psi_tilde_sq`` -> arb, ``gradient`` /
        ``gradient_stein`` / ``responsibility_means`` -> list of arb (the
        coefficient along :math:`e` for the gradients).
    """
    fl = require()
    arb, acb = fl.arb, fl.acb
    names = tuple(names)
    bad = [q for q in names if q not in QUANTITIES]
    if bad:
        raise ValueError(f"quantities: unknown {bad}, expected a subset of {QUANTITIES}")
    n = len(coords)
    comp = list(range(n)) if components is None else [int(i) for i in components]
    tol = arb(2) ** (16 - prec) if tol is None else tol
    log_tol = _log(arb, tol)
    lp = [w.log() for w in weights]
    c2h = [c * c / 2 for c in coords]
    cf = [float(c.mid()) for c in coords]
    lpf = [float(x.mid()) for x in lp]
    cmax = max((abs(c).upper() for c in coords), key=float) if n else arb(0)
    cmax = arb(cmax)
    lp_min = min((x.lower() for x in lp), key=float)
    K0 = abs(arb(lp_min)).upper() + cmax * cmax / 2
    inv_sqrt_2pi = 1 / (2 * arb.pi()).sqrt()

    # ---- truncation point and analytic tails -----------------------------------------
    cm, k0 = float(cmax), float(K0)
    T = 4.0
    while -T * T / 2 + math.log(k0 + cm * cm + cm + T + 2) > log_tol - math.log(16):
        T += 0.5
    Tb = arb(T)
    Q = (Tb / arb(2).sqrt()).erfc() / 2
    phiT = (-Tb * Tb / 2).exp() * inv_sqrt_2pi
    tail = {
        "loss": 2 * (K0 * Q + cmax * phiT),
        "psi_tilde_sq": 2 * cmax * cmax * Q,
        "responsibility_means": [2 * Q] * len(comp),
        "gradient": [2 * (abs(coords[i]).upper() * Q + phiT) for i in comp],
        "gradient_stein": [2 * cmax * Q] * len(comp),
    }

    # ---- integrand (vector), for a real ball t or a complex box z -------------------------
    layout = []
    for q in names:
        layout.append((q, 1 if q in ("loss", "psi_tilde_sq") else len(comp)))
    need_m = "psi_tilde_sq" in names or "gradient_stein" in names

    def make(j, box):
        al = [lp[i] - lp[j] - c2h[i] + c2h[j] for i in range(n)]
        be = [coords[i] - coords[j] for i in range(n)]
        others = [i for i in range(n) if i != j]

        def f(t):
            s = [None] * n
            one = acb(1) if box else arb(1)
            s[j] = one
            D = one
            for i in others:
                s[i] = (al[i] + be[i] * t).exp()
                D = D + s[i]
            w = (-(t * t) / 2).exp() * inv_sqrt_2pi
            inv = w / D
            if box and not inv.is_finite():
                return None
            pw = [si * inv for si in s]  # psi_i * phi
            out = []
            m = None
            if need_m:
                m = sum((pw[i] * coords[i] for i in range(n)), arb(0)) / w if not box else None
                if box:
                    psi = [si / D for si in s]
                    m = sum((psi[i] * coords[i] for i in range(n)), acb(0))
            for q, _ in layout:
                if q == "loss":
                    logD = D.log(analytic=True) if box else D.log()
                    out.append(-(lp[j] + coords[j] * t - c2h[j] + logD) * w)
                elif q == "responsibility_means":
                    out.extend(pw[i] for i in comp)
                elif q == "gradient":
                    out.extend(pw[i] * (coords[i] - t) for i in comp)
                elif q == "gradient_stein":
                    out.extend(pw[i] * m for i in comp)
                elif q == "psi_tilde_sq":
                    out.append(m * m * w)
            return out

        return f

    # segments between envelope kinks, each with its dominant component
    kinks = _envelope_kinks(lpf, cf, T)
    pts = [-T] + kinks + [T]
    acc = None
    for lo, hi in zip(pts[:-1], pts[1:]):
        if hi <= lo:
            continue
        tm = (lo + hi) / 2
        j = max(range(n), key=lambda i: lpf[i] + cf[i] * tm - cf[i] ** 2 / 2)
        part = integrate(make(j, False), make(j, True), lo, hi, tol, prec, stats=stats)
        acc = part if acc is None else [x + y for x, y in zip(acc, part)]

    out, pos = {}, 0
    for q, size in layout:
        vals = acc[pos:pos + size]
        pos += size
        if q in ("loss", "psi_tilde_sq"):
            out[q] = vals[0] + arb(0, tail[q].upper())
        else:
            out[q] = [v + arb(0, tb.upper()) for v, tb in zip(vals, tail[q])]
    return out


@dataclass(frozen=True, kw_only=True)
class LineQuantities(QuantityEnclosures):
    """Certified enclosures of the r = 1 population quantities (see :func:`line_quantities`), with
    the exact line mixture they were computed for."""

    mixture: LineMixture


def line_quantities(mix, names=QUANTITIES, *, prec: int = DEFAULT_PREC, tol: float | None = None) -> LineQuantities:
    r"""Certified enclosures of L, grad L, its Stein form, :math:`E|\tilde\psi|^2`, :math:`E\psi_i`.

    Parameters
    ----------
    mix : LineMixture, dict (``{"weights", "means"}``) or solvers.Mixture
        Means must span at most one dimension exactly.
    names : sequence of str
        Subset of :data:`QUANTITIES`.
    prec : int
        Arb working precision in bits (scoped; 128 gives widths < 1e-25 for |mu_i| <= 10).

    Returns
    -------
    LineQuantities
        ``values["loss"]``, ``values["psi_tilde_sq"]``: :class:`Enclosure`;
        ``values["gradient"]``, ``values["gradient_stein"]``: ``n x d`` nested
        lists of Enclosure (:math:`g_i e_a`); ``values["responsibility_means"]``:
        list of Enclosure.

    Raises
    ------
    CertificationSkipped
        python-flint cannot be imported.
    """
    require()
    if not isinstance(mix, LineMixture):
        if isinstance(mix, dict):
            mix = LineMixture.from_params(mix)
        else:
            mix = LineMixture.from_means(list(mix.weights), [list(r) for r in mix.means])
    stats: dict = {}
    method = f"arb Gauss-Legendre, kink-split, analytic tails, prec={prec}"
    with workprec(prec):
        vals = line_quantities_arb(mix.arb_weights(), mix.arb_coords(), names, prec=prec, tol=tol, stats=stats)
        e = mix.arb_direction()
        out = enclose_quantities(vals, lambda g: [g * ea for ea in e], prec, method)
        for q in ("gradient", "gradient_stein"):
            if q in vals:
                out[q + "_coeff"] = [Enclosure.from_arb(g, prec, method) for g in vals[q]]
    return LineQuantities(values=out, prec=prec, detail={"method": method, **stats}, mixture=mix)

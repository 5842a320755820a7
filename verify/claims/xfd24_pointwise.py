r"""Pointwise xfd24 statements (at a point x), evaluated in mpmath.

Responsibilities :math:`\psi_i(x) = \pi_i e^{\langle x,\mu_i\rangle - |\mu_i|^2/2} / \sum_k(\cdot)`
are computed in mpmath at ``dps`` digits (default 30); derivatives in x by
:func:`mpmath.diff` (adaptive finite differences at raised precision). The
error bound is :math:`10^{-(dps-8)}` times the scale of the compared entries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

from solvers.rules import composite_legendre
from verify.reference.pointwise import responsibilities

from .core import Claim, Constant, Evaluation
from .families import random_mixtures
from .search import MixtureSpace, Search
from .papers import PAPERS
from .registry import register

DPS = 30


def _psi(weights, means, x):
    return responsibilities(weights, means, x)


def _mp(params):
    w = [mpmath.mpf(v) for v in params["weights"]]
    mu = [[mpmath.mpf(v) for v in row] for row in params["means"]]
    x = [mpmath.mpf(v) for v in params["x"]]
    return w, mu, x


def _jacobian(f, x, size):
    """d f_k / d x_a by mpmath.diff, f: list(x) -> list of length size."""
    jac = []
    for a in range(len(x)):
        def g(t, a=a):
            y = list(x)
            y[a] = t
            return f(y)
        cols = [mpmath.diff(lambda t, k=k: g(t)[k], x[a]) for k in range(size)]
        jac.append(cols)
    return [[jac[a][k] for a in range(len(x))] for k in range(size)]  # [k][a]


def _compare(A, B, dps, detail=None):
    worst = max(((abs(a - b), a, b) for ra, rb in zip(A, B) for a, b in zip(ra, rb)), key=lambda t: t[0])
    scale = max(max(abs(a) for r in A for a in r), max(abs(b) for r in B for b in r), mpmath.mpf(1))
    err = float(mpmath.mpf(10) ** (-(dps - 8)) * scale)
    return Evaluation(float(worst[1]), float(worst[2]), err, "==", method=f"mpmath dps={dps} (mpmath.diff)",
                      precision="mpmath", signed_margin=-float(worst[0]), detail=detail or {})


def eval_eq8(params, *, dps=None):
    r"""Eq. (8): :math:`\nabla_x\psi_i(x) = \psi_i(x)(\mu_i - \sum_k\psi_k(x)\mu_k)` (all i, all coordinates)."""
    dps = dps or DPS
    with mpmath.workdps(dps + 10):
        w, mu, x = _mp(params)
        n, d = len(w), len(x)
        num = _jacobian(lambda y: _psi(w, mu, y), x, n)
        psi = _psi(w, mu, x)
        tilde = [mpmath.fsum(psi[k] * mu[k][a] for k in range(n)) for a in range(d)]
        ana = [[psi[i] * (mu[i][a] - tilde[a]) for a in range(d)] for i in range(n)]
        return _compare(num, ana, dps)


def eval_eq22(params, *, dps=None):
    r"""Eq. (22): :math:`\nabla_x\tilde\psi(x) = \tfrac12\sum_{i,j}\psi_i\psi_j(\mu_i-\mu_j)(\mu_i-\mu_j)^T`, PSD.

    The Jacobian is compared entrywise; the smallest eigenvalue of the
    right side (must be >= -error) is in ``detail``.
    """
    dps = dps or DPS
    with mpmath.workdps(dps + 10):
        w, mu, x = _mp(params)
        n, d = len(w), len(x)

        def tilde(y):
            p = _psi(w, mu, y)
            return [mpmath.fsum(p[k] * mu[k][a] for k in range(n)) for a in range(d)]

        num = _jacobian(tilde, x, d)
        psi = _psi(w, mu, x)
        ana = [[mpmath.fsum(psi[i] * psi[j] * (mu[i][a] - mu[j][a]) * (mu[i][b] - mu[j][b])
                            for i in range(n) for j in range(n)) / 2 for b in range(d)] for a in range(d)]
        eig = min(np.linalg.eigvalsh(np.array([[float(v) for v in r] for r in ana])))
        return _compare(num, ana, dps, {"min_eigenvalue": float(eig)})


@dataclass(frozen=True)
class Lemma18:
    r"""Lemma 18 with the factor K (paper: 1): for :math:`x \ne 0`,

    .. math:: \int_{-1}^{1}\psi_i(tx)\psi_j(tx)\,dt \ge
              K\,\pi_i\pi_j e^{-4U}\frac{1 - e^{-4\mu_{max}|x|}}{2\mu_{max}|x|}.

    The integral by :func:`mpmath.quad` on the panels :data:`T_PANEL_EDGES` (split at 0, like
    the float64 rule of :func:`lemma18_batch`) with its error estimate; instance constant
    lhs / (the right side at K = 1).
    """

    factor: Fraction = Fraction(1)

    def with_constant(self, k) -> "Lemma18":
        return Lemma18(Fraction(k))

    def __call__(self, params, *, dps=None):
        return _eval_lemma18(params, self.factor, dps)


def _eval_lemma18(params, factor, dps=None):
    dps = dps or 20
    i, j = int(params.get("i", 0)), int(params.get("j", 1))
    with mpmath.workdps(dps + 5):
        w, mu, x = _mp(params)
        f = lambda t: (lambda p: p[i] * p[j])(_psi(w, mu, [t * v for v in x]))
        val, qerr = mpmath.quad(f, list(T_PANEL_EDGES), error=True)
        U = mpmath.fsum(m * m for row in mu for m in row)
        mmax = max(mpmath.sqrt(mpmath.fsum(m * m for m in row)) for row in mu)
        xn = mpmath.sqrt(mpmath.fsum(v * v for v in x))
        a = 4 * mmax * xn
        shape = w[i] * w[j] * mpmath.exp(-4 * U) * (-mpmath.expm1(-a)) / (2 * mmax * xn)
        rhs = mpmath.mpf(factor.numerator) / factor.denominator * shape
        err = float(qerr + mpmath.mpf(10) ** (-(dps - 3)) * (abs(val) + abs(rhs)))
        return Evaluation(float(val), float(rhs), err, ">=", method=f"mpmath quad dps={dps}", precision="mpmath",
                          signed_margin=float(val - rhs), constant=float(val / shape) if shape > 0 else None,
                          detail={"i": i, "j": j})


def _add_x(rng, params):
    d = len(params["means"][0])
    n = len(params["weights"])
    params["x"] = (rng.normal(size=d) * rng.uniform(0.2, 3.0)).tolist()
    params["i"], params["j"] = int(rng.integers(0, n)), int(rng.integers(0, n))
    return params


X_RADIUS = (1e-3, 10.0)
GAUSS_LEGENDRE_NODES = 64
"""Gauss--Legendre nodes per panel of :data:`T_PANEL_EDGES` (the integrand is analytic)."""
T_PANEL_EDGES = (-1.0, 0.0, 1.0)
"""Panels of Lemma 18's t-integral, shared by the float64 rule and the mpmath path: split at 0."""


def lemma18_point(M, E):
    r"""The point x (S, d) from the extra coordinates (S, 2) in [0, 1]: :math:`|x|` on a log scale in
    :data:`X_RADIUS`, direction of angle :math:`2\pi e_1` in the means' plane (d = 1: sign of e_1 - 1/2)."""
    S, n, d = M.shape
    lo, hi = X_RADIUS
    radius = lo * (hi / lo) ** E[:, 0]
    x = np.zeros((S, d))
    if d == 1:
        x[:, 0] = radius * np.where(E[:, 1] >= 0.5, 1.0, -1.0)
    else:
        x[:, 0], x[:, 1] = radius * np.cos(2 * np.pi * E[:, 1]), radius * np.sin(2 * np.pi * E[:, 1])
    return x


def lemma18_batch(W, M, E):
    r"""Lemma 18 for a batch, components i = 0, j = 1: the integral
    :math:`\int_{-1}^1\psi_0(tx)\psi_1(tx)dt` by composite Gauss--Legendre on :data:`T_PANEL_EDGES`
    with :data:`GAUSS_LEGENDRE_NODES` nodes each (:func:`solvers.rules.composite_legendre`;
    responsibilities from :func:`solvers.estep.softmax_lse`), and the right side."""
    from solvers.estep import softmax_lse

    x = lemma18_point(M, E)
    t, wt = composite_legendre(T_PANEL_EDGES, GAUSS_LEGENDRE_NODES)
    proj = np.einsum("sd,snd->sn", x, M)  # <x, mu_k>
    scores = t[None, :, None] * proj[:, None, :] + (np.log(W) - 0.5 * np.sum(M * M, axis=2))[:, None, :]
    psi, _ = softmax_lse(scores, axis=2)
    lhs = np.einsum("t,st->s", wt, psi[:, :, 0] * psi[:, :, 1])
    U = np.sum(M * M, axis=(1, 2))
    mu_max = np.max(np.linalg.norm(M, axis=2), axis=1)
    a = 4 * mu_max * np.linalg.norm(x, axis=1)
    rhs = W[:, 0] * W[:, 1] * np.exp(-4 * U) * (-np.expm1(-a)) / (a / 2)
    return lhs, rhs


def _x_finish(params, extra):
    M = np.asarray(params["means"], float)[None]
    params["x"] = lemma18_point(M, np.asarray(extra, float)[None])[0].tolist()
    params["i"], params["j"] = 0, 1
    return params


def _x_nonzero(params):
    mu = np.asarray(params["means"], float)
    return float(np.linalg.norm(params["x"])) > 0 and float(np.max(np.linalg.norm(mu, axis=1))) > 0


POINTS = random_mixtures(n=(2, 4), d=(1, 3), scale=2.0, rank=None, extra=_add_x)
REF = PAPERS["xfd24"]

CLAIMS = [
    Claim(id="xfd24.eq8", paper="xfd24", label="eq. (8)", statement="grad_x psi_i(x) = psi_i(x)(mu_i - sum_k psi_k(x) mu_k)",
          kind="identity", evaluate=eval_eq8, families={"random": POINTS}, symbolic="xfd24.eq8", default_instances=4,
          reference=f"{REF}, eq. (8)"),
    Claim(id="xfd24.eq22", paper="xfd24", label="eq. (22) / (5)",
          statement="grad_x psi~(x) = 1/2 sum_{i,j} psi_i psi_j (mu_i - mu_j)(mu_i - mu_j)^T (PSD)",
          kind="identity", evaluate=eval_eq22, families={"random": POINTS}, symbolic="xfd24.eq22", default_instances=4,
          reference=f"{REF}, eq. (22), eq. (5) in the main text"),
]

LEMMA18 = Claim(
    id="xfd24.lemma18", paper="xfd24", label="Lemma 18",
    statement="int_{-1}^{1} psi_i(tx) psi_j(tx) dt >= pi_i pi_j exp(-4U)(1 - exp(-4 mu_max |x|)) / (2 mu_max |x|)",
    kind="inequality", evaluate=Lemma18(), families={"random": POINTS}, hypotheses=_x_nonzero,
    search=Search(tuple(MixtureSpace(n, d, extra=2) for n, d in ((2, 1), (3, 1), (2, 2), (3, 2))), relation=">=",
                  batch=lemma18_batch, finish=_x_finish),
    constant=Constant("factor 1", 1.0, "min"), default_instances=8, reference=f"{REF}, Lemma 18")

for _claim in (*CLAIMS, LEMMA18):
    register(_claim)

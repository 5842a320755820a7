r"""Regular-simplex configuration of alp25 (our formalization): vertices, cyclic isometry, DFT condition.

Construction (exact, radicals only)
-----------------------------------
Let :math:`B` be the :math:`(k-1)\times k` Helmert matrix: orthonormal rows
spanning :math:`\mathbf 1^\perp`, row r equal to
:math:`(1,\dots,1,-r,0,\dots,0)/\sqrt{r(r+1)}` (r ones). With :math:`P` the cyclic
shift :math:`Pe_j = e_{j+1 \bmod k}`,

.. math::

    v_j = \sqrt{k/(k-1)}\,B e_j \in\mathbb R^{k-1},\qquad R = B P B^\top,

so :math:`v_0..v_{k-1}` are unit vertices of a centered regular simplex
(:math:`\langle v_i, v_j\rangle = -1/(k-1)`), :math:`R` is orthogonal with
:math:`Rv_j = v_{j+1}` and :math:`R^k = I`, and :math:`RB = BP`.

DFT condition
-------------
:math:`A(\pi) = \sum_j \pi_j R^j = B\,C(\pi)\,B^\top` with the circulant
:math:`C(\pi) = \sum_j\pi_jP^j`. The Fourier vectors
:math:`f_m = (w^{-lm})_{l}`, :math:`w = e^{2\pi i/k}`, satisfy
:math:`Cf_m = \hat\pi(m) f_m` with :math:`\hat\pi(m) = \sum_j\pi_jw^{jm}`,
and for :math:`m \ne 0` they lie in :math:`\mathbf 1^\perp`, so
:math:`A(Bf_m) = \hat\pi(m)\,Bf_m`: the eigenvalues of A are
:math:`\hat\pi(1..k-1)`. :func:`prove_dft` checks every step exactly.

The parametrized model of alp25 has means :math:`\mu_j = R^j\theta`,
:math:`\theta\in\mathbb R^{k-1}` (``d = k - 1``).

Length: one module by design, the alp25 configuration, its DFT condition and the proofs that use them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp
from sympy.polys.matrices import DomainMatrix

from .model import SymbolicMixture, gaussian_expectation_of_polynomial
from .proof import Proof

__all__ = [
    "K_RANGE",
    "helmert_basis",
    "cyclic_shift",
    "simplex_vertices",
    "cyclic_isometry",
    "simplex_weights",
    "circulant",
    "rotation_average",
    "dft_values",
    "root_of_unity",
    "DegenerateWeightSet",
    "degenerate_weight_sets",
    "degenerate_weight_report",
    "uniform_dft_symbolic",
    "cyclic_model",
    "prove_dft",
    "prove_hessian",
    "prove_em_is_gd",
]

K_RANGE = tuple(range(2, 7))
"""The simplex sizes k handled exactly by default (k = 2..6)."""


def _is_zero(expr) -> bool:
    """Exact zero test for expressions with square roots: expand, then radsimp/simplify if needed."""
    e = sp.expand(expr)
    if e == 0:
        return True
    e = sp.expand(sp.radsimp(e))
    if e == 0:
        return True
    return sp.simplify(e) == 0


def _matrix_is_zero(M) -> bool:
    return all(_is_zero(e) for e in M)


@lru_cache(maxsize=None)
def helmert_basis(k: int) -> sp.ImmutableMatrix:
    r"""(k-1, k) Helmert matrix B: orthonormal rows, :math:`B\mathbf 1 = 0`."""
    rows = []
    for r in range(1, k):
        row = [sp.Integer(1)] * r + [sp.Integer(-r)] + [sp.Integer(0)] * (k - r - 1)
        rows.append([e / sp.sqrt(r * (r + 1)) for e in row])
    return sp.ImmutableMatrix(rows)


@lru_cache(maxsize=None)
def cyclic_shift(k: int) -> sp.ImmutableMatrix:
    r"""(k, k) permutation P with :math:`Pe_j = e_{j+1 \bmod k}`."""
    return sp.ImmutableMatrix(k, k, lambda r, c: 1 if r == (c + 1) % k else 0)


@lru_cache(maxsize=None)
def simplex_vertices(k: int) -> sp.ImmutableMatrix:
    r"""(k-1, k) matrix whose column j is :math:`v_j = \sqrt{k/(k-1)}\,Be_j` (exact radicals)."""
    return sp.ImmutableMatrix((sp.sqrt(sp.Rational(k, k - 1)) * helmert_basis(k)).applyfunc(sp.radsimp))


@lru_cache(maxsize=None)
def cyclic_isometry(k: int) -> sp.ImmutableMatrix:
    r"""(k-1, k-1) orthogonal :math:`R = BPB^\top` with :math:`Rv_j = v_{j+1 \bmod k}`."""
    B = helmert_basis(k)
    return sp.ImmutableMatrix((B * cyclic_shift(k) * B.T).applyfunc(lambda e: sp.radsimp(sp.expand(e))))


@lru_cache(maxsize=None)
def _rotation_powers(k: int) -> tuple:
    R = sp.Matrix(cyclic_isometry(k))
    powers = [sp.eye(k - 1)]
    for _ in range(1, k):
        powers.append((R * powers[-1]).applyfunc(lambda e: sp.radsimp(sp.expand(e))))
    return tuple(sp.ImmutableMatrix(p) for p in powers)


def simplex_weights(k: int) -> tuple:
    r"""Positive weight symbols :math:`\pi_0..\pi_{k-1}` (same symbols as :func:`cyclic_model`)."""
    return tuple(sp.Symbol(f"pi_{j}", positive=True) for j in range(k))


def circulant(weights) -> sp.Matrix:
    r""":math:`C(\pi) = \sum_j\pi_jP^j` (k, k)."""
    k = len(weights)
    return sp.Matrix(k, k, lambda r, c: weights[(r - c) % k])


def rotation_average(weights) -> sp.Matrix:
    r""":math:`A(\pi) = \sum_j \pi_j R^j`, (k-1, k-1), exact."""
    k = len(weights)
    powers = _rotation_powers(k)
    out = sp.zeros(k - 1, k - 1)
    for w, Rj in zip(weights, powers):
        out += w * sp.Matrix(Rj)
    return out.applyfunc(sp.expand)


def root_of_unity(k: int, m: int = 1) -> sp.Expr:
    r""":math:`w^m = \cos(2\pi m/k) + i\sin(2\pi m/k)` in exact radicals."""
    return sp.cos(2 * sp.pi * m / k) + sp.I * sp.sin(2 * sp.pi * m / k)


def dft_values(weights) -> list:
    r"""Exact :math:`\hat\pi(m) = \sum_j\pi_jw^{jm}` for ``m = 0..k-1`` (radicals)."""
    k = len(weights)
    return [sp.expand(sum(w * root_of_unity(k, j * m) for j, w in enumerate(weights))) for m in range(k)]


# ------------------------------------------------------------------- DFT proof
def _reduce_mod_cyclotomic(poly_in_w, w, k):
    """Remainder of a polynomial in ``w`` modulo the k-th cyclotomic polynomial (exact)."""
    return sp.rem(sp.expand(poly_in_w), sp.cyclotomic_poly(k, w), w)


def _dft_checks(k: int) -> dict:
    B = sp.Matrix(helmert_basis(k))
    P = sp.Matrix(cyclic_shift(k))
    V = sp.Matrix(simplex_vertices(k))
    R = sp.Matrix(cyclic_isometry(k))
    I = sp.eye(k - 1)
    checks = {}
    checks["B orthonormal rows, B 1 = 0"] = _matrix_is_zero(B * B.T - I) and _matrix_is_zero(B * sp.ones(k, 1))
    gram = V.T * V
    checks["|v_j| = 1, <v_i, v_j> = -1/(k-1), sum v_j = 0"] = (
        all(_is_zero(gram[i, j] - (1 if i == j else sp.Rational(-1, k - 1))) for i in range(k) for j in range(k))
        and _matrix_is_zero(V * sp.ones(k, 1))
    )
    checks["R orthogonal"] = _matrix_is_zero(R.T * R - I)
    checks["R v_j = v_{j+1}"] = _matrix_is_zero(R * V - V * P)
    checks["R^k = I"] = _matrix_is_zero(sp.Matrix(_rotation_powers(k)[-1]) * R - I)
    checks["R B = B P"] = _matrix_is_zero(R * B - B * P)
    # circulant eigenvectors, exactly in Z[pi][w]/(Phi_k(w))
    w = sp.Symbol("w")
    pis = simplex_weights(k)
    C = circulant(pis)
    eig_ok, perp_ok = True, True
    for m in range(1, k):
        f = sp.Matrix([w ** ((-l * m) % k) for l in range(k)])
        pihat = sum(pis[j] * w ** ((j * m) % k) for j in range(k))
        residual = C * f - pihat * f
        eig_ok &= all(_reduce_mod_cyclotomic(e, w, k) == 0 for e in residual)
        perp_ok &= _reduce_mod_cyclotomic(sum(f), w, k) == 0
    checks["C f_m = pihat(m) f_m (mod Phi_k(w))"] = eig_ok
    checks["f_m in 1-perp for m = 1..k-1 (mod Phi_k(w))"] = perp_ok
    # distinct eigenvector directions: w^m distinct roots (Vandermonde), i.e. w^m != 1 for 0 < m < k
    checks["w^m != 1 for 0 < m < k (Vandermonde)"] = all(
        _reduce_mod_cyclotomic(w**m - 1, w, k) != 0 for m in range(1, k)
    )
    # characteristic polynomial: prod_m (lambda - pihat(m)) = det(lambda I - C), in QQ[lambda, w, pi] mod Phi_k(w)
    lam = sp.Symbol("lambda")
    Rg, *gens = sp.ring([lam, w, *pis], sp.QQ)
    L, W, PI = gens[0], gens[1], gens[2:]
    phi_k = Rg(sp.cyclotomic_poly(k, w))
    prod = Rg(1)
    for m in range(k):
        prod = (prod * (L - sum(PI[j] * W ** ((j * m) % k) for j in range(k)))).rem(phi_k)
    charpoly = DomainMatrix.from_Matrix(C).charpoly()  # coefficients of lambda^k, ..., lambda^0
    det = sum((Rg(sp.sympify(c.as_expr()) if hasattr(c, "as_expr") else c) * L ** (k - i) for i, c in enumerate(charpoly)), Rg(0))
    checks["det(lambda I - C) = prod_m (lambda - pihat(m))"] = prod == det
    return checks


@lru_cache(maxsize=None)
def prove_dft(ks=K_RANGE) -> Proof:
    r"""``alp25.dft``: the eigenvalues of :math:`A(\pi)` on the simplex subspace are :math:`\hat\pi(1..k-1)`."""
    t0 = time.perf_counter()
    lines, ok_all = [], True
    for k in ks:
        checks = _dft_checks(k)
        ok = all(checks.values())
        ok_all &= ok
        bad = [name for name, v in checks.items() if not v]
        lines.append(f"k={k}: {'ok' if ok else 'FAILED ' + ', '.join(bad)}")
    lines.append("checks per k: " + "; ".join(_dft_checks(ks[0]).keys()))
    lines.append(
        "hence A (B f_m) = B C f_m = pihat(m) B f_m with B f_m != 0 independent, m = 1..k-1: "
        "A is invertible iff no pihat(m) vanishes (the DFT condition)"
    )
    uni = uniform_dft_symbolic()
    lines.append(f"uniform weights, symbolic k: pihat(m) = {uni['pihat']} -> 0 for 0 < m < k: {uni['vanishes']}")
    return Proof(
        claim_id="alp25.dft",
        proven=ok_all and uni["vanishes"],
        statement="A(pi) = sum_j pi_j R^j restricted to the simplex subspace has eigenvalues "
        "pihat(m) = sum_j pi_j w^(jm), m = 1..k-1, w = exp(2 pi i/k); uniform weights give pihat(m) = 0 "
        "for every k >= 2 (our formalization of alp25)",
        method="exact radicals (Helmert basis) for v_j, R; R B = B P reduces A to the circulant C on 1-perp; "
        "eigenvectors and characteristic polynomial of C checked in Z[pi][w] modulo the cyclotomic polynomial; "
        "uniform case by symbolic geometric summation",
        sizes_checked=tuple((k, k - 1) for k in ks),
        detail="\n".join(lines),
        certificate={"A": rotation_average(simplex_weights(ks[-1])), "pihat": dft_values(simplex_weights(ks[-1]))},
        scope="exact",
        seconds=time.perf_counter() - t0,
    )


@lru_cache(maxsize=None)
def uniform_dft_symbolic() -> dict:
    r"""Uniform weights, symbolic k: :math:`\hat\pi(m) = \frac1k\sum_{j=0}^{k-1}w^{jm}`.

    SymPy sums the geometric series for symbolic integers k >= 1, m:
    the result is ``Piecewise((1, Eq(w^m, 1)), (0, True))``; for 0 < m < k,
    :math:`w^m \ne 1`, so :math:`\hat\pi(m) = 0` for every k.

    Returns
    -------
    dict with ``pihat`` (the SymPy result), ``vanishes`` (bool) and
    ``concrete`` ({k: [pihat(1..k-1)]} for k = 2..12, exact).
    """
    j = sp.Symbol("j", integer=True, nonnegative=True)
    m = sp.Symbol("m", integer=True)
    k = sp.Symbol("k", integer=True, positive=True)
    pihat = sp.summation(sp.exp(2 * sp.pi * sp.I * j * m / k), (j, 0, k - 1)) / k
    pihat = sp.piecewise_fold(pihat)
    vanishes = False
    if isinstance(pihat, sp.Piecewise):
        pieces = pihat.args
        cond_is_root = [c for _, c in pieces if c is not sp.true]
        default = [e for e, c in pieces if c is sp.true]
        vanishes = (
            len(default) == 1
            and sp.simplify(default[0]) == 0
            and all(isinstance(c, sp.Eq) and sp.simplify(c.lhs - sp.exp(2 * sp.pi * sp.I * m / k)) == 0 for c in cond_is_root)
        )
    concrete = {
        kk: [sp.nsimplify(sp.expand(sum(root_of_unity(kk, jj * mm) for jj in range(kk)) / kk)) for mm in range(1, kk)]
        for kk in range(2, 13)
    }
    vanishes = vanishes and all(v == 0 for vals in concrete.values() for v in vals)
    return {"pihat": pihat, "vanishes": bool(vanishes), "concrete": concrete}


# ----------------------------------------------------------- degenerate sets
def _chebyshev_forms(k: int, m: int, weights):
    r"""Real and imaginary parts of :math:`\hat\pi(m)` with the common factor removed.

    :math:`\mathrm{Re} = \sum_j\pi_jT_j(c)`, :math:`\mathrm{Im} = \sin\theta\sum_j\pi_jU_{j-1}(c)`
    with :math:`c = \cos(2\pi m/k)`, so the conditions have coefficients in
    :math:`\mathbb Q(c)` (no nested radicals). Returns ``(re, im_over_sin)``;
    ``im_over_sin`` is None when :math:`\sin\theta = 0` (2m = k).
    """
    c = sp.cos(2 * sp.pi * m / k)
    re = sum(w * sp.chebyshevt(j, c) for j, w in enumerate(weights))
    re = sp.collect(sp.expand(re), weights)
    if (2 * m) % k == 0:
        return re, None
    im = sum(w * (sp.chebyshevu(j - 1, c) if j >= 1 else 0) for j, w in enumerate(weights))
    return re, sp.collect(sp.expand(im), weights)


@dataclass(frozen=True)
class DegenerateWeightSet:
    r"""Positive weights on the simplex with :math:`\hat\pi(m) = 0` (and :math:`\hat\pi(k-m) = \overline{\hat\pi(m)} = 0`).

    Attributes
    ----------
    k, m : int
    conditions : tuple of sympy.Expr
        Linear forms that vanish (real part; imaginary part divided by
        :math:`\sin(2\pi m/k)`), besides :math:`\sum_j\pi_j = 1`.
    solution : dict
        ``{pi_j: expression in free_parameters}``, the general solution.
    free_parameters : tuple of sympy.Symbol
        A subset of the weights; the family has this dimension.
    positivity : tuple of sympy.Expr
        The expressions that must be > 0 (each :math:`\pi_j`).
    interval : sympy.Set or None
        For one free parameter, the interval where every weight is positive.
    sample : tuple of sympy.Expr
        An exact point of the set with all weights positive (non-uniform when
        the family has positive dimension).
    """

    k: int
    m: int
    conditions: tuple
    solution: dict
    free_parameters: tuple
    positivity: tuple
    interval: object
    sample: tuple

    @property
    def dimension(self) -> int:
        """Dimension of the family (number of free parameters)."""
        return len(self.free_parameters)

    def __str__(self) -> str:
        k, m = self.k, self.m
        pis = simplex_weights(k)
        conj = f" (= conj pihat({k - m}))" if k - m != m else ""
        lines = [f"k = {k}, m = {m}: pihat({m}) = 0{conj}  <=>"]
        for cond in self.conditions:
            lines.append(f"    {sp.sstr(cond)} = 0")
        lines.append(f"    {' + '.join(str(p) for p in pis)} = 1,  all pi_j > 0")
        if self.dimension == 0:
            lines.append("  only point: pi = (" + ", ".join(sp.sstr(self.solution[p]) for p in pis) + ")")
        else:
            lines.append(f"  {self.dimension}-parameter family in {', '.join(map(str, self.free_parameters))}:")
            for p in pis:
                if p not in self.free_parameters:
                    lines.append(f"    {p} = {_affine_str(self.solution[p], self.free_parameters)}")
            if self.interval is not None:
                lines.append(f"    with {self.free_parameters[0]} in {self.interval}")
            else:
                lines.append("    with every pi_j > 0")
            lines.append("  e.g. pi = (" + ", ".join(sp.sstr(sp.nsimplify(v)) for v in self.sample) + ")")
        return "\n".join(lines)


def _affine_str(expr, params) -> str:
    """``const + c1*p1 + ...`` with each coefficient simplified (readable radicals)."""
    expr = sp.expand(expr)
    const = sp.radsimp(sp.expand(expr.subs({p: 0 for p in params})))
    parts = [] if const == 0 else [sp.sstr(const)]
    for p in params:
        c = sp.radsimp(sp.expand(expr.coeff(p)))
        if c == 0:
            continue
        if c == 1:
            term = str(p)
        elif c == -1:
            term = f"-{p}"
        elif c.is_Add:
            term = f"({sp.sstr(c)})*{p}"
        else:
            term = f"{sp.sstr(c)}*{p}"
        parts.append(term)
    out = " + ".join(parts) if parts else "0"
    return out.replace("+ -", "- ")


@lru_cache(maxsize=None)
def degenerate_weight_sets(k: int) -> tuple:
    r"""All degenerate weight families for k: one :class:`DegenerateWeightSet` per m = 1..floor(k/2).

    Solves the linear conditions :math:`\mathrm{Re}\,\hat\pi(m) = \mathrm{Im}\,\hat\pi(m) = 0`,
    :math:`\sum\pi_j = 1` with ``sympy.linsolve``; positivity is reduced to an
    interval for one-parameter families.
    """
    pis = simplex_weights(k)
    sets = []
    for m in range(1, k // 2 + 1):
        re, im = _chebyshev_forms(k, m, pis)
        conditions = tuple(c for c in (re, im) if c is not None)
        eqs = list(conditions) + [sum(pis) - 1]
        (sol,) = sp.linsolve(eqs, list(pis))
        sol = [sp.radsimp(sp.expand(e)) for e in sol]
        free = tuple(p for p in pis if any(e.has(p) for e in sol))
        solution = dict(zip(pis, sol))
        positivity = tuple(solution[p] for p in pis)
        interval = None
        if len(free) == 1:
            t = sp.Symbol("t", real=True)  # a real stand-in: the weight symbols carry positive=True
            interval = sp.Interval.open(-sp.oo, sp.oo)
            for e in positivity:
                interval = interval.intersect(sp.solveset(e.xreplace({free[0]: t}) > 0, t, sp.S.Reals))
        sample = _interior_sample(k, solution, free)
        sets.append(
            DegenerateWeightSet(
                k=k,
                m=m,
                conditions=conditions,
                solution=solution,
                free_parameters=free,
                positivity=positivity,
                interval=interval,
                sample=sample,
            )
        )
    return tuple(sets)


def _interior_sample(k, solution, free):
    """A point of the family with all weights positive: uniform plus a small exact offset in the free parameters."""
    pis = simplex_weights(k)
    for scale in (sp.Rational(1, 4 * k), sp.Rational(1, 16 * k), sp.Rational(1, 64 * k)):
        values = {p: sp.Rational(1, k) + scale * (-1) ** r * sp.Rational(r + 1, len(free) + 1) for r, p in enumerate(free)}
        point = tuple(sp.radsimp(sp.expand(solution[p].xreplace(values))) for p in pis)
        if all(sp.N(v, 30) > 0 for v in point):
            return point
    return tuple(sp.Rational(1, k) for _ in pis)


def degenerate_weight_report(ks=K_RANGE) -> str:
    """Readable listing of every degenerate weight set for k in ``ks``."""
    blocks = []
    for k in ks:
        blocks.append("\n".join(str(s) for s in degenerate_weight_sets(k)))
    return "\n\n".join(blocks)


# -------------------------------------------------------- hessian and EM = GD
@lru_cache(maxsize=None)
def cyclic_model(k: int) -> SymbolicMixture:
    r"""The alp25 model: ``n = k`` components in ``d = k - 1`` with means :math:`\mu_j = R^j\theta`."""
    theta = sp.Matrix(sp.symbols(f"theta_1:{k}", real=True))
    powers = _rotation_powers(k)
    means = sp.Matrix(k, k - 1, lambda j, a: sp.expand((sp.Matrix(powers[j]) * theta)[a]))
    return SymbolicMixture(k, k - 1, means=means, parameters=tuple(theta), index_base=0)


def _hessian_checks(k: int) -> dict:
    model = cyclic_model(k)
    theta = model.parameters
    at_zero = {t: 0 for t in theta}
    at_zero.update({p: w for p, w in zip(model.psi, model.weights)})  # theta = 0: psi_j = pi_j (sum pi = 1)
    H = model.loss_hessian(at=at_zero)
    EH = H.applyfunc(lambda e: gaussian_expectation_of_polynomial(e, model.x))
    A = rotation_average(model.weights)
    residual = model.reduce_weights(EH - A.T * A)
    checks = {"E[Hessian integrand at theta = 0] = A^T A": _matrix_is_zero(residual)}
    # L(theta) = 1/2 |A theta|^2 + O(|theta|^4): T1 = A theta exactly
    T1 = sp.Matrix(k - 1, 1, lambda a, _: sum(model.weights[j] * model.means[j, a] for j in range(k)))
    checks["T1(theta) = A theta"] = _matrix_is_zero(T1 - A * sp.Matrix(theta))
    return checks


@lru_cache(maxsize=None)
def prove_hessian(ks=(2, 3, 4)) -> Proof:
    r"""``alp25.hessian``: :math:`\nabla^2_\theta L(0) = A^\top A`, from the symbolic Hessian integrand."""
    t0 = time.perf_counter()
    lines, ok_all = [], True
    for k in ks:
        checks = _hessian_checks(k)
        ok = all(checks.values())
        ok_all &= ok
        lines.append(f"k={k}: {'ok' if ok else 'FAILED'} ({'; '.join(f'{n}: {v}' for n, v in checks.items())})")
    lines.append(
        "with wcf26.expansion (T1 = A theta, no cubic term): L(theta) = 1/2|A theta|^2 + O(|theta|^4); "
        "A^T A is positive definite iff A is invertible iff the DFT condition holds (alp25.dft)"
    )
    return Proof(
        claim_id="alp25.hessian",
        proven=ok_all,
        statement="Hessian of L(theta) = L(R^0 theta, ..., R^(k-1) theta) at theta = 0 equals A^T A "
        "(our formalization of alp25)",
        method="Hessian integrand in theta by the responsibility rule; at theta = 0 psi_j = pi_j and the "
        "integrand is a polynomial in x, integrated exactly with Gaussian moments; sum pi = 1 imposed by "
        "eliminating pi_(k-1); exact radical arithmetic",
        sizes_checked=tuple((k, k - 1) for k in ks),
        detail="\n".join(lines),
        certificate=rotation_average(simplex_weights(ks[-1])).T * rotation_average(simplex_weights(ks[-1])),
        scope="expectation",
        seconds=time.perf_counter() - t0,
    )


def _em_checks(k: int) -> dict:
    model = cyclic_model(k)
    theta = sp.Matrix(model.parameters)
    powers = [sp.Matrix(p) for p in _rotation_powers(k)]
    x = model.x
    grad_theta = model.loss_gradient()
    em_integrand = sum((powers[j].T * model.psi[j] * x for j in range(k)), sp.zeros(k - 1, 1))
    checks = {
        "theta - grad_theta ell = sum_j R^(-j) psi_j x": _matrix_is_zero(
            model.reduce_on_simplex(theta - grad_theta - em_integrand)
        )
    }
    checks["R^(-j) = (R^j)^T"] = all(_matrix_is_zero(Rj.T * Rj - sp.eye(k - 1)) for Rj in powers)
    # M step: q(theta'|theta) = sum_j psi_j |x - R^j theta'|^2 / 2; grad_theta' q = theta' sum psi - sum R^-j psi_j x
    tp = sp.Matrix(sp.symbols(f"eta_1:{k}", real=True))
    q = sum(model.psi[j] * sum(e**2 for e in (x - powers[j] * tp)) / 2 for j in range(k))
    grad_q = sp.Matrix([sp.diff(q, t) for t in tp])
    checks["grad_theta' q = theta' - sum_j R^(-j) psi_j x"] = _matrix_is_zero(
        model.reduce_on_simplex(grad_q - tp + em_integrand)
    )
    at_theta = dict(zip(tp, theta))
    checks["grad_theta' q at theta' = theta equals grad_theta ell (Fact 1)"] = _matrix_is_zero(
        model.reduce_on_simplex(grad_q.xreplace(at_theta) - grad_theta)
    )
    return checks


@lru_cache(maxsize=None)
def prove_em_is_gd(ks=K_RANGE) -> Proof:
    r"""``alp25.em_is_gd`` at the integrand level.

    .. math:: \theta - \nabla_\theta\ell(x;\theta) = \sum_j R^{-j}\psi_j(x)\,x,

    and the M-step of :math:`q(\theta'|\theta) = \sum_j\psi_j|x - R^j\theta'|^2/2`
    has gradient :math:`\theta' - \sum_jR^{-j}\psi_jx` (Hessian I), so after
    expectation its minimizer :math:`\theta^+ = \sum_jR^{-j}E[\psi_jx] = \theta - \nabla L(\theta)`.
    """
    t0 = time.perf_counter()
    lines, ok_all = [], True
    for k in ks:
        checks = _em_checks(k)
        ok = all(checks.values())
        ok_all &= ok
        lines.append(f"k={k}: {'ok' if ok else 'FAILED'} ({'; '.join(f'{n}: {v}' for n, v in checks.items())})")
    lines.append("expectation level by linearity and grad L = E[grad ell] (dominated convergence)")
    return Proof(
        claim_id="alp25.em_is_gd",
        proven=ok_all,
        statement="EM update theta+ = sum_j R^(-j) E[psi_j(x) x] equals theta - grad L(theta) (gradient descent "
        "with unit step); integrand level: theta - grad_theta ell(x; theta) = sum_j R^(-j) psi_j(x) x "
        "(our formalization of alp25)",
        method="theta-gradient by the log-partition rule with means R^j theta; polynomial identity on the "
        "responsibility simplex; exact radicals for R",
        sizes_checked=tuple((k, k - 1) for k in ks),
        detail="\n".join(lines),
        scope="integrand",
        seconds=time.perf_counter() - t0,
    )

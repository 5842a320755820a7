r"""Exact pointwise proofs of the gradient identities of xfd24 and zxfd25.

Every proof runs for all ``(n, d)`` with ``n <= 4``, ``d <= 3`` by default and
returns a :class:`~verify.symbolic.proof.Proof`.

Two kinds of certificates are used:

* **explicit differentiation** -- SymPy differentiates the explicit
  exponential expression; each atom :math:`e^{A_k}` is then replaced by a
  positive symbol :math:`E_k` and ``cancel`` reduces the difference of the two
  sides, a rational function in :math:`(x, \mu, \pi, E)`, to 0. Because the
  identity holds for *independent* :math:`E_k`, it holds after substituting
  :math:`E_k = e^{A_k}`. Used for :func:`check_responsibility_rule` (xfd24
  eq. 8 is its x-part) and the log-partition rule (Fact 1).
* **polynomial identity on the responsibility simplex** -- with the
  responsibility rule established, everything else is a polynomial in
  :math:`\psi_1..\psi_n`; eliminating :math:`\psi_n = 1 - \sum_{i<n}\psi_i`
  and expanding gives 0 (:meth:`SymbolicMixture.reduce_on_simplex`).

Length: one module by design, the proofs of one family of identities sharing the symbolic mixture and its certificates.
"""

from __future__ import annotations

import time
from functools import lru_cache, wraps

import sympy as sp

from .gaussian_parts import gaussian_integration_by_parts_1d, responsibility_bounds_hold
from .model import SymbolicMixture, symbolic_mixture
from .proof import Proof

__all__ = [
    "DEFAULT_SIZES",
    "exp_atoms_to_symbols",
    "check_responsibility_rule",
    "check_log_partition_rule",
    "prove_fact1",
    "prove_eq8",
    "prove_lemma9",
    "prove_cor10",
    "prove_eq22",
    "prove_zxfd25_stein",
    "eq22_gram_form",
]

DEFAULT_SIZES = tuple((n, d) for n in range(1, 5) for d in range(1, 4))
"""All ``(n, d)`` with ``1 <= n <= 4`` and ``1 <= d <= 3``."""


# ----------------------------------------------------------------- helpers
def _sizes_key(sizes) -> tuple:
    return tuple((int(n), int(d)) for n, d in sizes)


def _cached_over_sizes(func):
    """lru_cache keyed on the normalized ``sizes`` tuple (so ``f()`` and ``f(DEFAULT_SIZES)`` share)."""
    cached = lru_cache(maxsize=None)(func)

    @wraps(func)
    def wrapper(sizes=DEFAULT_SIZES):
        return cached(_sizes_key(sizes))

    wrapper.cache_clear = cached.cache_clear
    return wrapper


def exp_atoms_to_symbols(model: SymbolicMixture, expr):
    r"""Replace each :math:`e^{rA_k}` (r rational, e.g. ``1/exp(A_k) = exp(-A_k)``) by :math:`E_k^r`.

    Parameters
    ----------
    model : SymbolicMixture
        Supplies the exponents :math:`A_k`.
    expr : sympy.Expr
        An explicit expression (exponential form).

    Returns
    -------
    rational : sympy.Expr
        ``expr`` as a rational function of independent positive symbols
        :math:`E_k`; an identity that ``cancel`` reduces to 0 here holds for
        every value of the :math:`E_k`, in particular :math:`E_k = e^{A_k}`.
    E : tuple of sympy.Symbol
    """
    E = sp.symbols(f"E_1:{model.n + 1}", positive=True)
    known = {}
    for A, Ek in zip(model.exponents, E):
        if A != 0:
            known.setdefault(A, Ek)
            known.setdefault(sp.expand(-A), 1 / Ek)

    def to_symbol(e):
        arg = e.args[0]
        if arg not in known:
            known[arg] = e
            for A, Ek in zip(model.exponents, E):
                if A != 0:
                    r = sp.cancel(arg / A)
                    if r.is_Rational:
                        known[arg] = Ek**r
                        break
        return known[arg]

    return sp.sympify(expr).replace(lambda e: isinstance(e, sp.exp), to_symbol), E


def _explicit_difference_vanishes(model: SymbolicMixture, difference) -> bool:
    """Exact zero test of a difference of explicit (exponential) expressions."""
    rational, _ = exp_atoms_to_symbols(model, difference)
    if rational.has(sp.exp):
        return False
    return sp.cancel(sp.together(rational)) == 0


def check_responsibility_rule(model: SymbolicMixture, variables=None) -> tuple[bool, list]:
    r"""Prove :math:`\partial_v\psi_i = \psi_i(\partial_v A_i - \sum_k\psi_k\partial_v A_k)` by explicit differentiation.

    Parameters
    ----------
    model : SymbolicMixture
    variables : sequence of sympy.Symbol, optional
        Default: the coordinates ``x`` and the model's parameters.

    Returns
    -------
    ok : bool
    failures : list of (i, v)
        Pairs for which the difference did not cancel.
    """
    variables = tuple(model.x) + tuple(model.parameters) if variables is None else tuple(variables)
    failures = []
    for i in range(model.n):
        psi_i = model.responsibility_explicit(i)
        for v in variables:
            diff = sp.diff(psi_i, v) - model.explicit(model.responsibility_derivative(i, v))
            if not _explicit_difference_vanishes(model, diff):
                failures.append((i, v))
    return not failures, failures


def check_log_partition_rule(model: SymbolicMixture, variables=None) -> tuple[bool, list]:
    r"""Prove :math:`\partial_v \log\sum_k\pi_k e^{A_k} = \sum_k\psi_k\,\partial_v A_k` by explicit differentiation."""
    variables = tuple(model.parameters) if variables is None else tuple(variables)
    log_ratio = model.log_density_ratio()
    failures = []
    for v in variables:
        diff = sp.diff(log_ratio, v) - model.explicit(model.log_partition_derivative(v))
        if not _explicit_difference_vanishes(model, diff):
            failures.append(v)
    return not failures, failures


def _run(claim_id, statement, method, scope, sizes, check_one, remarks=""):
    """Run ``check_one(n, d) -> (ok, note, certificate)`` over sizes and assemble a Proof."""
    t0 = time.perf_counter()
    lines, ok_all, cert = [], True, None
    for n, d in sizes:
        ok, note, c = check_one(n, d)
        ok_all &= bool(ok)
        cert = c if c is not None else cert
        lines.append(f"(n={n}, d={d}): {'ok' if ok else 'FAILED'}" + (f" -- {note}" if note else ""))
    if remarks:
        lines.append(remarks)
    return Proof(
        claim_id=claim_id,
        proven=ok_all,
        statement=statement,
        method=method,
        sizes_checked=tuple(sizes),
        detail="\n".join(lines),
        certificate=cert,
        scope=scope,
        seconds=time.perf_counter() - t0,
    )


def _nonzero_entries(model, matrix):
    red = model.reduce_on_simplex(matrix)
    return [(r, c) for r in range(red.rows) for c in range(red.cols) if red[r, c] != 0]


# ------------------------------------------------------------------ claims
@_cached_over_sizes
def prove_eq8(sizes=DEFAULT_SIZES) -> Proof:
    r"""xfd24 eq. (8): :math:`\nabla_x\psi_i(x) = \psi_i(x)(\mu_i - \sum_k\psi_k(x)\mu_k)`, pointwise."""

    def one(n, d):
        m = symbolic_mixture(n, d)
        ok, failures = check_responsibility_rule(m, tuple(m.x))
        stated = sp.Matrix(
            n, d, lambda i, a: m.psi[i] * (m.means[i, a] - sum(m.psi[k] * m.means[k, a] for k in range(n)))
        )
        derived = sp.Matrix(n, d, lambda i, a: m.responsibility_derivative(i, m.x[a]))
        bad = _nonzero_entries(m, derived - stated)
        cert = sp.Eq(sp.Derivative(m.responsibility_explicit(0), m.x[0]), m.explicit(stated[0, 0]), evaluate=False)
        return ok and not bad, (f"failures {failures} {bad}" if (failures or bad) else ""), cert

    return _run(
        "xfd24.eq8",
        "grad_x psi_i(x) = psi_i(x) (mu_i - sum_k psi_k(x) mu_k) for every x, mu, pi (pointwise)",
        "explicit differentiation of psi_i = pi_i e^{A_i}/sum_k pi_k e^{A_k}; exp atoms -> "
        "independent positive symbols E_k; cancel(lhs - rhs) == 0",
        "integrand",
        sizes,
        one,
    )


@_cached_over_sizes
def prove_fact1(sizes=DEFAULT_SIZES) -> Proof:
    r"""xfd24 Fact 1 at the integrand level.

    With :math:`\ell(x;\mu) = -\log\sum_k\pi_k e^{A_k(x)}` and the
    minimization-sign :math:`q(\mu'|\mu;x) = \sum_i\psi_i(x|\mu)|x - \mu'_i|^2/2`,

    .. math:: \nabla_{\mu_i}\ell(x;\mu) = \nabla_{\mu'_i} q(\mu'|\mu;x)\big|_{\mu'=\mu} = \psi_i(x)(\mu_i - x).
    """

    def one(n, d):
        m = symbolic_mixture(n, d)
        ok_rule, failures = check_log_partition_rule(m)
        stated = sp.Matrix(n, d, lambda i, a: m.psi[i] * (m.means[i, a] - m.x[a]))
        bad_l = _nonzero_entries(m, m.gradient_integrand - stated)
        bad_q = _nonzero_entries(m, m.q_gradient_integrand - stated)
        ok = ok_rule and not bad_l and not bad_q
        cert = sp.Eq(
            sp.Derivative(m.loss_integrand(), m.mean_symbols[0, 0]), m.explicit(stated[0, 0]), evaluate=False
        )
        return ok, ("" if ok else f"log-partition failures {failures}, L {bad_l}, Q {bad_q}"), cert

    return _run(
        "xfd24.fact1",
        "integrand level: grad_{mu_i} [-log(p_mu(x)/phi(x))] = grad_{mu'_i} q(mu'|mu; x)|_{mu'=mu} "
        "= psi_i(x)(mu_i - x), with q = sum_i psi_i(x|mu)|x - mu'_i|^2/2 (gradient EM steps along -grad q)",
        "explicit differentiation of the log-density ratio (exp atoms -> symbols, cancel == 0); "
        "grad q by direct differentiation; comparison as polynomials on the responsibility simplex",
        "integrand",
        sizes,
        one,
        remarks="expectation level: grad L = E[grad ell] by dominated convergence "
        "(|grad_{mu_i} ell| <= |x| + mu_max is integrable); this analytic step is not machine checked",
    )


def _stein_pointwise(n, d, center):
    r"""Check :math:`\phi_c\psi_i(\mu_i - x) = \phi_c\psi_i\sum_k\psi_k(\mu_k - c) + \nabla_x(\psi_i\phi_c)`.

    :math:`\phi_c` is represented by a positive symbol ``Phi`` with the rule
    :math:`\partial_{x_a}\Phi = -(x_a - c_a)\Phi`, itself checked by
    differentiating :math:`(2\pi)^{-d/2}e^{-|x-c|^2/2}`.
    """
    m = symbolic_mixture(n, d)
    Phi = sp.Symbol("Phi", positive=True)
    c = sp.Matrix(center)
    phi_explicit = (2 * sp.pi) ** sp.Rational(-d, 2) * sp.exp(-sum((m.x[a] - c[a]) ** 2 for a in range(d)) / 2)
    rule_ok = all(
        sp.simplify(sp.diff(phi_explicit, m.x[a]) + (m.x[a] - c[a]) * phi_explicit) == 0 for a in range(d)
    )
    bad = []
    for i in range(n):
        for a in range(d):
            divergence = Phi * m.derivative(m.psi[i], m.x[a]) - (m.x[a] - c[a]) * m.psi[i] * Phi
            gradient_form = Phi * m.psi[i] * (m.means[i, a] - m.x[a])
            stein_form = Phi * m.psi[i] * sum(m.psi[k] * (m.means[k, a] - c[a]) for k in range(n))
            residual = sp.expand(gradient_form - stein_form - divergence)
            if residual.subs(Phi, 0) != 0 or not m.is_zero_on_simplex(sp.expand(residual / Phi)):
                bad.append((i, a))
    i, a = 0, 0
    cert = sp.Eq(
        Phi * m.psi[i] * (m.means[i, a] - m.x[a]),
        Phi * m.psi[i] * sum(m.psi[k] * (m.means[k, a] - c[a]) for k in range(n))
        + sp.Derivative(m.psi[i] * Phi, m.x[a]),
        evaluate=False,
    )
    return rule_ok and not bad, ("" if not bad and rule_ok else f"residual at {bad}, phi rule {rule_ok}"), cert


def _ibp_remarks():
    ibp = gaussian_integration_by_parts_1d()
    bounds = all(responsibility_bounds_hold(n) for n in range(1, 5))
    ok = ibp["all"] and bounds
    text = (
        "Gaussian integration by parts, 1-D, symbolic: product rule "
        f"{ibp['product_rule']}, fundamental theorem on [-M, M] {ibp['fundamental_theorem']}, "
        f"boundary term -> 0 {ibp['boundary_vanishes']}, closed-form instance g = e^(bt) "
        f"{ibp['exponential_instance']}; 0 < psi_i < 1 certified {bounds}. In R^d the divergence "
        "term integrates to 0 coordinatewise (Fubini), which yields the expectation identity."
    )
    return ok, text


@_cached_over_sizes
def prove_lemma9(sizes=DEFAULT_SIZES) -> Proof:
    r"""xfd24 Lemma 9 (Stein form), proven from a pointwise identity plus 1-D Gaussian integration by parts.

    Pointwise, with :math:`\phi` the :math:`N(0, I)` density,

    .. math:: \phi\,\psi_i(\mu_i - x) = \phi\,\psi_i\sum_k\psi_k\mu_k + \nabla_x(\psi_i\phi),

    and :math:`\int\nabla_x(\psi_i\phi)\,dx = 0`; with Fact 1 this gives
    :math:`\nabla_{\mu_i}L = E[\psi_i\sum_k\psi_k\mu_k]`.
    """
    t0 = time.perf_counter()
    ibp_ok, ibp_text = _ibp_remarks()
    fact1 = prove_fact1(sizes)

    def one(n, d):
        ok, note, cert = _stein_pointwise(n, d, [0] * d)
        return ok, note, cert

    p = _run(
        "xfd24.lemma9",
        "grad_{mu_i} L(mu) = E_x[psi_i(x) sum_k psi_k(x) mu_k]; pointwise: "
        "phi psi_i (mu_i - x) = phi psi_i sum_k psi_k mu_k + grad_x(psi_i phi), and E-integral of the "
        "divergence term vanishes (Gaussian integration by parts)",
        "polynomial identity on the responsibility simplex using eq. (8) and d phi/dx = -x phi; "
        "1-D Gaussian integration by parts by SymPy (product rule, FTC, vanishing boundary term)",
        "expectation",
        sizes,
        one,
        remarks=ibp_text + f"\nuses xfd24.fact1 (integrand level): {fact1.status}",
    )
    return _with(p, proven=p.proven and ibp_ok and fact1.proven, seconds=time.perf_counter() - t0)


@_cached_over_sizes
def prove_zxfd25_stein(sizes=DEFAULT_SIZES) -> Proof:
    r"""zxfd25 Stein form for a mixture truth :math:`p^* = \sum_a\pi^*_a N(\mu^*_a, I)`.

    Pointwise for each truth component (center :math:`c = \mu^*_a`, symbolic):

    .. math:: \phi_c\,\psi_i(\mu_i - x) = \phi_c\,\psi_i\sum_k\psi_k(\mu_k - c) + \nabla_x(\psi_i\phi_c).

    With :math:`\nabla_{\mu_i}L = E_{p^*}[\psi_i(\mu_i - x)]` (Fact 1's integrand
    identity; :math:`\log p_\mu = \log(p_\mu/\phi) + \log\phi`) and linearity in
    the truth components, the claim follows by Gaussian integration by parts.
    """
    t0 = time.perf_counter()
    ibp_ok, ibp_text = _ibp_remarks()
    fact1 = prove_fact1(sizes)

    def one(n, d):
        center = sp.symbols(f"c_1:{d + 1}", real=True)
        return _stein_pointwise(n, d, center)

    p = _run(
        "zxfd25.stein",
        "grad_{mu_i} L = sum_a pi*_a E_{x~N(mu*_a, I)}[psi_i(x) sum_k psi_k(x)(mu_k - mu*_a)]; pointwise for "
        "symbolic center c: phi_c psi_i (mu_i - x) = phi_c psi_i sum_k psi_k (mu_k - c) + grad_x(psi_i phi_c)",
        "polynomial identity on the responsibility simplex using eq. (8) and d phi_c/dx = -(x - c) phi_c; "
        "1-D Gaussian integration by parts by SymPy",
        "expectation",
        sizes,
        one,
        remarks=ibp_text + f"\nuses xfd24.fact1 (integrand level, any truth): {fact1.status}",
    )
    return _with(p, proven=p.proven and ibp_ok and fact1.proven, seconds=time.perf_counter() - t0)


@_cached_over_sizes
def prove_cor10(sizes=DEFAULT_SIZES) -> Proof:
    r"""xfd24 Corollary 10 from Lemma 9: :math:`\sum_i\langle\psi_i\tilde\psi, \mu_i\rangle = |\tilde\psi|^2` pointwise."""
    t0 = time.perf_counter()
    lemma9 = prove_lemma9(sizes)

    def one(n, d):
        m = symbolic_mixture(n, d)
        stein = m.stein_gradient_integrand
        lhs = sum(stein[i, a] * m.means[i, a] for i in range(n) for a in range(d))
        rhs = sum(p**2 for p in m.psi_tilde)
        ok = sp.expand(lhs - rhs) == 0
        return ok, "", sp.Eq(lhs, rhs, evaluate=False)

    p = _run(
        "xfd24.cor10",
        "<grad L(mu), mu> = E_x|psi~(x)|^2: Lemma 9 plus the pointwise identity "
        "sum_i <psi_i psi~, mu_i> = |psi~|^2",
        "exact polynomial expansion; linearity of expectation",
        "expectation",
        sizes,
        one,
        remarks=f"uses xfd24.lemma9: {lemma9.status}",
    )
    return _with(p, proven=p.proven and lemma9.proven, seconds=time.perf_counter() - t0)


def eq22_gram_form(model: SymbolicMixture) -> sp.Matrix:
    r""":math:`\sum_{i<j}\psi_i\psi_j(\mu_i - \mu_j)(\mu_i - \mu_j)^\top`, the PSD certificate of eq. (22)."""
    d = model.d
    out = sp.zeros(d, d)
    for i in range(model.n):
        for j in range(i + 1, model.n):
            v = model.mean(i) - model.mean(j)
            out += model.psi[i] * model.psi[j] * v * v.T
    return out.applyfunc(sp.expand)


@_cached_over_sizes
def prove_eq22(sizes=DEFAULT_SIZES) -> Proof:
    r"""xfd24 eq. (22) and PSD of its right-hand side.

    .. math:: \nabla_x\tilde\psi(x) = \tfrac12\sum_{i,j}\psi_i\psi_j(\mu_i-\mu_j)(\mu_i-\mu_j)^\top
              = \sum_{i<j}\psi_i\psi_j(\mu_i-\mu_j)(\mu_i-\mu_j)^\top \succeq 0 .

    The Jacobian is derived with eq. (8). PSD: a sum of rank-one
    :math:`vv^\top` with coefficients :math:`\psi_i\psi_j > 0` (SymPy certifies
    the sign from the positivity of the responsibility symbols), so
    :math:`y^\top\nabla\tilde\psi\,y = \sum_{i<j}\psi_i\psi_j\langle\mu_i-\mu_j, y\rangle^2 \ge 0`.
    """
    t0 = time.perf_counter()
    eq8 = prove_eq8(sizes)

    def one(n, d):
        m = symbolic_mixture(n, d)
        J = m.psi_tilde_jacobian
        half_sum = sp.zeros(d, d)
        for i in range(n):
            for j in range(n):
                v = m.mean(i) - m.mean(j)
                half_sum += m.psi[i] * m.psi[j] * v * v.T / 2
        gram = eq22_gram_form(m)
        bad = _nonzero_entries(m, J - half_sum)
        gram_ok = all(sp.expand(e) == 0 for e in (half_sum - gram))
        coeff_ok = all((m.psi[i] * m.psi[j]).is_positive for i in range(n) for j in range(i + 1, n))
        sym_ok = all(sp.expand(e) == 0 for e in (J - J.T).applyfunc(lambda e: m.reduce_on_simplex(e)))
        y = sp.Matrix(sp.symbols(f"y_1:{d + 1}", real=True))
        sos = sum(
            m.psi[i] * m.psi[j] * ((m.mean(i) - m.mean(j)).T * y)[0, 0] ** 2 for i in range(n) for j in range(i + 1, n)
        )
        quad_ok = m.is_zero_on_simplex(sp.expand((y.T * J * y)[0, 0] - sos))
        ok = not bad and gram_ok and coeff_ok and sym_ok and quad_ok
        note = "" if ok else f"jacobian mismatch {bad}, gram {gram_ok}, coeff {coeff_ok}, sym {sym_ok}, quad {quad_ok}"
        return ok, note, {"jacobian": J, "gram_form": gram, "quadratic_form": sp.Eq(sp.Symbol("y^T J y"), sos)}

    p = _run(
        "xfd24.eq22",
        "grad_x psi~(x) = 1/2 sum_{i,j} psi_i psi_j (mu_i - mu_j)(mu_i - mu_j)^T for every x (pointwise), "
        "symmetric and PSD: y^T grad psi~ y = sum_{i<j} psi_i psi_j <mu_i - mu_j, y>^2 >= 0",
        "Jacobian derived with eq. (8); polynomial identity on the responsibility simplex; PSD by the "
        "Gram form sum_{i<j} psi_i psi_j v_ij v_ij^T with positive coefficients",
        "integrand",
        sizes,
        one,
        remarks=f"uses xfd24.eq8: {eq8.status}",
    )
    return _with(p, proven=p.proven and eq8.proven, seconds=time.perf_counter() - t0)


def _with(proof: Proof, **changes) -> Proof:
    from dataclasses import replace

    return replace(proof, **changes)

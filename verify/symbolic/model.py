r"""Symbolic Gaussian mixture with identity covariances, for small ``n`` and ``d``.

The student density relative to the truth :math:`\phi = N(0, I_d)` is

.. math::

    \frac{p_\mu(x)}{\phi(x)} = \sum_{k=1}^n \pi_k e^{A_k(x)},\qquad
    A_k(x) = \langle x, \mu_k\rangle - \tfrac12 |\mu_k|^2 ,

the responsibilities are :math:`\psi_i = \pi_i e^{A_i} / \sum_k \pi_k e^{A_k}`
and the loss integrand is :math:`\ell(x;\mu) = -\log\sum_k\pi_k e^{A_k(x)}`,
so that :math:`L(\mu) = E_{x\sim N(0,I)}\,\ell(x;\mu)`.

Representation
--------------
Expressions are kept in the *responsibility form*: polynomials in the
coordinates :math:`x_a`, the means :math:`\mu_{ia}` (or the parameters the
means depend on) and symbols :math:`\psi_i` standing for the responsibilities.
Differentiation uses the responsibility rule

.. math::

    \partial_v \psi_i = \psi_i\Big(\partial_v A_i - \sum_k \psi_k\,\partial_v A_k\Big),

which :func:`verify.symbolic.identities.check_responsibility_rule` proves by
differentiating the explicit exponential expression. Identities are then
polynomial identities in the :math:`\psi_i` on the simplex
:math:`\sum_i \psi_i = 1`, decided exactly by eliminating the last
responsibility (:meth:`SymbolicMixture.reduce_on_simplex`). This avoids
``simplify`` on large exponential expressions and keeps every check fast.
:meth:`SymbolicMixture.explicit` substitutes the exponential form back.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import sympy as sp

__all__ = ["SymbolicMixture", "symbolic_mixture", "gaussian_moment", "gaussian_expectation_of_polynomial"]


def _index_name(prefix: str, *indices: int) -> str:
    """``mu_12`` for single-digit indices, ``mu_1_12`` otherwise."""
    if all(0 <= i <= 9 for i in indices):
        return prefix + "_" + "".join(str(i) for i in indices)
    return prefix + "_" + "_".join(str(i) for i in indices)


class SymbolicMixture:
    r"""Symbolic student mixture :math:`p_\mu = \sum_i \pi_i N(\mu_i, I_d)` with truth :math:`N(0, I_d)`.

    Parameters
    ----------
    n, d : int
        Number of components and dimension.
    means : sympy.Matrix, shape (n, d), optional
        Mean of component ``i`` in row ``i``, as expressions in ``parameters``.
        Default: free real symbols ``mu_ia``.
    parameters : sequence of sympy.Symbol, optional
        The variables the means depend on (the variables of the gradient and
        Hessian). Default: the mean symbols, flattened in row-major order
        (index ``i*d + a``, the flattening of :func:`solvers.population.hessian`).
    index_base : int
        First component index used in symbol names (1 by default, 0 for the
        cyclic alp25 models where components are ``j = 0..k-1``).

    Attributes
    ----------
    x : sympy.Matrix, shape (d, 1)
        Real coordinate symbols ``x_a``.
    means : sympy.Matrix, shape (n, d)
    weights : tuple of sympy.Symbol
        Positive weight symbols ``pi_i`` (the simplex constraint
        :math:`\sum_i\pi_i = 1` is imposed where it is used, see
        :meth:`reduce_weights`).
    psi : tuple of sympy.Symbol
        Positive responsibility symbols ``psi_i``.
    exponents : tuple of sympy.Expr
        :math:`A_k = \langle x,\mu_k\rangle - |\mu_k|^2/2`.
    shift : sympy.Symbol
        A real symbol ``c`` used by :meth:`explicit` with ``shifted=True``:
        :math:`\psi_i = \pi_i e^{A_i - c}/\sum_k \pi_k e^{A_k - c}` for any c
        (numerical code passes :math:`c = \max_k A_k` to avoid overflow).
    """

    def __init__(self, n: int, d: int, *, means=None, parameters=None, index_base: int = 1):
        if n < 1 or d < 1:
            raise ValueError(f"n and d must be >= 1, got n={n}, d={d}")
        self.n, self.d, self.index_base = int(n), int(d), int(index_base)
        ib = self.index_base
        self.x = sp.ImmutableMatrix(d, 1, [sp.Symbol(f"x_{a + 1}", real=True) for a in range(d)])
        self.mean_symbols = sp.ImmutableMatrix(
            n, d, lambda i, a: sp.Symbol(_index_name("mu", i + ib, a + 1), real=True)
        )
        self.means = sp.ImmutableMatrix(means) if means is not None else self.mean_symbols
        if self.means.shape != (n, d):
            raise ValueError(f"means: expected shape ({n}, {d}), got {self.means.shape}")
        self.parameters = tuple(parameters) if parameters is not None else tuple(self.mean_symbols)
        self.weights = tuple(sp.Symbol(_index_name("pi", i + ib), positive=True) for i in range(n))
        self.psi = tuple(sp.Symbol(_index_name("psi", i + ib), positive=True) for i in range(n))
        self.shift = sp.Symbol("c", real=True)
        self.exponents = tuple(
            sp.expand((self.x.T * self.means[i, :].T)[0, 0] - (self.means[i, :] * self.means[i, :].T)[0, 0] / 2)
            for i in range(n)
        )

    def __repr__(self):
        return f"SymbolicMixture(n={self.n}, d={self.d})"

    # ------------------------------------------------------------------ algebra
    def mean(self, i: int) -> sp.Matrix:
        """Mean of component ``i`` (0-based) as a (d, 1) column."""
        return self.means[i, :].T

    def responsibility_derivative(self, i: int, v: sp.Symbol) -> sp.Expr:
        r""":math:`\partial_v\psi_i = \psi_i(\partial_v A_i - \sum_k\psi_k\partial_v A_k)` (0-based ``i``)."""
        dA = [sp.diff(A, v) for A in self.exponents]
        return self.psi[i] * (dA[i] - sum(p * g for p, g in zip(self.psi, dA)))

    def derivative(self, expr: sp.Expr, v: sp.Symbol, at: dict | None = None) -> sp.Expr:
        r"""Total derivative of a responsibility-form expression in ``v``.

        .. math:: D_v f = \partial_v f + \sum_i \frac{\partial f}{\partial\psi_i}\,\partial_v\psi_i .

        Parameters
        ----------
        expr : sympy.Expr
        v : sympy.Symbol
        at : dict, optional
            Substitution applied to every factor (e.g. a point
            ``{theta: 0, psi_j: pi_j}``): the derivative *evaluated* there,
            cheaply; the result is then left unexpanded.
        """
        sub = (lambda e: e) if at is None else (lambda e: sp.sympify(e).xreplace(at))
        out = sub(sp.diff(expr, v))
        for i, p in enumerate(self.psi):
            dp = sp.diff(expr, p)
            if dp != 0:
                out += sub(dp) * sub(self.responsibility_derivative(i, v))
        return sp.expand(out) if at is None else out

    def log_partition_derivative(self, v: sp.Symbol) -> sp.Expr:
        r""":math:`\partial_v \log\sum_k\pi_k e^{A_k} = \sum_k \psi_k\,\partial_v A_k`."""
        return sp.expand(sum(p * sp.diff(A, v) for p, A in zip(self.psi, self.exponents)))

    def reduce_on_simplex(self, expr):
        r"""Canonical form on :math:`\sum_i\psi_i = 1`: eliminate the last responsibility and expand.

        Two responsibility-form polynomials agree for every ``x`` iff their
        reductions agree (the remaining :math:`\psi_1..\psi_{n-1}` are treated
        as independent, so equality of reductions is a sufficient condition).
        Works elementwise on matrices.
        """
        last = self.psi[-1]
        rule = {last: 1 - sum(self.psi[:-1])}
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda e: sp.expand(sp.sympify(e).xreplace(rule)))
        return sp.expand(sp.sympify(expr).xreplace(rule))

    def reduce_weights(self, expr):
        r"""Impose :math:`\sum_i\pi_i = 1` by eliminating the last weight, then expand."""
        rule = {self.weights[-1]: 1 - sum(self.weights[:-1])}
        if isinstance(expr, sp.MatrixBase):
            return expr.applyfunc(lambda e: sp.expand(sp.sympify(e).xreplace(rule)))
        return sp.expand(sp.sympify(expr).xreplace(rule))

    def is_zero_on_simplex(self, expr) -> bool:
        """True iff ``expr`` reduces to exactly 0 on the responsibility simplex."""
        red = self.reduce_on_simplex(expr)
        if isinstance(red, sp.MatrixBase):
            return all(e == 0 for e in red)
        return red == 0

    # --------------------------------------------------------- explicit forms
    def responsibility_explicit(self, i: int, *, shifted: bool = False) -> sp.Expr:
        r""":math:`\psi_i = \pi_i e^{A_i - c}/\sum_k\pi_k e^{A_k - c}` (``c = 0`` unless ``shifted``)."""
        c = self.shift if shifted else 0
        terms = [w * sp.exp(A - c) for w, A in zip(self.weights, self.exponents)]
        return terms[i] / sp.Add(*terms)

    def explicit(self, expr, *, shifted: bool = False):
        """Substitute the exponential form of every responsibility symbol."""
        rule = {p: self.responsibility_explicit(i, shifted=shifted) for i, p in enumerate(self.psi)}
        if isinstance(expr, sp.MatrixBase):
            return expr.xreplace(rule)
        return sp.sympify(expr).xreplace(rule)

    def log_density_ratio(self, *, shifted: bool = False) -> sp.Expr:
        r""":math:`\log(p_\mu(x)/\phi(x)) = c + \log\sum_k \pi_k e^{A_k - c}` (``c = 0`` unless ``shifted``)."""
        c = self.shift if shifted else 0
        return c + sp.log(sp.Add(*[w * sp.exp(A - c) for w, A in zip(self.weights, self.exponents)]))

    def log_density(self, *, shifted: bool = False) -> sp.Expr:
        r""":math:`\log p_\mu(x) = \log(p_\mu/\phi) - |x|^2/2 - (d/2)\log(2\pi)`."""
        return (
            self.log_density_ratio(shifted=shifted)
            - (self.x.T * self.x)[0, 0] / 2
            - sp.Rational(self.d, 2) * sp.log(2 * sp.pi)
        )

    def loss_integrand(self, *, shifted: bool = False) -> sp.Expr:
        r""":math:`\ell(x;\mu) = -\log\sum_k\pi_k e^{A_k(x)}`, so that :math:`L = E\,\ell`."""
        return -self.log_density_ratio(shifted=shifted)

    # -------------------------------------------------------------- integrands
    @cached_property
    def gradient_integrand(self) -> sp.Matrix:
        r"""(n, d) matrix :math:`\partial_{\mu_{ia}}\ell = -\sum_k\psi_k\,\partial_{\mu_{ia}}A_k = \psi_i(\mu_{ia} - x_a)`.

        Derived from the log-partition rule (not typed in); only for the
        default parametrization by the mean symbols.
        """
        self._require_mean_parameters()
        return sp.ImmutableMatrix(
            self.n, self.d, lambda i, a: -self.log_partition_derivative(self.mean_symbols[i, a])
        )

    def loss_gradient(self, variables=None) -> sp.Matrix:
        r"""Column of :math:`\partial_v \ell` for ``v`` in ``variables`` (default: ``parameters``)."""
        variables = self.parameters if variables is None else tuple(variables)
        return sp.Matrix([-self.log_partition_derivative(v) for v in variables])

    def loss_hessian(self, variables=None, at: dict | None = None) -> sp.Matrix:
        r"""Matrix of :math:`\partial_v\partial_w \ell` for ``v, w`` in ``variables`` (default: ``parameters``).

        ``at``: optional point substitution, see :meth:`derivative`.
        """
        variables = self.parameters if variables is None else tuple(variables)
        grad = self.loss_gradient(variables)
        m = len(variables)
        return sp.Matrix(m, m, lambda r, s: self.derivative(grad[r], variables[s], at=at))

    @cached_property
    def hessian_integrand(self) -> sp.Matrix:
        r"""(n d, n d) Hessian integrand of :math:`\ell` in the means, index ``i*d + a``.

        .. math:: \partial_{\mu_{jb}}\partial_{\mu_{ia}}\ell
                  = \delta_{ij}\delta_{ab}\psi_i - \psi_i(\delta_{ij} - \psi_j)(x_a - \mu_{ia})(x_b - \mu_{jb}).
        """
        self._require_mean_parameters()
        return sp.ImmutableMatrix(self.loss_hessian(tuple(self.mean_symbols)))

    @cached_property
    def primed_mean_symbols(self) -> sp.Matrix:
        r"""Symbols :math:`\mu'_{ia}` of the M-step argument of :math:`Q(\mu'|\mu)`."""
        ib = self.index_base
        return sp.ImmutableMatrix(
            self.n, self.d, lambda i, a: sp.Symbol(_index_name("nu", i + ib, a + 1), real=True)
        )

    def q_integrand(self, primed_means=None) -> sp.Expr:
        r"""Minimization-sign Q integrand :math:`q(\mu'|\mu; x) = \sum_i \psi_i(x|\mu)\,|x - \mu'_i|^2/2`.

        The paper maximizes :math:`-q`; gradient EM steps along :math:`-\nabla_{\mu'} q`.
        """
        mp = self.primed_mean_symbols if primed_means is None else sp.Matrix(primed_means)
        return sum(
            self.psi[i] * sum((self.x[a] - mp[i, a]) ** 2 for a in range(self.d)) / 2 for i in range(self.n)
        )

    @cached_property
    def q_gradient_integrand(self) -> sp.Matrix:
        r"""(n, d) :math:`\nabla_{\mu'_i} q(\mu'|\mu; x)` at :math:`\mu' = \mu`."""
        self._require_mean_parameters()
        q = self.q_integrand()
        mp = self.primed_mean_symbols
        at_mu = dict(zip(mp, self.mean_symbols))
        return sp.ImmutableMatrix(self.n, self.d, lambda i, a: sp.expand(sp.diff(q, mp[i, a]).xreplace(at_mu)))

    @cached_property
    def psi_tilde(self) -> sp.Matrix:
        r""":math:`\tilde\psi(x) = \sum_i\psi_i(x)\mu_i`, a (d, 1) column."""
        return sp.ImmutableMatrix(
            self.d, 1, lambda a, _: sp.expand(sum(p * self.means[i, a] for i, p in enumerate(self.psi)))
        )

    @cached_property
    def stein_gradient_integrand(self) -> sp.Matrix:
        r"""(n, d) Stein-form integrand :math:`\psi_i(x)\sum_k\psi_k(x)\mu_k` (xfd24 Lemma 9)."""
        pt = self.psi_tilde
        return sp.ImmutableMatrix(self.n, self.d, lambda i, a: sp.expand(self.psi[i] * pt[a]))

    @cached_property
    def psi_tilde_jacobian(self) -> sp.Matrix:
        r""":math:`J_{ab} = \partial_{x_b}\tilde\psi_a(x)`, (d, d)."""
        pt = self.psi_tilde
        return sp.ImmutableMatrix(self.d, self.d, lambda a, b: self.derivative(pt[a], self.x[b]))

    def _require_mean_parameters(self):
        if tuple(self.parameters) != tuple(self.mean_symbols):
            raise ValueError("this integrand is defined for the default parametrization by mean symbols")


@lru_cache(maxsize=None)
def symbolic_mixture(n: int, d: int) -> SymbolicMixture:
    """Cached :class:`SymbolicMixture` with free mean and weight symbols."""
    return SymbolicMixture(n, d)


def gaussian_moment(exponents) -> sp.Integer:
    r""":math:`E\prod_a x_a^{k_a}` for :math:`x\sim N(0, I)`: :math:`\prod_a (k_a - 1)!!` if all even, else 0."""
    out = sp.Integer(1)
    for k in exponents:
        if k % 2:
            return sp.Integer(0)
        out *= sp.factorial2(k - 1) if k else 1
    return out


def gaussian_expectation_of_polynomial(expr, xs, max_degree: int = 64) -> sp.Expr:
    r"""Exact :math:`E_{x\sim N(0,I)} f(x)` of a polynomial f in ``xs``.

    Uses the heat-semigroup form of the Gaussian moments (Isserlis),

    .. math:: E f(x) = \big(e^{\Delta/2} f\big)(0) = \sum_{k\ge 0}\frac{1}{k!}\Big(\frac{\Delta}{2}\Big)^k f\,\Big|_{x=0},

    a finite sum for polynomials; no expansion of the coefficients is needed
    (fast with radical or symbolic coefficients).

    Raises
    ------
    ValueError
        If ``expr`` is not a polynomial in ``xs`` of degree <= ``max_degree``.
    """
    xs = list(xs)
    at_zero = {x: 0 for x in xs}
    term = sp.sympify(expr)
    total = sp.Integer(0)
    for k in range(max_degree // 2 + 2):
        if term == 0:
            return sp.expand(total)
        total += term.xreplace(at_zero) / sp.factorial(k)
        if not term.has(*xs):
            return sp.expand(total)
        term = sum(sp.diff(term, x, 2) for x in xs) / 2
    raise ValueError(f"expected a polynomial in {xs} of degree <= {max_degree}")

r"""Code generation: the derived integrands as NumPy and mpmath functions (``lambdify`` with ``cse``).

Every integrand is generated from the responsibility form derived in
:mod:`verify.symbolic.model`, with the exponential form of the responsibilities
substituted in the shift-invariant way

.. math:: \psi_i = \frac{\pi_i e^{A_i - c}}{\sum_k\pi_k e^{A_k - c}},\qquad
          \log\frac{p_\mu}{\phi} = c + \log\sum_k\pi_k e^{A_k - c},

which is an exact identity for every c. The NumPy wrapper passes
:math:`c = \max_k A_k(x)` (no overflow); the mpmath wrapper passes ``c = 0``.
Constants stay exact: SymPy prints ``Rational(1, 2)`` as ``mpf(1)/mpf(2)``
for mpmath, and :math:`\log(2\pi)` as ``log(2*pi)`` with mpmath's ``pi``, so
the mpmath functions are accurate to the working precision ``mp.dps``.

Quantities (names as in :mod:`solvers.population` where they coincide):

==========================  =============================================  ============
name                        integrand                                      shape
==========================  =============================================  ============
``loss``                    :math:`-\log(p_\mu(x)/\phi(x))`                 ()
``log_density``             :math:`\log p_\mu(x)`                           ()
``responsibility_means``    :math:`\psi_i(x)`                               (n,)
``gradient``                :math:`\psi_i(x)(\mu_i - x)`                    (n, d)
``q_gradient``              :math:`\nabla_{\mu'_i}q(\mu'|\mu;x)|_{\mu'=\mu}` (n, d)
``gradient_stein``          :math:`\psi_i(x)\sum_k\psi_k(x)\mu_k`           (n, d)
``psi_tilde_sq``            :math:`|\sum_i\psi_i(x)\mu_i|^2`                ()
``hessian``                 :math:`\partial^2\ell/\partial\mu\partial\mu`   (n d, n d)
==========================  =============================================  ============
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from .model import symbolic_mixture

__all__ = ["INTEGRANDS", "BACKENDS", "GeneratedIntegrand", "integrand_expression", "generate_integrand"]

INTEGRANDS = (
    "loss",
    "log_density",
    "responsibility_means",
    "gradient",
    "q_gradient",
    "gradient_stein",
    "psi_tilde_sq",
    "hessian",
)
BACKENDS = ("numpy", "mpmath")


def integrand_expression(quantity: str, n: int, d: int, *, explicit: bool = False, shifted: bool = False):
    """The derived integrand as a SymPy Matrix (or scalar Expr).

    Parameters
    ----------
    quantity : str
        One of :data:`INTEGRANDS`.
    n, d : int
    explicit : bool
        Substitute the exponential form of the responsibilities (default: keep
        the responsibility symbols ``psi_i``; ``loss`` and ``log_density`` are
        always explicit).
    shifted : bool
        With ``explicit``, use the shift symbol ``c`` (see module docstring).
    """
    m = symbolic_mixture(n, d)
    if quantity == "loss":
        return m.loss_integrand(shifted=shifted)
    if quantity == "log_density":
        return m.log_density(shifted=shifted)
    table = {
        "responsibility_means": lambda: sp.Matrix(m.psi),
        "gradient": lambda: m.gradient_integrand,
        "q_gradient": lambda: m.q_gradient_integrand,
        "gradient_stein": lambda: m.stein_gradient_integrand,
        "psi_tilde_sq": lambda: sp.expand(sum(e**2 for e in m.psi_tilde)),
        "hessian": lambda: m.hessian_integrand,
    }
    if quantity not in table:
        raise ValueError(f"quantity: expected one of {INTEGRANDS}, got {quantity!r}")
    expr = table[quantity]()
    return m.explicit(expr, shifted=shifted) if explicit else expr


def _shape(quantity: str, n: int, d: int) -> tuple:
    return {
        "loss": (),
        "log_density": (),
        "psi_tilde_sq": (),
        "responsibility_means": (n,),
        "gradient": (n, d),
        "q_gradient": (n, d),
        "gradient_stein": (n, d),
        "hessian": (n * d, n * d),
    }[quantity]


@dataclass(frozen=True)
class GeneratedIntegrand:
    """A lambdified integrand with its source.

    Call as ``f(x, weights, means)``.

    * ``backend="numpy"``: ``x`` has shape ``(..., d)`` (float64), the result
      shape ``(..., *shape)``.
    * ``backend="mpmath"``: ``x`` is one point (length-d sequence of numbers
      convertible to ``mpf``), the result is an ``mpf`` (scalar quantities),
      a list (vectors) or a list of lists (matrices), at the current ``mp.dps``.

    Attributes
    ----------
    quantity : str
    n, d : int
    backend : str
    shape : tuple
        Shape of the value at one point.
    expression : sympy.Expr or sympy.Matrix
        The lambdified (explicit, shifted) expression.
    source : str
        The generated Python source (``inspect.getsource``).
    """

    quantity: str
    n: int
    d: int
    backend: str
    shape: tuple
    expression: object = field(repr=False)
    source: str = field(repr=False)
    function: object = field(repr=False, compare=False)

    def __call__(self, x, weights, means):
        if self.backend == "numpy":
            return self._call_numpy(x, weights, means)
        return self._call_mpmath(x, weights, means)

    def _call_numpy(self, x, weights, means):
        X = np.asarray(x, dtype=float)
        if X.shape[-1] != self.d:
            raise ValueError(f"x: expected last axis of length d = {self.d}, got shape {X.shape}")
        W = np.asarray(weights, dtype=float).reshape(self.n)
        M = np.asarray(means, dtype=float).reshape(self.n, self.d)
        exponents = X @ M.T - 0.5 * np.sum(M**2, axis=1)
        shift = np.max(exponents, axis=-1)
        xs = [X[..., a] for a in range(self.d)]
        out = self.function(xs, list(M.ravel()), list(W), shift)
        out = np.broadcast_arrays(*[np.asarray(o, dtype=float) for o in out], np.empty(X.shape[:-1]))[:-1]
        return np.stack(out, axis=-1).reshape(X.shape[:-1] + self.shape)

    def _call_mpmath(self, x, weights, means):
        import mpmath

        xs = [mpmath.mpf(v) for v in x]
        W = [mpmath.mpf(v) for v in weights]
        M = [mpmath.mpf(v) for row in means for v in row]
        if len(xs) != self.d or len(W) != self.n or len(M) != self.n * self.d:
            raise ValueError(f"expected x of length {self.d}, {self.n} weights, ({self.n}, {self.d}) means")
        out = self.function(xs, M, W, mpmath.mpf(0))
        if self.shape == ():
            return out[0]
        if len(self.shape) == 1:
            return list(out)
        rows, cols = self.shape
        return [list(out[r * cols : (r + 1) * cols]) for r in range(rows)]


def _cse_with_responsibilities(m):
    r"""A ``cse`` callable for ``lambdify`` that first defines ``S`` and ``psi_i`` explicitly.

    ``e_k = pi_k exp(A_k - c)``, ``S_c = sum_k e_k``, ``psi_i = e_i / S_c``; then
    SymPy's ``cse`` of the responsibility-form expressions.
    """
    total = sp.Symbol("S_c", positive=True)
    terms = [sp.Symbol(f"e_{i + 1}", positive=True) for i in range(m.n)]
    definitions = (
        [(t, w * sp.exp(A - m.shift)) for t, w, A in zip(terms, m.weights, m.exponents)]
        + [(total, sp.Add(*terms))]
        + [(p, t / total) for p, t in zip(m.psi, terms)]
    )

    def cse(exprs):
        replacements, reduced = sp.cse(exprs)
        return definitions + replacements, reduced

    return cse


@lru_cache(maxsize=None)
def generate_integrand(quantity: str, n: int, d: int, backend: str = "numpy") -> GeneratedIntegrand:
    """Lambdify the derived integrand ``quantity`` for ``n`` components in ``R^d`` (cached).

    Parameters
    ----------
    quantity : str
        One of :data:`INTEGRANDS`.
    n, d : int
    backend : {"numpy", "mpmath"}

    Returns
    -------
    GeneratedIntegrand
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend: expected one of {BACKENDS}, got {backend!r}")
    m = symbolic_mixture(n, d)
    args = [list(m.x), list(m.mean_symbols), list(m.weights), m.shift]
    if quantity in ("loss", "log_density"):
        expr = integrand_expression(quantity, n, d, explicit=True, shifted=True)
        entries, cse = [expr], True
    else:
        # responsibility form; the responsibilities become the first common subexpressions
        expr = integrand_expression(quantity, n, d)
        entries = list(expr) if isinstance(expr, sp.MatrixBase) else [expr]
        cse = _cse_with_responsibilities(m)
    func = sp.lambdify(args, entries, modules=backend, cse=cse)
    return GeneratedIntegrand(
        quantity=quantity,
        n=n,
        d=d,
        backend=backend,
        shape=_shape(quantity, n, d),
        expression=expr,
        source=inspect.getsource(func),
        function=func,
    )

r"""Assertion helpers in the style of :mod:`numpy.testing`, against the trusted engines.

Each helper evaluates the user's function at a mixture and compares it with
:func:`solvers.population.estimate` (adaptive cubature; with ``dps``: :mod:`verify.reference`
at ``dps`` digits). It passes when

.. math:: \max|\text{user} - \text{reference}| \le \text{bound} + \text{atol} + \text{rtol}\,\max|\text{reference}|,

``bound`` being the engine's error bound (:mod:`verify.testing.reference_steps`), and raises
:class:`SolverMismatch` (an ``AssertionError``) otherwise, whose message shows the instance, both
values, the bound and a one-line reproduction.
"""

from __future__ import annotations

import numpy as np

from solvers import Mixture

from ._core import DEFAULT_ATOL, DEFAULT_RTOL, fmt, max_abs, positional_arity
from .reference_steps import population_step, population_values


class SolverMismatch(AssertionError):
    """A user's value differs from the trusted one by more than the bound plus the tolerance.

    Attributes: ``mixture`` (the instance), ``user``, ``reference``, ``bound``, ``allowed``.
    """

    def __init__(self, message, mixture, user, reference, bound, allowed):
        super().__init__(message)
        self.mixture, self.user, self.reference, self.bound, self.allowed = mixture, user, reference, bound, allowed


def _as_mixture(mixture) -> Mixture:
    if isinstance(mixture, Mixture):
        return mixture
    if hasattr(mixture, "weights") and hasattr(mixture, "means"):
        return Mixture(mixture.weights, mixture.means)
    if isinstance(mixture, (tuple, list)) and len(mixture) == 2:
        return Mixture(*mixture)
    raise ValueError(f"mixture: expected a solvers.Mixture or (weights, means), got {type(mixture).__name__}")


def _tolerances(rtol, atol):
    for value, name in ((rtol, "rtol"), (atol, "atol")):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value) or value < 0:
            raise ValueError(f"{name}: expected a finite number >= 0, got {value!r}")
    return float(rtol), float(atol)


def _check(what, user, ref, bound, mix, rtol, atol, repro, method):
    user = np.asarray(user, dtype=float)
    ref = np.asarray(ref, dtype=float)
    if user.shape != ref.shape:
        raise SolverMismatch(f"{what}: expected shape {ref.shape}, got {user.shape}\n  instance: {mix!r}\n"
                             f"  repro: {repro}", mix, user, ref, bound, 0.0)
    err = max_abs(user - ref)
    allowed = bound + atol + rtol * max_abs(ref)
    if not err <= allowed:
        raise SolverMismatch(
            f"{what} differs from the trusted value\n  instance: {mix!r}\n  user:      {fmt(user)}\n"
            f"  reference: {fmt(ref)}  ({method})\n  |diff| = {err:.3e} > allowed {allowed:.3e} = engine bound "
            f"{bound:.3e} + atol {atol:g} + rtol {rtol:g} x {max_abs(ref):.3g}\n  repro: {repro}",
            mix, user, ref, bound, allowed)


def _tail(rtol, atol, dps):
    out = f", rtol={rtol!r}" if rtol != DEFAULT_RTOL else ""
    out += f", atol={atol!r}" if atol != DEFAULT_ATOL else ""
    return out + (f", dps={dps!r}" if dps is not None else "")


def _assert_population_value(quantity, what, call, fn, mixture, rtol, atol, dps):
    mix = _as_mixture(mixture)
    rtol, atol = _tolerances(rtol, atol)
    values, errors, method = population_values(mix, (quantity,), dps)
    user = fn(mix.weights.copy(), mix.means.copy())
    repro = f"{call}, {mix!r}{_tail(rtol, atol, dps)})"
    _check(what, user, values[quantity], errors[quantity], mix, rtol, atol, repro, method)


def assert_population_gradient(fn, mixture, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, *, dps=None):
    r"""``fn(weights, means) -> (n, d)`` equals :math:`\nabla_{\mu_i}L = E[\psi_i(x)(\mu_i - x)]` (xfd24.fact1)."""
    _assert_population_value("gradient", "population gradient", "assert_population_gradient(fn", fn, mixture,
                             rtol, atol, dps)


def assert_loss(loss_fn, mixture, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, *, dps=None):
    r"""``loss_fn(weights, means) -> float`` equals :math:`L = KL(N(0, I)\,\|\,p_\mu)`."""
    _assert_population_value("loss", "loss", "assert_loss(loss_fn", loss_fn, mixture, rtol, atol, dps)


def assert_gradient_em_step(step_fn, mixture, eta, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, *, dps=None):
    r"""``step_fn(weights, means, eta) -> (n, d)`` equals :math:`\mu_i - \eta E[\psi_i(x)(\mu_i - x)]`."""
    mix = _as_mixture(mixture)
    rtol, atol = _tolerances(rtol, atol)
    ref = population_step("gradient_em", mix.weights, mix.means, eta, dps=dps)
    user = step_fn(mix.weights.copy(), mix.means.copy(), eta)
    repro = f"assert_gradient_em_step(step_fn, {mix!r}, eta={eta!r}{_tail(rtol, atol, dps)})"
    _check(f"gradient-EM step (eta={eta!r})", user, ref.means, ref.bound, mix, rtol, atol, repro, ref.method)


def assert_em_step(step_fn, mixture, rtol=DEFAULT_RTOL, atol=DEFAULT_ATOL, *, dps=None):
    r"""``step_fn(weights, means) -> (n, d)`` equals the EM update :math:`E[\psi_i x]/E\psi_i`.

    A step with a third parameter is called as ``step_fn(weights, means, 1.0)`` (EM has no step size).
    """
    mix = _as_mixture(mixture)
    rtol, atol = _tolerances(rtol, atol)
    ref = population_step("em", mix.weights, mix.means, 1.0, dps=dps)
    args = (mix.weights.copy(), mix.means.copy())
    user = step_fn(*args) if positional_arity(step_fn) == 2 else step_fn(*args, 1.0)
    repro = f"assert_em_step(step_fn, {mix!r}{_tail(rtol, atol, dps)})"
    _check("EM step", user, ref.means, ref.bound, mix, rtol, atol, repro, ref.method)

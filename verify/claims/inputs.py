r"""Population quantities of a mixture instance as :class:`~verify.claims.approx.Approx` values.

:func:`mixture_inputs` evaluates the requested population quantities with the
float64 engine (``dps=None``: :func:`solvers.population.estimate`, whose
``errors`` become the error bounds) or with the mpmath reference
(``dps=D``: :func:`verify.reference.quantities`, error = reference error plus
the rounding to float64), and adds the closed-form scalars of the means:

* ``U`` :math:`=\sum_i|\mu_i|^2`, ``mu_max`` :math:`=\max_i|\mu_i|`, ``i_max``,
  ``pi_min``, ``norms`` :math:`(|\mu_i|)_i`,
* ``sum_pi_mu_sq`` :math:`=\sum_i\pi_i|\mu_i|^2`,
* ``spread`` :math:`=\sum_{i,j}\pi_i\pi_j|\mu_i-\mu_j|^2`,
* ``pi_max``, ``mu_min`` :math:`=\min_i|\mu_i|`, ``max_dist_to_imax``
  :math:`=\max_k|\mu_k-\mu_{i_{max}}|` (the case split of xfd24 Lemmas 12 and 19).

Derived population quantities (:data:`DERIVED`; requested like engine
quantities, computed from the engine quantity they need): ``grad_norm``
:math:`=|\nabla L|`, ``grad_norm_max`` :math:`=\max_i|\nabla_{\mu_i}L|`,
``e_psi_min`` :math:`=\min_iE\psi_i`.
"""

from __future__ import annotations

import math

import numpy as np

from solvers import Mixture, population

from .approx import Approx, amax, amin, norm

_EPS = 2.220446049250313e-16


def mixture_from_params(params: dict) -> Mixture:
    """``Mixture(params["weights"], params["means"])`` (ValueError on bad input)."""
    try:
        return Mixture(np.asarray(params["weights"], float), np.asarray(params["means"], float))
    except KeyError as exc:
        raise ValueError(f"instance: missing key {exc.args[0]!r}") from None


class Inputs(dict):
    """``name -> Approx`` (or nested lists of Approx) plus ``method``, ``precision`` and ``dps``."""

    method: str = "float64"
    precision: str = "float64"  # the precision class of the population values (see verify.claims.core)
    dps: int | None = None  # digits of the mpmath reference that computed the population values


def closed_form(mix: Mixture) -> dict:
    """Scalars of the means, each an Approx with float64 rounding bounds."""
    w = [Approx.exact(p) for p in mix.weights]
    mu = mix.means
    norms = [norm(Approx.exact(c) for c in row) for row in mu]
    U = sum((r * r for r in norms), Approx(0.0))
    spread = Approx(0.0)
    for i in range(mix.n):
        for j in range(mix.n):
            if i != j:
                diff_sq = sum(((Approx.exact(a) - Approx.exact(b)) ** 2 for a, b in zip(mu[i], mu[j])), Approx(0.0))
                spread = spread + w[i] * w[j] * diff_sq
    i_max = int(np.argmax([r.value for r in norms]))
    to_imax = [norm(Approx.exact(a) - Approx.exact(b) for a, b in zip(row, mu[i_max])) for row in mu]
    return {
        "weights": w, "norms": norms, "U": U, "mu_max": norms[i_max], "i_max": i_max,
        "pi_min": min(w, key=lambda a: a.value), "spread": spread,
        "pi_max": max(w, key=lambda a: a.value), "mu_min": amin(norms), "max_dist_to_imax": amax(to_imax),
        "sum_pi_mu_sq": sum((wi * r * r for wi, r in zip(w, norms)), Approx(0.0)),
        "n": mix.n, "d": mix.d,
    }


def closed_form_mp(mix: Mixture, dps: int) -> dict:
    """:func:`closed_form` computed in mpmath at ``dps`` digits from the exact float64 inputs.

    Each value is rounded to float64; its error is that rounding plus
    :math:`10^{-(dps-3)}` of its size (the mpmath arithmetic).
    """
    import mpmath

    with mpmath.workdps(int(dps)):
        w = [mpmath.mpf(float(p)) for p in mix.weights]
        mu = [[mpmath.mpf(float(c)) for c in row] for row in mix.means]
        sq = [mpmath.fsum(c * c for c in row) for row in mu]
        norms = [mpmath.sqrt(v) for v in sq]
        spread = mpmath.fsum(w[i] * w[j] * mpmath.fsum((a - b) ** 2 for a, b in zip(mu[i], mu[j]))
                             for i in range(mix.n) for j in range(mix.n) if i != j)
        tol = mpmath.mpf(10) ** (-(int(dps) - 3))

        def rounded(v):
            f = float(v)
            return Approx(f, float(abs(v - mpmath.mpf(f)) + tol * abs(v)))

        i_max = max(range(mix.n), key=lambda i: sq[i])
        weights = [rounded(p) for p in w]
        return {
            **closed_form(mix), "weights": weights, "norms": [rounded(v) for v in norms], "U": rounded(mpmath.fsum(sq)),
            "mu_max": rounded(norms[i_max]), "i_max": i_max, "pi_min": min(weights, key=lambda a: a.value),
            "spread": rounded(spread), "sum_pi_mu_sq": rounded(mpmath.fsum(p * v for p, v in zip(w, sq))),
            "n": mix.n, "d": mix.d,
        }


DERIVED = {
    "grad_norm": ("gradient", lambda g: norm(x for row in g for x in row)),
    "grad_norm_max": ("gradient", lambda g: amax(norm(row) for row in g)),
    "e_psi_min": ("responsibility_means", amin),
}
"""Derived name -> (engine quantity it needs, function of that quantity's Approx values)."""


def _array_approx(value, error):
    arr = np.asarray(value, float)
    if arr.ndim == 0:
        return Approx(float(arr), error + _EPS * abs(float(arr)))
    return [_array_approx(v, error) for v in arr]


def _mp_approx(value, error):
    if isinstance(value, (list, tuple)):
        return [_mp_approx(v, error) for v in value]
    v = float(value)
    return Approx(v, float(error) + _EPS * abs(v))


def mixture_inputs(params_or_mix, quantities=("psi_tilde_sq",), *, dps: int | None = None,
                   rtol: float = 1e-12) -> Inputs:
    """Closed-form scalars plus population ``quantities`` with error bounds.

    Parameters
    ----------
    params_or_mix : dict or Mixture
    quantities : sequence of str
        Names understood by :func:`solvers.population.estimate`, or keys of :data:`DERIVED`.
    dps : int or None
        None: float64 quadrature engine; int: mpmath reference at ``dps`` digits.
    """
    mix = params_or_mix if isinstance(params_or_mix, Mixture) else mixture_from_params(params_or_mix)
    out = Inputs(closed_form(mix) if dps is None else closed_form_mp(mix, dps))
    out["mixture"] = mix
    requested = tuple(quantities)
    quantities = tuple(dict.fromkeys(DERIVED[q][0] if q in DERIVED else q for q in requested))
    if not quantities:
        if dps is not None:
            out.method, out.precision, out.dps = f"mpmath closed form dps={int(dps)}", "mpmath", int(dps)
        return out
    if dps is None:
        est = population.estimate(mix, quantities, rtol=rtol)
        for q in quantities:
            err = float(est.errors[q])
            out[q] = _array_approx(est.values[q], err if math.isfinite(err) else math.inf)
        out.method = f"float64 {est.detail.get('method', est.engine)}"
        out.precision = "float64"
    else:
        from verify import reference

        res = reference.quantities(mix, quantities, dps=int(dps))
        for q in quantities:
            out[q] = _mp_approx(res[q].value, res[q].error)
        out.method = f"mpmath reference dps={int(dps)} ({res[quantities[0]].method})"
        out.precision, out.dps = "mpmath", int(dps)
    for q in requested:
        if q in DERIVED:
            out[q] = DERIVED[q][1](out[DERIVED[q][0]])
    return out

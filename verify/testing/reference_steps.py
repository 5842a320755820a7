r"""Trusted one-step updates with absolute error bounds, from the toolkit's engines.

Population steps under the truth :math:`N(0, I_d)`, with :math:`g_i = \nabla_{\mu_i}L` and
:math:`p_i = E\psi_i` from :func:`solvers.population.estimate` (adaptive cubature, its
``errors``) or, with ``dps``, from :func:`verify.reference.quantities` (mpmath, its ``error``):

* ``gradient_em``: :math:`\mu_i^+ = \mu_i - \eta g_i`;
* ``em``: :math:`\mu_i^+ = E[\psi_i x]/E\psi_i = \mu_i - g_i/p_i` (``eta`` unused);
* ``hybrid``: :math:`\pi_i^+ = p_i`, :math:`\mu_i^+ = \mu_i - \eta g_i` (zxfd25);
* ``polyak``: K steps :math:`\mu \leftarrow \mu - \eta g`, then
  :math:`\mu \leftarrow \mu - \frac{\max(L(\mu) - L^*, 0)}{|g|^2}g` with :math:`L^* = 0` (wcf26).

``form="stein"`` uses the Stein form :math:`g_i = E[\psi_i(x)\sum_k\psi_k(x)\mu_k]`
(xfd24.lemma9) instead of :math:`E[\psi_i(x)(\mu_i - x)]` (xfd24.fact1).

Error bounds (absolute, max-norm over the entries), first order in the engine errors
:math:`e_g, e_p, e_L` plus the float64 rounding of the update:

* gradient step: :math:`\eta e_g`;
* EM: :math:`e_g/(p_i - e_p) + |g_i| e_p/(p_i (p_i - e_p))`;
* Polyak: an error :math:`e` (Frobenius) in :math:`\mu` grows over a gradient step to
  :math:`e(1 + \eta\Lambda) + \eta\sqrt{nd}\,e_g`, with the Lipschitz bound
  :math:`\Lambda = 2n(1 + (\sqrt d + \mu_{max} + e)^2)` of :math:`\nabla L` (each (i, j) block
  of the Hessian is :math:`\delta_{ij}E\psi_i I + E[\psi_i(\delta_{ij}-\psi_j)(\mu_i - x)(x-\mu_j)^\top]`,
  of norm at most :math:`\delta_{ij} + E(|x| + \mu_{max})^2`). The Polyak step
  :math:`f = (L/|g|^2)g` moves by at most :math:`\delta L/(|g| - \delta g) + L\,\delta g/(|g|(|g| - \delta g))`
  (inversion :math:`v \mapsto v/|v|^2` has :math:`|u/|u|^2 - v/|v|^2| = |u - v|/(|u||v|)`),
  with :math:`\delta L = e_L + |g| e + \Lambda e^2/2`, :math:`\delta g = \sqrt{nd}\,e_g + \Lambda e`;
  infinite when :math:`\delta g \ge |g|` (the step is not determined there).

Sample steps on data X (N, d) use the responsibilities of :func:`solvers.sample.responsibilities`
(the toolkit's one E-step) and bound the float64 summation by :math:`(N + 4 s + 8)\epsilon` times
the largest summand, s the largest |score|.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from solvers import Mixture, population, sample

ENGINE_RTOL = 1e-11
"""Relative tolerance asked of :func:`solvers.population.estimate`."""
EPS = np.finfo(float).eps
FORMS = {"fact1": "gradient", "stein": "gradient_stein"}


@dataclass(frozen=True)
class ReferenceStep:
    """A trusted step: ``means`` (n, d), ``weights`` (n,) for the hybrid else None,
    ``bound`` (absolute, max-norm, over both) and ``method`` (engine and formula)."""

    means: np.ndarray
    weights: np.ndarray | None
    bound: float
    method: str


def population_values(mix: Mixture, names, dps=None):
    """``(values, errors, method)`` of population quantities: adaptive cubature, or mpmath at ``dps``."""
    names = tuple(names)
    if dps is None:
        est = population.estimate(mix, names, rtol=ENGINE_RTOL)
        return est.values, est.errors, f"solvers.population.estimate ({est.detail.get('method', est.engine)})"
    from verify import reference

    ref = reference.quantities(mix, names, dps=dps)
    values, errors = {}, {}
    for name, rv in ref.items():
        v = np.array(rv.value, dtype=float) if isinstance(rv.value, list) else float(rv.value)
        values[name] = v
        errors[name] = float(rv.error) + EPS * float(np.max(np.abs(v), initial=0.0))
    return values, errors, f"verify.reference at dps={dps}"


def lipschitz_bound(n: int, d: int, mu_max: float) -> float:
    r""":math:`2n(1 + (\sqrt d + \mu_{max})^2)`, a bound on the Lipschitz constant of :math:`\nabla L`
    on the ball of radius :math:`\mu_{max}` (see the module docstring)."""
    return 2.0 * n * (1.0 + (np.sqrt(d) + mu_max) ** 2)


def population_step(kind: str, weights, means, eta: float, *, form: str = "fact1", K: int = 2,
                    dps: int | None = None) -> ReferenceStep:
    """The trusted population step of ``kind`` at (weights, means) with step ``eta`` (see the module docstring)."""
    grad_name = FORMS[form]
    mix = Mixture(weights, means)
    mu = mix.means
    if kind in ("gradient_em", "hybrid", "em"):
        names = (grad_name, "responsibility_means")
        values, errors, method = population_values(mix, names, dps)
        g, e_g = np.asarray(values[grad_name]), errors[grad_name]
        p, e_p = np.asarray(values["responsibility_means"]), errors["responsibility_means"]
        if kind == "em":
            new = mu - g / p[:, None]
            denom = np.maximum(p - e_p, 0.0)
            with np.errstate(divide="ignore"):
                prop = np.max(np.where(denom > 0, e_g / denom + np.max(np.abs(g), axis=1) * e_p / (p * denom), np.inf))
            rounding = 4 * EPS * max(float(np.max(np.abs(mu))), float(np.max(np.abs(g / p[:, None]))))
            return ReferenceStep(new, None, float(prop + rounding), method)
        new = mu - eta * g
        bound = eta * e_g + 2 * EPS * float(np.max(np.abs(mu) + eta * np.abs(g)))
        if kind == "hybrid":
            return ReferenceStep(new, p.copy(), max(bound, e_p), method)
        return ReferenceStep(new, None, bound, method)
    if kind != "polyak":
        raise ValueError(f"kind: expected one of ('gradient_em', 'em', 'hybrid', 'polyak'), got {kind!r}")
    n, d = mu.shape
    cur, err, method = mu.copy(), 0.0, ""
    for _ in range(K):
        values, errors, method = population_values(Mixture(mix.weights, cur), (grad_name,), dps)
        g = np.asarray(values[grad_name])
        lip = lipschitz_bound(n, d, float(np.max(np.linalg.norm(cur, axis=1))) + err)
        err = err * (1 + eta * lip) + eta * np.sqrt(n * d) * errors[grad_name] + 2 * EPS * np.linalg.norm(cur)
        cur = cur - eta * g
    values, errors, method = population_values(Mixture(mix.weights, cur), (grad_name, "loss"), dps)
    g = np.asarray(values[grad_name])
    loss = max(float(values["loss"]), 0.0)
    gn = float(np.linalg.norm(g))
    if gn == 0.0:
        return ReferenceStep(cur, None, err, method)
    lip = lipschitz_bound(n, d, float(np.max(np.linalg.norm(cur, axis=1))) + err)
    dL = errors["loss"] + gn * err + lip * err**2 / 2
    dg = np.sqrt(n * d) * errors[grad_name] + lip * err
    new = cur - (loss / gn**2) * g
    if dg >= gn:
        return ReferenceStep(new, None, float("inf"), method)
    move = dL / (gn - dg) + loss * dg / (gn * (gn - dg))
    return ReferenceStep(new, None, float(err + move + 4 * EPS * np.max(np.abs(new))), method)


@dataclass(frozen=True)
class SampleReference:
    """A trusted sample step on data X, its rounding ``bound`` and the standard errors (n, d) of
    the step as an estimate of the population step."""

    means: np.ndarray
    weights: np.ndarray | None
    bound: float
    stderr: np.ndarray
    stderr_weights: np.ndarray | None


def sample_step(kind: str, weights, means, eta: float, X) -> SampleReference:
    r"""The sample step of ``kind`` on data ``X`` (N, d) with standard errors.

    Standard errors (delta method): gradient step :math:`\eta\,\mathrm{sd}_t[\psi_i(x_t)(\mu_i - x_t)]/\sqrt N`;
    EM :math:`\mathrm{sd}_t[\psi_i(x_t)(x_t - \mu_i^+)]/(\bar\psi_i\sqrt N)`; hybrid weights
    :math:`\mathrm{sd}_t[\psi_i(x_t)]/\sqrt N`.
    """
    mix = Mixture(weights, means)
    X = np.asarray(X, dtype=float)
    N = X.shape[0]
    psi = sample.responsibilities(mix, X)  # (N, n)
    mu = mix.means
    p = psi.mean(axis=0)
    first = psi.T @ X / N
    score_max = float(np.max(np.abs(X @ mu.T)) + np.max(np.sum(mu * mu, axis=1)) / 2 + np.max(np.abs(mix.log_weights)))
    summation = (N + 4 * score_max + 8) * EPS
    x_max = float(np.max(np.abs(X)))
    if kind == "em":
        new = first / p[:, None]
        terms = psi[:, :, None] * (X[:, None, :] - new[None])
        se = terms.std(axis=0, ddof=1) / (p[:, None] * np.sqrt(N)) if N > 1 else np.full(mu.shape, np.inf)
        bound = 2 * summation * x_max / float(np.min(p)) + 4 * EPS * float(np.max(np.abs(new)))
        return SampleReference(new, None, bound, se, None)
    g = mu * p[:, None] - first
    new = mu - eta * g
    terms = psi[:, :, None] * (mu[None] - X[:, None, :])
    se = eta * terms.std(axis=0, ddof=1) / np.sqrt(N) if N > 1 else np.full(mu.shape, np.inf)
    rounding = 2 * EPS * float(np.max(np.abs(mu) + eta * np.abs(g)))
    bound = eta * summation * (float(np.max(np.abs(mu))) + x_max) + rounding
    if kind == "hybrid":
        se_w = psi.std(axis=0, ddof=1) / np.sqrt(N) if N > 1 else np.full(p.shape, np.inf)
        return SampleReference(new, p, max(bound, summation), se, se_w)
    return SampleReference(new, None, bound, se, None)

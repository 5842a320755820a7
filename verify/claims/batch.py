r"""Population quantities of many mixtures at once, in float64 (the search's objective).

:func:`batch_inputs` is the batched twin of :func:`verify.claims.inputs.mixture_inputs`:
the same names, as numpy arrays over a batch of B mixtures with the same
(n, d), and no error bounds (the search only ranks candidates; every value
it reports is re-evaluated with error bounds and confirmed at high precision).
Population quantities come from one call of the grid engine
(:class:`solvers.algorithms.grid.GridEngine`, truth N(0, I), integration on the
span of the mean differences):

* ``loss`` :math:`L(\mu)`, ``gradient`` :math:`\nabla_{\mu_i}L` (B, n, d),
  ``responsibility_means`` :math:`E\psi_i` (B, n);
* ``psi_tilde_sq`` :math:`E|\tilde\psi|^2 = \langle\nabla L, \mu\rangle` (Corollary 10);
* ``grad_norms`` :math:`|\nabla_{\mu_i}L|` (B, n), ``grad_norm`` (Frobenius),
  ``grad_norm_max``, ``e_psi_min`` :math:`\min_i E\psi_i`.

Closed-form scalars of the means, as in :func:`verify.claims.inputs.closed_form`:
``U``, ``mu_max``, ``mu_min``, ``i_max``, ``pi_min``, ``pi_max``, ``norms`` (B, n), ``spread``,
``sum_pi_mu_sq``, ``max_dist_to_imax`` :math:`\max_k|\mu_k - \mu_{i_{max}}|`,
and the ints ``n``, ``d``.
"""

from __future__ import annotations

import numpy as np

POPULATION = ("loss", "gradient", "responsibility_means", "psi_tilde_sq", "grad_norms", "grad_norm",
              "grad_norm_max", "e_psi_min")


def closed_form_batch(weights: np.ndarray, means: np.ndarray) -> dict:
    """Closed-form scalars of each mixture of the batch (see the module docstring)."""
    B, n, d = means.shape
    norms = np.linalg.norm(means, axis=2)
    i_max = np.argmax(norms, axis=1)
    mu_imax = means[np.arange(B), i_max]
    diff = means[:, :, None, :] - means[:, None, :, :]
    pair_sq = np.einsum("bijk,bijk->bij", diff, diff)
    return {
        "norms": norms, "U": np.sum(norms**2, axis=1), "mu_max": norms[np.arange(B), i_max], "i_max": i_max,
        "pi_min": np.min(weights, axis=1), "pi_max": np.max(weights, axis=1), "mu_min": np.min(norms, axis=1),
        "spread": np.einsum("bi,bj,bij->b", weights, weights, pair_sq),
        "sum_pi_mu_sq": np.einsum("bi,bi->b", weights, norms**2),
        "max_dist_to_imax": np.max(np.linalg.norm(means - mu_imax[:, None, :], axis=2), axis=1),
        "n": n, "d": d,
    }


def population_batch(weights: np.ndarray, means: np.ndarray) -> dict:
    """Grid-engine population quantities of each mixture of the batch (truth N(0, I))."""
    from solvers.algorithms.grid import GridEngine
    from solvers.algorithms.truth import Truth

    B, n, d = means.shape
    engine = GridEngine(means, Truth.standard(d))
    loss, grad, resp, _ = engine(weights, means)
    grad_norms = np.linalg.norm(grad, axis=2)
    return {"loss": loss, "gradient": grad, "responsibility_means": resp,
            "psi_tilde_sq": np.einsum("bnd,bnd->b", grad, means), "grad_norms": grad_norms,
            "grad_norm": np.sqrt(np.sum(grad_norms**2, axis=1)), "grad_norm_max": np.max(grad_norms, axis=1),
            "e_psi_min": np.min(resp, axis=1)}


def batch_inputs(weights, means, quantities=()) -> dict:
    r"""Closed-form scalars plus the requested population ``quantities`` of B mixtures.

    Parameters
    ----------
    weights : array_like (B, n)
        Rows on the simplex (not re-validated: the search builds them).
    means : array_like (B, n, d)
    quantities : sequence of str
        Population names wanted (any of :data:`POPULATION`); the closed-form
        scalars are always present.

    Returns
    -------
    dict
        ``name -> ndarray`` (leading axis B), plus ints ``n`` and ``d``.
    """
    weights = np.asarray(weights, float)
    means = np.asarray(means, float)
    if weights.ndim != 2 or means.ndim != 3 or means.shape[:2] != weights.shape:
        raise ValueError(f"weights, means: expected shapes (B, n) and (B, n, d), got {weights.shape} and "
                         f"{means.shape}")
    out = closed_form_batch(weights, means)
    unknown = [q for q in quantities if q not in POPULATION and q not in out]
    if unknown:
        raise ValueError(f"quantities: expected names among {POPULATION + tuple(out)}, got {unknown}")
    if any(q in POPULATION for q in quantities):
        with np.errstate(all="ignore"):
            out.update(population_batch(weights, means))
    # 0-d arrays, so that approx.sqrt(q["d"]) takes the numpy path in a formula
    out["n"], out["d"] = np.asarray(float(out["n"])), np.asarray(float(out["d"]))
    return out

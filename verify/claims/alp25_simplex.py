r"""alp25.dft and alp25.hessian: numerical cross-checks of the symbolic proofs (our formalization).

Both claims are PROVEN by :mod:`verify.symbolic.simplex` for small k (``alp25.dft``:
k = 2..6, exact radicals; ``alp25.hessian``: k = 2..4). The instances here check
the same statements numerically on sizes beyond that scope (k up to 12 and 8).

``alp25.dft``
    :math:`A(\pi) = \sum_j\pi_jR^j` on the simplex subspace
    (:func:`solvers.algorithms.cyclic_isometry`, float64) has eigenvalues
    :math:`\hat\pi(m) = \sum_j\pi_j\omega^{jm}`, m = 1..k-1 (``numpy.fft``), and its
    smallest singular value is :math:`\min_m|\hat\pi(m)|` (A is normal), so A is
    invertible iff the DFT condition holds. Compared: the largest distance between
    the eigenvalues and the DFT values under the best matching
    (``scipy.optimize.linear_sum_assignment``), and the difference of the smallest
    singular value and :math:`\min_m|\hat\pi(m)|`. Error bound: A is normal, so by
    Bauer--Fike every computed eigenvalue is within :math:`\|E\|_2` of an exact one,
    with E the rounding of A and the backward error of ``eig``, bounded here by
    :math:`64k^2\varepsilon` (:math:`\|A\|_2 \le \sum_j\pi_j = 1`).

``alp25.hessian``
    The Hessian of the population loss in :math:`\mu` at :math:`\mu = 0`
    (:func:`solvers.population.estimate`, ``"hessian"``, with its error bound),
    pulled back to :math:`\theta` through :math:`\mu_j = R^j\theta`:
    :math:`H_\theta = J^\top H_\mu J`, :math:`J = (R^0; \dots; R^{k-1})` (the map is
    linear, so there is no second-order term), against :math:`A^\top A`; and the
    eigenvalues of :math:`H_\theta` against :math:`|\hat\pi(m)|^2` (so
    :math:`H_\theta` is positive definite iff the DFT condition holds).

The ``dps`` path of both reuses the same float64 computation (a finite
eigenvalue problem; there is no mpmath version): such evaluations are never
beyond float64, so a float64 failure would be reported UNDECIDED, never REFUTED.
"""

from __future__ import annotations

import numpy as np

from .core import Claim, Evaluation
from .families import fixed
from .papers import PAPERS

_EPS = np.finfo(float).eps
REF = PAPERS["alp25"]


def _weights(params) -> np.ndarray:
    """Validated weights (k >= 2 positive, summing to 1) from ``params["weights"]``."""
    try:
        w = np.asarray(params["weights"], float)
    except KeyError:
        raise ValueError("instance: missing key 'weights'") from None
    if w.ndim != 1 or w.size < 2 or np.any(~np.isfinite(w)) or np.any(w <= 0) or abs(w.sum() - 1) > 1e-9 * w.size:
        raise ValueError(f"weights: expected k >= 2 positive weights summing to 1, got {w.tolist()}")
    return w


def rotation_powers(k: int) -> np.ndarray:
    r"""``(k, k-1, k-1)`` array of :math:`R^0..R^{k-1}` (float64, :func:`solvers.algorithms.cyclic_isometry`)."""
    from solvers.algorithms import cyclic_isometry

    R = cyclic_isometry(k, k - 1)
    powers = [np.eye(k - 1)]
    for _ in range(1, k):
        powers.append(R @ powers[-1])
    return np.stack(powers)


def pihat(weights) -> np.ndarray:
    r""":math:`\hat\pi(m) = \sum_j\pi_j\omega^{jm}`, :math:`\omega = e^{2\pi i/k}`, m = 1..k-1 (complex array)."""
    w = np.asarray(weights, float)
    return np.conj(np.fft.fft(w))[1:]


def _matched_distance(a, b) -> float:
    """Largest |a_i - b_sigma(i)| under the matching sigma minimizing the total distance."""
    from scipy.optimize import linear_sum_assignment

    cost = np.abs(a[:, None] - b[None, :])
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].max())


def eval_dft(params, *, dps=None):
    r"""``alp25.dft`` on one weight vector: spectrum of :math:`A(\pi)` against the DFT (see the module docstring)."""
    w = _weights(params)
    k = w.size
    A = np.einsum("j,jab->ab", w, rotation_powers(k))
    eig = np.linalg.eigvals(A)
    ph = pihat(w)
    dist = _matched_distance(eig, ph)
    smin = float(np.linalg.svd(A, compute_uv=False).min())
    min_abs = float(np.abs(ph).min())
    error = 64 * k * k * _EPS
    worst = max(dist, abs(smin - min_abs))
    return Evaluation(worst, 0.0, error, "==",
                      method="float64 numpy.linalg.eigvals / svd of A(pi) vs numpy.fft of the weights",
                      detail={"k": k, "eigenvalue_distance": dist, "smallest_singular_value": smin,
                              "min_abs_pihat": min_abs, "dft_condition": bool(min_abs > 1e-12)})


def eval_hessian(params, *, dps=None):
    r"""``alp25.hessian`` on one weight vector: population Hessian at 0 pulled back to theta vs :math:`A^\top A`."""
    from solvers import Mixture, population

    w = _weights(params)
    k, d = w.size, w.size - 1
    est = population.estimate(Mixture(w, np.zeros((k, d))), ("hessian",))
    H_mu = np.asarray(est.values["hessian"], float)
    powers = rotation_powers(k)
    J = powers.reshape(k * d, d)  # rows i*d + a: d mu_{i,a} / d theta
    H_theta = J.T @ H_mu @ J
    A = np.einsum("j,jab->ab", w, powers)
    AtA = A.T @ A
    entry_diff = float(np.max(np.abs(H_theta - AtA)))
    eig_h = np.sort(np.linalg.eigvalsh((H_theta + H_theta.T) / 2))
    eig_dft = np.sort(np.abs(pihat(w)) ** 2)
    eig_diff = float(np.max(np.abs(eig_h - eig_dft)))
    # |J| <= 1 entrywise and each entry of J^T E J sums (kd)^2 products
    error = float(est.errors["hessian"]) * (k * d) ** 2 + 64 * (k * d) ** 2 * _EPS
    return Evaluation(max(entry_diff, eig_diff), 0.0, error, "==",
                      method=f"float64 solvers.population hessian at mu = 0 ({est.detail.get('method', est.engine)}), "
                             "J^T H J vs A^T A",
                      detail={"k": k, "d": d, "max_entry_difference": entry_diff,
                              "max_eigenvalue_difference": eig_diff, "min_eigenvalue": float(eig_h[0]),
                              "positive_definite": bool(eig_h[0] > 1e-12),
                              "dft_condition": bool(np.abs(pihat(w)).min() > 1e-12)})


def _random_weights(k_range):
    def family(rng, count):
        out = []
        for _ in range(count):
            k = int(rng.integers(k_range[0], k_range[1] + 1))
            w = np.full(k, 1.0 / k) if rng.random() < 0.25 else np.maximum(rng.dirichlet(np.ones(k)), 0.02)
            out.append({"weights": (w / w.sum()).tolist()})
        return out

    return family


DFT_FIXED = [
    {"weights": [0.4, 0.3, 0.2, 0.1]},                       # DFT condition holds (alp25.fig)
    {"weights": [0.25, 0.15, 0.1, 0.2, 0.15, 0.15]},         # alternating sum 0: pihat(3) = 0, A singular
    *({"weights": [1.0 / k] * k} for k in (7, 9, 12)),       # uniform beyond the symbolic k <= 6
]
HESSIAN_FIXED = [
    {"weights": [0.4, 0.3, 0.2, 0.1]},
    {"weights": [0.25, 0.15, 0.1, 0.2, 0.15, 0.15]},         # DFT condition fails: H singular
    *({"weights": [1.0 / k] * k} for k in (5, 8)),
]

DFT = Claim(
    id="alp25.dft", paper="alp25", label="DFT condition",
    statement="A(pi) = sum_j pi_j R^j on the simplex subspace has eigenvalues pihat(m) = sum_j pi_j w^(jm), "
              "m = 1..k-1; A invertible iff no pihat(m) vanishes; uniform weights violate it for every k >= 2",
    kind="identity", evaluate=eval_dft, symbolic="alp25.dft",
    families={"paper": fixed(*DFT_FIXED), "random": _random_weights((2, 12))},
    report_keys=("k", "eigenvalue_distance"),
    formalization="our formalization of the alp25 summary (seed 003); symbolic proof for k = 2..6 (exact radicals); "
                  "numerical cross-check for k = 2..12: eigenvalues and smallest singular value of A(pi) (float64) "
                  "against the FFT of the weights, within 64 k^2 eps",
    reference=f"{REF}, DFT condition")

HESSIAN = Claim(
    id="alp25.hessian", paper="alp25", label="Hessian at theta = 0",
    statement="near theta = 0, L(theta) = 1/2 |A theta|^2 + O(|theta|^3): the Hessian at 0 is A^T A, positive "
              "definite iff the DFT condition holds",
    kind="identity", evaluate=eval_hessian, symbolic="alp25.hessian",
    families={"paper": fixed(*HESSIAN_FIXED), "random": _random_weights((3, 8))},
    report_keys=("k", "max_entry_difference", "max_eigenvalue_difference"),
    formalization="our formalization of the alp25 summary (seed 003); symbolic proof for k = 2..4; numerical "
                  "cross-check for k = 3..8: the population Hessian in mu at 0 (solvers.population) pulled back "
                  "by mu_j = R^j theta, against A^T A and its eigenvalues against |pihat(m)|^2",
    reference=f"{REF}, local strong convexity under the DFT condition")

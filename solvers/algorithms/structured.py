r"""alp25: the structured model :math:`\mu_j = R^j\theta`, its EM in :math:`\theta`, and Lloyd's algorithm.

Geometry (float64, built here; :mod:`verify.symbolic` has the exact SymPy version):
:math:`v_j = \sqrt{k/(k-1)}\,Q^\top(e_j - \mathbf 1/k)` are the unit vertices of a
centered regular simplex in the first k-1 coordinates of :math:`\mathbb R^d`
(:math:`Q` an orthonormal basis of :math:`\{z\in\mathbb R^k: \sum z = 0\}`);
:math:`R = Q^\top PQ` (P the cyclic shift) maps :math:`v_j\mapsto v_{j+1}`
and is the identity on the other d-k+1 coordinates.

EM in :math:`\theta`: :math:`\theta^+ = \sum_j R^{-j}E[\psi_j(x)\,x]`, which equals
:math:`\theta - \nabla_\theta L(\theta)` because :math:`\sum_j E\psi_j = 1`
(claim ``alp25.em_is_gd``).

Lloyd for :math:`N(0, I)` at centroids :math:`s v_j`: one step returns
:math:`R_0 v_j`, :math:`R_0 = E\max_j\langle v_j, x\rangle = \sqrt{k/(k-1)}\,E\max(g_1..g_k)`,
:math:`g\sim N(0, I_k)` (claim ``alp25.lloyd``).
"""

from __future__ import annotations

import numpy as np
from scipy import special

from .._validation import as_float_array, data_matrix, generator, nonnegative_int, positive_int
from ..rules import compare_rules, gaussian_panel_rule
from ._loop import check_common, iterate
from .trajectory import BatchTrajectory, Trajectory


def _sum_zero_basis(k):
    A = np.eye(k) - 1.0 / k
    U, _, _ = np.linalg.svd(A)
    return U[:, : k - 1]  # (k, k-1)


def simplex_vertices(k: int, d: int) -> np.ndarray:
    """Unit vertices (k, d) of a centered regular simplex in the first k-1 coordinates (d >= k-1)."""
    k, d = positive_int(k, "k"), positive_int(d, "d")
    if k < 2 or d < k - 1:
        raise ValueError(f"k: expected 2 <= k <= d + 1, got k = {k}, d = {d}")
    Q = _sum_zero_basis(k)
    V = np.sqrt(k / (k - 1)) * (np.eye(k) - 1.0 / k) @ Q
    out = np.zeros((k, d))
    out[:, : k - 1] = V
    return out


def cyclic_isometry(k: int, d: int) -> np.ndarray:
    r"""Orthogonal R (d, d) with :math:`R v_j = v_{j+1 \bmod k}`, identity off the simplex subspace."""
    simplex_vertices(k, d)
    Q = _sum_zero_basis(k)
    P = np.roll(np.eye(k), 1, axis=0)  # P e_j = e_{j+1}
    R = np.eye(d)
    R[: k - 1, : k - 1] = Q.T @ P @ Q
    return R


def structured_means(theta, R, k) -> np.ndarray:
    r"""Means :math:`\mu_j = R^j\theta`, j = 0..k-1; ``theta`` (d,) or (B, d) -> (k, d) or (B, k, d)."""
    theta = np.asarray(theta, dtype=float)
    powers = np.stack([np.linalg.matrix_power(R, j) for j in range(k)])  # (k, d, d)
    return np.einsum("jab,...b->...ja", powers, theta)


def structured_em_batch(weights, theta0, n_iter, *, k=None, tol=1e-12, engine="grid", X=None, rng=None,
                        n_samples=None, order=None) -> BatchTrajectory:
    r"""EM in :math:`\theta`: :math:`\theta^+ = \sum_j R^{-j}E[\psi_j x]`, B runs.

    Parameters
    ----------
    weights : array_like, (k,) or (B, k)
    theta0 : array_like, (d,) or (B, d)
    n_iter : int >= 0

    Returns
    -------
    BatchTrajectory with ``extra["theta_norm"]`` and final ``means`` :math:`R^j\theta`.
    """
    n_iter, tol, _ = check_common(n_iter, tol)
    th = as_float_array(theta0, "theta0", np.ndim(theta0) if np.ndim(theta0) in (1, 2) else 1)
    th = th[None] if th.ndim == 1 else th
    k = np.shape(weights)[-1] if k is None else positive_int(k, "k")
    d = th.shape[1]
    R = cyclic_isometry(k, d)
    inv_powers = np.stack([np.linalg.matrix_power(R.T, j) for j in range(k)])

    def update(t, w, m, q, active):
        theta = np.einsum("jab,zjb->za", inv_powers, q["first"])
        q["extras"]["theta_norm"][t + 1] = np.linalg.norm(theta, axis=1)
        return w, structured_means(theta, R, k)

    traj = iterate(weights, structured_means(th, R, k), update, n_iter=n_iter, tol=tol, engine=engine, X=X, rng=rng,
                   n_samples=n_samples, order=order, name="alp25 structured EM in theta", extra_keys=("theta_norm",))
    traj.extra["theta_norm"][0] = np.linalg.norm(th, axis=1)
    return traj


def structured_em(weights, theta0, n_iter, **kwargs) -> Trajectory:
    """One run of :func:`structured_em_batch`."""
    return structured_em_batch(weights, theta0, n_iter, **kwargs).run(0)


def theta_gradient(grad_means, R) -> np.ndarray:
    r""":math:`\nabla_\theta L = \sum_j (R^j)^\top\nabla_{\mu_j}L` from the means gradient (..., k, d)."""
    k = grad_means.shape[-2]
    inv_powers = np.stack([np.linalg.matrix_power(R.T, j) for j in range(k)])
    return np.einsum("jab,...jb->...a", inv_powers, grad_means)


# ------------------------------------------------------------------ Lloyd
def lloyd_sample(centroids, X, n_iter):
    r"""Lloyd's algorithm on data: assign each row of X to the nearest centroid, move centroids to the means.

    Empty clusters keep their centroid. Returns the (n_iter + 1, k, d) centroid history.
    """
    C = as_float_array(centroids, "centroids", 2)
    X = data_matrix(X, "X", C.shape[1])
    n_iter = nonnegative_int(n_iter, "n_iter")
    hist = [C]
    for _ in range(n_iter):
        dist = np.einsum("nd,nd->n", X, X)[:, None] - 2 * X @ C.T + np.einsum("kd,kd->k", C, C)
        onehot = np.eye(C.shape[0])[np.argmin(dist, axis=1)]
        counts = onehot.sum(axis=0)
        sums = onehot.T @ X
        C = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], C)
        hist.append(C)
    return np.stack(hist)


def expected_max_normal(k: int) -> tuple[float, float]:
    r""":math:`E\max(g_1..g_k) = \int x\,k\varphi(x)\Phi(x)^{k-1}dx` and an error estimate.

    Composite Gauss--Legendre on :math:`[-T, T]`, T = 12 (density folded into the weights,
    :func:`solvers.rules.gaussian_panel_rule`), 64 panels x 16 points. The error estimate
    is the difference from the 32-panel rule (:func:`solvers.rules.compare_rules`), plus the
    rounding of the sum (:math:`2\epsilon\sum|w_p f_p|`) and the tails (:math:`2k\varphi(T)`,
    ~1e-31 k). No adaptive ``quad``: its tolerance below the float64 roundoff only warned
    (IntegrationWarning).
    """
    k = positive_int(k, "k")
    half_width = 12.0

    def terms(rule):
        x, w = rule
        return w * x * k * special.ndtr(x) ** (k - 1)

    coarse, fine = (gaussian_panel_rule(panels, half_width, 16) for panels in (32, 64))
    est = compare_rules(lambda rule: float(np.sum(terms(rule))), coarse, fine)
    rounding = 2 * np.finfo(float).eps * float(np.sum(np.abs(terms(fine))))
    tails = 2 * k * np.exp(-0.5 * half_width**2) / np.sqrt(2 * np.pi)
    return est.value, est.error + rounding + tails


def lloyd_population_radius(k: int) -> tuple[float, float]:
    r""":math:`R_0 = \sqrt{k/(k-1)}\,E\max(g_1..g_k)` and its error estimate."""
    v, e = expected_max_normal(k)
    s = np.sqrt(k / (k - 1))
    return s * v, s * e


def is_scaled_simplex(C, rtol=1e-10) -> bool:
    """True when the rows of C are s v_j for a centered regular simplex (Gram matrix test)."""
    k = C.shape[0]
    G = C @ C.T
    s2 = np.trace(G) / k
    target = s2 * (np.eye(k) * (k / (k - 1)) - 1.0 / (k - 1))
    return k >= 2 and s2 > 0 and np.allclose(G, target, atol=rtol * s2, rtol=0)


def lloyd_population_step(centroids, *, rng=None, n_samples=None):
    r"""One population Lloyd step for :math:`N(0, I_d)`: :math:`c_j^+ = E[x\mid j\text{ nearest}]`.

    Exact for a scaled regular simplex (:math:`c_j^+ = R_0 v_j`, 1-D quadrature);
    otherwise Monte Carlo with ``rng`` and ``n_samples``. Returns ``(centroids, error)``.
    """
    C = as_float_array(centroids, "centroids", 2)
    k = C.shape[0]
    if is_scaled_simplex(C):
        R0, err = lloyd_population_radius(k)
        unit = C / np.linalg.norm(C, axis=1, keepdims=True)
        return R0 * unit, err
    rng = generator(rng)
    N = positive_int(n_samples, "n_samples")
    X = rng.standard_normal((N, C.shape[1]))
    dist = -2 * X @ C.T + np.einsum("kd,kd->k", C, C)
    onehot = np.eye(k)[np.argmin(dist, axis=1)]
    counts = np.maximum(onehot.sum(axis=0), 1)
    mean = onehot.T @ X / counts[:, None]
    sq = onehot.T @ (X * X) / counts[:, None]
    se = np.sqrt(np.maximum(sq - mean**2, 0) / counts[:, None])
    return mean, float(se.max())

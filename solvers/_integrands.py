r"""Reduced-space integrands shared by the population engines.

Everything is a weighted sum :math:`\sum_p W_p f(y_p)` over nodes
:math:`y_p\in\mathbb R^r` of a rule for :math:`N(0, I_r)`, with
:math:`a_i(y) = \langle y, c_i\rangle - |c_i|^2/2` and responsibilities from
the shared E-step. :func:`assemble` maps the reduced sums back to the
ambient quantities using :math:`\mu_i = B c_i` and the independence of the
orthogonal part.
"""

from __future__ import annotations

import numpy as np

from .estep import log_responsibilities_from_scores

QUANTITIES = (
    "loss",
    "gradient",
    "gradient_stein",
    "psi_tilde_sq",
    "responsibility_means",
    "hessian",
)

STABLE_LOSS_MU_MAX = 1.0
r"""Below this :math:`\mu_{max}` the loss uses the cancellation-free form of :func:`loss_offset`."""


def needed_sums(quantities) -> set[str]:
    """Names of the reduced sums required by ``quantities``."""
    need = set()
    for q in quantities:
        if q == "loss":
            need |= {"loss"}
        elif q == "gradient":
            need |= {"psi", "psi_y"}
        elif q == "gradient_stein":
            need |= {"stein"}
        elif q == "psi_tilde_sq":
            need |= {"psi_tilde_sq"}
        elif q == "responsibility_means":
            need |= {"psi"}
        elif q == "hessian":
            need |= {"psi", "psi_y", "psi_yy", "pp", "pp_y", "pp_yy"}
    return need


def loss_offset(weights: np.ndarray, coords: np.ndarray, stable: bool) -> float:
    r"""Closed-form part of the loss; the quadrature adds :math:`-E[h(y)]`.

    Plain form: :math:`L = -E\log\sum_i\pi_i e^{a_i}` (offset 0).

    Stable form, with :math:`b_i = a_i - \sum_k\pi_k a_k`, :math:`T_1=\sum\pi_i c_i`,
    :math:`S=\sum\pi_i|c_i|^2`, :math:`e_i=(|c_i|^2-S)/2`:

    .. math:: L = \tfrac12|T_1|^2 - \tfrac12\sum_i\pi_i e_i^2
                  - E\Big[\log\sum_i\pi_i e^{b_i} - \tfrac12\sum_i\pi_i b_i^2\Big],

    where the bracket is :math:`O(|\mu|^3)` pointwise. It is evaluated without
    first-order cancellation: with :math:`g_3(b) = e^b - 1 - b - b^2/2` and
    :math:`s = \tfrac12\sum_i\pi_i b_i^2 + \sum_i\pi_i g_3(b_i)` (which uses
    :math:`\sum_i\pi_i b_i = 0` exactly instead of its rounded value),

    .. math:: \log\sum_i\pi_i e^{b_i} - \tfrac12\sum_i\pi_i b_i^2
              = \sum_i\pi_i g_3(b_i) + (\log(1+s) - s),

    both terms by series to full relative accuracy. The rounding error of the
    bracket is then a few ulps of its own size (not of :math:`|b|`), so the loss
    keeps its relative accuracy near the optimum (:math:`|\mu|` from 1e-9 up,
    :math:`L` down to 1e-19).
    """
    if not stable:
        return 0.0
    t1 = weights @ coords
    sq = np.einsum("ij,ij->i", coords, coords)
    spread = 0.5 * (sq - weights @ sq)
    return 0.5 * float(t1 @ t1) - 0.5 * float(weights @ spread**2)


_SERIES_TERMS = 22


def _expm1_minus_quadratic(b: np.ndarray) -> np.ndarray:
    r""":math:`e^b - 1 - b - b^2/2` to full relative accuracy (Taylor series for :math:`|b| \le 1`)."""
    small = np.abs(b) <= 1.0
    bs = np.where(small, b, 0.0)
    acc = np.full_like(bs, 1.0 / np.prod(np.arange(1.0, _SERIES_TERMS + 1)))
    for k in range(_SERIES_TERMS - 1, 2, -1):  # Horner for sum_{k>=3} b^k / k!
        acc = acc * bs + 1.0 / np.prod(np.arange(1.0, k + 1))
    series = acc * bs**3
    with np.errstate(over="ignore"):
        direct = np.expm1(b) - b - 0.5 * b * b
    return np.where(small, series, direct)


def _log1p_minus_identity(s: np.ndarray) -> np.ndarray:
    r""":math:`\log(1 + s) - s` for :math:`s \ge 0` to full relative accuracy (series for :math:`s \le 0.1`)."""
    small = s <= 0.1
    ss = np.where(small, s, 0.0)
    acc = np.zeros_like(ss)
    for k in range(_SERIES_TERMS, 1, -1):  # sum_{k>=2} (-1)^{k+1} s^k / k
        acc = acc * ss + (-1.0) ** (k + 1) / k
    series = acc * ss**2
    return np.where(small, series, np.log1p(s) - s)


def point_values(weights, coords, Y, need, stable_loss) -> dict[str, np.ndarray]:
    """Reduced integrands at the nodes ``Y`` (P, r): key -> array of shape (P, ...)."""
    sq = np.einsum("ij,ij->i", coords, coords)
    affine = Y @ coords.T - 0.5 * sq
    log_psi, lse = log_responsibilities_from_scores(affine + np.log(weights))
    out: dict[str, np.ndarray] = {}
    if "loss" in need:
        if stable_loss:
            centred = affine - (affine @ weights)[:, None]
            half_var = 0.5 * (centred**2 @ weights)
            third = _expm1_minus_quadratic(centred) @ weights
            second = half_var + third  # sum_i pi_i (e^{b_i} - 1 - b_i): sum_i pi_i b_i = 0 dropped exactly
            out["loss"] = -(third + _log1p_minus_identity(second))
            if "loss_rounding_scale" in need:
                out["loss_rounding_scale"] = np.abs(np.log1p(second)) + half_var
        else:
            out["loss"] = -lse
            if "loss_rounding_scale" in need:
                out["loss_rounding_scale"] = np.abs(lse)
    if need - {"loss", "loss_rounding_scale"}:
        psi = np.exp(log_psi)
        if "psi" in need:
            out["psi"] = psi
        if "psi_y" in need:
            out["psi_y"] = psi[:, :, None] * Y[:, None, :]
        if need & {"stein", "psi_tilde_sq"}:
            psi_tilde = psi @ coords
            if "stein" in need:
                out["stein"] = psi[:, :, None] * psi_tilde[:, None, :]
            if "psi_tilde_sq" in need:
                out["psi_tilde_sq"] = np.einsum("pa,pa->p", psi_tilde, psi_tilde)
        if "psi_yy" in need:
            out["psi_yy"] = np.einsum("pi,pa,pb->piab", psi, Y, Y)
        if "pp" in need:
            pp = psi[:, :, None] * psi[:, None, :]
            out["pp"] = pp
            out["pp_y"] = pp[..., None] * Y[:, None, None, :]
            out["pp_yy"] = pp[..., None, None] * (Y[:, :, None] * Y[:, None, :])[:, None, None]
    return out


def block_sums(weights, coords, Y, W, need, stable_loss) -> dict[str, np.ndarray]:
    r"""Weighted sums ``sum_p W_p f(y_p)`` of the reduced integrands over one block of nodes.

    :math:`\sum_p W_p\psi_i(y_p)y_p` is one matrix product (the (P, n, r) products are not formed).
    """
    direct = need - {"psi_y"} | ({"psi"} if "psi_y" in need else set())
    vals = point_values(weights, coords, Y, direct, stable_loss)
    out = {key: np.tensordot(W, vals[key], axes=(0, 0)) for key in need if key != "psi_y"}
    if "psi_y" in need:
        out["psi_y"] = vals["psi"].T @ (W[:, None] * Y)
    return out


def assemble(quantities, sums, weights, reduction, stable_loss) -> dict:
    r"""Ambient quantities from the reduced sums.

    With :math:`x = By + x_\perp`, :math:`E[\psi_i x_\perp] = 0`:

    * :math:`\nabla_{\mu_i}L = \mu_i E\psi_i - B\,E[\psi_i y]` (xfd24.fact1 form);
    * :math:`\nabla_{\mu_i}L = B\,E[\psi_i\tilde\psi]` (xfd24.lemma9 form);
    * :math:`H_{ij} = \delta_{ij}E\psi_i I - E[\psi_i(\delta_{ij}-\psi_j)](I-BB^\top)
      + B\,E[\psi_i(\delta_{ij}-\psi_j)(c_i-y)(y-c_j)^\top]B^\top`.
    """
    B = reduction.basis
    C = reduction.coords
    n, d = C.shape[0], reduction.d
    out = {}
    for q in quantities:
        if q == "loss":
            out[q] = loss_offset(weights, C, stable_loss) + float(sums["loss"])
        elif q == "gradient":
            out[q] = sums["psi"][:, None] * (C @ B.T) - sums["psi_y"] @ B.T
        elif q == "gradient_stein":
            out[q] = sums["stein"] @ B.T
        elif q == "psi_tilde_sq":
            out[q] = float(sums["psi_tilde_sq"])
        elif q == "responsibility_means":
            out[q] = np.array(sums["psi"], dtype=float)
        elif q == "hessian":
            out[q] = _hessian(sums, C, B, n, d)
    return out


def _hessian(sums, C, B, n, d):
    m0, m1, m2 = sums["psi"], sums["psi_y"], sums["psi_yy"]
    p0, p1, p2 = sums["pp"], sums["pp_y"], sums["pp_yy"]
    eye_n = np.eye(n)
    # E[w (c_i - y)(y - c_j)^T] = c_i m1^T - m0 c_i c_j^T - m2 + m1 c_j^T for a weight w
    diag_part = (
        np.einsum("ia,ib->iab", C, m1)
        - m0[:, None, None] * np.einsum("ia,ib->iab", C, C)
        - m2
        + np.einsum("ia,ib->iab", m1, C)
    )
    pair_part = (
        np.einsum("ia,ijb->ijab", C, p1)
        - p0[:, :, None, None] * np.einsum("ia,jb->ijab", C, C)
        - p2
        + np.einsum("ija,jb->ijab", p1, C)
    )
    K = eye_n[:, :, None, None] * diag_part[:, None] - pair_part
    coupling = eye_n * m0[:, None] - p0
    orth = np.eye(d) - B @ B.T
    H = (
        (eye_n * m0[:, None])[:, :, None, None] * np.eye(d)
        - coupling[:, :, None, None] * orth
        + np.einsum("ax,ijxy,by->ijab", B, K, B, optimize=True)
    )
    return H.transpose(0, 2, 1, 3).reshape(n * d, n * d)

r"""One-dimensional rules: Gauss--Legendre, Gauss--Hermite for N(0, 1), composite panels, the trapezoid rule.

Families
--------
* :func:`gauss_legendre`: the q-point rule on [-1, 1], exact for polynomials of degree
  :math:`\le 2q - 1`.
* :func:`gauss_hermite`: the q-point rule for :math:`E_{y\sim N(0,1)} f(y)` (probabilists'
  Hermite polynomials :math:`He_q`, weights divided by their sum :math:`\sqrt{2\pi}`), exact
  for polynomials of degree :math:`\le 2q - 1`: :math:`E y^{2k} = (2k-1)!!` for :math:`k < q`.
* :func:`composite_legendre`: q Gauss--Legendre points on each panel
  :math:`[e_j, e_{j+1}]` of given edges, nodes :math:`m_j + h_j x_k`, weights :math:`h_j w_k`
  (:math:`m_j, h_j` the panel's midpoint and half length).
* :func:`gaussian_panel_rule`: the composite rule on ``panels`` equal panels of
  :math:`[-T, T]` with the standard normal density folded into the weights,
  :math:`\int_{-T}^{T} f\varphi \approx \sum_p h w_p\varphi(x_p) f(x_p)`; what lies beyond
  T is the caller's (:mod:`solvers.rules.tails`).
* :func:`gaussian_trapezoid`: the trapezoid rule of step h on :math:`[-kh, kh]^r` for
  :math:`N(0, I_r)`, :math:`w_p = h^r\varphi_r(x_p)`, with its nested rule of step 2h on the
  even nodes (weights :math:`2^r w_p`): geometrically convergent for integrands analytic in a
  strip, which the responsibilities are.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .._validation import nonnegative_int, positive_float, positive_int
from .rule import Rule, read_only

GL_POINTS_PER_PANEL = 12
"""Gauss--Legendre points per panel of :func:`gaussian_panel_rule` by default."""


@lru_cache(maxsize=None)
def gauss_legendre(q: int) -> Rule:
    r"""The q-point Gauss--Legendre rule on [-1, 1] (cached, read-only).

    Parameters
    ----------
    q : int
        Number of nodes in [-1, 1], >= 1.

    Returns
    -------
    Rule
        :math:`\int_{-1}^1 f \approx \sum_k w_k f(x_k)`, exact for degree :math:`\le 2q-1`.
    """
    q = positive_int(q, "q")
    nodes, weights = np.polynomial.legendre.leggauss(q)
    read_only(nodes, weights)
    return Rule(nodes, weights, f"Gauss-Legendre q={q}")


@lru_cache(maxsize=None)
def gauss_hermite(q: int) -> Rule:
    r"""The q-point Gauss--Hermite rule for :math:`E_{y\sim N(0,1)} f(y)` (cached, read-only).

    Nodes are the roots of the probabilists' Hermite polynomial :math:`He_q`; the weights of
    :func:`numpy.polynomial.hermite_e.hermegauss` divided by their sum (:math:`\sqrt{2\pi}` up to
    rounding), so that they sum to 1.

    Parameters
    ----------
    q : int
        Number of points, >= 1.

    Returns
    -------
    Rule
        Exact for polynomials of degree :math:`\le 2q - 1`, e.g. :math:`E y^{2k} = (2k-1)!!`, k < q.
    """
    q = positive_int(q, "q")
    nodes, weights = np.polynomial.hermite_e.hermegauss(q)
    weights = weights / weights.sum()
    read_only(nodes, weights)
    return Rule(nodes, weights, f"Gauss-Hermite q={q}")


def composite_legendre(edges, q: int) -> Rule:
    r"""Composite Gauss--Legendre rule: q points on each panel :math:`[e_j, e_{j+1}]`.

    With :math:`m_j = (e_j + e_{j+1})/2`, :math:`h_j = (e_{j+1} - e_j)/2` and the rule
    :math:`(x_k, w_k)` of :func:`gauss_legendre`,

    .. math:: \int_{e_0}^{e_J} f \approx \sum_j\sum_k h_j w_k\, f(m_j + h_j x_k).

    Parameters
    ----------
    edges : array_like, shape (J + 1,)
        Increasing panel edges, J >= 1.
    q : int
        Points per panel.

    Returns
    -------
    Rule
        Nodes and weights (J q,), panel by panel.

    Raises
    ------
    ValueError
        If ``edges`` has fewer than two entries, is not finite or not increasing; if q < 1.
    """
    x, w = gauss_legendre(q)
    edges = np.asarray(edges, dtype=float)
    if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
        raise ValueError(f"edges: expected at least two finite increasing numbers, got {edges!r:.80}")
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    nodes = (mid[:, None] + half[:, None] * x[None, :]).ravel()
    weights = (half[:, None] * w[None, :]).ravel()
    return Rule(nodes, weights, f"composite Gauss-Legendre {edges.size - 1}x{q} on [{edges[0]:g}, {edges[-1]:g}]")


@lru_cache(maxsize=64)
def gaussian_panel_rule(panels: int, half_width: float, q: int = GL_POINTS_PER_PANEL) -> Rule:
    r"""1-D composite Gauss--Legendre rule for :math:`\int_{-T}^{T} f(t)\varphi(t)\,dt` (cached, read-only).

    ``panels`` equal panels of :math:`[-T, T]`, q points each (:func:`composite_legendre`), with
    the standard normal density :math:`\varphi` folded into the weights.

    Parameters
    ----------
    panels : int
        Number of panels, >= 1.
    half_width : float
        T > 0.
    q : int
        Points per panel (default :data:`GL_POINTS_PER_PANEL`).

    Returns
    -------
    Rule
        Nodes (panels q,), weights :math:`h w_k \varphi(x_p)`.
    """
    panels = positive_int(panels, "panels")
    half_width = positive_float(half_width, "half_width")
    base = composite_legendre(np.linspace(-half_width, half_width, panels + 1), q)
    nodes = base.nodes
    weights = base.weights * np.exp(-0.5 * nodes**2) / np.sqrt(2 * np.pi)
    read_only(nodes, weights)
    return Rule(nodes, weights, f"composite Gauss-Legendre {panels}x{q} on [-{half_width:g}, {half_width:g}], "
                                "N(0, 1) density folded in")


def trapezoid_offsets(steps_per_side: int) -> tuple[np.ndarray, np.ndarray]:
    r"""The node offsets :math:`j = -k..k` of the trapezoid rule and which of them the 2h rule keeps.

    The plan shared by the float64 rule (:func:`gaussian_trapezoid`) and high-precision
    consumers that compute the nodes :math:`jh` and weights themselves.

    Parameters
    ----------
    steps_per_side : int
        k >= 0.

    Returns
    -------
    offsets : ndarray of int, shape (2k + 1,)
    on_coarse : ndarray of bool, shape (2k + 1,)
        True at even j: the nodes of the nested rule of step 2h (weight factor 2 per coordinate).
    """
    k = nonnegative_int(steps_per_side, "steps_per_side")
    offsets = np.arange(-k, k + 1)
    return offsets, offsets % 2 == 0


def gaussian_trapezoid(step: float, steps_per_side: int, r: int) -> tuple[Rule, Rule]:
    r"""The trapezoid rule of step h on :math:`[-kh, kh]^r` for :math:`N(0, I_r)` and its nested 2h rule.

    .. math:: E f \approx \sum_{j\in\{-k..k\}^r} h^r\varphi_r(hj)\, f(hj),\qquad
              \varphi_r(y) = (2\pi)^{-r/2}e^{-|y|^2/2};

    the nested rule keeps the nodes with every :math:`j_a` even, weights times :math:`2^r`
    (zero elsewhere, so both rules share the nodes and one evaluation of f serves both).

    Parameters
    ----------
    step : float
        h > 0.
    steps_per_side : int
        k >= 0 (half width kh).
    r : int
        Dimension >= 0 (r = 0: one node, weight 1).

    Returns
    -------
    fine, coarse : Rule
        Nodes ((2k+1)^r, r), in the order of :func:`~solvers.rules.tensor_rule`.
    """
    step = positive_float(step, "step")
    r = nonnegative_int(r, "r")
    offsets, _ = trapezoid_offsets(steps_per_side)
    J = np.stack([g.ravel() for g in np.meshgrid(*([offsets] * r), indexing="ij")], axis=-1) if r else \
        np.zeros((1, 0), dtype=offsets.dtype)
    nodes = step * J
    weights = np.exp(-0.5 * np.sum(nodes**2, axis=1)) * (step / np.sqrt(2 * np.pi)) ** r
    on_coarse = np.all(J % 2 == 0, axis=1)
    coarse = np.where(on_coarse, weights * 2**r, 0.0)
    k = offsets.size // 2
    where = f"[-{k * step:g}, {k * step:g}]^{r}"
    return Rule(nodes, weights, f"trapezoid h={step:g} on {where}"), Rule(nodes, coarse, f"trapezoid h={2 * step:g} on {where}")

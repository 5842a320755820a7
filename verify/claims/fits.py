r"""Rate fits of the trajectory claims: least squares in log scale with standard errors and :math:`R^2`.

Used by ``alp25.rate``, ``wcf26.linear`` / ``wcf26.misspecified`` and ``xfd24.thm2``.
"""

from __future__ import annotations

import numpy as np

FIT_FLOOR = 1e-13
r"""Losses at or below this value are left out of every rate fit (float64 rounding of
:math:`L` would otherwise bend the tail)."""


def fit_log_linear(x, y) -> dict:
    r"""Least squares :math:`y \approx a + bx` with the slope's standard error and :math:`R^2`.

    Parameters
    ----------
    x, y : array_like, shape (N,), N >= 3

    Returns
    -------
    dict
        ``slope`` b, ``slope_se`` :math:`\sqrt{\mathrm{SSR}/((N-2)S_{xx})}`,
        ``intercept`` a, ``r_squared`` :math:`1 - \mathrm{SSR}/S_{yy}`, ``points`` N.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 3:
        raise ValueError(f"window: expected at least 3 points for a rate fit, got {x.size}")
    xc, yc = x - x.mean(), y - y.mean()
    sxx, syy = float(xc @ xc), float(yc @ yc)
    slope = float(xc @ yc) / sxx
    resid = yc - slope * xc
    ssr = float(resid @ resid)
    return {"slope": slope, "slope_se": float(np.sqrt(ssr / ((x.size - 2) * sxx))),
            "intercept": float(y.mean() - slope * x.mean()),
            "r_squared": 1.0 - ssr / syy if syy > 0 else 1.0, "points": int(x.size)}


def tail_window(loss, *, floor=FIT_FLOOR, start_fraction=0.5) -> np.ndarray:
    r"""Indices of the tail window: the last ``1 - start_fraction`` of the rows with :math:`L > \text{floor}`.

    The run is first cut at its last row above ``floor``; the window is the
    second half (``start_fraction=0.5``) of what is left, row 0 excluded.
    """
    loss = np.asarray(loss, float)
    above = np.flatnonzero(loss > floor)
    if above.size == 0:
        return np.arange(0)
    last = int(above[-1])
    first = max(1, int(np.ceil(start_fraction * last)))
    idx = np.arange(first, last + 1)
    return idx[loss[idx] > floor]


def fit_geometric(t, loss) -> dict:
    r"""Fit :math:`\log L(t) \approx \log C + t\log q`; returns ``q``, ``q_se`` (delta method), ``r_squared``."""
    f = fit_log_linear(t, np.log(loss))
    q = float(np.exp(f["slope"]))
    return {"q": q, "q_se": q * f["slope_se"], "r_squared": f["r_squared"], "points": f["points"],
            "t_first": int(t[0]), "t_last": int(t[-1])}


def fit_power(t, loss) -> dict:
    r"""Fit :math:`\log L(t) \approx \log C - p\log t` (t >= 1); returns ``p``, ``p_se``, ``r_squared``."""
    f = fit_log_linear(np.log(t), np.log(loss))
    return {"p": -f["slope"], "p_se": f["slope_se"], "r_squared": f["r_squared"], "points": f["points"],
            "t_first": int(t[0]), "t_last": int(t[-1])}

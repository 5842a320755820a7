r"""Trusted arbitrary-precision reference values (mpmath); no numerical code shared with :mod:`solvers`
(only the quantity names and their check, :mod:`solvers.estimates`).

The population quantities of a student mixture
:math:`p_\mu = \sum_i \pi_i N(\mu_i, I_d)` against :math:`x \sim N(0, I_d)`,

* ``loss``: :math:`L = -E\log\sum_i\pi_i e^{\langle x,\mu_i\rangle-|\mu_i|^2/2}`,
* ``gradient``: :math:`E[\psi_i(x)(\mu_i-x)]` (xfd24.fact1),
* ``gradient_stein``: :math:`E[\psi_i(x)\sum_k\psi_k(x)\mu_k]` (xfd24.lemma9),
* ``psi_tilde_sq``: :math:`E|\sum_i\psi_i(x)\mu_i|^2`,
* ``responsibility_means``: :math:`E\psi_i(x)`,
* ``hessian``: :math:`\nabla^2_\mu L`, ``nd x nd`` with index ``i*d + a``,

computed in the ``r = dim span(mu)`` reduced coordinates (``r <= 3``) by nested,
kink-aware Gauss–Legendre quadrature in exact fixed-point / mpmath arithmetic.
A value is returned only when two quadrature levels agree to the requested
digits; otherwise :class:`ReferenceError` is raised. Precision is always scoped
(:func:`mpmath.workdps`); ``mpmath.mp.dps`` is never changed.

Examples
--------
>>> import mpmath
>>> from verify import reference
>>> rv = reference.loss(weights=["1/2", "1/2"], means=[[1], [-1]], dps=30)
>>> rv.dps, rv.error < mpmath.mpf(10) ** -30
(30, True)
"""

from ._input import MpMixture, as_mp_mixture
from . import _quantities
from ._quantities import *  # noqa: F403 - the public names are listed in _quantities.__all__

__all__ = ["MpMixture", "as_mp_mixture", *_quantities.__all__]

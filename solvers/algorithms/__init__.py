"""Algorithms of the four papers on top of the one E-step (see docs in each module).

* :mod:`.gradient_em` (xfd24; population / sample / Monte Carlo; hybrid weights),
* :mod:`.em` (closed-form EM), :mod:`.structured` (alp25: simplex, R, EM in theta, Lloyd),
* :mod:`.hybrid` (zxfd25), :mod:`.polyak` (wcf26),
* :mod:`.truth` (multi-component truth), :mod:`.grid` (batched fixed-rule population engine),
* :mod:`.trajectory` (results, :class:`ConvergenceWarning`, :class:`DivergenceError`).
"""

from .em import em, em_batch
from .gradient_em import gradient_em, gradient_em_batch
from .hybrid import init_from_truth, zxfd25_runs
from .polyak import polyak, polyak_batch
from .structured import (cyclic_isometry, expected_max_normal, lloyd_population_radius, lloyd_population_step,
                         lloyd_sample, simplex_vertices, structured_em, structured_em_batch, structured_means,
                         theta_gradient)
from .trajectory import BatchTrajectory, ConvergenceWarning, DivergenceError, Trajectory
from .truth import Truth

__all__ = [
    "em", "em_batch", "gradient_em", "gradient_em_batch", "init_from_truth", "zxfd25_runs", "polyak",
    "polyak_batch", "cyclic_isometry", "expected_max_normal", "lloyd_population_radius", "lloyd_population_step",
    "lloyd_sample", "simplex_vertices", "structured_em", "structured_em_batch", "structured_means",
    "theta_gradient", "BatchTrajectory", "ConvergenceWarning", "DivergenceError", "Trajectory", "Truth",
]

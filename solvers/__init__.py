"""float64 NumPy solvers for over-parameterized Gaussian mixtures.

Modules: :mod:`solvers.mixture` (the model), :mod:`solvers.estep` (the one
log-domain E-step), :mod:`solvers.reduction` (span of the means),
:mod:`solvers.population` (population expectations: quadrature, QMC, Monte
Carlo), :mod:`solvers.rules` (every float64 rule: nodes, weights, tensor products,
lattices, Sobol points, the box and its tails, error by comparison with a finer rule),
:mod:`solvers.sample` (finite data). ``solvers`` never imports ``verify``.
"""

from . import estep, montecarlo, population, reduction, sample
from .mixture import Mixture
from .population import PopulationEstimate, QuadratureWarning

__all__ = [
    "Mixture",
    "PopulationEstimate",
    "QuadratureWarning",
    "estep",
    "montecarlo",
    "population",
    "reduction",
    "sample",
]

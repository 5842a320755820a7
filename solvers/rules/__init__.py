r"""The rule layer: nodes and weights for Gaussian expectations, and the error by comparison with a finer rule.

Every float64 integration rule of the toolkit is built here (NumPy, float64). A rule
:math:`Q = \{(x_p, w_p)\}` approximates :math:`E_{y\sim N(0, I_r)} f(y)` (or a plain
integral) by :math:`\sum_p w_p f(x_p)`; a :class:`Rule` holds the nodes, the weights and a
name, and unpacks as the pair ``(nodes, weights)`` that the batched kernels take.

Families
--------
=====================================  ==========================================================
:mod:`~solvers.rules.gauss`            :func:`gauss_legendre` (q points on [-1, 1]),
                                       :func:`gauss_hermite` (q points for N(0, 1), weights summing
                                       to 1), :func:`composite_legendre` (q points per panel of
                                       given edges), :func:`gaussian_panel_rule` (equal panels of
                                       [-T, T], the N(0, 1) density folded in),
                                       :func:`gaussian_trapezoid` (step h on :math:`[-kh, kh]^r`
                                       with its nested 2h rule), :func:`trapezoid_offsets`
:mod:`~solvers.rules.tensor`           :func:`tensor_rule`, :func:`tensor_chunks` (the r-fold
                                       product, whole or in blocks); :func:`hermite_rule`,
                                       :func:`panel_rule` (cached tensor rules for N(0, I_r)),
                                       :func:`anisotropic_hermite_rule` (q_k points along
                                       coordinate k)
:mod:`~solvers.rules.lattice`          rank-1 lattice rules through the artanh map, r = 1..6:
                                       :func:`lattice_rule`, :func:`fixed_lattice_rule` (weights
                                       matched to :data:`MATCHED_DEGREE`),
                                       :func:`random_shifts`, :data:`LATTICE_VECTORS`
:mod:`~solvers.rules.moments`          :func:`match_gaussian_moments`: a rule's weights corrected
                                       to integrate the even Gaussian moments up to a degree
                                       exactly; :func:`even_multi_indices`
:mod:`~solvers.rules.sobol`            :func:`sobol_rule`: scrambled Sobol points through the
                                       normal quantile, equal weights
:mod:`~solvers.rules.sparse`           :func:`smolyak_hermite_rule`: Smolyak sparse grids of
                                       Gauss--Hermite rules (smooth integrands in 4 to 6 dims)
:mod:`~solvers.rules.tails`            :func:`box_half_width` (the box :math:`[-T, T]^r`),
                                       :func:`gaussian_tail_mass` (the mass outside it)
:mod:`~solvers.rules.compare`          :func:`compare_rules`, :class:`RuleEstimate`: error by
                                       comparison with a finer rule
=====================================  ==========================================================

Consumers
---------
* The grid engine (:mod:`solvers.algorithms.grid`): :func:`hermite_rule` (its ladder levels and
  fixed orders), :func:`panel_rule` on the box of :func:`box_half_width` (its default rule for
  r <= 2), :func:`fixed_lattice_rule` (r >= 3), :func:`anisotropic_hermite_rule` (r >= 3, along
  the principal axes of the mean differences). ``benchmarks/calibrate_grid.py`` measures
  :func:`smolyak_hermite_rule` next to them.
* The population engines (:mod:`solvers.population`): the adaptive engine's pilot rule
  (:func:`gaussian_panel_rule` with 2 panels, :func:`tensor_chunks`), its box and tail bound
  (:mod:`~solvers.rules.tails`); the lattice engine (:func:`lattice_rule`,
  :func:`random_shifts`); the QMC engine (:func:`sobol_rule`). The adaptive cubature itself is
  SciPy's Gauss--Kronrod ``cubature`` on that box.
* :func:`solvers.algorithms.expected_max_normal` (Lloyd's radius): :func:`gaussian_panel_rule`,
  32 against 64 panels through :func:`compare_rules`.
* :mod:`verify.claims.xfd24_chain` (float64 path: :func:`gaussian_panel_rule` in y,
  :func:`composite_legendre` on [-1, 0, 1] in t, :func:`compare_rules` with the node counts
  doubled), :mod:`verify.claims.xfd24_pointwise` (Lemma 18's t-integral:
  :func:`composite_legendre`), :mod:`verify.claims.wcf26` and :mod:`verify.claims.alp25`
  (the grid engine's default rule against a Gauss--Hermite rerun, :func:`compare_rules`).
* :mod:`verify.symbolic.trapezoid`: the float64 expectation uses
  :func:`gaussian_trapezoid` (h against 2h through :func:`compare_rules`) and
  :func:`gauss_hermite` (3 points) in the orthogonal coordinates; the mpmath expectation
  computes its nodes and weights at its working precision but takes the plan
  (:func:`trapezoid_offsets`: the offsets and the nested 2h rule) and the comparison from here.

Rules kept elsewhere, and why
-----------------------------
* :mod:`verify.reference` (mpmath reference) has its own fixed-point Gauss--Legendre rules
  and its own kink-aware panel plans (breakpoints at the crossings of the scores). It is the
  trusted side: a reference shares no arithmetic with what it checks, so that an error in
  this layer cannot hide in both the value and its check.
* :mod:`verify.certify` evaluates Gauss--Legendre rules with Arb balls and the Bernstein
  ellipse bound: certified values need rigorous nodes and a rigorous error, not float64 ones.
* The mpmath paths of the claims (``mpmath.quad``: xfd24's chain and Lemma 18, alp25's
  :math:`E\max g`) integrate with mpmath's own adaptive rules at the working precision; Lemma
  18 shares its panel edges (split at 0) with its float64 rule.

Error model
-----------
Where a value's error is estimated by rerunning with a finer rule, the error is
:math:`|Q_c f - Q_f f|` (:func:`compare_rules`): an estimate of the coarse rule's error and a
conservative one of the finer rule's when that rule converges faster (more panels, more points,
step h against 2h). Callers add what no comparison sees: the Gaussian mass outside the box
(:func:`gaussian_tail_mass`) and rounding. Randomized rules (lattice shifts, Sobol scramblings)
estimate their error from the spread of independent randomizations instead (see
:mod:`solvers.population`). The grid engine's ``GridEngine.loss_errors`` compares its rule with
the rule refined twice by the same model (:math:`2|Q_c - Q_f|` plus rounding), written out in
:mod:`solvers.algorithms.grid` next to its rule choice.

Not rules of this layer: the user solvers of the tests and notebooks (written without the
toolkit on purpose) and the scrambled Sobol design of the worst-case search
(:mod:`verify.claims.search`, starting points in parameter space, not an integration rule).
"""

from .compare import RuleEstimate, compare_rules
from .gauss import (
    GL_POINTS_PER_PANEL,
    composite_legendre,
    gauss_hermite,
    gauss_legendre,
    gaussian_panel_rule,
    gaussian_trapezoid,
    trapezoid_offsets,
)
from .lattice import (
    LATTICE_SCALE,
    LATTICE_VECTORS,
    MATCHED_DEGREE,
    MAX_LOG2_POINTS,
    MIN_LOG2_POINTS,
    PRUNE_WEIGHT,
    fixed_lattice_rule,
    generating_vector,
    lattice_rule,
    random_shifts,
)
from .moments import even_multi_indices, match_gaussian_moments
from .rule import Rule
from .sobol import sobol_rule
from .sparse import smolyak_hermite_rule
from .tails import box_half_width, gaussian_tail_mass
from .tensor import CHUNK_POINTS, anisotropic_hermite_rule, hermite_rule, panel_rule, tensor_chunks, tensor_rule

__all__ = [
    "CHUNK_POINTS",
    "anisotropic_hermite_rule",
    "GL_POINTS_PER_PANEL",
    "LATTICE_SCALE",
    "LATTICE_VECTORS",
    "MATCHED_DEGREE",
    "MAX_LOG2_POINTS",
    "MIN_LOG2_POINTS",
    "PRUNE_WEIGHT",
    "Rule",
    "RuleEstimate",
    "box_half_width",
    "compare_rules",
    "composite_legendre",
    "fixed_lattice_rule",
    "gauss_hermite",
    "gauss_legendre",
    "gaussian_panel_rule",
    "gaussian_tail_mass",
    "gaussian_trapezoid",
    "even_multi_indices",
    "generating_vector",
    "hermite_rule",
    "lattice_rule",
    "match_gaussian_moments",
    "panel_rule",
    "random_shifts",
    "smolyak_hermite_rule",
    "sobol_rule",
    "tensor_chunks",
    "tensor_rule",
]

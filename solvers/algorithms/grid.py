r"""Batched population expectations on a ladder of fixed rules in reduced coordinates.

Method
------
For each run b an orthonormal basis :math:`B_b\in\mathbb R^{d\times r}` of
:math:`\mathrm{span}(\mu_1..\mu_n,\mu^*_1..\mu^*_m)` (padded to the batch's
common r) is fixed at the start: gradient EM, EM, the hybrid and the Polyak
method never leave that span (every update is a combination of
:math:`\mu_i` and :math:`E[\psi_i x]`, and :math:`E[\psi_i x_\perp] = 0`).
With :math:`c_i = B^\top\mu_i` and a tensor rule :math:`(y_p, W_p)` for
:math:`N(0, I_r)`,

.. math:: E_{p^*} f \approx \sum_a\pi^*_a\sum_p W_p\, f(c^*_a + y_p),

and the quantities of a step are, with :math:`\psi` from the shared E-step,

.. math:: \bar\psi_i = E\psi_i,\quad m_i = E[\psi_i y],\quad
          \nabla_{\mu_i}L = \mu_i\bar\psi_i - B m_i,\quad
          L = E[\ell^*(y) - \operatorname{lse}_i a_i(y)].

Under the truth N(0, I) one more dimension goes: a shift common to all means
cancels in the responsibilities, so at every step the integration runs on the
span of the differences :math:`c_i - \bar c` (rank :math:`r' \le \min(r, n-1)`)
and the common part e adds exactly :math:`|e|^2/2` to the loss
(:func:`solvers.reduction.split_common_shift`). Two means integrate in one
dimension, three in two, whatever d.

The rule (the ladder)
---------------------
The integrand is analytic in y; its nearest complex singularities lie at
distance about :math:`\pi/s` from the real space, where

.. math:: s = \max\Bigl(\max_{i,j}|c_i - c_j|,\ \max_{a,b}|c^*_a - c^*_b|\Bigr)

is the spread of the means (a common shift of all means only adds a linear
term). A Gauss--Hermite rule of q points per coordinate is therefore as accurate
as a much larger composite rule while s is small. At every step each run takes
the first level of :data:`LADDER` (for its integration rank) with :math:`s \le s_{max}`, else the default
rule: composite Gauss--Legendre (:data:`PANEL_RULE`) on :math:`[-T, T]^r` with the
density folded into the weights for r <= 2 (T: :func:`solvers.rules.box_half_width`
of the run's start, rounded up to an integer), the lattice rule of :mod:`solvers.rules`
with :data:`DEFAULT_LATTICE` points for r >= 3. For r >= 3 the levels are Gauss--Hermite
while the means are close (:data:`LADDER`), then lattice rules (:data:`LATTICE_LADDER`). The level depends on the run alone, so a run
gets the same rule alone or in a batch; the trajectories record how many steps of
each run used which rule (``rule_counts``). Over a gradient-EM run from :math:`\mu_i(0)\sim N(0, I)`
the spread shrinks, and most steps use 256--1024 points instead of 36,864 (r = 2).

Rules along the principal axes (ranks 3 to 6)
---------------------------------------------
The spread bounds the singularities in every direction at once; along one direction they are
farther. With the integration basis of :func:`solvers.reduction.split_common_shift` (the right
singular vectors of the centred means, so the principal axes of the differences) and the
extent of the means along axis k,

.. math:: e_k = \max_i c_{ik} - \min_i c_{ik},

the integrand restricted to a line along axis k is a log-sum-exp of n affine functions of
spread :math:`e_k`, analytic in a strip of half-width about :math:`\pi/e_k`. A product of
Gauss--Hermite rules with :math:`q_k` points along axis k (:func:`solvers.rules.anisotropic_hermite_rule`)
errs by about the sum of the one-dimensional errors, and the one-dimensional error falls like
:math:`\exp(-2\sqrt{q}\,\pi/e)` (so q grows like :math:`e^2`). :data:`AXIS_LADDER` gives
:math:`q_k` by :math:`e_k`; under the truth N(0, I) a run of rank 3 to 6 takes that product
where it has fewer points than its ladder level (:data:`LADDER`, :data:`LATTICE_LADDER`, the
default lattice), which is where the means are spread along few directions: gradient EM from a
random start contracts the minor axes first. ``rule_counts`` counts these steps as
"Gauss-Hermite along the principal axes (r-D)"; ``rule_names`` gives the orders. The engine keeps
the :data:`MAX_AXIS_RULES` most recently used of these rules built.

Calibration (``benchmarks/calibrate_grid.py --axes --rank 3 4 5 6``, seeds 0 and 1, 150 random
states per n = r + 1 and r + 3 and seed, all shapes of the ladder's calibration, spreads in
[0.02, 2.5]; each q takes the smaller extent of this run and an earlier one with spreads up to 2
and q up to 48, and the wider run moved q = 9, 22 and 24 down by 0.05): along each principal axis the rule with q points is compared with the same rule with
:math:`16 + 12e + 12e^2` points there (the other axes' error cancels in the difference); the error is
the ladder's (relative loss, gradient relative to its norm, absolute :math:`E\psi`). Each q is used up
to the extent below which every 0.05-wide bin, and the next, stays within :data:`AXIS_TOLERANCE` =
1e-10 for every rank and seed. The one-dimensional worst cases are two clusters of means:
at extent 1, q = 14 is 1e-9 off and q = 24 2e-13. The whole rule of the table, on 150 fresh states
per n and seed against the same rule with 1.6 times the points along each axis, was within
1.3e-10 at every rank (r = 4; the bound is r x 1e-10; 106 to 148 of the 150 states per n are
within the table and its check's size); the median rule had 1,000--1,200 points at r = 3, 5,000 at
r = 4, 20,000--25,000 at r = 5 and 87,500--106,000 at r = 6.

For the truth N(0, I) and :math:`\mu_{max} < 1` the loss uses the
cancellation-free form of :func:`solvers._integrands.loss_offset` (closed-form
quadratic part plus an :math:`O(|\mu|^3)` integrand), so it keeps its relative
accuracy down to :math:`L\sim10^{-14}`; the responsibilities come from the same
``expm1`` pass.

All B runs are one array program (scores laid out (B, n, P), points contiguous;
one 2-D product when the runs share the rule; Python loops only over the ladder
levels in use and over cache-sized blocks of points).

Accuracy
--------
Earlier default rules (r >= 3 then used Gauss--Hermite), measured against the adaptive engine of :mod:`solvers.population`
(loss and gradient, max abs difference, 3 random mixtures each, n = 3):

======  ===============================  =========  =========  =========  =========
r       rule (nodes)                     mu_max=1   2          3          4
======  ===============================  =========  =========  =========  =========
1       GL 40 panels x 12 (480)          2e-16      4e-16      1e-15      2e-15
2       GL 24 panels x 8 (36864)         8e-15      2e-13      1e-10      2e-9
3       Gauss-Hermite q=16 (4096)        6e-8       8e-5       9e-4       2e-3
======  ===============================  =========  =========  =========  =========

(r = 3 at mu_max = 0.5: 3e-13.) By spread, for the Gauss--Hermite default rules
(worst over random states, n = r + 1, of the relative loss error, the gradient
error relative to its norm and the absolute :math:`E\psi` error, against Gauss--Hermite
with 48, 20, 14 points per coordinate; beyond s = 1.5 that reference is itself off by
up to 1e-5, 8e-5, 2e-5, so those entries are only indicative):

======  ===============================  =========  =========  =========  =========  =========
r       rule (nodes)                     s<=0.6     s<=1       s<=1.5     s<=2       s<=4
======  ===============================  =========  =========  =========  =========  =========
3       Gauss-Hermite q=16 (4096)        3e-14      3e-11      4e-8       8e-6       5e-4
4       Gauss-Hermite q=10 (10^4)        9e-13      5e-11      7e-8       2e-5       5e-4
5       Gauss-Hermite q=8 (32768)        2e-11      1e-8       9e-5       6e-6       4e-4
======  ===============================  =========  =========  =========  =========  =========

The r >= 3 rules (lattice rules of 2^m points, shift 0, artanh map; worst error as above over
40 random states per n = r + 1, r + 3 and 0.25-wide spread bin up to 2.75, against a randomly
shifted lattice of 2^20 points; ``benchmarks/calibrate_grid.py --rank 3 4``):

======  =========  =========  =========  =========  =========
r       2^12       2^14       2^16       2^18       spread
======  =========  =========  =========  =========  =========
3       2e-9       8e-13      9e-15      2e-15      <= 3.25
4       3e-5       5e-6       2e-8       8e-14      <= 2.75
======  =========  =========  =========  =========  =========

Ranks 5 and 6 (``benchmarks/calibrate_grid.py --rank 5 6``, seeds 0 and 1: 60 random states per
n = r + 1 and r + 3 and seed, spreads uniform in [0.05, 4.5], the same error against a randomly
shifted lattice of 2^22 points, which is within about 1e-9 of a second shift; worst error over
both seeds in the 0.25-wide spread bins where a level is used and in the next bin). A level is
used up to the spread below which every bin, and the next one, stays under 1e-7. The lattices are
the moment-matched ones (see "Moment matching" below; in brackets the plain lattices' values, which
set the thresholds):

======  ============================  =======  ==================  ====================
r       level (nodes)                 s_max    worst, bins used    worst, next bin
======  ============================  =======  ==================  ====================
5       Gauss-Hermite q=8 (32768)     0.5      1.4e-9              3e-9
5       lattice 2^17                  1.75     3.6e-8 (4e-8)       1.5e-8 (2e-8)
5       lattice 2^18                  2.75     1e-8 (1e-8)         4e-9 (7e-9)
5       lattice 2^19                  3.25     4.5e-9 (4e-9)       8.4e-9 (8e-9)
5       lattice 2^20 (default)        --       3.4e-8 up to 4.5 (3e-8)
6       Gauss-Hermite q=5 (7776)      0.25     4e-9                3e-8
6       Gauss-Hermite q=8 (262144)    0.5      1e-8                7e-8
6       lattice 2^20 (default)        --       3e-8 at s <= 0.75 (3e-7), 3e-7 at s <= 1.5, up to 1e-5 at 4.5
======  ============================  =======  ==================  ====================

Rejected by the same tables: at r = 5 Gauss-Hermite q=6 (3e-7 at s <= 0.75), q=8 beyond 0.5
(4e-6 at s <= 1), q=10 beyond 0.75 (3e-7 at s <= 1) and the lattice of 2^16 points (2e-6 at
s <= 0.5); 2^17 beyond 1.75 (5e-7 at s <= 2.25), 2^18 beyond 2.75 (1e-5 at s <= 3.25), 2^19 beyond 3.25
(2e-6 at s <= 3.75); at r = 6 the lattices of 2^16 and 2^17 points (2e-6 to 6e-4 at every spread)
and 2^18, 2^19 (up to 5e-5 and 6e-5). Matched, the r = 5 lattice of 2^16 points is within 1.7e-8 at
s <= 0.5 (plain: 2e-6), where Gauss-Hermite q=8 needs half its points. At r = 6 no lattice up to 2^20
points is within 1e-7 at every spread beyond 0.5, so the default rule there is only within about 1e-6
beyond spread 1.5 (1e-5 at worst); the bins are sparse
(about 7 states each), so a level's worst case may be missed. ``tests/test_highrank.py`` checks the
top level of each rank against the default rule (r = 6: against Gauss-Hermite q=10) to 1e-7.
The r = 5 level of 2^17 points has the generating vector chosen by measured error on gradient-EM
states of the xfd24 setting (``benchmarks/search_lattice.py --empirical``); on held-out gradient-EM
states of spread <= 1.5 (seeds 11-20, n = 10, d = 5, every 1000th of 4000 iterations, L down to
3e-5) it is within 2.4e-8 of a 2^22-point lattice where the vector of the search criterion was
2e-7 off, and in the calibration above it covers spreads to 1.75 instead of 1.5.
The tables come from the random states only, whose losses are mostly 0.1 to 1; near-optimal
states (L ~ 1e-4) are harder in relative loss, and there the criterion's vector exceeded the 1e-7
of its table.

xfd24 Figure 1 (``benchmarks/bench_fig1_accuracy.py``: the loss of the figure's n = 5 and n = 10
runs every 20th iteration and at each change of rule, against the default rule refined to 2^22
points). The losses fall to 2e-5 and 5e-5 there, so relative errors are larger than in the tables
above. The r = 4 Gauss-Hermite levels are set for that run: along it q = 10 reaches a relative
error of 1e-8 at s = 0.65, q = 12 at 0.8, q = 14 at 1.0, q = 16 at 1.05 (the earlier q = 10 up to
s = 1 was 3e-6 off near s = 1); with q = 10 to 0.6, 12 to 0.75, 14 to 0.95 and 2^17 above, the n = 5
curve was within 6e-9 at every checked iteration. The rules along the principal axes now take
that run from t = 219 (spread 2.2) on, with 2,000 to 120,000 points (the means contract along
their minor axes first: extents 1.0, 0.32, 0.19, 0.10 at t = 1000): the curve is within 9.6e-10,
at t = 200 on the 2^17 level, and within 2e-11 of the refined rule on the principal-axis steps, and
the run takes 1.6 s instead of 3.6 s. At n = 10 the extents stay comparable (0.84, 0.54, 0.54, 0.32, 0.16 at the
end), the table asks for more points than the 2^17 lattice, and no step takes these rules. The n = 10 curve (r = 5, spread 4.3 down to 0.97)
was within 4.3e-8 (at the end, s = 0.97, on the 2^17 level); with the 2^17 vector chosen by measured
error within 2.6e-8 (at t = 2200, s = 1.08), on 2^17 from s = 1.75 on. With the lattices' weights matched
to the Gaussian moments up to degree 6 (below) it is within 7.6e-9 (at t = 20, s = 3.0, on the 2^19 level),
and within 1.5e-9 to 3.9e-9 on the 2^17 level; the n = 5 curve within 1.4e-9 (at t = 200, on the r = 4
2^17 level matched to degree 4). Until t = 1030 there its means have
:math:`\mu_{max} \ge 1`, where the loss used to be the plain log-sum-exp, a cancellation of O(1)
terms: the 2^17 level was 1e-7 to 4e-7 off (L ~ 3e-4) for s in 1.4 to 2 and the curve within
4.1e-7. The lattices integrate polynomials only to about 1e-7 at r = 5, so the cancellation-free
form is used up to :math:`\mu_{max} = 2` at ranks 5 and 6 (:data:`STABLE_MU_MAX`): with it the
2^17 level is 2e-8 to 5e-8 off there (the 2^22-point references with both forms agree to 1e-11,
and the calibration tables above do not change beyond their second digit). Measured along that
run (25 iterations, plain form): no lattice up to 2^20 points is within 1e-8 at every spread
(worst 4e-7, 6e-8, 1.5e-8, 2.6e-8 for 2^17..2^20; scales 2 to 4.5 do not help, see
:data:`solvers.rules.LATTICE_SCALE`; making the lattice weights integrate the Gaussian moments of
order 2 and 4 exactly changes the errors by less than 3x; with the cancellation-free form and degree 6 it
removes most of the error near the optimum, see below), Gauss-Hermite q = 12 (248,832 points)
is within 5e-10 up to s = 1.25 and q = 14 within 5e-9 up to 1.4, and a 2^22-point lattice agrees
with a second one to 2e-10. Without matched weights, reaching 1e-8 would have taken q = 12 and 14 up
to s = 1.4 (two thirds of the run) and at least 2^19 points above: about 2.5x the point evaluations of
the n = 10 run (estimated 40 s; the former rule takes 3.5 s). With them the 2^17 to 2^20 levels reach it
and the run takes 11.6 s; the whole figure takes 1.94x to 2.12x the time it took on the former rules
(``bench_fig1_accuracy.py``, six runs).
Also measured and not adopted: a control variate for the lattices, the degree-4 Taylor part
:math:`T_4 = S_3/6 + S_4/24 - S_2^2/8` of the cancellation-free bracket (:math:`S_k = \sum_i\pi_i b_i^k`,
its Gaussian mean in closed form by Isserlis). Along the figure's n = 10 run it brings the 2^17
level to within 6e-9 and the 2^18 level to 4e-9, but on held-out gradient-EM states it makes the
2^17 level 1.2 to 6 times worse (seed 11, spreads 1.4 to 2.1: up to 3.3e-8 against 6e-9 without;
seed 13, spreads 2.4 to 2.8: up to 2.2e-7 against 1e-7): in the tails, where
the lattice errs, :math:`h - T_4` grows like :math:`T_4`. The degree-6 part was no better on the figure's states.

Moment matching. The lattice rules of this engine (:func:`solvers.rules.fixed_lattice_rule`) have their weights
corrected to integrate every polynomial of even degree up to :data:`solvers.rules.MATCHED_DEGREE` exactly
(6 at r = 3 and 5, 4 at r = 4 and 6; :func:`solvers.rules.match_gaussian_moments`). Near the optimum the
integrand is nearly a polynomial of low degree and the plain lattices integrate polynomials only to 1e-9
to 1e-5 (degrees 2 to 8, r = 5, 2^17 points), which was most of their error there: along the n = 10 run
above the 2^17 level went from 1.6e-8 to 2.1e-8 down to 1.6e-9 to 5e-9, on held-out gradient-EM states
(seeds 11 to 20) the 2^19 level from 9e-8 to 2e-9 at spreads <= 1, and at r = 6 the default rule from
1e-7 to 5e-9 at spreads <= 1.5. At spreads beyond 2.5 the tails dominate and nothing changes, so the
thresholds of the tables above, measured on the plain rules, stand (no 0.5-wide spread bin above 1e-12
moved by more than 1.5x; the measurement is in :data:`solvers.rules.MATCHED_DEGREE`). The matching costs
three passes over one half of the rule (the other half mirrors it) when it is built (0.7 s
for 2^20 points at r = 5).

Under the truth N(0, I) the rank is that of the mean differences: three means in
any d get the r = 2 rules. Under a mixture truth the truth's spread counts: with
zxfd25's truth (m = 2..4 components on a circle of radius 4, spread up to 8) the
r = 2 default rule differs from 48x12 panels by up to 3e-10 relative in the loss
and 4e-8 in the gradient. The ladder's thresholds come from
``benchmarks/calibrate_grid.py`` (seeds 0 and 1): over 1800 random states per rank
and seed (n = 2, 3, 5; random, collinear, evenly spread and two-cluster shapes;
common shifts up to 1.5; Dirichlet and equal weights), every level's error
(relative loss, gradient relative to its norm, absolute :math:`E\psi`) against a
finer reference is at most that of the default rule or 1e-13 in every 0.1-wide
spread bin up to its :math:`s_{max}` and in the next bin (a margin of one bin).
Exception: for s <= 0.2 every rule, q = 64 included, shows up to 30x that floor in
the relative loss; there the loss (~s^2) is a cancellation of O(1) terms whenever
some :math:`|c_i| \ge 1` (the cancellation-free form is off), so this is rounding,
not the rule. ``tests/test_grid_ladder.py`` checks that ladder and default rule agree
to 1e-11 at the thresholds. For r >= 3 with separated means use
``engine="quadrature"`` (adaptive, slow) or ``"monte-carlo"``.
r > 6 is refused.

Length: one module by design, the grid engine (bases, ladder levels, rule choice, batch grouping, loss error) around one batched kernel; most of the length is this docstring's method and accuracy tables.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from .._integrands import STABLE_LOSS_MU_MAX
from ..estep import logsumexp_rows
from ..kernels import BLOCK_ENTRIES, grid_moments, prepare_rule  # noqa: F401  (re-exported)
from ..reduction import span_basis, split_common_shift
from ..rules import (anisotropic_hermite_rule, box_half_width, compare_rules, fixed_lattice_rule,  # noqa: F401
                     hermite_rule, panel_rule)  # (re-exported)

DEFAULT_ORDER = {1: 64, 2: 40, 3: 16, 4: 10, 5: 8, 6: 6}
"""Gauss--Hermite points per coordinate of the earlier r >= 3 default rules (kept for comparisons)."""
PANEL_RULE = {1: (40, 12), 2: (24, 8)}
"""Composite Gauss--Legendre (panels, points per panel) on [-T, T] per coordinate (used for r <= 2)."""
LADDER = {1: ((0.3, 16), (0.7, 32), (1.3, 64)),
          2: ((0.4, 16), (0.8, 32), (1.3, 64), (1.7, 96), (2.1, 128)),
          3: ((0.1, 8), (0.2, 10), (0.3, 12)),
          4: ((0.3, 8), (0.6, 10), (0.75, 12), (0.95, 14)),
          5: ((0.5, 8),),
          6: ((0.25, 5), (0.5, 8))}
"""Gauss--Hermite levels by rank: ``(s_max, q)``, q points per coordinate for runs of spread
s <= s_max (calibrated by ``benchmarks/calibrate_grid.py``; see the module docstring)."""
LATTICE_LADDER = {3: ((3.0, 14),),
                  4: ((4.0, 17),),
                  5: ((1.75, 17), (2.75, 18), (3.25, 19)),
                  6: ()}
"""Lattice levels for r = 3..6 after the Gauss--Hermite ones: ``(s_max, m)``, the rule of
:mod:`solvers.rules` with 2^m points (shift 0) for runs of spread s <= s_max."""
DEFAULT_LATTICE = {3: 16, 4: 18, 5: 20, 6: 20}
"""log2 points of the r >= 3 default rule (spread beyond the last level)."""
STABLE_MU_MAX = {5: 2.0, 6: 2.0}
r"""Integration ranks whose rules take the cancellation-free loss up to this :math:`\mu_{max}` (else up to
:data:`solvers._integrands.STABLE_LOSS_MU_MAX`, 1): the lattice rules of these ranks integrate the
polynomial part of the plain log-sum-exp only to about 1e-7, so for small losses the cancellation of
O(1) terms costs more than the larger quadratic part of the cancellation-free integrand (see the
module docstring)."""
AXIS_LADDER = ((0.1, 5), (0.15, 6), (0.2, 7), (0.25, 8), (0.3, 9), (0.4, 10), (0.5, 12), (0.55, 14), (0.65, 16),
               (0.75, 18), (0.85, 22), (0.9, 24), (1.0, 28), (1.2, 32), (1.35, 40), (1.5, 48), (1.7, 56), (1.85, 64),
               (2.15, 80), (2.35, 96))
r"""Gauss--Hermite points along one principal axis of the mean differences by the extent of the means along
it, ``(e_max, q)``: q points for :math:`e \le e_{max}` (``benchmarks/calibrate_grid.py --axes``; each axis
within :data:`AXIS_TOLERANCE`)."""
AXIS_TOLERANCE = 1e-10
"""Per-axis tolerance of :data:`AXIS_LADDER`: a rule of rank r from it is within about r times this."""
MAX_RANK = 6
AXIS_LEVEL = -1
"""The level index of the rule of :data:`AXIS_LADDER` in the engine's keys."""
MAX_AXIS_RULES = 4
"""Rules of :data:`AXIS_LADDER` an engine keeps built (the most recently used)."""


def axis_orders(extents):
    r"""Gauss--Hermite points per principal axis from :data:`AXIS_LADDER`, or None beyond its last extent.

    Parameters
    ----------
    extents : array_like (r,)
        :math:`e_k = \max_i c_{ik} - \min_i c_{ik}`, the extent of the means along principal axis k.

    Returns
    -------
    tuple of int or None
    """
    orders, inside = _axis_table(np.asarray(extents, dtype=float)[None])
    return tuple(int(q) for q in orders[0]) if inside[0] else None


def _axis_table(extents):
    """:data:`AXIS_LADDER` for many runs: orders (k, r) from extents (k, r), and whether every axis of a run
    is within the table (NaN extents are not)."""
    edges = np.array([e_max for e_max, _ in AXIS_LADDER])
    at = np.searchsorted(edges, extents, side="left")  # NaN sorts past the last edge
    inside = np.all(at < len(edges), axis=1)
    return np.array([q for _, q in AXIS_LADDER])[np.minimum(at, len(edges) - 1)], inside


def lattice_name(rank: int, log2_points: int) -> str:
    """The name ``rule_counts`` gives the lattice rule with ``2**log2_points`` points in ``rank`` dimensions."""
    return f"lattice 2^{log2_points} ({rank}-D)"


def span_bases(means: np.ndarray, truth_means: np.ndarray):
    """Per-run orthonormal bases (B, d, r) of span(means_b, truth means), common r (padded; at least 1),
    by the rank rule of :func:`solvers.reduction.span_basis`."""
    Bn, n, d = means.shape
    stacked = np.concatenate([means, np.broadcast_to(truth_means, (Bn,) + truth_means.shape)], axis=1)
    basis, ranks, _ = span_basis(stacked)
    r = min(int(max(1, ranks.max(initial=0))), d)
    return basis[:, :, :r], r


def spread(C: np.ndarray) -> np.ndarray:
    r"""Largest distance between two means of each run, :math:`\max_{i,j}|c_i - c_j|`, shape (B,)."""
    if C.shape[1] < 2:
        return np.zeros(C.shape[0])
    diff = C[:, :, None, :] - C[:, None, :, :]
    return np.sqrt(np.max(np.einsum("bijr,bijr->bij", diff, diff), axis=(1, 2)))


class _Level:
    """One rule for the whole batch: nodes, weights, truth term and :func:`prepare_rule` arrays."""

    def __init__(self, Y, W, truth, cstar):
        Y, W = Y[None], W[None]  # (1, P, r), (1, P)
        r = Y.shape[2]
        if truth.is_standard:
            self.nodes, self.node_w, self.lse_star = Y, W, None
        else:
            nodes = (cstar[:, :, None, :] + Y[:, None]).reshape(len(cstar), -1, r)
            self.nodes = nodes
            self.node_w = (truth.weights[None, :, None] * W[:, None, :]).reshape(len(W), -1)
            scores = (np.einsum("bpr,bar->bpa", nodes, cstar) + np.log(truth.weights)
                      - 0.5 * np.einsum("bar,bar->ba", cstar, cstar)[:, None, :])
            self.lse_star = logsumexp_rows(scores)
        self.rule = prepare_rule(self.nodes, self.node_w)

    def moments(self, weights, C, idx=None):
        """:func:`grid_moments` of the runs ``idx`` of the batch (all when None), given their
        weights and reduced means."""
        def pick(a):  # arrays with one row are shared by every run
            return a[idx] if (idx is not None and a.shape[0] > 1) else a

        nodes_t, moment, mirror = self.rule  # a mirror layout is only found for rules shared by the batch
        rule = (pick(nodes_t), pick(moment), mirror)
        lse_star = None if self.lse_star is None else pick(self.lse_star)
        stable_mu_max = STABLE_MU_MAX.get(self.nodes.shape[2], STABLE_LOSS_MU_MAX)
        return grid_moments(weights, C, pick(self.nodes), pick(self.node_w), lse_star, rule=rule,
                            stable_mu_max=stable_mu_max)


class GridEngine:
    r"""Population expectations for a batch on a ladder of fixed rules; see the module docstring.

    At every call each run's rule is chosen from its integration rank and spread
    :math:`s = \max(\max_{i,j}|c_i - c_j|, \max_{a,b}|c^*_a - c^*_b|)`: the first
    Gauss--Hermite level of :data:`LADDER` with :math:`s \le s_{max}`, else the
    default rule. Under the truth N(0, I) the integration runs on the span of the
    differences of the means (:func:`solvers.reduction.split_common_shift`), one
    dimension less than their span when n <= d. The choice depends on the run
    alone, so a run gets the same arithmetic alone or in a batch.

    Parameters
    ----------
    means0 : ndarray (B, n, d)
        Starting means (they fix the bases and, for the composite rules, the box).
    truth : Truth
    order : int or None
        Gauss--Hermite points per reduced coordinate for every call (no ladder);
        default: the ladder.
    ladder : bool
        False: always the default rule (the most accurate; used to test the ladder).
    differences : bool
        Under the truth N(0, I), integrate on the span of the mean differences
        (default); False: on the span of the means (used to test the reduction).
    refine : int
        Refine the default rule by this factor (no ladder); :meth:`loss_errors` compares with ``refine=2``.
    """

    def __init__(self, means0, truth, order=None, ladder=True, differences=True, refine=1):
        self.truth = truth
        self._setup = (np.array(means0, float), truth, order, ladder, differences)
        self.refine = int(refine)
        if self.refine < 1:
            raise ValueError(f"refine: expected an integer >= 1, got {refine!r}")
        self.basis, self.r = span_bases(means0, truth.means)
        n = means0.shape[1]
        self.differences = bool(differences) and truth.is_standard
        top_rank = min(self.r, n - 1) if self.differences else self.r
        if top_rank > MAX_RANK:
            raise ValueError(f"engine: the grid engine supports an integration rank <= {MAX_RANK}, got {top_rank}; "
                             "use engine='monte-carlo' or 'sample'")
        self.cstar = np.einsum("ad,bdr->bar", truth.means, self.basis)  # (B, m, r)
        self.truth_spread = spread(self.cstar)
        self.order = None if order is None else int(order)
        self.ladder = bool(ladder) and order is None and self.refine == 1
        # each run's box from its own start, rounded up to an integer so that runs share
        # rules (a run gets the same rule alone or in a batch)
        Ts = np.ceil([box_half_width(float(v)) for v in np.max(np.linalg.norm(means0, axis=2), axis=1)])
        self.half_widths, self.box_index = np.unique(Ts, return_inverse=True)
        self._levels = OrderedDict()
        self._counts = {}
        ranks = self._ranks(np.ones(means0.shape[:2]) / n, np.matmul(means0, self.basis))[1]
        self.description = self._describe(sorted(set(ranks.tolist())))

    def _describe(self, ranks):
        T = self.half_widths
        box = f"{T[0]:g}" if T.size == 1 else f"{T[0]:g}..{T[-1]:g}"
        where = "span of the mean differences" if self.differences else "span of the means"
        parts = []
        for rank in ranks:
            if self.order is not None or rank == 0:
                parts.append(self._rule(rank, 0, 0)[0])
                continue
            if rank in PANEL_RULE:
                cheap = ", ".join(f"q={q} for s <= {s_max:g}" for s_max, _, q in self._steps(rank))
                panels, q = PANEL_RULE[rank]
                top = f"composite Gauss-Legendre {panels}x{q} on [-T, T]^{rank}, T = {box}"
                parts.append(f"Gauss-Hermite {cheap}, else {top}" if cheap else top)
            else:
                cheap = ", ".join(("Gauss-Hermite q=" if kind == "gh" else "lattice 2^") + f"{size} for s <= {s_max:g}"
                                  for s_max, kind, size in self._steps(rank))
                top = lattice_name(rank, DEFAULT_LATTICE[rank])
                parts.append(f"{cheap}, else {top}" if cheap else top)
                if self.differences and self.ladder:
                    parts[-1] += ("; Gauss-Hermite along the principal axes of the mean differences, q by the "
                                  "extent along each axis, where that needs fewer points")
        return f"grid ({where}, rank {'/'.join(map(str, ranks))} at the start; {'; '.join(parts)}; s = spread of the means)"

    def _steps(self, rank):
        """The levels at ``rank``: ``(s_max, kind, size)``, kind "gh" (q) or "lattice" (m)."""
        if not self.ladder:
            return ()
        return (tuple((s_max, "gh", q) for s_max, q in LADDER.get(rank, ()))
                + tuple((s_max, "lattice", m) for s_max, m in LATTICE_LADDER.get(rank, ())))

    def _rule(self, rank, k, box, *orders):
        """``(name, (nodes, weights))`` of level k at ``rank`` (the default rule on box ``box`` when k is past the
        ladder; the rule of :data:`AXIS_LADDER` with ``orders`` along the principal axes when k is ``AXIS_LEVEL``)."""
        if rank == 0:
            return "one point (r' = 0: equal means)", (np.zeros((1, 0)), np.ones(1))
        if self.order is not None:
            q = self.order * self.refine
            return f"Gauss-Hermite q={q}^{rank}", hermite_rule(rank, q)
        if k == AXIS_LEVEL:
            rule = anisotropic_hermite_rule(tuple(int(q) for q in orders[:rank]))
            return rule.name, rule
        steps = self._steps(rank)
        if k < len(steps):
            _, kind, size = steps[k]
            if kind == "lattice":
                return lattice_name(rank, size), fixed_lattice_rule(rank, size)
            return f"Gauss-Hermite q={size}^{rank}", hermite_rule(rank, size)
        if rank not in PANEL_RULE:
            m = DEFAULT_LATTICE[rank] + int(np.log2(self.refine))
            return lattice_name(rank, m), fixed_lattice_rule(rank, m)
        panels, q = PANEL_RULE[rank]
        panels *= self.refine
        T = float(self.half_widths[box])
        return f"composite Gauss-Legendre {panels}x{q} on [-{T:g}, {T:g}]^{rank}", panel_rule(rank, panels, q, T)

    def _ranks(self, weights, C):
        """Per run: the basis (B, r, r) whose first columns span the integration, the ranks, |e|^2."""
        if self.differences:
            return split_common_shift(weights, C)
        Bn = C.shape[0]
        return None, np.full(Bn, self.r, dtype=np.intp), np.zeros(Bn)

    def _keys(self, weights, C):
        """Per run ``(rank, level, box)`` as rows of a (B, 3) int array, and the pieces of the split."""
        V, ranks, shift_sq = self._ranks(weights, C)
        s = np.maximum(spread(C), self.truth_spread)
        keys = np.zeros((len(ranks), 3 + MAX_RANK), dtype=np.intp)
        keys[:, 0] = ranks
        for rank in ((ranks[0],) if np.all(ranks == ranks[0]) else np.unique(ranks)):
            at = ranks == rank
            steps = self._steps(int(rank)) if rank else ()
            if steps:
                keys[at, 1] = np.searchsorted([step[0] for step in steps], s[at], side="left")
            on_box = at & (keys[:, 1] == len(steps)) & (int(rank) in PANEL_RULE) & (self.order is None)
            keys[on_box, 2] = self.box_index[on_box]
            if rank >= 3 and V is not None and self.ladder:
                self._axis_keys(keys, np.flatnonzero(at), int(rank), C, V, steps)
        return keys, V, shift_sq

    def _axis_keys(self, keys, idx, rank, C, V, steps):
        """Give the runs ``idx`` (integration rank >= 3) the rule of :data:`AXIS_LADDER` where it has fewer
        points than their ladder level."""
        P = np.matmul(C[idx], V[idx][:, :, :rank])  # (k, n, rank): the principal axes of the differences
        orders, inside = _axis_table(P.max(axis=1) - P.min(axis=1))
        sizes = [size**rank if kind == "gh" else 2**size for _, kind, size in steps] + [2 ** DEFAULT_LATTICE[rank]]
        ladder_points = np.array(sizes, dtype=float)[keys[idx, 1]]
        take = inside & (np.prod(orders.astype(float), axis=1) < ladder_points)
        rows = idx[take]
        keys[rows, 1] = AXIS_LEVEL
        keys[rows, 3:3 + rank] = orders[take]

    def loss_errors(self, weights, means) -> np.ndarray:
        r"""Per run, an estimate of the error of the loss this engine gives at ``means``.

        Twice the difference from the default rule refined twice (panels x 2 for r <= 2, one
        lattice level more for r >= 3, q x 2 for a fixed Gauss--Hermite order), plus the rounding
        :math:`64\,\varepsilon\,|L|`: error by comparison with a finer rule, doubled to cover
        the finer rule's own error (measured: the difference alone matches the distance to the
        adaptive engine to two digits at spread 15, where it reaches 6e-5). The counts of
        :meth:`rule_counts` are not changed.
        """
        return DeferredLossErrors(self._setup, weights, means)()

    def deferred_loss_errors(self, weights, means) -> "DeferredLossErrors":
        """:meth:`loss_errors` at ``means``, computed when called (it builds the refined default rule)."""
        return DeferredLossErrors(self._setup, weights, means)

    def rule_names(self, weights, means):
        """The rule each run would use at ``means`` (B, n, d) with ``weights`` (B, n)."""
        keys, _, _ = self._keys(weights, np.matmul(means, self.basis))
        return [self._rule(*map(int, key))[0] for key in keys]

    def rule_counts(self) -> dict:
        """Evaluations per rule so far, ``{rule name: (B,) int array}``."""
        return {name: c.copy() for name, c in self._counts.items()}

    def _level(self, key):
        """``(name counted by rule_counts, _Level)`` of a key; the rules of :data:`AXIS_LADDER` are kept for the
        :data:`MAX_AXIS_RULES` most recently used keys."""
        if key in self._levels:
            self._levels.move_to_end(key)
            return self._levels[key]
        name, (Y, W) = self._rule(*key)
        if key[1] == AXIS_LEVEL:
            name = f"Gauss-Hermite along the principal axes ({key[0]}-D)"
            built = [k for k in self._levels if k[1] == AXIS_LEVEL]
            for old in built[:max(0, len(built) - MAX_AXIS_RULES + 1)]:
                del self._levels[old]
        self._levels[key] = (name, _Level(np.asarray(Y), np.asarray(W), self.truth, self.cstar))
        return self._levels[key]

    def __call__(self, weights, means):
        C = np.matmul(means, self.basis)  # (B, n, r)
        Bn, n, r = C.shape
        keys, V, shift_sq = self._keys(weights, C)
        loss, resp, first = np.empty(Bn), np.empty((Bn, n)), np.empty((Bn, n, r))
        if np.all(keys == keys[0]):  # the common case: one rule for the whole batch
            distinct, group = keys[:1], np.zeros(Bn, dtype=np.intp)
        else:
            distinct, group = np.unique(keys, axis=0, return_inverse=True)
        for g, key in enumerate(distinct):
            idx = np.flatnonzero(group.ravel() == g) if len(distinct) > 1 else None
            sel = slice(None) if idx is None else idx
            rank = int(key[0])
            name, level = self._level(tuple(int(v) for v in key))
            if V is None:
                Cg = C[sel]
            else:
                Q = V[sel][:, :, :rank]  # (k, r, r')
                Cg = np.matmul(C[sel], Q)
            lg, rg, fg = level.moments(weights[sel], Cg, idx)
            loss[sel], resp[sel] = lg, rg
            first[sel] = fg if V is None else np.matmul(fg, np.swapaxes(Q, 1, 2))
            self._counts.setdefault(name, np.zeros(Bn, dtype=np.int64))[sel] += 1
        loss += 0.5 * shift_sq
        first_amb = np.matmul(first, np.swapaxes(self.basis, 1, 2))
        grad = means * resp[..., None] - first_amb
        return loss, grad, resp, first_amb


class DeferredLossErrors:
    """:meth:`GridEngine.loss_errors` of a final state, computed on the first call and kept: a trajectory
    carries one, so that a run whose loss error is never read does not build the refined default rule.
    Holds the engine's set-up (not its rules), so it pickles small."""

    def __init__(self, setup, weights, means):
        self._setup = setup
        self._weights, self._means = np.array(weights, float), np.array(means, float)
        self._value = None

    def __call__(self) -> np.ndarray:
        if self._value is None:
            means0, truth, order, ladder, differences = self._setup
            same = GridEngine(means0, truth, order=order, ladder=ladder, differences=differences)
            fine = GridEngine(means0, truth, order=order, ladder=False, differences=differences, refine=2)
            est = compare_rules(lambda engine: engine(self._weights, self._means)[0], same, fine,
                                names=("this rule", "refined twice"), what="means")
            self._value = 2 * est.error + 64 * np.finfo(float).eps * np.abs(est.value)
        return self._value

r"""Certified verdicts: rigorous enclosures with Arb (python-flint) interval arithmetic.

High-precision floating point says "probably"; ball arithmetic says
"certainly". This package gives mathematically rigorous verdicts where the
reduced problem is at most two-dimensional (means spanning a line or a plane,
r <= 2) or the claim is a scalar fact:

* :class:`Enclosure`: a ball with exact dyadic midpoint/radius and Arb-style
  ``certainly_le/lt/ge/gt`` comparisons (usable without python-flint).
* :func:`mixture_quantities`: certified L, grad L (both forms), E|psi~|^2, E psi_i
  for means spanning at most a plane (r <= 2), exact input (decimal strings are
  the decimals they spell); ValueError naming ``means`` for r > 2.
* :func:`line_quantities`: the r = 1 engine (Gauss–Legendre with Bernstein-ellipse
  error bounds, split at the kinks, analytic Gaussian tails);
  :mod:`verify.certify.plane`: the r = 2 engine (tensor Gauss–Legendre on adaptive
  rectangles with a Bernstein-ellipse bound per variable, analytic tails).
* :func:`certify_scalar` / :func:`certify_scalar_range`: scalar facts of the
  xfd24 proofs for d = 1..1000; :func:`certify_on_interval` (coverings).
* :func:`certify_instance` and :func:`certified_claim_ids`: one certified
  verdict per claim instance (CERTIFIED / CERTIFIED-REFUTED / UNDECIDED);
  mixture claims are :class:`MixtureStatement` objects (:func:`register_statement`
  adds one; :func:`gradient_alignment_statement` builds an example; the formula
  claims of :mod:`verify.claims` register theirs when the claims are loaded);
  :func:`certify_claim`: one claim-level verdict with a report line.
* :func:`certify_thm7`: the Theorem 7 trajectory with interval propagation
  (one step size); :func:`certify_thm7_all_eta`: every step size at once from a
  certified uniform bound on the gradient over the trapping interval.

python-flint is a core dependency. If it cannot be imported, everything still
imports, and the certifying functions return a ``SKIPPED`` result carrying
:data:`SKIPPED_MESSAGE` (which names the import error and the reinstall command)
or raise :class:`CertificationSkipped` (:func:`line_quantities`,
:func:`mixture_quantities`). Precision is scoped
(:func:`workprec`), never set globally.
"""

from ._flint import SKIPPED_MESSAGE, CertificationSkipped, available, workprec
from .enclosure import Enclosure
from .verdict import (CERTIFIED, CERTIFIED_REFUTED, SKIPPED, UNDECIDED, VERDICTS, CertifiedResult,
                      combine, compare)
from .line import QUANTITIES, LineMixture, LineQuantities, line_quantities
from .mixture import MixtureQuantities, PlaneMixture, exact_span, mixture_quantities
from .scalar import (ALL_D_ARGUMENTS, SCALAR_CLAIMS, certify_all_d, certify_eq18_exp, certify_exp_rational, certify_on_interval,
                     certify_scalar, certify_scalar_range, chi_mgf)
from .statements import (Context, MixtureStatement, Side, gradient_alignment_statement, register_statement,
                         unregister_statement)
from .instances import certified_claim_ids, certify_instance, certify_statement
from .claims import ClaimCertificate, certify_claim
from .thm7 import certify_thm7, certify_thm7_all_eta, certify_thm7_range

__all__ = [
    "Context", "MixtureStatement", "Side", "gradient_alignment_statement", "register_statement",
    "unregister_statement", "certify_statement",
    "ClaimCertificate", "certify_claim", "certified_claim_ids", "certify_instance",
    "certify_thm7", "certify_thm7_all_eta", "certify_thm7_range",
    "SKIPPED_MESSAGE", "CertificationSkipped", "available", "workprec", "Enclosure",
    "CERTIFIED", "CERTIFIED_REFUTED", "SKIPPED", "UNDECIDED", "VERDICTS", "CertifiedResult",
    "combine", "compare", "MixtureQuantities", "PlaneMixture", "exact_span", "mixture_quantities", "QUANTITIES", "LineMixture", "LineQuantities", "line_quantities",
    "ALL_D_ARGUMENTS", "SCALAR_CLAIMS", "certify_all_d", "certify_eq18_exp", "certify_exp_rational", "certify_on_interval",
    "certify_scalar", "certify_scalar_range", "chi_mgf",
]

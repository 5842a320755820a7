r"""Symbolic layer (SymPy): the source of truth for the formulas of the toolkit.

Entry point for the claim runner::

    from verify.symbolic import prove
    proof = prove("xfd24.eq22")      # -> Proof
    proof.proven, proof.status       # True, "PROVEN"

Modules
-------
model
    :class:`SymbolicMixture`: log-density, responsibilities, integrands of L,
    grad L, grad Q, Hessian of L, in responsibility form.
identities
    Exact pointwise proofs: ``xfd24.fact1``, ``xfd24.eq8``, ``xfd24.lemma9``,
    ``xfd24.cor10``, ``xfd24.eq22`` (with PSD), ``zxfd25.stein``.
gaussian_parts
    1-D Gaussian integration by parts (Stein's identity), shown symbolically.
expansion
    ``wcf26.expansion``: Taylor expansion of L at 0 through order 4.
simplex
    alp25: simplex vertices, cyclic isometry, A(pi), the DFT condition,
    degenerate weight sets, ``alp25.hessian``, ``alp25.em_is_gd``.
codegen
    ``lambdify`` (with ``cse``) of the integrands to NumPy and mpmath.
trapezoid
    Gaussian expectations of generated integrands by the trapezoid rule (float64 or mpmath).
"""

from __future__ import annotations

from .codegen import INTEGRANDS, GeneratedIntegrand, generate_integrand, integrand_expression
from .expansion import FourthOrderExpansion, fourth_order_expansion, prove_expansion
from .gaussian_parts import gaussian_integration_by_parts_1d
from . import identities
from .trapezoid import GaussianExpectation, gaussian_expectation, gaussian_expectation_mp
from .identities import (
    DEFAULT_SIZES,
    check_log_partition_rule,
    check_responsibility_rule,
    eq22_gram_form,
    exp_atoms_to_symbols,
    prove_cor10,
    prove_eq8,
    prove_eq22,
    prove_fact1,
    prove_lemma9,
    prove_zxfd25_stein,
)
from .model import SymbolicMixture, gaussian_expectation_of_polynomial, symbolic_mixture
from .proof import FAILED, PROVEN, Proof
from .simplex import (
    DegenerateWeightSet,
    cyclic_isometry,
    cyclic_model,
    degenerate_weight_report,
    degenerate_weight_sets,
    dft_values,
    prove_dft,
    prove_em_is_gd,
    prove_hessian,
    rotation_average,
    simplex_vertices,
    simplex_weights,
    uniform_dft_symbolic,
)

__all__ = [
    "prove",
    "prove_all",
    "available_claims",
    "Proof",
    "PROVEN",
    "FAILED",
    "SymbolicMixture",
    "symbolic_mixture",
    "gaussian_expectation_of_polynomial",
    "gaussian_integration_by_parts_1d",
    "FourthOrderExpansion",
    "fourth_order_expansion",
    "prove_expansion",
    "DegenerateWeightSet",
    "simplex_vertices",
    "simplex_weights",
    "cyclic_isometry",
    "cyclic_model",
    "rotation_average",
    "dft_values",
    "degenerate_weight_sets",
    "degenerate_weight_report",
    "uniform_dft_symbolic",
    "prove_dft",
    "prove_hessian",
    "prove_em_is_gd",
    "INTEGRANDS",
    "GeneratedIntegrand",
    "generate_integrand",
    "integrand_expression",
    "GaussianExpectation",
    "gaussian_expectation",
    "gaussian_expectation_mp",
    *identities.__all__,
]

_PROVERS = {
    "xfd24.fact1": prove_fact1,
    "xfd24.eq8": prove_eq8,
    "xfd24.lemma9": prove_lemma9,
    "xfd24.cor10": prove_cor10,
    "xfd24.eq22": prove_eq22,
    "zxfd25.stein": prove_zxfd25_stein,
    "wcf26.expansion": prove_expansion,
    "alp25.dft": prove_dft,
    "alp25.hessian": prove_hessian,
    "alp25.em_is_gd": prove_em_is_gd,
}


def available_claims() -> tuple:
    """Claim ids that :func:`prove` handles."""
    return tuple(_PROVERS)


def prove(claim_id: str) -> Proof:
    """Exact symbolic proof of ``claim_id`` at the default sizes (cached).

    Parameters
    ----------
    claim_id : str
        One of :func:`available_claims` (ids of ``shared/claims.md``).

    Returns
    -------
    Proof
        ``proof.proven`` is True iff every exact check passed; see
        ``proof.scope`` for whether the integrand identity or the integrated
        claim was established, and ``proof.detail`` for the analytic steps
        that are stated rather than machine checked.

    Raises
    ------
    KeyError
        For a claim id without a symbolic proof.
    """
    try:
        prover = _PROVERS[claim_id]
    except KeyError:
        raise KeyError(f"no symbolic proof for {claim_id!r}; available: {', '.join(_PROVERS)}") from None
    return prover()


def prove_all() -> dict:
    """``{claim_id: Proof}`` for every available claim."""
    return {cid: prove(cid) for cid in _PROVERS}

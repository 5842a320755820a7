"""xfd24 claims (Xu, Fazel, Du, "Toward Global Convergence of Gradient EM for
Over-Parameterized GMMs", NeurIPS 2024; seed 004), registered on import (each module
registers its own claims; the registry orders them as ``shared/claims.md``).

The statements live in small modules: :mod:`.xfd24_mixture` (population
identities and inequalities), :mod:`.xfd24_pointwise` (eq. (8), (22), Lemma 18),
:mod:`.xfd24_chain` (eq. (6), (23)), :mod:`.xfd24_scalar` (Lemma 17 and the
scalar facts of the proofs), :mod:`.xfd24_trajectory` (Theorems 2 and 7).
"""

from . import xfd24_chain, xfd24_mixture, xfd24_pointwise, xfd24_scalar, xfd24_trajectory  # noqa: F401

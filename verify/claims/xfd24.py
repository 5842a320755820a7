"""xfd24 claims (Xu, Fazel, Du, "Toward Global Convergence of Gradient EM for
Over-Parameterized GMMs", NeurIPS 2024; seed 004), registered on import in the
order of ``shared/claims.md``.

The statements live in small modules: :mod:`.xfd24_mixture` (population
identities and inequalities), :mod:`.xfd24_pointwise` (eq. (8), (22), Lemma 18),
:mod:`.xfd24_chain` (eq. (6), (23)), :mod:`.xfd24_scalar` (Lemma 17 and the
scalar facts of the proofs), :mod:`.xfd24_trajectory` (Theorems 2 and 7).
"""

from . import xfd24_chain as _chain
from . import xfd24_mixture as _mixture
from . import xfd24_trajectory as _trajectory
from . import xfd24_pointwise as _pointwise
from . import xfd24_scalar as _scalar
from .registry import register

_ORDER = [
    "xfd24.fact1", "xfd24.eq8", "xfd24.lemma9", "xfd24.cor10", "xfd24.eq22", "xfd24.eq6", "xfd24.eq23",
    "xfd24.lemma11", "xfd24.lemma12", "xfd24.lemma12.case2", "xfd24.lemma19", "xfd24.lemma17",
    "xfd24.lemma18", "xfd24.thm13", "xfd24.thm14", "xfd24.lemma15",
    "xfd24.proof.norm_lower_tail", "xfd24.proof.norm_upper_tail", "xfd24.proof.ratio_power",
    "xfd24.proof.lemma17_const", "xfd24.proof.eq11_step", "xfd24.proof.eq18_exp", "xfd24.proof.exp_rational",
    "xfd24.thm7", "xfd24.thm2",
]


def _collect():
    claims = [*_mixture.CLAIMS_IDENTITIES, *_mixture.CLAIMS_INEQUALITIES, *_pointwise.CLAIMS, _pointwise.LEMMA18,
              *_scalar.CLAIMS, _scalar.LEMMA17, *_chain.CLAIMS, *_trajectory.CLAIMS]
    by_id = {c.id: c for c in claims}
    return [by_id[i] for i in _ORDER if i in by_id] + [c for c in claims if c.id not in _ORDER]


CLAIMS = _collect()
for _claim in CLAIMS:
    register(_claim, replace=True)

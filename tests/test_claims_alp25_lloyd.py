"""alp25.lloyd (the other alp25 / zxfd25 / wcf26 claims are tested in test_claims_papers.py)."""

import numpy as np

from verify.claims import HOLDS, get


def test_alp25_lloyd_holds_to_12_digits():
    claim = get("alp25.lloyd")
    for params in claim.families["paper"](np.random.default_rng(0), 8)[::3]:
        ev = claim.evaluate(params)
        assert ev.verdict == HOLDS and ev.error < 2e-12
    assert abs(claim.evaluate({"k": 4, "d": 3, "s": 1.0}).rhs - 1.18862029740202) < 1e-13

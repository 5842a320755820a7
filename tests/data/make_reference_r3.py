"""Write ``reference_r3.json``: mpmath reference values of random mixtures whose means span 3 dimensions.

Used by ``tests/test_highrank.py`` to check the lattice engine's error estimates at r = 3 without
recomputing the (about a minute per instance) mpmath integrals. Instances: seed k of
``numpy.random.default_rng(1000 + k)``, n = 4 or 5 means in R^3 with N(0, s^2) entries
(s from 0.4 to 1.2), Dirichlet(1) weights; ``verify.reference.quantities`` at 15 digits.

Run: ``python tests/data/make_reference_r3.py [COUNT]`` (from the repository root).
"""

import json
import sys
from pathlib import Path

import numpy as np

from solvers import Mixture
from verify import reference

QUANTITIES = ("loss", "gradient", "psi_tilde_sq", "responsibility_means")


def instance(k):
    rng = np.random.default_rng(1000 + k)
    n = 4 + k % 2
    scale = 0.4 + 0.8 * rng.random()
    weights = rng.dirichlet(np.ones(n))
    weights = np.maximum(weights, 0.02)
    weights /= weights.sum()
    return weights, rng.normal(scale=scale, size=(n, 3))


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    out = []
    for k in range(count):
        weights, means = instance(k)
        ref = reference.quantities(Mixture(weights, means), QUANTITIES, dps=15)
        out.append({"seed": k, "weights": weights.tolist(), "means": means.tolist(),
                    "values": {q: np.asarray(ref[q].value, dtype=float).tolist() for q in QUANTITIES},
                    "errors": {q: float(ref[q].error) for q in QUANTITIES}})
        print(k, flush=True)
        Path(__file__).with_name("reference_r3.json").write_text(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()

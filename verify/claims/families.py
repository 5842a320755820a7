r"""Seeded instance families of mixture claims.

A *family* is ``family(rng, count) -> list[params]`` with ``params`` a
JSON-serializable dict ``{"weights": [...], "means": [[...], ...]}`` (plus
claim-specific keys). The worst-case search has its own spaces
(:mod:`verify.claims.search`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np


def _pick(rng, spec):
    if isinstance(spec, (tuple, list)):
        lo, hi = spec
        return int(rng.integers(lo, hi + 1))
    return int(spec)


def random_weights(rng, n, *, equal_prob=0.25, min_weight=0.02):
    """Dirichlet(1) weights floored at ``min_weight`` (equal weights with prob. ``equal_prob``)."""
    if rng.random() < equal_prob:
        return [1.0 / n] * n
    w = rng.dirichlet(np.ones(n))
    w = np.maximum(w, min_weight)
    return (w / w.sum()).tolist()


def random_means(rng, n, d, scale, *, rank=None):
    """Gaussian means times ``scale`` (uniform radius in [0, scale] per component).

    ``rank`` limits ``dim span`` (means drawn in a random ``rank``-dim subspace).
    """
    r = d if rank is None else min(rank, d)
    basis = np.linalg.qr(rng.normal(size=(d, r)))[0][:, :r]
    dirs = rng.normal(size=(n, r))
    dirs /= np.maximum(np.linalg.norm(dirs, axis=1, keepdims=True), 1e-12)
    radii = scale * rng.random(n)
    return ((dirs * radii[:, None]) @ basis.T).tolist()


def random_mixtures(n=(2, 3), d=(1, 3), scale=2.0, *, rank=2, extra: Callable | None = None,
                    equal_prob=0.25):
    """Family of random mixtures: n, d uniform in the given ranges, span rank <= ``rank``.

    ``extra(rng, params) -> params`` may add claim-specific keys or reject the
    instance by returning None (it is then redrawn, at most 50 times).
    """

    def family(rng, count):
        out = []
        for _ in range(count):
            for _attempt in range(50):
                nn, dd = _pick(rng, n), _pick(rng, d)
                params = {"weights": random_weights(rng, nn, equal_prob=equal_prob),
                          "means": random_means(rng, nn, dd, float(scale), rank=rank)}
                if extra is not None:
                    params = extra(rng, params)
                if params is not None:
                    out.append(params)
                    break
        return out

    return family


def fixed(*instances):
    """Family returning the given params dicts (the paper's special configurations)."""

    def family(rng, count):
        return [dict(p) for p in instances]

    return family

# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The DFT condition of alp25 (our formalization)
#
# $k$ components with means $\mu_j = R^j\theta$, where $R$ is the orthogonal map cycling the unit
# vertices $v_0,\dots,v_{k-1}$ of a centered regular simplex. Near $\theta = 0$,
# $L(\theta) = \tfrac12|A\theta|^2 + O(|\theta|^4)$ with $A(\pi) = \sum_j \pi_j R^j$, and $A$ is
# invertible iff no DFT value $\hat\pi(m) = \sum_j\pi_j w^{jm}$, $w = e^{2\pi i/k}$, vanishes.

# %%
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp

from verify import symbolic as sym

sp.init_printing(use_unicode=True)

# %% [markdown]
# Exact vertices (Helmert basis) and the cyclic isometry for $k = 4$:

# %%
sym.simplex_vertices(4)

# %%
sym.cyclic_isometry(4)

# %% [markdown]
# $A(\pi)$ for $k = 3$ and its DFT values:

# %%
A3 = sym.rotation_average(sym.simplex_weights(3))
A3

# %%
sym.dft_values(sym.simplex_weights(3))

# %% [markdown]
# The proof: $RB = BP$ ($B$ the Helmert matrix, $P$ the cyclic shift) reduces $A$ to the circulant
# $C(\pi)$ on $\mathbf 1^\perp$; the Fourier vectors are eigenvectors of $C$, checked in
# $\mathbb Z[\pi][w]$ modulo the cyclotomic polynomial, and so is the characteristic polynomial.

# %%
print(sym.prove("alp25.dft"))

# %% [markdown]
# ## Degenerate weight sets, $k = 2..6$
#
# Positive weights summing to 1 with some $\hat\pi(m) = 0$ (conditions with the common factor
# $\sin(2\pi m/k)$ removed, via Chebyshev polynomials, so only $\sqrt5$ appears):

# %%
print(sym.degenerate_weight_report())

# %% [markdown]
# Uniform weights are degenerate for every $k$: SymPy sums the geometric series for symbolic $k$, $m$:

# %%
sym.uniform_dft_symbolic()["pihat"]

# %% [markdown]
# ## Numbers: crossing a degenerate set
#
# For $k = 4$ and $\pi(t) = (1/4 + t, 1/4 - t/2, 1/4 + t, 1/4 - 3t/2 + \dots)$-type paths, the smallest
# singular value of $A$ vanishes exactly where a DFT value does. Here: the segment from a random
# weight vector to a point of the $m = 1$ family.

# %%
def numeric_A(weights):
    R = np.array(sym.cyclic_isometry(len(weights)).evalf(20), dtype=float)
    return sum(w * np.linalg.matrix_power(R, j) for j, w in enumerate(weights))


family = sym.degenerate_weight_sets(4)[0]
target = np.array([float(v) for v in family.sample])
start = np.random.default_rng(0).dirichlet(np.ones(4))
ts = np.linspace(0, 1, 201)
smin = [np.linalg.svd(numeric_A((1 - t) * start + t * target), compute_uv=False).min() for t in ts]
pihat1 = [abs(np.fft.fft((1 - t) * start + t * target)[1]) for t in ts]
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(ts, smin, label="smallest singular value of A")
ax.plot(ts, pihat1, "--", label="|pihat(1)|")
ax.set_xlabel("t")
ax.legend()
fig.tight_layout()

# %%
assert smin[-1] < 1e-12 and min(smin[:-1]) > 0

# %% [markdown]
# ## Hessian at $\theta = 0$ and EM as gradient descent
#
# The Hessian integrand in $\theta$, at $\theta = 0$, is a polynomial in $x$; its exact Gaussian
# expectation equals $A^\top A$. And pointwise $\theta - \nabla_\theta\ell = \sum_j R^{-j}\psi_j x$,
# so the EM update $\theta^+ = \sum_jR^{-j}E[\psi_jx]$ is a unit gradient step.

# %%
print(sym.prove("alp25.hessian"))
print(sym.prove("alp25.em_is_gd"))

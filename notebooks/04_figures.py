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
# # The papers' figures (xfd24 Figures 1 and 2, alp25, wcf26, zxfd25)
#
# Every figure comes from the same public function that `python -m verify reproduce NAME`
# calls (`verify.reproduce.figure_*`); the figure is drawn from its CSV rows. This notebook
# uses the `quick=True` sizes so that it runs in seconds; the command line's default sizes
# are the ones to read off numbers (see the README, "Reproducing the figures").

# %%
import numpy as np
import sympy as sp

from verify import reproduce
from verify import symbolic as sym

QUICK = True
SEED = 0

# %% [markdown]
# ## xfd24 Figure 1: sublinear convergence of population gradient EM
#
# $d = 5$, $\eta = 0.7$, truth $N(0, I_5)$; left and middle: $n = 2, 5, 10$ with Dirichlet(1)
# weights; right: $n = 3$ with three weight vectors, 4 runs each (fewer at the quick size).

# %%
fig1 = reproduce.figure_xfd24_fig1(quick=QUICK, seed=SEED)
fig1.figure

# %%
{k: round(v, 3) for k, v in fig1.summary.items()}  # log-log slopes of L over the last decade of t, with standard errors

# %% [markdown]
# ## xfd24 Figure 2: the Theorem 7 start and the statistical rate
#
# Left: $\|\nabla L(\mu(0))\|$ at $\mu_1 = -\mu_2 = c\sqrt d\,e_1$, $\mu_3 = 0$; for $c = 12$ the
# values fall below float64 resolution from $d = 2$ on, so they come from the mpmath reference
# engine. Right: the statistical error of sample gradient EM against the sample size, and its
# fitted log-log slope next to $-1/4$.

# %%
fig2 = reproduce.figure_xfd24_fig2(quick=QUICK, seed=SEED)
fig2.figure

# %%
print(f"fitted slope {fig2.summary['slope']:.3f} (paper: about -1/4); "
      f"slope of the squared distance {fig2.summary['slope_distance']:.3f}")

# %% [markdown]
# ## alp25: structured EM with and without the DFT condition
#
# The DFT values of the two weight vectors (exact, from `verify.symbolic`): the uniform weights
# have vanishing $\hat\pi(m)$ for $m \ne 0$, which removes the strong convexity at $\theta = 0$.

# %%
for label, weights in reproduce.alp25_wcf26_zxfd25.ALP_WEIGHTS.items():
    exact = [sp.nsimplify(w) for w in weights]
    print(label, [sp.nsimplify(sp.simplify(v)) for v in sym.dft_values(exact)])

# %%
alp = reproduce.figure_alp25(quick=QUICK, seed=SEED)
alp.figure

# %% [markdown]
# ## wcf26: short gradient steps + Polyak steps against gradient EM

# %%
wcf = reproduce.figure_wcf26(quick=QUICK, seed=SEED)
wcf.figure

# %% [markdown]
# ## zxfd25: probability that random initialization recovers every true component

# %%
zx = reproduce.figure_zxfd25(quick=QUICK, seed=SEED)
zx.figure

# %%
zx.summary

# %% [markdown]
# Any failed work unit would be listed here (and drawn on its figure):

# %%
[note for result in (fig1, fig2, alp, wcf, zx) for note in result.notes]

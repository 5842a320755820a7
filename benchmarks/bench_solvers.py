"""Solver benchmarks: ratios measured in one run (printed, never asserted; batched == looped is asserted).

1. One sample gradient-EM step (N = 3.5e5, d = 5, n = 10) vs one EM iteration of
   scikit-learn's GaussianMixture (spherical covariances, same data and start);
   skipped with a message when scikit-learn is not installed.
2. 64 gradient-EM runs batched vs a Python loop over the same 64 runs with the
   single-run solver: the grid engine over 3000 iterations (r = 2), over the first 50
   (the widely spread phase, where the runs need larger rules) and over 1000
   iterations with n = 3 in d = 5; the sample engine (N = 2000). Each line also prints the
   grid ladder's rule mix. Batching amortizes the per-step Python overhead (about
   0.2 ms a step for a single run); it cannot make a compute-bound step cheaper, so the
   ratio is large where the ladder's cheap rules carry the run.

Run: ``PYTHONPATH=. python benchmarks/bench_solvers.py``.
"""

import time
import warnings

import numpy as np

from solvers.algorithms import gradient_em, gradient_em_batch


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench_sample_step():
    rng = np.random.default_rng(0)
    N, d, n = 350_000, 5, 10
    X = rng.normal(size=(N, d))
    means = rng.normal(size=(n, d))
    w = np.full(n, 1.0 / n)
    ours = best_of(lambda: gradient_em(w, means, 0.7, 1, engine="sample", X=X, tol=0))
    ours /= 2  # gradient_em(n_iter=1) evaluates the oracle twice (start and end rows)
    print(f"sample gradient-EM step (N={N}, d={d}, n={n}): {ours * 1e3:.1f} ms")
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:
        print("scikit-learn not installed: skipping the GaussianMixture comparison (pip install scikit-learn)")
        return
    gm = GaussianMixture(n_components=n, covariance_type="spherical", max_iter=1, tol=0, init_params="random",
                         weights_init=w, means_init=means, precisions_init=np.ones(n), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = best_of(lambda: gm.fit(X))
    print(f"scikit-learn GaussianMixture(spherical) one EM iteration: {theirs * 1e3:.1f} ms "
          f"-> ratio sklearn / ours = {theirs / ours:.1f}x (target >= 2x)")


def agree(batch, runs, label):
    """Batched and looped runs did identical work: same means and loss histories to ~1e-12 (asserted)."""
    dm = max(float(np.max(np.abs(batch.means[b] - r.means))) for b, r in enumerate(runs))
    dl = max(float(np.max(np.abs(batch.loss[:, b] - r.loss))) for b, r in enumerate(runs))
    print(f"  {label}: max |batched - looped| means {dm:.1e}, loss {dl:.1e}")
    assert dm <= 1e-12 and dl <= 1e-12, (dm, dl)


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def rule_mix(batch):
    """Share of the run-evaluations per rule of the grid engine's ladder."""
    counts = {rule: int(c.sum()) for rule, c in batch.rule_counts.items()}
    total = sum(counts.values())
    return ", ".join(f"{rule} {c / total:.1%}" for rule, c in counts.items())


def grid_pair(label, w, means, T):
    """Batched vs looped gradient EM on the grid engine; prints the ratio and the rule mix."""
    B = len(means)
    batched, gb = timed(lambda: gradient_em_batch(w, means, 0.7, T, tol=0))
    loop, gl = timed(lambda: [gradient_em(w, m, 0.7, T, tol=0) for m in means])
    print(f"{label}: batched {batched:.2f} s, loop {loop:.2f} s -> ratio {loop / batched:.1f}x (target >= 10x)")
    print(f"  rules used: {rule_mix(gb)}")
    agree(gb, gl, "grid")
    return batched


def bench_batched():
    rng = np.random.default_rng(1)
    B = 64
    w = np.array([0.2, 0.3, 0.5])
    means = rng.normal(size=(B, 3, 2))
    grid_pair(f"{B} runs x 3000 iterations (grid engine, n=3, r=2, mu(0) ~ N(0, I), the length of xfd24 Fig. 1)",
              w, means, 3000)
    grid_batched = grid_pair(f"{B} runs x 50 iterations (same starts: the early, widely spread phase)", w, means, 50)
    grid_pair(f"{B} runs x 1000 iterations (grid engine, n=3, d=5: span of the means r=3, of the differences 2)",
              w, rng.normal(size=(B, 3, 5)), 1000)
    T = 50
    Xs = rng.normal(size=(B, 2000, 5))
    m5 = rng.normal(size=(B, 5, 5))
    w5 = np.full(5, 0.2)
    batched, sb = timed(lambda: gradient_em_batch(w5, m5, 0.7, T, tol=0, engine="sample", X=Xs))
    loop, sl = timed(lambda: [gradient_em(w5, m5[b], 0.7, T, tol=0, engine="sample", X=Xs[b]) for b in range(B)])
    print(f"{B} runs x {T} iterations (sample engine, N=2000, n=5, d=5): batched {batched:.2f} s, loop {loop:.2f} s "
          f"-> ratio {loop / batched:.1f}x (target >= 10x)")
    agree(sb, sl, "sample")
    loopq = best_of(lambda: [gradient_em(w, m, 0.7, 5, tol=0, engine="quadrature") for m in means[:4]], repeat=1)
    est = loopq / 4 * B * (T + 1) / 6
    print(f"loop with the adaptive engine (extrapolated from 4 runs x 5 iterations): {est:.1f} s "
          f"-> ratio {est / grid_batched:.0f}x vs the batched 50-iteration grid run")


if __name__ == "__main__":
    warnings.simplefilter("ignore")
    bench_sample_step()
    bench_batched()

"""One executor layer for claim checks: serial, local processes, or Dask.

The executors run any work function over a list of units; the claim runner
passes :func:`verify.claims.runner.evaluate_unit`, for which every instance
evaluation is a small, deterministic work unit ``(claim_id, params, family, dps)``: the instance parameters were drawn
from the claim's seeded family before scheduling, so the report does not depend
on which executor (or which worker) evaluated a unit. Results come back in
submission order.

A unit whose evaluation raises, or whose worker dies, is retried once; if it
fails again its slot holds a :class:`UnitError` (the claim runner reports it
as an ERROR instance) — never a silently smaller sample. Ctrl-C raises
:class:`Interrupted` carrying the results that finished.

Executors
---------
``serial``
    In-process loop (the default of the library functions).
``processes``
    :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes
    (default: all cores); the default of the command line.
``local`` / ``tcp://HOST:PORT``
    Dask distributed: a ``LocalCluster`` on 127.0.0.1 started (and closed) by
    the executor, or an existing scheduler. Needs the optional extra
    ``pip install "overmix[dask]"``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

SCHEDULERS = ("serial", "processes", "local", "tcp://HOST:PORT")


def _work_function(fn):
    if not callable(fn):
        raise ValueError(f"fn: expected the work function of the units (a picklable top-level function), got {fn!r}")
    return fn


@dataclass(frozen=True)
class UnitError:
    """A unit that raised (or whose worker died) twice: returned in its slot, never dropped."""

    unit: object
    message: str

    def __str__(self):
        return f"executor error after one retry: {self.message}"


def _error(unit, exc):
    return UnitError(unit, f"{type(exc).__name__}: {exc}")


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during ``map``: ``results`` holds what finished (None in the other slots)."""

    def __init__(self, results):
        super().__init__("interrupted")
        self.results = results


def run_chunk(task):
    """Worker side: ``(fn, units) -> [fn(u) ...]``, each unit retried once, then a :class:`UnitError`."""
    fn, units = task
    out = []
    for unit in units:
        try:
            out.append(fn(unit))
        except Exception as first:  # noqa: BLE001 - retried once, then reported in its slot
            try:
                out.append(fn(unit))
            except Exception:  # noqa: BLE001
                out.append(_error(unit, first))
    return out


class _Slots:
    """Results in submission order, filled chunk by chunk, reporting progress as they arrive."""

    def __init__(self, n_units, progress):
        self.values, self.done, self.progress = [None] * n_units, 0, progress

    def fill(self, idx, outs):
        for i, out in zip(idx, outs):
            self.values[i] = out
        self.done += len(idx)
        if self.progress:
            self.progress(self.done, len(self.values))


def _chunks(n_units, chunksize):
    return [range(i, min(i + chunksize, n_units)) for i in range(0, n_units, chunksize)]


class SerialExecutor:
    """Evaluate units one after another in this process."""

    name = "serial"
    workers = 1

    def map(self, units, progress=None, fn=None, chunksize=None):
        """``[fn(u) for u in units]`` in submission order (``fn``: the work function, required).

        ``fn`` must be a picklable top-level function for the pool and Dask
        executors. A unit that raises twice yields a :class:`UnitError` in its
        slot. ``progress(done, total)`` is called as results arrive. On
        Ctrl-C, :class:`Interrupted` is raised carrying the finished results.
        ``chunksize`` (pool and Dask) groups units per task; the default keeps
        about eight tasks per worker so that small units do not drown in
        scheduling overhead. The results do not depend on it.
        """
        fn = _work_function(fn)
        out = []
        try:
            for unit in units:
                out.extend(run_chunk((fn, [unit])))
                if progress:
                    progress(len(out), len(units))
        except KeyboardInterrupt:
            raise Interrupted(out + [None] * (len(units) - len(out))) from None
        return out

    def _chunksize(self, n_units, chunksize):
        if chunksize is not None:
            if isinstance(chunksize, bool) or not isinstance(chunksize, int) or chunksize < 1:
                raise ValueError(f"chunksize: expected an integer >= 1, got {chunksize!r}")
            return chunksize
        return max(1, min(64, -(-n_units // (8 * self.workers))))

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ProcessExecutor(SerialExecutor):
    """A pool of local worker processes (all cores by default).

    A chunk whose worker died is resubmitted unit by unit, so that only the
    unit that kills its worker twice ends up as a :class:`UnitError`.
    """

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def map(self, units, progress=None, fn=None, chunksize=None):
        fn = _work_function(fn)
        units = list(units)
        slots = _Slots(len(units), progress)
        pool = self._get_pool()
        pending = {pool.submit(run_chunk, (fn, [units[i] for i in idx])): (idx, 0)
                   for idx in _chunks(len(units), self._chunksize(len(units), chunksize))}
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    idx, attempt = pending.pop(future)
                    try:
                        outs = future.result()
                    except Exception as exc:  # noqa: BLE001 - a dead worker (units catch their own errors)
                        if isinstance(exc, BrokenProcessPool):
                            self._pool = None
                        if attempt == 0:
                            for i in idx:
                                pending[self._get_pool().submit(run_chunk, (fn, [units[i]]))] = ([i], 1)
                            continue
                        outs = [_error(units[i], exc) for i in idx]
                    slots.fill(idx, outs)
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            self.close()
            raise Interrupted(slots.values) from None
        return slots.values

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskExecutor(SerialExecutor):
    """Dask distributed: ``address="local"`` starts a LocalCluster on loopback."""

    name = "dask"

    def __init__(self, address: str = "local", workers: int | None = None):
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ValueError(
                '--scheduler: Dask is not installed; install it with pip install "overmix[dask]"'
            ) from None
        self._cluster = None
        if address == "local":
            self.workers = workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=self.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
            )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout="10s")
            except OSError as exc:
                raise ValueError(f"--scheduler: cannot reach the Dask scheduler at {address} ({exc})") from None
            self.workers = max(1, sum(self._client.nthreads().values()))

    def map(self, units, progress=None, fn=None, chunksize=None):
        from distributed import as_completed

        fn = _work_function(fn)
        units = list(units)
        chunks = _chunks(len(units), self._chunksize(len(units), chunksize))
        futures = [self._client.submit(run_chunk, (fn, [units[i] for i in idx]), pure=False, retries=1)
                   for idx in chunks]
        index = {f.key: idx for f, idx in zip(futures, chunks)}
        slots = _Slots(len(units), progress)
        try:
            for future in as_completed(futures):
                idx = index[future.key]
                try:
                    outs = future.result()
                except Exception as exc:  # noqa: BLE001 - the chunk failed after Dask's retry
                    outs = [_error(units[i], exc) for i in idx]
                slots.fill(idx, outs)
        except KeyboardInterrupt:
            self._client.cancel(futures)
            raise Interrupted(slots.values) from None
        return slots.values

    def close(self):
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(scheduler: str | None = "serial", workers: int | None = None):
    """Executor for ``scheduler`` in ``serial``, ``processes``, ``local``, ``tcp://HOST:PORT``."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"--workers: expected an integer >= 1, got {workers!r}")
    if scheduler in (None, "serial"):
        return SerialExecutor()
    if scheduler == "processes":
        return ProcessExecutor(workers)
    if scheduler == "local" or (isinstance(scheduler, str) and scheduler.startswith("tcp://")):
        return DaskExecutor(scheduler, workers)
    raise ValueError(f"--scheduler: expected one of {SCHEDULERS}, got {scheduler!r}")

"""One executor layer for claim checks: serial, local processes, or Dask.

Every instance evaluation of the claim engine is a small, deterministic work
unit ``(claim_id, params, family, dps)``: the instance parameters were drawn
from the claim's seeded family before scheduling, so the report does not depend
on which executor (or which worker) evaluated a unit. Results come back in
submission order.

A unit whose evaluation raises, or whose worker dies, is retried once; if it
fails again it is reported as an UNDECIDED instance whose note says
``executor error: ...`` — never a silently smaller sample.

Executors
---------
``serial``
    In-process loop (the default of the library).
``processes``
    :class:`concurrent.futures.ProcessPoolExecutor` with ``workers`` processes
    (default: all cores).
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


def evaluate_unit(unit):
    """Evaluate one claim work unit ``(claim_id, params, family, dps)`` in any process."""
    from verify.claims.engine import evaluate_instance
    from verify.claims.registry import get

    claim_id, params, family, dps = unit
    return evaluate_instance(get(claim_id), params, family, dps=dps)


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
    """Ctrl-C during :meth:`SerialExecutor.map`: ``results`` holds what finished (None elsewhere)."""

    def __init__(self, results):
        super().__init__("interrupted")
        self.results = results


class SerialExecutor:
    """Evaluate units one after another in this process."""

    name = "serial"

    def map(self, units, progress=None, fn=None):
        """``[fn(u) for u in units]`` in submission order (``fn`` default :func:`evaluate_unit`).

        ``fn`` must be a picklable top-level function for the pool and Dask
        executors. A unit that raises twice yields a :class:`UnitError` in its
        slot. ``progress(done, total)`` is called as results arrive. On
        Ctrl-C, :class:`Interrupted` is raised carrying the finished results.
        """
        fn = fn or evaluate_unit
        out = []
        try:
            for unit in units:
                try:
                    out.append(fn(unit))
                except Exception as first:  # noqa: BLE001 - retried once, then reported
                    try:
                        out.append(fn(unit))
                    except Exception:  # noqa: BLE001
                        out.append(_error(unit, first))
                if progress:
                    progress(len(out), len(units))
        except KeyboardInterrupt:
            raise Interrupted(out + [None] * (len(units) - len(out))) from None
        return out

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class ProcessExecutor(SerialExecutor):
    """A pool of local worker processes (all cores by default)."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or os.cpu_count() or 1
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def map(self, units, progress=None, fn=None):
        fn = fn or evaluate_unit
        results = [None] * len(units)
        pending = {self._get_pool().submit(fn, u): (i, 0) for i, u in enumerate(units)}
        done = 0
        try:
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    index, attempt = pending.pop(future)
                    try:
                        results[index] = future.result()
                    except Exception as exc:  # noqa: BLE001 - a raising unit or a dead worker
                        if isinstance(exc, BrokenProcessPool):
                            self._pool = None
                        if attempt == 0:
                            pending[self._get_pool().submit(fn, units[index])] = (index, 1)
                            continue
                        results[index] = _error(units[index], exc)
                    done += 1
                    if progress:
                        progress(done, len(units))
        except KeyboardInterrupt:
            for future in pending:
                future.cancel()
            self.close()
            raise Interrupted(results) from None
        return results

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
            self._cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None,
            )
            self._client = Client(self._cluster)
        else:
            self._client = Client(address)

    def map(self, units, progress=None, fn=None):
        from distributed import as_completed

        fn = fn or evaluate_unit
        futures = [self._client.submit(fn, u, pure=False, retries=1) for u in units]
        index = {f.key: i for i, f in enumerate(futures)}
        results = [None] * len(units)
        done = 0
        try:
            for future in as_completed(futures):
                i = index[future.key]
                try:
                    results[i] = future.result()
                except Exception as exc:  # noqa: BLE001 - failed after Dask's retry
                    results[i] = _error(units[i], exc)
                done += 1
                if progress:
                    progress(done, len(units))
        except KeyboardInterrupt:
            self._client.cancel(futures)
            raise Interrupted(results) from None
        return results

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

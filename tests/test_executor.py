"""The executor layer: the same report whichever executor evaluated the instances."""

import json

import pytest

from verify.claims import get, load_papers
from verify.executor import ProcessExecutor, SerialExecutor, make_executor
from verify.report import run_report

CLAIM_IDS = ("xfd24.lemma19", "xfd24.thm14", "xfd24.proof.ratio_power")


def _report_without_timings(executor):
    load_papers()
    report = run_report([get(i) for i in CLAIM_IDS], instances=3, progress=False, executor=executor,
                        search_seconds=None)
    claims = report["claims"]
    for c in claims:
        c.pop("seconds")
        if c.get("certified"):
            c["certified"].pop("seconds", None)
    return json.dumps(claims, sort_keys=True, default=str)


@pytest.fixture(scope="module")
def serial_report():
    return _report_without_timings(None)


def test_serial_executor_matches_in_process(serial_report):
    with SerialExecutor() as executor:
        assert _report_without_timings(executor) == serial_report


def test_process_pool_matches_serial(serial_report):
    with ProcessExecutor(workers=2) as executor:
        assert _report_without_timings(executor) == serial_report


def test_dask_local_cluster_matches_serial(serial_report):
    pytest.importorskip("distributed")
    with make_executor("local", workers=2) as executor:
        assert _report_without_timings(executor) == serial_report


def test_failing_unit_is_retried_once_then_reported(monkeypatch):
    import verify.executor as ex

    calls = []

    def flaky(unit):
        calls.append(unit)
        raise RuntimeError("worker exploded")

    monkeypatch.setattr(ex, "evaluate_unit", flaky)
    records = SerialExecutor().map([("xfd24.thm14", {"weights": [1.0], "means": [[1.0]]}, "random", None)])
    assert len(calls) == 2
    assert isinstance(records[0], ex.UnitError) and "worker exploded" in str(records[0])


def test_bad_scheduler_and_workers():
    with pytest.raises(ValueError, match="^--scheduler: expected one of"):
        make_executor("mpi")
    with pytest.raises(ValueError, match="^--workers: expected an integer >= 1"):
        make_executor("processes", workers=0)


def test_dask_missing_says_what_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("distributed"):
            raise ImportError("no distributed")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    with pytest.raises(ValueError, match=r'pip install "overmix\[dask\]"'):
        make_executor("local")

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

    records = SerialExecutor().map([("xfd24.thm14", {"weights": [1.0], "means": [[1.0]]}, "random", None)], fn=flaky)
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


class _RecordingExecutor(SerialExecutor):
    """Serial executor that records which work functions it ran and can fail or stop on cue."""

    def __init__(self, fail_first=False, stop_after=None):
        self.functions, self.fail_first, self.stop_after, self.seen = [], fail_first, stop_after, 0

    def map(self, units, progress=None, fn=None, chunksize=None):
        import verify.executor as ex

        self.functions.append(getattr(fn, "__name__", str(fn)))
        if self.stop_after is not None and self.seen + len(units) > self.stop_after:
            keep = self.stop_after - self.seen
            done = super().map(units[:keep], fn=fn)
            raise ex.Interrupted(done + [None] * (len(units) - keep))
        self.seen += len(units)
        out = super().map(units, progress=progress, fn=fn)
        if self.fail_first and out:
            out[0] = ex.UnitError(units[0], "RuntimeError: worker died")
            self.fail_first = False
        return out


def test_search_and_confirmation_go_through_the_executor():
    from verify.claims.runner import run_claim

    executor = _RecordingExecutor()
    run_claim(get("xfd24.thm14"), instances=2, search_evaluations=20, certify=False, executor=executor)
    assert "evaluate_unit" in executor.functions and "search_unit" in executor.functions


def test_unit_error_is_an_error_instance_not_a_smaller_sample():
    from verify.claims.runner import run_claim

    clean = run_claim(get("xfd24.thm14"), instances=3, search_evaluations=0, certify=False)
    result = run_claim(get("xfd24.thm14"), instances=3, search_evaluations=0, certify=False,
                       executor=_RecordingExecutor(fail_first=True))
    data = result.to_json()
    assert clean.verdict == "SUPPORTED"
    assert data["errors"] == 1 and data["instances"] == len(clean.instances)
    assert result.verdict == "UNDECIDED"
    assert any("ERROR" in note for note in result.notes)
    from verify.report import format_table, run_report

    report = run_report([get("xfd24.thm14")], instances=3, progress=False,
                        executor=_RecordingExecutor(fail_first=True))
    assert "(1 ERROR)" in format_table(report)


def test_ctrl_c_keeps_what_finished(tmp_path):
    from verify.report import format_markdown, run_report, write_report

    claims = [get("xfd24.thm14"), get("xfd24.lemma19")]
    report = run_report(claims, instances=3, progress=False, executor=_RecordingExecutor(stop_after=4))
    assert report["interrupted"] and len(report["claims"]) == 1
    first = report["claims"][0]
    assert first["interrupted"] and first["instances"] == 4
    assert "interrupted" in " ".join(first["notes"])
    write_report(report, tmp_path)
    assert "Interrupted (Ctrl-C)" in format_markdown(report)


def test_budget_is_honoured_on_the_executor_path():
    from verify.claims.runner import run_claim

    full = run_claim(get("xfd24.thm14"), instances=50, search_evaluations=0, certify=False)
    with ProcessExecutor(workers=2) as executor:
        result = run_claim(get("xfd24.thm14"), instances=50, budget=1e-9, certify=False, executor=executor)
    assert len(result.instances) < len(full.instances)
    assert any("budget" in note for note in result.notes)


def test_progress_streams_per_instance():
    from verify.claims.runner import run_claim

    seen = []
    with ProcessExecutor(workers=2) as executor:
        run_claim(get("xfd24.thm14"), instances=20, search_evaluations=0, certify=False, executor=executor,
                  progress=lambda done, total: seen.append((done, total)))
    total = seen[-1][1]
    assert seen[-1][0] == total and len(seen) > 1 and all(a <= b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_generic_map_keeps_order_and_chunking_does_not_change_results():
    with ProcessExecutor(workers=2) as executor:
        assert executor.map(list(range(50)), fn=abs, chunksize=7) == list(range(50))
        assert executor.map([-3, -1, 2], fn=abs) == [3, 1, 2]
    with pytest.raises(ValueError, match="^chunksize: expected an integer >= 1"):
        SerialExecutor()._chunksize(10, 0)

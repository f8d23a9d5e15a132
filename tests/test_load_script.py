"""scripts/load's own arithmetic: the throughput and stall figures it prints, and the
static files it keeps between runs (the run itself is scripts/load, not the suite)."""

import importlib.machinery
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def load():
    loader = importlib.machinery.SourceFileLoader("scripts_load", str(ROOT / "scripts" / "load"))
    spec = importlib.util.spec_from_loader("scripts_load", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_throughput_counts_finished_consultations_over_the_whole_span(load):
    rows = [["list", 100.0, 50, False]]
    rows += [["full consultation", 100.0 + i, 4000, False] for i in range(3)]
    rows += [["full consultation", 103.0, 5000, True]]  # failed: not counted
    rows += [["PDF (patient)", 109.0, 1000, False]]  # the last answer, at 110.0

    figure = load.throughput(rows, workers=2, users=3)

    assert figure["consultations"] == 3
    assert figure["span_s"] == pytest.approx(10.0)
    assert figure["per_second"] == pytest.approx(0.3)
    assert [p["page"] for p in figure["pages"]] == ["PDF (patient)", "list"]


def test_stall_compares_readers_during_finalizes_with_readers_alone(load):
    alone = [["reader: list", 0.0 + i, 100, False] for i in range(20)]
    together = [["finalize", 50.0, 2000, False]]  # 50.0 to 52.0
    together += [["reader: list", 50.5, 300, False], ["reader: step (GET)", 51.0, 300, False]]
    together += [["reader: list", 60.0, 100, False]]  # after it: between

    figure = load.stall(alone, together)

    assert figure["reader_requests_during"] == 2 and figure["reader_requests_between"] == 1
    assert figure["ratio"] == pytest.approx(3.0)


def test_static_files_are_collected_once_and_reused(load, tmp_path, monkeypatch):
    calls = []

    def manage(env, *args, **kw):
        calls.append(args)
        (Path(env["STATIC_ROOT"]) / "staticfiles.json").parent.mkdir(parents=True)
        (Path(env["STATIC_ROOT"]) / "staticfiles.json").write_text("{}")

    monkeypatch.setattr(load, "manage", manage)
    older = tmp_path / "load-static" / "0000000000000000"
    older.mkdir(parents=True)
    env = {"STATIC_ROOT": str(tmp_path / "load-static" / "1111111111111111")}

    assert load.collect_static(env) is True
    assert load.collect_static(env) is False
    assert calls == [("collectstatic", "--noinput")]
    assert (tmp_path / "load-static" / "1111111111111111" / "staticfiles.json").exists()
    assert not older.exists()  # collections of other sources are removed


def test_static_root_changes_when_a_static_source_changes(load, monkeypatch, tmp_path):
    first = load.static_root()
    css = ROOT / "static" / "css"
    probe = css / "zz-load-probe.tmp"
    probe.write_text("x")
    try:
        assert load.static_root() != first
    finally:
        probe.unlink()
    assert load.static_root() == first


@pytest.mark.parametrize("script", ["load", "bench"])
def test_help_says_what_the_script_does(script):
    import subprocess

    shown = subprocess.run([str(ROOT / "scripts" / script), "--help"], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    assert "simulated clinicians" in shown or "Benchmark" in shown
    assert "exec" not in shown and "dirname" not in shown  # not the shell line that starts the file

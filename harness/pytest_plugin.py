"""pytest plugin: run a suite's test cases as pytest tests.

    pytest suites/iec61851_ac_pilot.yaml --chargebench-time-scale 20
    pytest suites/iec61851_ac_pilot.yaml -k CP-07 --chargebench-defect slow_energise

Each suite file becomes a module of parametrized tests (``test_case[CP-01]``...), not custom items, so
fixtures, markers and allure-pytest behave natively. The virtual lab is started per suite when the bench
is ``sim``; the run directory gets the same record.json, events.jsonl, junit.xml and report.html as
``chargebench run``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

SUITE_KEY = pytest.StashKey[Path]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("chargebench")
    group.addoption("--chargebench-dut", default="profiles/dut/j1772_80a.yaml", help="DUT profile")
    group.addoption("--chargebench-bench", default="profiles/bench/sim.yaml", help="bench config")
    group.addoption("--chargebench-out", default="reports/runs", help="folder for run directories")
    group.addoption("--chargebench-time-scale", type=float, default=None, help="virtual lab only")
    group.addoption("--chargebench-defect", action="append", default=[], help="virtual charger defect")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "chargebench(suite, test, clause): a test case of a chargebench suite")


def _is_suite(path: Path) -> bool:
    if path.suffix not in (".yaml", ".yml"):
        return False
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:4000]
    except OSError:
        return False
    return any(line.strip() == "kind: suite" for line in head.splitlines())


class SuiteModule(pytest.Module):
    """A suite file collected as a Python test module whose code is harness.suite_tests."""

    def _getobj(self):  # the node's path is the YAML file; its code is the shared test module
        from . import suite_tests

        return suite_tests


def _named(config: pytest.Config, path: Path) -> bool:
    """Suites are collected only when named on the command line, never found by directory recursion (a
    YAML fixture under tests/ must not turn into a bench run)."""
    named = {Path(str(arg).split("::")[0]).resolve() for arg in config.args}
    return path.resolve() in named


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    if not (_named(parent.config, file_path) and _is_suite(file_path)):
        return None
    module = SuiteModule.from_parent(parent, path=file_path)
    module.stash[SUITE_KEY] = file_path
    return module


def _suite_path(node: pytest.Item | pytest.Collector | None) -> Path | None:
    while node is not None:
        if SUITE_KEY in node.stash:
            return node.stash[SUITE_KEY]
        node = node.parent
    return None


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "chargebench_case" not in metafunc.fixturenames:
        return
    path = _suite_path(metafunc.definition)
    if path is None:
        return
    from .engine.plan import plan
    from .loader import load, load_suite
    from .model import BenchConfig, DutProfile

    cfg = metafunc.config
    loaded = load_suite(path)
    planned = plan(loaded.suite, load(cfg.getoption("chargebench_dut"), DutProfile),
                   load(cfg.getoption("chargebench_bench"), BenchConfig))
    metafunc.parametrize(
        "chargebench_case",
        [pytest.param(p, id=p.case.id, marks=pytest.mark.chargebench(loaded.suite.id, p.case.id, p.case.clause))
         for p in planned])


@pytest.fixture(scope="module")
def chargebench_run(request: pytest.FixtureRequest):
    """A live run of the module's suite: virtual lab (if any), bench opened, safe state at the end."""
    from .engine.runner import Run
    from .engine.virtual_lab import VirtualLabProcess
    from .loader import load, load_suite
    from .model import BenchConfig, DutProfile
    from .report import write_all

    cfg = request.config
    path = _suite_path(request.node)
    if path is None:
        pytest.skip("not a chargebench suite module")
    dut_path, bench_path = Path(cfg.getoption("chargebench_dut")), Path(cfg.getoption("chargebench_bench"))
    loaded = load_suite(path)
    dut, bench = load(dut_path, DutProfile), load(bench_path, BenchConfig)
    defects = cfg.getoption("chargebench_defect")
    scale = cfg.getoption("chargebench_time_scale") or (bench.virtual_lab.time_scale if bench.virtual_lab else 1.0)
    lab = VirtualLabProcess(bench_path, dut_path, defects, scale) if bench.virtual_lab else None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    out = Path(cfg.getoption("chargebench_out")) / f"{loaded.suite.id}-pytest-{stamp}"
    run = Run(loaded, dut, bench, out, time_scale=scale, defects=defects,
              resolve=lab.resolve if lab else (lambda a: a))
    try:
        with run:
            yield run
    finally:
        if lab is not None:
            lab.stop()
        write_all(out, run.record)
        run.rundir.write_manifest()


@pytest.fixture
def chargebench_case(request: pytest.FixtureRequest):  # replaced by parametrization
    pytest.skip("chargebench_case is parametrized only in suite modules")

"""Every harness module imports on its own, first, in a fresh interpreter: tools (tools/josev_peer/ev_session.py)
and notebooks import one module directly, and an import cycle hides when the test process happens to have
imported its partner first."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import harness

# the engine (actions register themselves through imports: where cycles live) and the fronts that import it
FIRST = ("harness.engine", "harness.cli", "harness.pytest_plugin", "harness.suite_tests")
MODULES = sorted(m.name for m in pkgutil.walk_packages(harness.__path__, "harness.") if m.name.startswith(FIRST))


def test_each_harness_module_imports_first() -> None:
    script = ("import importlib, sys\nname = sys.argv[1]\nimportlib.import_module(name)\n")
    procs = [(name, subprocess.Popen([sys.executable, "-c", script, name], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)) for name in MODULES]
    failed = {}
    for name, proc in procs:
        _, err = proc.communicate(timeout=120)
        if proc.returncode != 0:
            failed[name] = err.strip().splitlines()[-1] if err.strip() else f"exit {proc.returncode}"
    assert len(MODULES) > 20
    assert not failed, failed

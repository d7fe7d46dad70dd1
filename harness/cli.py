"""The ``chargebench`` command line. Thin: it loads files, starts the virtual lab when the bench is
``sim``, runs the engine, and writes the reports.

Exit codes: 0 every test PASS / NOT_APPLICABLE / SKIPPED; 1 any FAIL or INCONCLUSIVE; 2 bad input or
usage; 3 ERROR (the bench or the harness failed, not the DUT).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from .loader import LoadError, load, load_any, load_suite
from .model import BenchConfig, DutProfile, RunRecord, Verdict

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = Path("profiles/bench/sim.yaml")
DEFAULT_DUT = Path("profiles/dut/j1772_80a.yaml")


def _default(path: Path) -> Path:
    """Defaults are relative to the working directory, else to the checkout chargebench runs from."""
    return path if path.exists() or path.is_absolute() else (REPO / path if (REPO / path).exists() else path)
STYLE = {"PASS": "green", "FAIL": "red", "ERROR": "magenta", "INCONCLUSIVE": "yellow",
         "NOT_APPLICABLE": "dim", "SKIPPED": "dim"}

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="chargebench: hardware-in-the-loop test and certification harness for EV chargers.")
console = Console(highlight=False)


def exit_code(record: RunRecord) -> int:
    verdicts = {t.verdict for t in record.tests}
    if record.verdict is Verdict.ERROR or Verdict.ERROR in verdicts:
        return 3
    if verdicts & {Verdict.FAIL, Verdict.INCONCLUSIVE}:
        return 1
    if record.status != "completed":
        return 3
    return 0


def _say_err(text: str) -> None:
    """Plain stderr, one problem per line: never wrapped, so editors and CI can parse file:line:col."""
    for line in text.splitlines():
        print(line, file=sys.stderr)


def _bad_input(exc: LoadError | str) -> None:
    _say_err(str(exc))
    raise typer.Exit(2)


def _progress(kind: str, **kw: object) -> None:
    if kind == "test_started":
        console.print(f"[bold]{kw['id']}[/] {kw['title']} …", markup=True)
    elif kind == "test_finished":
        verdict = str(kw["verdict"])
        reason = f" — {kw['reason']}" if kw.get("reason") and verdict != "PASS" else ""
        console.print(f"  {kw['id']}: [{STYLE.get(verdict, '')}]{verdict}[/]", end="")
        console.print(reason, markup=False)
    elif kind in ("signal", "watchdog"):
        _say_err(f"{kind}: {kw}")


def _table(record: RunRecord) -> None:
    verdict = record.verdict.value if record.verdict else "-"
    table = Table(title=f"{record.suite['id']} on {record.dut.get('id')}: {verdict} ({record.status})")
    for col in ("Test", "Title", "Clause", "Verdict"):
        table.add_column(col)
    for t in record.tests:
        table.add_row(t.id, t.title, t.clause, f"[{STYLE.get(t.verdict.value, '')}]{t.verdict.value}[/]")
    console.print(table)


@app.command()
def run(
    suite: Annotated[Path, typer.Argument(help="suite YAML")],
    dut: Annotated[Path, typer.Option(help="DUT profile")] = DEFAULT_DUT,
    bench: Annotated[Path, typer.Option(help="bench config; the default is the virtual lab")] = DEFAULT_BENCH,
    out: Annotated[Path | None, typer.Option(help="run directory (default reports/runs/<suite>-<time>)")] = None,
    defect: Annotated[list[str] | None, typer.Option(help="virtual charger defect (repeatable)")] = None,
    time_scale: Annotated[float | None, typer.Option(help="virtual lab only: run N times faster")] = None,
    lab_option: Annotated[list[str] | None, typer.Option(
        help="virtual lab only: KEY=VALUE passed to the lab (repeatable), e.g. slac_interface=veth0")] = None,
) -> None:
    """Run a suite against a charger and write record.json, events.jsonl, junit.xml and report.html."""
    from .engine.runner import Run
    from .engine.safety import RunAborted
    from .engine.virtual_lab import VirtualLabError, VirtualLabProcess
    from .report import write_all

    defects = list(defect or [])
    dut, bench = _default(dut), _default(bench)
    try:
        loaded = load_suite(suite)
        dut_profile = load(dut, DutProfile)
        bench_cfg = load(bench, BenchConfig)
    except LoadError as exc:
        _bad_input(exc)
    if bench_cfg.virtual_lab is None:
        if defects:
            _bad_input(f"{bench}:1:1: --defect needs the virtual lab: this bench has no 'virtual_lab'")
        if time_scale not in (None, 1.0):
            _bad_input(f"{bench}:1:1: --time-scale needs the virtual lab: a real bench always runs at 1")
        if lab_option:
            _bad_input(f"{bench}:1:1: --lab-option needs the virtual lab: this bench has no 'virtual_lab'")
    else:
        from sim.defects import check  # the CLI may know the virtual lab; the engine never does

        try:
            check(defects)
        except ValueError as exc:
            _bad_input(str(exc))
    options = {}
    for item in lab_option or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _bad_input(f"--lab-option {item!r}: expected KEY=VALUE (e.g. slac_interface=veth0)")
        options[key] = value
    scale = time_scale if time_scale is not None else (bench_cfg.virtual_lab.time_scale
                                                       if bench_cfg.virtual_lab else 1.0)
    if not 0 < scale <= 1000:
        _bad_input("--time-scale must be in (0, 1000]")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    out_dir = out or Path("reports/runs") / f"{loaded.suite.id}-{stamp}"
    lab = None
    if bench_cfg.virtual_lab is not None:
        console.print(f"starting the virtual lab (time scale {scale:g}"
                      f"{', defects: ' + ', '.join(defects) if defects else ''})")
        try:
            lab = VirtualLabProcess(bench, dut, defects, scale, options=options)
        except VirtualLabError as exc:
            _say_err(f"virtual lab: {exc}")
            raise typer.Exit(3) from None
    record = None
    runner = None
    try:
        runner = Run(loaded, dut_profile, bench_cfg, out_dir, time_scale=scale, defects=defects,
                     resolve=lab.resolve if lab else (lambda a: a), on_event=_progress,
                     sources={"suite": str(suite), "dut": str(dut), "bench": str(bench)},
                     virtual_lab=lab.record() if lab else None)
        with runner:
            record = runner.run_all()
    except RunAborted:
        record = runner.record if runner else None
    except Exception as exc:  # a bench that cannot be opened: ERROR, with the record on disk
        _say_err(f"run failed: {exc}")
        record = runner.record if runner else None
    finally:
        if lab is not None:
            lab.stop()
    if record is None:
        raise typer.Exit(3)
    write_all(out_dir, record)
    runner.rundir.write_manifest()
    _table(record)
    console.print(f"run directory: {out_dir}")
    raise typer.Exit(exit_code(record))


@app.command()
def validate(paths: Annotated[list[Path], typer.Argument(help="suite, DUT profile, bench or limits files, "
                                                              "or folders of them")]) -> None:
    """Check files without running anything: exit 0 when all are valid, 2 otherwise."""
    bad = False
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")) if path.is_dir() else [path])
    for path in files:
        try:
            model = load_any(path)
        except LoadError as exc:
            bad = True
            _say_err(str(exc))
            continue
        console.print(f"{path}: valid {getattr(model, 'kind', '')} {getattr(model, 'id', '')}", markup=False)
    raise typer.Exit(2 if bad else 0)


@app.command()
def schema(out: Annotated[Path, typer.Option(help="folder for the JSON Schemas")] = Path("schemas")) -> None:
    """Write JSON Schemas for suites, DUT profiles, benches and limit sets (editor autocompletion)."""
    from .loader import KINDS

    out.mkdir(parents=True, exist_ok=True)
    for kind, model in KINDS.items():
        path = out / f"{kind}.schema.json"
        doc = model.model_json_schema()
        doc["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        doc["title"] = f"chargebench {kind} file"
        path.write_text(json.dumps(doc, indent=2) + "\n")
        console.print(str(path), markup=False)


@app.command()
def defects() -> None:
    """List the virtual charger's defects, one name per line with a sentence each."""
    from sim.defects import all_defects

    for d in all_defects().values():
        print(f"{d.name}: {d.sentence}")


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def sim(ctx: typer.Context) -> None:
    """Run the virtual lab on its own (same options as ``python -m sim``)."""
    from sim.server import main as sim_main

    raise typer.Exit(sim_main(list(ctx.args)))


bench_app = typer.Typer(no_args_is_help=True, help="Check a bench: identities, error queues, calibration.")
app.add_typer(bench_app, name="bench")
CAL_STYLE = {"valid": "green", "due_soon": "yellow", "expired": "red", "missing": "red"}


@bench_app.command("check")
def bench_check(
    bench: Annotated[Path, typer.Argument(help="bench config")] = DEFAULT_BENCH,
    dut: Annotated[Path, typer.Option(help="DUT profile (the virtual lab simulates this charger)")] = DEFAULT_DUT,
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the result as JSON")] = None,
) -> None:
    """Connect to every instrument, compare identities with the config, report calibration status.
    Exit 0 all good, 1 a calibration expired or missing, 3 an instrument unreachable or wrong."""
    from .engine.bench_check import check_bench
    from .engine.virtual_lab import VirtualLabError, VirtualLabProcess

    bench, dut = _default(bench), _default(dut)
    try:
        cfg = load(bench, BenchConfig)
        load(dut, DutProfile)
    except LoadError as exc:
        _bad_input(exc)
    lab = None
    try:
        if cfg.virtual_lab is not None:
            lab = VirtualLabProcess(bench, dut, [], cfg.virtual_lab.time_scale)
        result = check_bench(cfg, lab.resolve if lab else (lambda a: a))
    except VirtualLabError as exc:
        _say_err(f"virtual lab: {exc}")
        raise typer.Exit(3) from None
    finally:
        if lab is not None:
            lab.stop()
    table = Table(title=f"bench {cfg.id}: {'OK' if result.exit_code == 0 else 'NOT READY'}")
    for col in ("Instrument", "Reported identity", "Identity", "Errors", "Calibration due"):
        table.add_column(col)
    for i in result.instruments:
        ident = "—" if i.identity_ok is None else ("[green]OK[/]" if i.identity_ok else "[red]MISMATCH[/]")
        if not i.reachable:
            ident = "[red]UNREACHABLE[/]"
        cal = f"[{CAL_STYLE[i.calibration]}]{i.calibration}[/] {i.calibration_due or ''}"
        table.add_row(f"{i.name} ({i.driver})", i.identity or "—", ident, "; ".join(i.errors) or "none", cal)
    console.print(table)
    for i in result.instruments:
        if i.problem:
            console.print(f"{i.name}: {i.problem}", markup=False)
    if json_out is not None:
        json_out.write_text(json.dumps(result.as_dict(), indent=2) + "\n")
    raise typer.Exit(result.exit_code)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
if __name__ == "__main__":
    main()

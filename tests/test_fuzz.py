"""Fuzz suite (issue 27): 1,060 generated files from a fixed seed, five categories.

Every file goes through the route a user's file takes (see :data:`ROUTES`)
and must either be accepted or refused with the package's own error in one
line that names the file or the key; never another exception (a
traceback), never a hang. Accepted files must run to finite results.

The fast part (the normal suite) validates a fixed share of each category
in this process and runs two accepted files; the slow part validates every
file, runs a sample of the accepted ones and checks the command line's
one-line errors and exit status in subprocesses. Both print their counts
per category, route and kind of mutation (``pytest -s``).
"""

import contextlib
import io
import json
import shutil
import signal
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from fuzz_files import (COUNTS, SWEEP_BASE, generate, network_base, params_base,
                        run_config_base)
from hnn_netpyne.errors import HNNNetpyneError

ROOT = Path(__file__).resolve().parent.parent
FAST_COUNTS = {"params": 150, "network": 30, "sweep": 60, "run_config": 50, "run_folder": 40}
"""Files per category that the fast part validates (the first of the full set)."""
HANG_S = 20
"""Longest a validation may take before it counts as a hang."""
ROUTES = {"params": "hnn-netpyne params FILE",
          "network": "hnn-netpyne run --network-config FILE (build)",
          "sweep": "hnn-netpyne sweep FILE (prepare)",
          "run_config": "sim/init.py --config FILE (read_config, check_run_size)",
          "run_folder": "hnn-netpyne plot FOLDER (read back)"}


def _validate_params(path, _):
    from hnn_netpyne.cli import build_parser

    args = build_parser().parse_args(["params", str(path)])
    with contextlib.redirect_stdout(io.StringIO()):
        args.func(args)


def _validate_network(path, folder):
    from hnn_netpyne.cli import build_parser, sim_config
    from hnn_netpyne.model.specs import build_net_params

    args = build_parser().parse_args(["run", "--network-config", str(path), "--tstop", "20",
                                      "--output", str(folder / "net_run")])
    build_net_params(sim_config(args))


def _validate_sweep(path, folder):
    from hnn_netpyne.batch.sweep_file import prepared_sweep
    from hnn_netpyne.cli import build_parser

    prepared_sweep(build_parser().parse_args(["sweep", str(path), "--output",
                                              str(folder / "sweep_out")]))


def _validate_run_config(path, _):
    from hnn_netpyne.runtime.job import check_run_size
    from hnn_netpyne.runtime.launcher import read_config

    check_run_size(*read_config(path))


def _validate_run_folder(path, folder):
    """``hnn-netpyne plot`` of a copy of the fixture's run folder with ``path`` as its
    config.json, drawing nothing (the figures are the slow part's)."""
    from hnn_netpyne.analysis import figures

    copy = folder / "plot_run"
    if not copy.exists():
        shutil.copytree(folder / "base_run", copy, ignore=shutil.ignore_patterns("*.png"))
    shutil.copy(path, copy / "config.json")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(figures, "draw_figures", lambda *args: [])
        patch.setattr(figures, "_redraw_laminar_figures", lambda *args: [])
        figures.redraw_run_figures(copy)


VALIDATORS = {"params": _validate_params, "network": _validate_network,
              "sweep": _validate_sweep, "run_config": _validate_run_config,
              "run_folder": _validate_run_folder}


def _alarm(_signum, _frame):
    raise TimeoutError(f"no answer within {HANG_S} s")


def _outcome(category, path, folder):
    """'accepted', or 'refused' with its message; any other exception is raised."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            VALIDATORS[category](path, folder)
        return "accepted", ""
    except HNNNetpyneError as err:
        return "refused", str(err)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _check_files(category, files, folder):
    """Validate ``files``; counts and failures (a traceback, a hang, an unclear line)."""
    counts, failures, accepted = Counter(), [], []
    for path, kind in files:
        try:
            outcome, message = _outcome(category, path, folder)
        except Exception as err:  # noqa: BLE001 -- every escape is a finding
            failures.append(f"{path.name} ({kind}): {type(err).__name__}: {err}"[:300])
            counts[(kind, "traceback")] += 1
            continue
        counts[(kind, outcome)] += 1
        if outcome == "accepted":
            accepted.append((path, kind))
        elif "\n" in message or not any(name in message for name in (path.name, "key ",
                                                                        "config.json")):
            failures.append(f"{path.name} ({kind}): unclear refusal: {message[:300]!r}")
    return counts, failures, accepted


def _report(title, category, counts):
    totals = Counter()
    for (kind, outcome), n in counts.items():
        totals[outcome] += n
    print(f"\n{title} {category} [{ROUTES[category]}]: {dict(totals)}")
    for (kind, outcome), n in sorted(counts.items()):
        print(f"    {kind:>14} {outcome:>9}: {n}")


@pytest.fixture(scope="module")
def fuzz_folder(tmp_path_factory):
    """The generated files of every category and one finished run (the run folder base)."""
    from hnn_netpyne.model.specs import build_net_params
    from hnn_netpyne.runtime.launcher import run_in_process

    folder = tmp_path_factory.mktemp("fuzz")
    cfg = dict(run_config_base()["simConfig"], outputDir=str(folder / "base_run"))
    run_in_process(cfg, build_net_params(cfg), progress=False, echo=False)
    bases = {"params": params_base(), "network": network_base(folder),
             "sweep": SWEEP_BASE,
             "run_config": run_config_base(),
             "run_folder": json.loads((folder / "base_run" / "config.json").read_text())}
    files = {category: generate(category, base, folder / category)
             for category, base in bases.items()}
    return folder, files


def _finite_run(folder):
    data = np.loadtxt(folder / "dipole_1.txt")
    return data.shape[0] > 1 and bool(np.all(np.isfinite(data)))


def test_generated_file_count(fuzz_folder):
    """At least 1,000 files, from the fixed seed: the same files every time."""
    _, files = fuzz_folder
    assert sum(len(f) for f in files.values()) >= 1000 and sum(COUNTS.values()) >= 1000
    again = generate("params", params_base(), fuzz_folder[0] / "again", count=20)
    assert [p.read_bytes() for p, _ in again[:20]] == [p.read_bytes() for p, _ in
                                                        files["params"][:20]]


@pytest.mark.parametrize("category", list(FAST_COUNTS))
def test_fast_validation(fuzz_folder, category):
    """A share of each category: accepted, or refused in one clear line; nothing else."""
    folder, files = fuzz_folder
    share = files[category][:FAST_COUNTS[category]] + [
        f for f in files[category] if f[1] in ("dev_zero", "fifo", "folder")]
    counts, failures, _ = _check_files(category, share, folder)
    _report("fast", category, counts)
    assert failures == [], "\n".join(failures)
    assert {outcome for _, outcome in counts} >= {"refused"}


def test_fast_accepted_params_file_runs(fuzz_folder):
    """The base run (fixture) and one accepted file of another time step run to finite dipoles."""
    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.launcher import run_in_process

    folder, files = fuzz_folder
    assert _finite_run(folder / "base_run")
    for path, kind in files["params"]:
        if kind != "dt_tstop" or _outcome("params", path, folder)[0] != "accepted":
            continue
        if json.loads(path.read_text())["dt"] != 0.025:
            break
    cfg = build_sim_config("params", param_file=str(path), output_dir=str(folder / "dt_run"))
    run_in_process(cfg, build_net_params(cfg), progress=False, echo=False)
    assert _finite_run(folder / "dt_run")


# --- the long part ------------------------------------------------------------

def _cli(category, path, folder):
    """Command line of the ``category``'s route for ``path``."""
    exe = str(Path(sys.prefix) / "bin" / "hnn-netpyne")
    out = str(folder / f"cli_{category}")
    if category == "params":
        return [exe, "params", str(path)]
    if category == "network":
        return [exe, "run", "--network-config", str(path), "--tstop", "20", "--no-plots",
                "--quiet", "--overwrite", "--output", out]
    if category == "sweep":
        return [exe, "sweep", str(path), "--output", out, "--quiet", "--overwrite"]
    if category == "run_config":
        return [str(Path(sys.prefix) / "bin" / "python"), str(ROOT / "sim" / "init.py"),
                "--config", str(path), "--overwrite", "--no-plots", "--quiet"]
    copy = folder / "cli_plot_run"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder / "base_run", copy)
    (copy / "config.json").unlink()
    if path.is_file():
        shutil.copy(path, copy / "config.json")
    return [exe, "plot", str(copy)]


def _cli_failures(category, path, folder, accepted):
    """Run the route in a subprocess; what is wrong with its status and output."""
    try:
        proc = subprocess.run(_cli(category, path, folder), capture_output=True, text=True,
                              timeout=300, stdin=subprocess.DEVNULL, cwd=folder)
    except subprocess.TimeoutExpired:
        return [f"{path.name}: no end within 300 s"]
    errors = [line for line in proc.stderr.splitlines() if "error" in line.lower()
              and line.startswith(("hnn-netpyne", "[rank"))]
    if "Traceback" in proc.stderr:
        return [f"{path.name}: traceback: {proc.stderr[-400:]}"]
    if accepted and proc.returncode != 0:
        return [f"{path.name}: accepted file failed ({proc.returncode}): {proc.stderr[-300:]}"]
    if not accepted and (proc.returncode == 0 or len(errors) != 1):
        return [f"{path.name}: status {proc.returncode}, error lines {errors[:3]}"]
    return []


SLOW_RUNS = {"params": 12, "network": 4, "sweep": 2, "run_config": 6, "run_folder": 3}
"""Accepted files per category that the slow part runs through the command line."""
SLOW_REFUSALS = 8
"""Refused files per category that the slow part checks through the command line."""


@pytest.mark.slow
@pytest.mark.parametrize("category", list(COUNTS))
def test_every_file(fuzz_folder, category):
    """Every file validated; accepted ones run short to finite results; refusals exit
    non-zero with one error line and no traceback, through the command line."""
    folder, files = fuzz_folder
    counts, failures, accepted = _check_files(category, files[category], folder)
    _report("all", category, counts)
    assert failures == [], "\n".join(failures)
    refused = [f for f in files[category] if f not in accepted]
    rng = np.random.default_rng(27)
    picks = [(f, True) for f in rng.permutation(len(accepted))[:SLOW_RUNS[category]]]
    picks += [(f, False) for f in rng.permutation(len(refused))[:SLOW_REFUSALS]]
    cli_counts = Counter()
    for index, ok in picks:
        path, kind = (accepted if ok else refused)[index]
        problems = _cli_failures(category, path, folder, ok)
        cli_counts[("accepted" if ok else "refused", "ok" if not problems else "bad")] += 1
        failures += problems
        if ok and category in ("params", "run_config"):
            failures += [] if _finite_cli_run(category, path, folder) else [
                f"{path.name}: non-finite or empty dipole"]
    print(f"    command line: {dict(cli_counts)}")
    assert failures == []


def _finite_cli_run(category, path, folder):
    """An accepted parameter file or run configuration run in a subprocess: finite dipole."""
    if category == "run_config":
        out = json.loads(path.read_text())["simConfig"]["outputDir"]
        return _finite_run(folder / out)
    exe = str(Path(sys.prefix) / "bin" / "hnn-netpyne")
    out = folder / "cli_params_run"
    proc = subprocess.run([exe, "run", "--preset", "params", "--params", str(path),
                           "--no-plots", "--quiet", "--overwrite", "--output", str(out)],
                          capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)
    return proc.returncode == 0 and _finite_run(out)

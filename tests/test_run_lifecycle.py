"""The run lifecycle as users meet it (issues 26 and 27).

The headline command exits 0 and can be run again; the run-folder lock
holds against racing processes; a foreign file is never touched, at any
depth; a full disk, Ctrl-C and a killed parent each end a run with one line
and a non-zero status, leaving the earlier run as it was.
"""

import errno
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hnn_netpyne.analysis.io import (
    OutputError,
    finish_run_folder,
    foreign_entries,
    lock_run_folder,
    prepare_run_folder,
    unlock_run_folder,
    write_json,
)
from hnn_netpyne.cli import main
from hnn_netpyne.runtime.launcher import _descendants
from hnn_netpyne.runtime.mpienv import mpi_environment
from run_output import until_solving

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHORT = ["--preset", "erp", "--tstop", "5", "--mesh", "2", "2", "--no-plots", "--quiet"]


def _previous_run(folder):
    """A complete run folder as the package writes it (one file and the manifest)."""
    staging = prepare_run_folder(folder, overwrite=True)
    write_json(staging / "config.json", {"simConfig": {"marker": "previous"}})
    finish_run_folder(folder, ["config.json"], staging)
    return (folder / "config.json").read_text()


# --- the headline command ---------------------------------------------------------------


def _headline(cwd, n_ranks, *options):
    cmd = [str(BIN / "mpiexec"), "-n", str(n_ranks), str(BIN / "nrniv"), "-python", "-mpi",
           "init.py", "--tstop", "20", *options]
    env = {k: v for k, v in mpi_environment().items() if k != "DISPLAY"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600,
                          stdin=subprocess.DEVNULL)


@pytest.mark.mpi
def test_headline_command_on_4_ranks_twice(tmp_path):
    """`cd sim && mpiexec -n 4 nrniv -python -mpi init.py`: exit 0, figures, and again."""
    sim = tmp_path / "sim"  # a copy, so that the default run folder is under tmp_path
    sim.mkdir()
    for name in ("init.py", "cfg.py", "netParams.py"):
        (sim / name).write_text((ROOT / "sim" / name).read_text())
    folder = sim / "output" / "seed_bursty"
    for attempt in (1, 2):
        proc = _headline(sim, 4)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"attempt {attempt}:\n{log[-3000:]}"
        manifest = json.loads((folder / "manifest.json").read_text())
        for name in ("dipole_1.txt", "spikes.txt", "results.npz", "netpyne_data.json",
                     "README.txt", "dipole.png", "raster.png", "spike_histogram.png"):
            assert name in manifest["files"] and (folder / name).is_file(), name
        assert foreign_entries(folder) == []
        # One summary, in HNN's terms, from rank 0 only.
        assert log.count("Whole network: 270 cells, 10 drive cells, ") == 1
        for noise in ("Cells: 280", "Connections: ", "Number of cells on node", ".partial",
                      "DISPLAY", "BAD TERMINATION", "Traceback"):
            assert noise not in log, noise
    assert (folder / "README.txt").read_text().startswith(
        "This folder is one run of hnn-netpyne (seed_bursty, 1 trial(s), 20 ms)")


@pytest.mark.mpi
def test_headline_command_never_touches_a_foreign_file(tmp_path):
    folder = tmp_path / "output" / "seed_bursty"
    _previous_run(folder)
    (folder / "mod").mkdir()
    (folder / "mod" / "notes.txt").write_text("mine")
    proc = _headline(ROOT / "sim", 2, "--output", str(folder), "--overwrite", "--no-plots")
    assert proc.returncode != 0
    assert "mod/notes.txt" in proc.stderr and "never replaced" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (folder / "mod" / "notes.txt").read_text() == "mine"


def test_explicit_folder_needs_overwrite_for_an_earlier_run(tmp_path, capsys):
    folder = tmp_path / "run"
    before = _previous_run(folder)
    assert main(["run", *SHORT, "--output", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "holds an earlier run; pass --overwrite" in err and err.count("\n") == 1
    assert (folder / "config.json").read_text() == before


# --- the lock ---------------------------------------------------------------------------


def _contender(folder, start, done, results):
    start.wait()
    try:
        lock_run_folder(folder)
        won = True
    except OutputError:
        won = False
    results.put(won)
    done.wait()  # the winner holds the lock until every contender has tried
    if won:
        unlock_run_folder(folder)


def test_lock_is_taken_by_exactly_one_of_many(tmp_path):
    """20 processes released at once, 5 rounds: exactly one takes the lock each round."""
    context = multiprocessing.get_context("fork")
    n_processes = 20
    for _ in range(5):
        start, done = context.Barrier(n_processes), context.Barrier(n_processes)
        results = context.Queue()
        workers = [context.Process(target=_contender,
                                   args=(tmp_path / "run", start, done, results))
                   for _ in range(n_processes)]
        for worker in workers:
            worker.start()
        wins = [results.get(timeout=60) for _ in workers]
        for worker in workers:
            worker.join(timeout=60)
            assert worker.exitcode == 0
        assert sum(wins) == 1
        assert not (tmp_path / ".run.lock").exists()  # released by its holder


def test_lock_ends_with_its_holder(tmp_path, capsys):
    folder = tmp_path / "run"
    code = ("import sys, time; from hnn_netpyne.analysis.io import lock_run_folder; "
            "lock_run_folder(sys.argv[1]); print('locked', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(folder)], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["run", *SHORT, "--output", str(folder)]) == 2
        err = capsys.readouterr().err
        assert f"pid {holder.pid}" in err and "another run" in err and err.count("\n") == 1
    finally:
        holder.kill()
        holder.wait()
    # Killed, the holder left its lock file, which holds no lock any more.
    assert (tmp_path / ".run.lock").exists()
    assert lock_run_folder(folder) == tmp_path / ".run.lock"
    unlock_run_folder(folder)
    # An empty lock file (a holder that had not yet written its pid) is no lock either.
    (tmp_path / ".run.lock").write_text("")
    assert lock_run_folder(folder) == tmp_path / ".run.lock"
    unlock_run_folder(folder)


# --- foreign files at every depth -------------------------------------------------------


@pytest.mark.parametrize("command", ["export-json", "run"])
def test_overwrite_keeps_a_foreign_file_inside_an_export(tmp_path, capsys, command):
    out = tmp_path / "export"
    assert main(["export-json", "--preset", "erp", "--mesh", "2", "2", str(out)]) == 0
    assert foreign_entries(out) == []
    (out / "mod" / "mine.txt").write_text("keep")
    (out / "mod" / "deeper").mkdir()
    capsys.readouterr()
    args = (["export-json", "--preset", "erp", "--overwrite", str(out)] if command == "export-json"
            else ["run", *SHORT, "--overwrite", "--output", str(out)])
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "mod/mine.txt" in err and "mod/deeper/" in err and err.count("\n") == 1
    assert (out / "mod" / "mine.txt").read_text() == "keep"
    assert foreign_entries(out) == ["mod/deeper/", "mod/mine.txt"]


def test_a_listed_name_replaced_by_a_link_is_foreign(tmp_path):
    folder = tmp_path / "run"
    _previous_run(folder)
    (folder / "config.json").unlink()
    os.symlink("/etc/hostname", folder / "config.json")
    assert foreign_entries(folder) == ["config.json"]


# --- faults: full disk, Ctrl-C, killed parent ----------------------------------------------


def test_full_disk_while_netpyne_saves_is_one_line(tmp_path, capsys, monkeypatch):
    import netpyne.sim

    def full(path, *_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)

    folder = tmp_path / "run"
    before = _previous_run(folder)
    monkeypatch.setattr(netpyne.sim, "saveJSON", full)
    assert main(["run", *SHORT, "--overwrite", "--output", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert f"cannot write the run folder {folder}" in err and "No space left on device" in err
    assert ".partial" not in err
    assert (folder / "config.json").read_text() == before
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "manifest.json"]


def _long_run(folder, *extra):
    cmd = [str(BIN / "hnn-netpyne"), "run", "--preset", "erp", "--mesh", "2", "2",
           "--tstop", "20000", "--solver", "neuron", "--no-plots", "--output", str(folder),
           *extra]
    env = {k: v for k, v in mpi_environment().items() if k != "DISPLAY"}
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            env=dict(env, PYTHONUNBUFFERED="1"))


def test_ctrl_c_of_a_one_process_run_is_one_line(tmp_path):
    proc = _long_run(tmp_path / "run")
    lines = until_solving(proc)
    proc.send_signal(signal.SIGINT)
    status = proc.wait(timeout=60)
    time.sleep(0.2)  # the last lines
    output = "".join(lines)
    assert status != 0
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output[-2000:]
    assert "DISPLAY" not in output and "Cells: " not in output
    errors = [line for line in lines if "error" in line]
    assert errors == ["hnn-netpyne: error: interrupted by SIGINT; the run folder was left as "
                      "it was\n"], output[-2000:]
    assert not (tmp_path / "run").exists()


@pytest.mark.mpi
def test_killed_parent_leaves_no_rank(tmp_path):
    proc = _long_run(tmp_path / "run", "--np", "2")
    until_solving(proc)
    tree = _descendants(proc.pid)
    assert len(tree) >= 3  # mpiexec, its proxy and the ranks
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in tree):
        time.sleep(0.1)
    alive = [pid for pid in tree if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def test_full_disk_while_drawing_figures_is_one_line(tmp_path, capsys, monkeypatch):
    import hnn_netpyne.analysis.plots as plots

    folder = tmp_path / "run"
    assert main(["run", *SHORT, "--output", str(folder)]) == 0
    files = sorted(p.name for p in folder.iterdir())

    def full(path, *_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(plots, "save_figure", full)
    capsys.readouterr()
    assert main(["plot", str(folder)]) == 2
    err = capsys.readouterr().err
    assert err == (f"hnn-netpyne: error: cannot write the figures into {folder}: "
                   "No space left on device\n")
    assert sorted(p.name for p in folder.iterdir()) == files


@pytest.mark.mpi
def test_launcher_keeps_an_explicit_folder_without_overwrite(tmp_path, capsys):
    """``--np 2 --output X`` replaces an earlier run in X only with --overwrite."""
    folder = tmp_path / "run"
    before = _previous_run(folder)
    assert main(["run", "--np", "2", *SHORT, "--output", str(folder)]) == 2
    assert "holds an earlier run; pass --overwrite" in capsys.readouterr().out
    assert (folder / "config.json").read_text() == before
    assert main(["run", "--np", "2", *SHORT, "--overwrite", "--output", str(folder)]) == 0
    assert (folder / "dipole_1.txt").is_file()

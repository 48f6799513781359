"""The main job as users run it: sim/init.py under MPI, and the command line."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from reference_data import compare_with_reference, load_reference
from hnn_netpyne.runtime.mpienv import mpi_environment

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
INIT = ROOT / "sim" / "init.py"


def run_init(folder, n_procs, *options, timeout=1200):
    """Run sim/init.py on ``n_procs`` ranks (1: plain python) and load results.npz."""
    args = [str(INIT), "--output", str(folder), "--no-plots", "--quiet", *options]
    if n_procs == 1:
        cmd = [sys.executable, *args]
    else:
        cmd = [str(BIN / "mpiexec"), "-n", str(n_procs), str(BIN / "nrniv"), "-python", "-mpi",
               *args]
    proc = subprocess.run(cmd, cwd=ROOT / "sim", env=mpi_environment(), capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    with np.load(Path(folder) / "results.npz") as z:
        return {k: z[k] for k in z.files}


def assert_rank_invariant(a, b, tolerance=1e-9):
    np.testing.assert_array_equal(a["spike_gids_1"], b["spike_gids_1"])
    np.testing.assert_array_equal(a["spike_times_1"], b["spike_times_1"])
    for layer in ("L2", "L5"):
        x, y = a[f"dipole_fAm_{layer}_1"], b[f"dipole_fAm_{layer}_1"]
        assert np.max(np.abs(x - y)) <= tolerance * np.max(np.abs(x))


def test_seed_on_1_and_2_ranks(tmp_path):
    """The seed scenario (first 100 ms) on 1 and 2 ranks: same result, equal to hnn-core's."""
    one = run_init(tmp_path / "np1", 1, "--preset", "seed_bursty", "--tstop", "100")
    two = run_init(tmp_path / "np2", 2, "--preset", "seed_bursty", "--tstop", "100")
    assert_rank_invariant(one, two)
    errors = compare_with_reference(two, load_reference("seed_bursty_mpi2"), postprocessed=False)
    print(errors)
    assert errors["drive_spikes_identical"]
    assert max(errors[k] for k in ("agg", "L2", "L5")) < 1e-6


@pytest.mark.slow
@pytest.mark.mpi
def test_seed_rank_invariance_full(tmp_path):
    """The full 310 ms seed on 1, 2 and 4 ranks against seed_bursty_mpi2.npz."""
    runs = {n: run_init(tmp_path / f"np{n}", n, "--preset", "seed_bursty") for n in (1, 2, 4)}
    assert_rank_invariant(runs[1], runs[2])
    assert_rank_invariant(runs[1], runs[4])
    errors = compare_with_reference(runs[2], load_reference("seed_bursty_mpi2"))
    print(errors)
    assert max(v for k, v in errors.items() if k in ("agg", "L2", "L5", "pp_agg")) < 1e-6


@pytest.mark.slow
@pytest.mark.mpi
def test_erp_on_2_ranks_equals_1_rank(tmp_path):
    """A spiking network: ERP on 2 ranks gives the 1-rank spikes and dipole."""
    one = run_init(tmp_path / "np1", 1, "--preset", "erp")
    two = run_init(tmp_path / "np2", 2, "--preset", "erp")
    assert_rank_invariant(one, two)


def _run_failing(mode, folder):
    cmd = [str(BIN / "mpiexec"), "-n", "2", str(BIN / "nrniv"), "-python", "-mpi",
           str(Path(__file__).parent / "failing_rank.py"), mode, str(folder)]
    started = time.time()
    proc = subprocess.run(cmd, env=mpi_environment(), capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    return proc, time.time() - started


def test_killed_rank_ends_every_rank(tmp_path):
    proc, elapsed = _run_failing("kill", tmp_path / "out")
    assert proc.returncode != 0
    assert elapsed < 30, elapsed
    assert "signal 9" in proc.stdout + proc.stderr  # mpiexec reports the killed rank
    assert (tmp_path / ".out.partial" / "RUN_INCOMPLETE").exists()
    assert not (tmp_path / "out").exists()


def test_failing_rank_ends_every_rank(tmp_path):
    proc, elapsed = _run_failing("raise", tmp_path / "out")
    assert proc.returncode != 0
    assert elapsed < 30, elapsed
    output = proc.stdout + proc.stderr
    assert output.count("RuntimeError: injected failure on rank 1") == 1, output[-3000:]
    assert "[rank 1]" in output
    # The outputs stay in the staging folder, marked incomplete.
    assert (tmp_path / ".out.partial" / "RUN_INCOMPLETE").exists()
    assert not (tmp_path / "out").exists()


def test_init_runs_with_plain_python_and_writes_figures(tmp_path):
    folder = tmp_path / "small"
    proc = subprocess.run(
        [sys.executable, str(INIT), "--preset", "erp", "--tstop", "40", "--mesh", "3", "3",
         "--output", str(folder), "--trials", "2"],
        cwd=ROOT, env=mpi_environment(), capture_output=True, text=True, timeout=600,
        stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    for name in ("dipole_1.txt", "dipole_2.txt", "dipole_avg.txt", "spikes.txt", "config.json",
                 "netpyne_data.json", "dipole.png", "raster.png", "spike_histogram.png",
                 "spectrogram.png", "manifest.json"):
        assert (folder / name).exists(), name
    assert not (folder / "RUN_INCOMPLETE").exists()
    assert "40.0 / 40.0 ms simulated" in proc.stdout
    avg = np.loadtxt(folder / "dipole_avg.txt")
    trials = [np.loadtxt(folder / f"dipole_{k}.txt") for k in (1, 2)]
    # Trials differ (reseeded drives) and the average is their mean.
    assert not np.allclose(trials[0][:, 1], trials[1][:, 1])
    np.testing.assert_allclose(avg[:, 1:], (trials[0][:, 1:] + trials[1][:, 1:]) / 2, rtol=1e-8,
                               atol=1e-12)


def test_interrupted_run_leaves_folder_marked_incomplete(tmp_path):
    folder = tmp_path / "interrupted"
    cmd = [sys.executable, str(INIT), "--preset", "erp", "--mesh", "2", "2", "--tstop", "20000",
           "--output", str(folder), "--no-plots"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=mpi_environment(), stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, stdin=subprocess.DEVNULL)
    for line in proc.stdout:
        if "ms simulated" in line:
            break
    started = time.time()
    proc.send_signal(signal.SIGTERM)
    output = proc.communicate(timeout=60)[0]
    assert proc.returncode != 0
    assert time.time() - started < 30
    assert "interrupted by SIGTERM" in output
    staging = folder.parent / f".{folder.name}.partial"
    assert (staging / "RUN_INCOMPLETE").exists()
    assert not (staging / "manifest.json").exists()
    assert not folder.exists()
    # A rerun into the same folder takes over the lock and the staging folder.
    rerun = subprocess.run(cmd + ["--tstop", "5"], cwd=ROOT, env=mpi_environment(),
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert (folder / "manifest.json").exists() and not staging.exists()

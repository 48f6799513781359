"""Every example runs, shortened, and writes valid PNG figures.

The seed example (hnn-core's MPI example) runs 60 ms on 2 ranks in CI and its
dipole is compared, as a prefix, with hnn-core's 2-rank reference; the full
310 ms comparison is marked slow. Every example simulates the full 270-cell
network once or twice, so this module takes a few minutes.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest

from reference_data import assert_matches_reference, compare_with_reference, load_reference

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = "plot_simulate_mpi_backend.py"
FIGURES = {
    SEED: ["mpi_backend_dipole.png"],
    "plot_simulate_evoked.py": ["evoked_dipole_spikes.png", "evoked_layers.png"],
    "plot_simulate_alpha.py": ["alpha_dipole_psd.png", "alpha_beta_dipole_psd.png"],
    "plot_simulate_gamma.py": ["gamma_raster.png", "gamma_dipole_tfr.png", "gamma_tonic.png"],
    "plot_record_extracellular_potentials.py": ["laminar_lfp_csd.png"],
    "plot_batch_sweep.py": ["batch_sweep.png"],
    "plot_batch_optimize_evoked.py": ["batch_optimize_evoked.png"],
}
"""Example -> the figures it must write."""
BATCH_EXAMPLES = ["plot_batch_sweep.py", "plot_batch_optimize_evoked.py"]
CI_TSTOP_MS = 60.0
"""Length of the CI runs: past 50 ms, where the rhythmic drives start."""
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_example(name, folder, tstop=None, timeout=1200, small=False):
    """Run one example script into ``folder`` (optionally shortened to ``tstop`` ms).

    On a time-out the script gets SIGINT, so that its simulation ends the MPI
    ranks it started, before it is killed.
    """
    env = dict(os.environ, HNN_NETPYNE_EXAMPLE_OUTPUT=str(folder), MPLBACKEND="Agg")
    if tstop is not None:
        env["HNN_NETPYNE_EXAMPLE_TSTOP"] = str(tstop)
    if small:  # the batch examples on a 4 x 4 grid, with fewer fit iterations
        env["HNN_NETPYNE_EXAMPLE_SMALL"] = "1"
    proc = subprocess.Popen([sys.executable, str(EXAMPLES / name)], cwd=folder, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
        pytest.fail(f"{name} took longer than {timeout} s:\n{output[-3000:]}")
    assert proc.returncode == 0, f"{name} failed ({proc.returncode}):\n{output[-5000:]}"


def assert_figures(name, folder):
    """Each figure of ``name`` exists and is a PNG that decodes to a non-empty image."""
    for figure in FIGURES[name]:
        path = folder / figure
        assert path.read_bytes()[:8] == PNG_SIGNATURE, path
        image = matplotlib.image.imread(path)
        assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100, path
        assert np.ptp(image) > 0, f"{path} is blank"


def seed_results(folder):
    with np.load(folder / "mpi_backend_run" / "results.npz") as data:
        return {key: data[key] for key in data.files}


def test_every_example_is_tested():
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(FIGURES)


@pytest.mark.mpi
def test_seed_example_on_two_ranks_matches_the_reference_prefix(tmp_path):
    run_example(SEED, tmp_path, tstop=CI_TSTOP_MS)
    assert_figures(SEED, tmp_path)
    results = seed_results(tmp_path)
    assert results["times"][-1] == pytest.approx(CI_TSTOP_MS)
    errors = compare_with_reference(results, load_reference("seed_bursty_mpi2"),
                                    postprocessed=False)
    print(f"\nseed, first {CI_TSTOP_MS:g} ms: {errors}")
    assert_matches_reference(errors)
    assert (tmp_path / "mpi_backend_dipole.txt").exists()


@pytest.mark.mpi
@pytest.mark.parametrize("name", sorted(set(FIGURES) - {SEED} - set(BATCH_EXAMPLES)))
def test_example_writes_its_figures(tmp_path, name):
    run_example(name, tmp_path, tstop=CI_TSTOP_MS)
    assert_figures(name, tmp_path)


@pytest.mark.parametrize("name", BATCH_EXAMPLES)
def test_batch_example_writes_its_figure(tmp_path, name):
    run_example(name, tmp_path, tstop=40.0, small=True)
    assert_figures(name, tmp_path)


@pytest.mark.slow
@pytest.mark.mpi
def test_full_seed_example_matches_the_reference(tmp_path):
    run_example(SEED, tmp_path)
    assert_figures(SEED, tmp_path)
    errors = compare_with_reference(seed_results(tmp_path), load_reference("seed_bursty_mpi2"))
    print(f"\nseed, 310 ms: {errors}")
    assert_matches_reference(errors)

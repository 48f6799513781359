"""Scripts written as hnn-core users write them run here and give hnn-core's numbers.

``tests/hnn_core_style/*.py`` make hnn-core 0.6.1's calls in its style (no
main guard, hnn-core's keywords, short runs). Each runs as ``python
script.py OUT.npz``; ``validation/make_hnn_core_script_references.py`` ran the
same script on hnn-core (only its import lines changed) into
``tests/data/hnn_core_style_<script>.npz``.
"""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne import JoblibBackend, neymotin_2020_model, simulate_dipole
from hnn_netpyne.analysis.dipole import Dipole, read_dipole

HERE = Path(__file__).parent
DIPOLE_RTOL_OF_PEAK = 1e-12


def _run_script(name, tmp_path):
    output = tmp_path / f"{name}.npz"
    proc = subprocess.run([sys.executable, str(HERE / "hnn_core_style" / f"{name}.py"),
                           str(output)], cwd=tmp_path, capture_output=True, text=True,
                          timeout=900, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return np.load(output), np.load(HERE / "data" / f"hnn_core_style_{name}.npz")


@pytest.mark.slow
def test_evoked_script_gives_hnn_cores_dipoles_voltages_and_spike_file(tmp_path):
    ours, theirs = _run_script("evoked_short", tmp_path)
    for key in ("dipole_agg", "dipole_L2", "dipole_L5", "smoothed_agg", "vsoma_L5"):
        peak = np.max(np.abs(theirs[key]))
        assert np.max(np.abs(ours[key] - theirs[key])) <= DIPOLE_RTOL_OF_PEAK * peak, key
    # the spike file, line by line, as hnn-core's CellResponse.write makes it
    assert str(ours["spike_lines"]) == str(theirs["spike_lines"])


@pytest.mark.slow
def test_sparse_connections_with_autapses_as_hnn_core(tmp_path):
    # a pair list that connects cells to themselves (NetPyNE's connList never does)
    ours, theirs = _run_script("sparse_autapses", tmp_path)
    assert int(ours["autapses"]) == int(theirs["autapses"]) > 0
    for key in ("dipole_agg", "dipole_L2", "dipole_L5"):
        peak = np.max(np.abs(theirs[key]))
        assert np.max(np.abs(ours[key] - theirs[key])) <= DIPOLE_RTOL_OF_PEAK * peak, key
    assert sorted(ours["spike_gids"]) == sorted(theirs["spike_gids"])


@pytest.mark.slow
def test_sweep_from_a_script_without_main_guard(tmp_path):
    # Dask's LocalCluster spawns workers that re-run such a script; ours start fresh.
    ours, theirs = _run_script("sweep_noguard", tmp_path)
    np.testing.assert_array_equal(ours["weights"], theirs["weights"])
    peak = np.max(np.abs(theirs["dipoles"]))
    assert np.max(np.abs(ours["dipoles"] - theirs["dipoles"])) <= DIPOLE_RTOL_OF_PEAK * peak
    np.testing.assert_allclose(ours["peaks"], theirs["peaks"], rtol=1e-12)


@pytest.mark.slow
def test_joblib_backend_runs_trials_in_processes_equal_to_sequential():
    net = neymotin_2020_model(mesh_shape=(3, 3))
    net.add_evoked_drive("evprox1", mu=10.0, sigma=2.0, numspikes=1, location="proximal",
                         weights_ampa={"L2_pyramidal": 0.01525, "L5_pyramidal": 0.00865},
                         event_seed=544)
    sequential = simulate_dipole(net, tstop=20.0, n_trials=2, verbose=False)
    with JoblibBackend(n_jobs=2):
        parallel = simulate_dipole(net, tstop=20.0, n_trials=2, verbose=False)
    assert JoblibBackend(n_jobs=2).n_procs == 2
    for one, other in zip(sequential, parallel):
        np.testing.assert_array_equal(one.data["agg"], other.data["agg"])
    assert not np.array_equal(sequential[0].data["agg"], sequential[1].data["agg"])


def test_hdf5_dipole_in_hnn_cores_layout(tmp_path):
    h5py = pytest.importorskip("h5py")
    times = np.arange(8) * 0.025
    dpl = Dipole(times, np.column_stack([times, 2 * times, 3 * times]), 2)
    dpl.write(tmp_path / "dpl.hdf5")
    with h5py.File(tmp_path / "dpl.hdf5") as fid:
        assert bytes(fid["h5io/key_object_type"][()]).decode() == "Dipole"
        assert fid["h5io/key_data/key_L5"].attrs["TITLE"] == "ndarray"
        assert fid["h5io/key_nave"][0] == 2 and fid["h5io/key_sfreq"][0] == 40_000.0
    back = read_dipole(tmp_path / "dpl.hdf5")
    assert back.nave == 2
    np.testing.assert_array_equal(back.data["L5"], 3 * times)
    with pytest.raises(FileExistsError):
        dpl.write(tmp_path / "dpl.hdf5", overwrite=False)


def test_hnn_core_keywords_of_dipoles():
    times = np.arange(40) * 0.025
    dpl = Dipole(times, np.ones((40, 3)), 1)
    smoothed = dpl.copy().smooth(window_len=0.25)
    np.testing.assert_allclose(smoothed.data["agg"][10:30], 1.0)
    assert Dipole(times, np.ones(40), "fAm").units == "fAm"  # the former order still works
    from hnn_netpyne import average_dipoles
    assert average_dipoles(dpls=[dpl, dpl]).nave == 2


@pytest.mark.slow
def test_batch_simulate_batch_and_stored_results(tmp_path):
    from hnn_netpyne.batch_simulate import BatchSimulate

    def _evoked_weight(param_values, net=None):  # local: the workers get it by value
        net.add_evoked_drive("evprox", mu=10.0, sigma=2.0, numspikes=1, location="proximal",
                             weights_ampa={"L2_pyramidal": param_values["w"],
                                           "L5_pyramidal": param_values["w"]})

    batch = BatchSimulate(net=neymotin_2020_model(mesh_shape=(3, 3)), set_params=_evoked_weight,
                          tstop=20.0, save_outputs=True, save_folder=tmp_path / "sweep")
    points = [{"w": 0.001}, {"w": 0.01}]
    direct = batch.simulate_batch(points, n_jobs=1)
    assert [(data["status"], data["error"]) for data in direct] == [("done", "")] * 2
    assert [data["param_values"] for data in direct] == points
    batch.run({"w": [0.001, 0.01]}, n_jobs=1, verbose=False)
    loaded = batch.load_results(tmp_path / "sweep" / "sweep.h5")
    assert loaded["param_values"] == points and set(loaded) == {"param_values", "dpl"}
    for data, dipoles in zip(direct, loaded["dpl"]):
        np.testing.assert_array_equal(data["dpl"][0].data["agg"], dipoles[0].data["agg"])
    assert batch.load_all_results()[0]["param_values"] == points

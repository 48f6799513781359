"""A sweep's electrode potentials and section voltages equal separate runs of its points."""

import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.api import simulate_dipole
from hnn_netpyne.batch import BatchSimulate, read_point, read_table
from hnn_netpyne.errors import ParameterError

sys.path.insert(0, str(Path(__file__).parent))
import batch_sweep_script  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TSTOP_MS = 30.0
DEPTHS_UM = (0.0, 500.0, 1300.0)


def _network():
    net = batch_sweep_script.small_network()
    net.add_electrode_array("shank", [(50.0, 50.0, z) for z in DEPTHS_UM], method="lsa")
    return net


def _assert_close(actual, expected):
    """Equal to within 1e-9 of the expected trace's largest magnitude (as the dipole)."""
    assert actual.shape == expected.shape
    assert np.max(np.abs(actual - expected)) <= 1e-9 * np.max(np.abs(expected))


def test_lfp_and_voltages_of_reused_networks_equal_separate_runs(tmp_path):
    batch = BatchSimulate(batch_sweep_script.set_params, net=_network(), tstop=TSTOP_MS,
                          save_folder=tmp_path, save_outputs=True, save_lfp=True,
                          record_vsec="all", save_voltages=True)
    result = batch.run({"weight": [1e-3, 8e-3]}, n_jobs=1, verbose=False)
    # one worker: the first point builds, the second sets its weight in place
    assert list(read_table(tmp_path / "sweep.h5")["rebuilt"]) == [1.0, 0.0]
    stored = read_point(tmp_path / "sweep.h5", 1)["outputs"]
    assert {"extracellular_names", "extracellular_0_1", "vsec_keys", "vsec_1"} <= set(stored)
    peaks = []
    for point in result["simulated_data"][0]:
        net = _network()
        batch_sweep_script.set_params(point["param_values"], net)
        simulate_dipole(net, tstop=TSTOP_MS, n_trials=1, record_vsec="all", n_procs=1,
                        verbose=False)
        expected = net.rec_arrays["shank"].voltages
        _assert_close(point["lfp"]["shank"].voltages, expected)
        np.testing.assert_array_equal(point["lfp"]["shank"].times, net.rec_arrays["shank"].times)
        voltages, separate = point["voltages"][0], net.cell_response.vsec[0]
        assert sorted(voltages) == sorted(separate) and len(separate) > 32
        for gid, sections in separate.items():
            assert sorted(voltages[gid]) == sorted(sections)
            for name, trace in sections.items():
                _assert_close(voltages[gid][name], np.asarray(trace))
        peaks.append(np.max(np.abs(expected)))
    assert peaks[1] > 1.2 * peaks[0]  # the stronger drive changes the potentials


def test_lfp_needs_electrode_arrays_and_recordings_are_checked():
    with pytest.raises(ParameterError, match="key 'save_lfp'.*add_electrode_array"):
        BatchSimulate(batch_sweep_script.set_params, net=batch_sweep_script.small_network(),
                      save_lfp=True)
    with pytest.raises(ParameterError, match="key 'record_vsec', value 'dend'"):
        BatchSimulate(batch_sweep_script.set_params, net=_network(), record_vsec="dend")

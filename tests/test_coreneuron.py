"""CoreNEURON as a run mode: one switch, the NEURON path's results."""

import numpy as np

from reference_data import run_scenario
from hnn_netpyne.model.specs import build_sim_config


def test_coreneuron_equals_neuron(tmp_path):
    neuron = run_scenario(build_sim_config("erp", tstop=40.0), tmp_path / "neuron")
    core = run_scenario(build_sim_config("erp", tstop=40.0, coreneuron=True), tmp_path / "core")
    assert len(neuron["spike_times_1"]) > 270  # cells fire, not only drives
    np.testing.assert_array_equal(core["spike_gids_1"], neuron["spike_gids_1"])
    np.testing.assert_allclose(core["spike_times_1"], neuron["spike_times_1"], rtol=0, atol=1e-9)
    for layer in ("L2", "L5"):
        ours, theirs = core[f"dipole_fAm_{layer}_1"], neuron[f"dipole_fAm_{layer}_1"]
        assert np.max(np.abs(ours - theirs)) <= 1e-9 * np.max(np.abs(theirs))

"""The fast run modes (CoreNEURON, threads, and the default that picks them) give the
results of NEURON's own solver on one thread."""

import numpy as np
import pytest

from reference_data import run_scenario
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.solver import choose_solver, threads_per_rank
from hnn_netpyne.model.specs import build_sim_config

TSTOP_MS = 40.0


@pytest.fixture(scope="module")
def neuron_run(tmp_path_factory):
    return run_scenario(build_sim_config("erp", tstop=TSTOP_MS, solver="neuron", n_threads=1),
                        tmp_path_factory.mktemp("modes") / "neuron")


def _assert_same_run(fast, default):
    assert len(default["spike_times_1"]) > 270  # cells fire, not only drives
    np.testing.assert_array_equal(fast["spike_gids_1"], default["spike_gids_1"])
    np.testing.assert_allclose(fast["spike_times_1"], default["spike_times_1"], rtol=0, atol=1e-9)
    for layer in ("L2", "L5"):
        ours, theirs = fast[f"dipole_fAm_{layer}_1"], default[f"dipole_fAm_{layer}_1"]
        assert np.max(np.abs(ours - theirs)) <= 1e-9 * np.max(np.abs(theirs))


@pytest.mark.parametrize("options", [{"coreneuron": True, "n_threads": 1},
                                     {"solver": "neuron", "n_threads": 2},
                                     {"solver": "coreneuron", "n_threads": 2}, {}],
                         ids=["coreneuron", "threads", "coreneuron_threads", "default"])
def test_fast_mode_equals_neuron(options, neuron_run, tmp_path):
    fast = run_scenario(build_sim_config("erp", tstop=TSTOP_MS, **options), tmp_path / "fast")
    _assert_same_run(fast, neuron_run)


@pytest.mark.parametrize("n_threads", [0, 1.5, True])
def test_bad_thread_count_is_named(n_threads):
    with pytest.raises(ParameterError, match="n_threads"):
        build_sim_config("erp", n_threads=n_threads)


def test_default_is_coreneuron_on_the_free_cores():
    cfg = build_sim_config("erp")
    assert (cfg["coreneuron"], cfg["nThreads"]) == (True, None)
    assert threads_per_rank(None, n_ranks=2, cores=4) == 2
    assert threads_per_rank(None, n_ranks=4, cores=2) == 1
    assert threads_per_rank(3, n_ranks=2, cores=2) == 3


def test_somatic_traces_choose_neuron():
    assert build_sim_config("erp", record_soma_voltage=True)["coreneuron"] is False
    assert build_sim_config("erp", solver="neuron")["coreneuron"] is False
    with pytest.raises(ParameterError, match="solver"):
        build_sim_config("erp", record_soma_voltage=True, solver="coreneuron")
    with pytest.raises(ParameterError, match="solver"):
        build_sim_config("erp", solver="nrn")
    with pytest.raises(ParameterError, match="solver"):
        choose_solver("neuron", coreneuron=True)

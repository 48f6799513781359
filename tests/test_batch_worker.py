"""A held network set in place or rebuilt gives a separate run's results."""

import copy
import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

from hnn_netpyne.api import add_erp_drives_to_jones_model, jones_2009_model
from hnn_netpyne.batch.inplace import structure_key
from hnn_netpyne.runtime.launcher import simulate_config

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _specs(tonic_nA=None, tstop=30.0):
    net = jones_2009_model(mesh_shape=(4, 4))
    add_erp_drives_to_jones_model(net)
    if tonic_nA is not None:
        net.add_tonic_bias(amplitude={"L5_pyramidal": tonic_nA}, t0=5.0)
    return net.to_netpyne(tstop=tstop, n_trials=2)


def _in_place_edit(cfg, net_params):
    """Weights, delays, kinetics, a density and drive times: all settable."""
    net_params = copy.deepcopy(net_params)
    for label, rule in net_params["connParams"].items():
        if label.startswith("evprox1_"):
            rule["weight"] = rule["weight"].replace("0.08831", "0.15", 1)
        if label.startswith("L2Pyr_L5Pyr"):
            rule["delay"] = "2.0 * " + rule["delay"]
    net_params["synMechParams"]["L5Pyr_gabaa"]["tau2"] = 7.0
    net_params["cellParams"]["L5Pyr"]["secs"]["soma"]["mechs"]["hh2"]["gkbar"] *= 1.2
    events = net_params["popParams"]["evdist1"]["hnnEvents"]
    events["event_seed"] += 7
    events["dynamics"]["mu"] -= 2.0
    return cfg, net_params


def _grid():
    base = _specs()
    tonic = _specs(tonic_nA=0.5)
    tonic_changed = copy.deepcopy(tonic)
    source = next(iter(tonic_changed[1]["stimSourceParams"].values()))
    source.update(amp=1.5, dur=source["dur"] - 10.0)
    return [base, _in_place_edit(*base), tonic, tonic_changed]


def _held_runs(grid):
    from hnn_netpyne.batch.worker import simulate_specs

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context) as pool:  # one process holds the network
        return [pool.submit(simulate_specs, cfg, net_params).result() for cfg, net_params in grid]


def test_structure_key_tells_settable_from_structural_changes():
    base, edited, tonic, tonic_changed = _grid()
    assert structure_key(*base) == structure_key(*edited)
    assert structure_key(*tonic) == structure_key(*tonic_changed)
    assert structure_key(*base) != structure_key(*tonic)
    zero_weight = copy.deepcopy(base)
    rule = zero_weight[1]["connParams"]["evprox1_L5Pyr_ampa"]
    rule["weight"] = "0.0 * " + rule["weight"]  # no NetCons: a structural change
    assert structure_key(*base) != structure_key(*zero_weight)
    # NetPyNE's own connector keeps no conns table to set: a new weight rebuilds
    slow_connect = dict(base[0], fastConnect=False)
    assert structure_key(slow_connect, base[1]) != structure_key(slow_connect, edited[1])


@pytest.mark.parametrize("coreneuron", [False, pytest.param(True, marks=pytest.mark.slow)])
def test_in_place_and_rebuilt_points_equal_separate_runs(coreneuron):
    grid = [(dict(cfg, coreneuron=coreneuron, cache_efficient=coreneuron), net_params)
            for cfg, net_params in _grid()]
    held = _held_runs(grid)
    assert [r["rebuilt"] for r in held] == [True, False, True, False]
    n_spikes = set()
    for (cfg, net_params), result in zip(grid, held):
        separate = simulate_config(cfg, net_params, n_procs=1, progress=False, echo=False)
        for trial in range(2):
            times, gids = result["spikes"][trial]
            np.testing.assert_array_equal(times, separate[f"spike_times_{trial + 1}"])
            np.testing.assert_array_equal(gids, separate[f"spike_gids_{trial + 1}"])
            n_spikes.add(len(times))
            for layer in ("L2", "L5"):
                expected = separate[f"dipole_fAm_{layer}_{trial + 1}"]
                error = np.max(np.abs(result["dipoles"][trial][layer] - expected))
                assert error <= 1e-9 * np.max(np.abs(expected))
    assert len(n_spikes) >= 3  # the edits change the network's activity

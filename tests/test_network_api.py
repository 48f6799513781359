"""hnn-core's Network editing API, checked against hnn-core 0.6.1's own networks.

References: ``erp_network_facts.json`` (hnn-core's ERP network) and
``api_reference.npz`` (``validation/make_api_references.py``: the pairs that
hnn-core's ``add_connection`` draws). No simulation except the last test
(3 x 3 grid, 20 ms).
"""

import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from hnn_netpyne import jones_2009_model, pick_connection, simulate_dipole  # noqa: E402
from hnn_netpyne.errors import ParameterError  # noqa: E402
from hnn_netpyne.network_models import add_erp_drives_to_jones_model  # noqa: E402
from hnn_netpyne.runtime.connect import count_netcons  # noqa: E402
from reference_data import DATA, load_reference  # noqa: E402

FACTS = json.loads((DATA / "erp_network_facts.json").read_text())
CONNECTIONS = {  # as in validation/make_api_references.py
    "L2Pyr_L5Pyr_p05": ("L2_pyramidal", "L5_pyramidal", "proximal", "ampa", 1e-4, 1.0, 3.0,
                        True, 0.5, 42),
    "L5Basket_L5Basket_p03": ("L5_basket", "L5_basket", "soma", "gabaa", 2e-3, 1.0, 20.0,
                              False, 0.3, 7),
}


@pytest.fixture(scope="module")
def erp_net():
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    return net


def test_connectivity_is_hnn_cores(erp_net):
    connectivity = erp_net.connectivity
    facts = [f for fs in FACTS["connectivity_by_target_type"].values() for f in fs]
    assert len(connectivity) == len(facts)
    for fact in facts:
        conn = connectivity[fact["conn_index"]]
        for key in ("src_type", "target_type", "loc", "receptor", "probability",
                    "allow_autapses", "num_srcs", "num_targets"):
            assert conn[key] == fact[key], (fact["conn_index"], key)
        for key in ("A_weight", "A_delay", "lamtha", "threshold", "gain"):
            assert conn["nc_dict"][key] == pytest.approx(fact[key], rel=1e-12)
        assert sum(len(t) for t in conn["gid_pairs"].values()) == fact["n_gid_pairs"]


def test_gid_ranges_positions_and_cell_types(erp_net):
    assert {k: [r.start, r.stop] for k, r in erp_net.gid_ranges.items()} == FACTS["gid_ranges"]
    ref = load_reference("erp")
    for name in ("L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"):
        np.testing.assert_allclose(erp_net.pos_dict[name], ref[f"pos_{name}"], atol=1e-9)
    np.testing.assert_allclose(erp_net.pos_dict["origin"], ref["pos_origin"])
    assert erp_net.gid_to_type(170) == "L5_pyramidal" and erp_net.gid_to_type(10**6) is None
    assert erp_net.filter_cell_types(electro_type="inhibitory") == ["L2_basket", "L5_basket"]
    l5 = erp_net.cell_types["L5_pyramidal"]["cell_object"]
    assert l5.sect_loc["distal"] == ["apical_tuft"]
    assert l5.synapses["gabab"] == {"e": -80.0, "tau1": 1.0, "tau2": 20.0}
    fig = erp_net.plot_cells(show=False)
    assert len(fig.axes[0].collections) == 5
    # x-y are grid positions times the in-plane spacing (hnn-core's 1 µm), z is depth
    assert sorted({p[0] for p in erp_net.pos_dict["L5_pyramidal"]}) == list(range(10))
    assert (fig.axes[0].get_xlabel(), fig.axes[0].get_zlabel()) == (
        "x (µm; grid step 1 µm)", "z (µm)")
    assert len(fig.legends[0].get_texts()) == 5
    plt.close(fig)


@pytest.mark.parametrize("name", list(CONNECTIONS))
def test_add_connection_draws_hnn_cores_pairs(name):
    src, tgt, loc, receptor, weight, delay, lamtha, autapses, p, seed = CONNECTIONS[name]
    ref = load_reference("api_reference")[f"pairs_{name}"]
    net = jones_2009_model()
    net.clear_connectivity()
    net.add_connection(src, tgt, loc, receptor, weight, delay, lamtha,
                       allow_autapses=autapses, probability=p, conn_seed=seed)
    conn = net.connectivity[-1]
    pairs = np.array([[s, t] for s, ts in conn["gid_pairs"].items() for t in ts])
    np.testing.assert_array_equal(pairs, ref)
    _, net_params = net.to_netpyne()
    (label, rule), = net_params["connParams"].items()
    offsets = [net.gid_ranges[src].start, net.gid_ranges[tgt].start]
    np.testing.assert_array_equal(np.array(rule["connList"]) + offsets, ref)
    n_sections = 3 if loc == "proximal" else 1
    assert count_netcons(net_params) == len(ref) * n_sections


def test_gains_kinetics_and_clearing_reach_the_specs():
    net = jones_2009_model()
    _, before = net.to_netpyne()
    assert net.get_global_synaptic_gains() == {"e_e": 1.0, "e_i": 1.0, "i_e": 1.0, "i_i": 1.0}
    changed = net.set_global_synaptic_gains(e_e=0.5, i_i=2.0, copy=True)
    assert net.get_global_synaptic_gains()["e_e"] == 1.0  # the original is unchanged
    assert changed.get_global_synaptic_gains() == {"e_e": 0.5, "e_i": 1.0, "i_e": 1.0,
                                                   "i_i": 2.0}
    cfg, after = changed.to_netpyne()
    assert json.loads(json.dumps(cfg)) == cfg
    rule = "L2Pyr_L2Pyr_proximal_ampa"
    assert after["connParams"][rule]["weight"].startswith("0.00025 * exp(")
    assert before["connParams"][rule]["weight"].startswith("0.0005 * exp(")
    assert count_netcons(after) == count_netcons(before)
    assert after["connParams"]["L5Basket_L5Basket_soma_gabaa"]["weight"].startswith("0.04 *")

    changed.cell_types["L5_pyramidal"]["cell_object"].synapses["gabaa"]["tau2"] = 2
    _, kinetics = changed.to_netpyne()
    assert kinetics["synMechParams"]["L5Pyr_gabaa"]["tau2"] == 2.0
    assert net.to_netpyne()[1]["synMechParams"]["L5Pyr_gabaa"]["tau2"] == 5.0
    with pytest.raises(ParameterError, match="synapse parameter"):
        changed.cell_types["L5_pyramidal"]["cell_object"].synapses["gabaa"]["tau3"] = 2

    changed.clear_connectivity()
    assert changed.connectivity == [] and changed.to_netpyne()[1]["connParams"] == {}


def test_pick_connection(erp_net):
    l5 = pick_connection(erp_net, target_gids="L5_pyramidal", receptor="gabab")
    assert [erp_net.connectivity[i]["src_type"] for i in l5] == ["L5_basket"]
    drives = pick_connection(erp_net, src_gids="evprox1", loc="proximal")
    assert {erp_net.connectivity[i]["target_type"] for i in drives} == {
        "L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"}
    assert pick_connection(erp_net, src_gids=0, target_gids=0) == [12]  # L2 basket autapse rule
    with pytest.raises(ParameterError, match="loc"):
        pick_connection(erp_net, loc="apical")


def test_add_connection_rejects_bad_arguments():
    net = jones_2009_model()
    with pytest.raises(ParameterError, match="receptor"):
        net.add_connection("L2_pyramidal", "L2_basket", "soma", "gabab", 1e-3, 1.0, 3.0)
    with pytest.raises(ParameterError, match="src_gids"):
        net.add_connection([0, 40], "L2_basket", "soma", "gabaa", 1e-3, 1.0, 3.0)
    assert len(net.connectivity) == 16


def test_sparse_connection_keeps_its_autapses_as_rules_of_their_own():
    # hnn-core keeps a cell's connection to itself in a pruned pair list; NetPyNE's
    # connList never makes one, so each is its own rule on that cell
    net = jones_2009_model(mesh_shape=(3, 3))
    net.add_connection("L2_basket", "L2_basket", "soma", "gabaa", 1e-3, 1.0, 3.0,
                       probability=0.5, conn_seed=1)
    pairs = net.connectivity[-1]["gid_pairs"]
    selfs = sorted(src for src, targets in pairs.items() if src in targets)
    assert selfs  # this seed keeps some
    rules = net.to_netpyne()[1]["connParams"]
    autapse_rules = {k: v for k, v in rules.items() if "_autapse_" in k}
    assert len(autapse_rules) == len(selfs)
    first = net.gid_ranges["L2_basket"][0]
    for label, rule in autapse_rules.items():
        assert rule["preConds"] == rule["postConds"] and "connList" not in rule
        assert int(label.rsplit("_", 1)[1]) + first in selfs


def test_spike_train_drive_events_are_nested_per_trial_and_cell(tmp_path):
    net = jones_2009_model(mesh_shape=(3, 3))
    spikes = {"a": [5.0, 12.0], "b": [8.0]}
    net.add_spike_train_drive("train", spike_data=spikes, location="distal",
                              weights_ampa={"L2_pyramidal": 1e-3, "L5_pyramidal": 2e-3})
    net.add_evoked_drive("ev", mu=10.0, sigma=1.0, numspikes=1, location="proximal",
                         weights_ampa={"L5_pyramidal": 1e-3})
    assert net.gid_ranges["train"] == range(24, 26) and net.gid_ranges["ev"] == range(26, 35)
    assert net.external_drives["train"]["events"] == []
    simulate_dipole(net, tstop=20.0, n_trials=2, verbose=False)
    events = net.external_drives["train"]["events"]
    assert events == [[[5.0, 12.0], [8.0]]] * 2
    ev = net.external_drives["ev"]["events"]
    assert len(ev) == 2 and len(ev[0]) == 9 and ev[0] != ev[1]
    times = net.cell_response.spike_times_by_type["train"]
    assert sorted(times[0]) == [5.0, 8.0, 12.0]


def test_set_cell_positions_moves_somata_as_hnn_core_and_keeps_the_wiring(tmp_path):
    from hnn_netpyne import read_network_configuration
    from test_network_config import built_netcons

    ref = load_reference("api_reference")
    net = jones_2009_model(mesh_shape=(4, 4))
    add_erp_drives_to_jones_model(net)
    before, _ = net.to_netpyne(tstop=50.0)
    net.set_cell_positions(inplane_distance=2.5, layer_separation=1000.0)
    wide = jones_2009_model()
    wide.set_cell_positions(inplane_distance=2.5, layer_separation=1000.0)
    for name, pos in wide.pos_dict.items():
        np.testing.assert_allclose(np.array(pos, dtype=float).reshape(-1, 3),
                                   ref[f"positions_{name}"].reshape(-1, 3), atol=1e-9)
    after, after_params = net.to_netpyne(tstop=50.0)
    assert after_params["popParams"]["L2Pyr"]["cellsList"][1]["y"] == 2.5
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    old = built_netcons(before, tmp_path / "before")
    new = built_netcons(after, tmp_path / "after")
    for a, b in zip(old[:3], new[:3]):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(new[3], old[3], rtol=1e-12)  # space constants scale too
    np.testing.assert_allclose(new[4], old[4], rtol=1e-12)
    net.write_configuration(tmp_path / "wide.json")
    back = read_network_configuration(tmp_path / "wide.json")
    assert back.to_netpyne(tstop=50.0)[1] == after_params
    with pytest.raises(ParameterError, match="inplane_distance"):
        net.set_cell_positions(inplane_distance=0)

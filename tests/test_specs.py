"""The NetPyNE specifications: plain data, and the same cells as hnn-core."""

import json

import numpy as np
import pytest

from reference_data import DATA, load_reference
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.specs import build_net_params, build_sim_config

FACTS = json.loads((DATA / "erp_network_facts.json").read_text())
LONG = {"L2Basket": "L2_basket", "L2Pyr": "L2_pyramidal", "L5Basket": "L5_basket",
        "L5Pyr": "L5_pyramidal"}


@pytest.fixture(scope="module")
def erp_specs():
    cfg = build_sim_config("erp")
    return cfg, build_net_params(cfg)


def test_specs_are_strict_json(erp_specs):
    cfg, net = erp_specs
    for part in (cfg, net):
        assert json.loads(json.dumps(part, allow_nan=False)) == part


@pytest.mark.parametrize("cell", sorted(LONG))
def test_sections_match_hnn_core(erp_specs, cell):
    _, net = erp_specs
    facts = FACTS["per_cell_type_morphology"][LONG[cell]]
    secs = net["cellParams"][cell]["secs"]
    assert sorted(secs) == sorted(facts["sections"])
    for name, fact in facts["sections"].items():
        geom = secs[name]["geom"]
        assert geom["nseg"] == fact["nseg"]
        # hnn-core reads L and diam back from NEURON's float32 3-D points.
        assert geom["L"] == pytest.approx(fact["L_um"], rel=1e-7)
        assert geom["diam"] == pytest.approx(fact["diam_um"], rel=1e-7)
        assert geom["cm"] == fact["cm"] and geom["Ra"] == fact["Ra"]
        ours = set(secs[name]["mechs"]) - {"ecalegacy"}
        assert ours == set(fact["mechanisms"])
    assert net["cellParams"][cell]["secLists"] == facts["sect_loc"]
    for receptor, kinetics in facts["synapse_kinetics"].items():
        mech = net["synMechParams"][f"{cell}_{receptor}"]
        assert {k: mech[k] for k in ("e", "tau1", "tau2")} == kinetics


def test_segment_count_matches(erp_specs):
    _, net = erp_specs
    pops = net["popParams"]
    total = sum(len(pops[c]["cellsList"]) * sum(s["geom"]["nseg"] for s in
                net["cellParams"][c]["secs"].values()) for c in LONG)
    assert total == FACTS["neuron_total_segments"]


def test_positions_match_reference(erp_specs):
    _, net = erp_specs
    ref = load_reference("erp")
    for cell, long in LONG.items():
        ours = np.array([[c["x"], c["y"], c["z"]] for c in net["popParams"][cell]["cellsList"]])
        np.testing.assert_allclose(ours, ref[f"pos_{long}"], rtol=0, atol=1e-9)
    origin = net["popParams"]["evprox1"]["cellsList"][0]
    np.testing.assert_array_equal([origin["x"], origin["y"], origin["z"]], ref["pos_origin"])


def test_l5_h_current_grows_with_distance(erp_specs):
    _, net = erp_specs
    secs = net["cellParams"]["L5Pyr"]["secs"]
    # Trunk starts 39 um (soma length) from the soma's 0 end; first segment centre at 17 um.
    trunk = secs["apical_trunk"]["mechs"]["ar"]["gbar"]
    assert trunk[0] == pytest.approx(1e-6 * np.exp(3e-3 * (39.0 + 102.0 / 6)), rel=1e-12)
    assert all(np.diff(secs["apical_1"]["mechs"]["ar"]["gbar"]) > 0)
    assert secs["soma"]["mechs"]["ar"]["gbar"] == 1e-6


def test_values_cannot_inject_code():
    with pytest.raises(ParameterError):
        build_net_params(dict(build_sim_config("erp"),
                              paramOverrides={"gbar_L2Pyr_L2Pyr_ampa": "__import__('os')"}))
    net = build_net_params(build_sim_config("erp"))
    for rule in net["connParams"].values():
        for key in ("weight", "delay"):
            expr = rule[key]
            allowed = set("0123456789.e-+*/() _") | set("sqrtexpostprexy")
            assert set(expr) <= allowed, expr


def test_law_2021_changes():
    cfg = build_sim_config("beta")
    net = build_net_params(cfg)
    assert net["synMechParams"]["L5Pyr_gabab"]["tau2"] == 200.0
    assert "ca" not in net["cellParams"]["L5Pyr"]["secs"]["basal_1"]["mechs"]
    assert "ca" in net["cellParams"]["L5Pyr"]["secs"]["apical_1"]["mechs"]
    conns = net["connParams"]
    assert "L2Basket_L5Pyr_distal_gabaa" not in conns
    assert conns["L2Basket_L5Pyr_distal_gabab"]["weight"].startswith("0.0002 *")
    assert conns["L5Basket_L5Pyr_distal_gabaa"]["weight"].startswith("0.025 *")
    assert conns["L5Pyr_L5Pyr_proximal_nmda"]["weight"].startswith("0.0004 *")


def test_mesh_shape_is_a_parameter():
    net = build_net_params(build_sim_config("erp", mesh_shape=(4, 6)))
    assert len(net["popParams"]["L2Pyr"]["cellsList"]) == 24
    assert len(net["popParams"]["L2Basket"]["cellsList"]) == 9  # hnn-core: 2x3 + 1x3
    assert net["connParams"]["L2Pyr_L2Pyr_proximal_ampa"]["convergence"] == 23
    origin = net["popParams"]["evprox1"]["cellsList"][0]
    assert [origin["x"], origin["y"], origin["z"]] == [1.0, 2.0, 653.0]

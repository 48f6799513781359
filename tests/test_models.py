"""hnn-core's three network models: the same cells, synapses and wiring.

The facts (``data/model_facts_<model>.json``) and references
(``data/erp_<model>.npz``) come from hnn-core 0.6.1 itself
(``validation/make_model_references.py``). The structure tests are fast;
the full ERP runs of law_2021 and calcium are marked slow.
"""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_data import (
    DATA,
    assert_matches_reference,
    compare_with_reference,
    load_reference,
    run_scenario,
)
from hnn_netpyne.cells import cell_type_names, label_of
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.specs import build_net_params, build_sim_config
from hnn_netpyne.model.variants import MODEL_VARIANTS

FACTS_OF_MODEL = {"neymotin_2020": "neymotin_2020", "jones_2009": "neymotin_2020",
                  "law_2021": "law_2021", "calcium": "calcium"}
"""Our model name -> the hnn-core model its facts come from."""

# Mechanisms NetPyNE needs that hnn-core inserts outside Section.mechs.
OUR_EXTRA_MECHANISMS = {"dipole", "ecalegacy"}


def load_facts(model):
    """Structure facts of hnn-core's counterpart of ``model``."""
    return json.loads((DATA / f"model_facts_{FACTS_OF_MODEL[model]}.json").read_text())


@pytest.fixture(scope="module", params=sorted(FACTS_OF_MODEL))
def model_specs(request):
    """(model name, hnn-core facts, our netParams) of each model."""
    model = request.param
    return model, load_facts(model), build_net_params(build_sim_config("erp", model=model))


def per_segment(value, nseg):
    """A cell-rule mechanism value as NetPyNE spreads it over ``nseg`` segments."""
    if isinstance(value, list):
        assert len(value) in (1, nseg)
        return value * nseg if len(value) == 1 else value
    return [value] * nseg


def test_every_model_has_facts_and_a_variant():
    assert set(FACTS_OF_MODEL) == set(MODEL_VARIANTS)


def test_l5_pyramidal_sections_match(model_specs):
    model, facts, net = model_specs
    secs = net["cellParams"]["L5Pyr"]["secs"]
    expected = facts["L5_pyramidal_sections"]
    assert sorted(secs) == sorted(expected)
    for name, fact in expected.items():
        ours = secs[name]
        nseg = ours["geom"]["nseg"]
        assert nseg == fact["nseg"], name
        # NEURON holds lengths and diameters from float32 3-D points.
        assert ours["geom"]["L"] == pytest.approx(fact["L_um"], rel=1e-7)
        assert ours["geom"]["diam"] == pytest.approx(fact["diam_um"], rel=1e-7)
        assert (ours["geom"]["cm"], ours["geom"]["Ra"]) == (fact["cm"], fact["Ra"])
        assert set(ours["mechs"]) - OUR_EXTRA_MECHANISMS == set(fact["inserted"]), (model, name)
        for mech, params in fact["mechanisms"].items():
            assert set(ours["mechs"][mech]) == set(params), (model, name, mech)
            for param, values in params.items():
                np.testing.assert_allclose(
                    per_segment(ours["mechs"][mech][param], nseg), values, rtol=1e-13, atol=0,
                    err_msg=f"{model} {name} {param}_{mech}")


def test_synapse_kinetics_match(model_specs):
    model, facts, net = model_specs
    for long_name, receptors in facts["synapse_kinetics"].items():
        for receptor, kinetics in receptors.items():
            mech = net["synMechParams"][f"{label_of(long_name)}_{receptor}"]
            assert {k: mech[k] for k in kinetics} == kinetics, (model, long_name, receptor)


def _evaluate(expression, distance):
    """A connParams weight or delay expression for somata ``distance`` µm apart in x."""
    return eval(expression, {"exp": math.exp, "sqrt": math.sqrt},  # noqa: S307
                {"pre_x": 0.0, "pre_y": 0.0, "post_x": float(distance), "post_y": 0.0})


def test_connections_match(model_specs):
    model, facts, net = model_specs
    rules = net["cellParams"]
    sizes = {pop: len(spec["cellsList"]) for pop, spec in net["popParams"].items()}
    ours = {}
    for rule in net["connParams"].values():
        source, target = rule["preConds"]["pop"], rule["postConds"]["pop"]
        if source in cell_type_names():
            receptor = rule["synMech"][len(target) + 1:]
            key = (source, target, rule["sec"], receptor)
            assert key not in ours
            ours[key] = rule
    expected = {(label_of(c["src_type"]), label_of(c["target_type"]), c["loc"],
                 c["receptor"]): c for c in facts["connections"]}
    assert len(expected) == len(facts["connections"])
    assert sorted(ours) == sorted(expected), model
    for key, fact in expected.items():
        rule = ours[key]
        source, target, loc, _ = key
        sections = rules[target]["secLists"].get(loc, [loc])
        assert sections == fact["sections"] and rule["synsPerConn"] == len(sections), key
        for distance in (0.0, 1.0, 3.0):
            gauss = math.exp(-((distance / fact["lamtha"]) ** 2))
            assert _evaluate(rule["weight"], distance) == pytest.approx(
                fact["A_weight"] * gauss, rel=1e-12, abs=0), (model, key)
            assert _evaluate(rule["delay"], distance) == pytest.approx(
                fact["A_delay"] / gauss, rel=1e-12, abs=0), (model, key)
        n_pairs = sizes[target] * (rule["convergence"] if "convergence" in rule
                                   else sizes[source])
        assert n_pairs == fact["n_gid_pairs"], (model, key)
        assert fact["probability"] == 1.0 and fact["gain"] == 1.0


@pytest.mark.parametrize("model", ["law_2021", "calcium"])
def test_variants_change_only_what_they_declare(model):
    default = build_net_params(build_sim_config("erp"))
    variant = build_net_params(build_sim_config("erp", model=model))
    for part in ("popParams", "stimSourceParams", "stimTargetParams"):
        assert variant[part] == default[part]
    changed_cells = {c for c in cell_type_names()
                     if variant["cellParams"][c] != default["cellParams"][c]}
    changed_syns = {k for k in default["synMechParams"]
                    if variant["synMechParams"][k] != default["synMechParams"][k]}
    changed_conns = ({k for k in default["connParams"]
                      if variant["connParams"].get(k) != default["connParams"][k]}
                     | set(variant["connParams"]) - set(default["connParams"]))
    if model == "law_2021":
        assert changed_cells == {"L5Pyr"}
        assert changed_syns == {"L2Pyr_gabab", "L5Pyr_gabab"}
        assert changed_conns == {
            "L5Pyr_L5Pyr_proximal_nmda", "L5Basket_L5Pyr_soma_gabaa",
            "L5Basket_L5Pyr_soma_gabab", "L2Basket_L5Pyr_distal_gabaa",
            "L2Basket_L5Pyr_distal_gabab", "L5Basket_L5Pyr_distal_gabaa"}
    else:
        assert changed_cells == {"L5Pyr"} and not changed_syns and not changed_conns
        ours, theirs = variant["cellParams"]["L5Pyr"], default["cellParams"]["L5Pyr"]
        for name, sec in ours["secs"].items():
            default_mechs = theirs["secs"][name]["mechs"]
            changed = {m for m in sec["mechs"] if sec["mechs"][m] != default_mechs[m]}
            assert changed <= {"ca", "hh2"}, name
            assert sec["geom"] == theirs["secs"][name]["geom"]


def test_calcium_is_selected_by_name():
    assert build_sim_config("calcium")["model"] == "calcium"
    assert build_sim_config("calcium")["duration"] == 170.0
    assert build_sim_config("erp", model="calcium")["model"] == "calcium"
    with pytest.raises(ParameterError):
        build_net_params(build_sim_config("erp", model="calcium_2022"))


def netpyne_segment_values(out_path):
    """Build the calcium model's L5 pyramidal cell with NetPyNE; save its segment values.

    Runs in a fresh process (see the ``__main__`` block below).
    """
    from netpyne import sim, specs

    from hnn_netpyne.runtime.mechanisms import load_mechanisms

    net = build_net_params(build_sim_config("calcium"))
    net_params = specs.NetParams()
    net_params.cellParams["L5Pyr"] = net["cellParams"]["L5Pyr"]
    net_params.popParams["L5Pyr"] = {"cellType": "L5Pyr",
                                     "cellsList": [{"x": 0.0, "y": 0.0, "z": 0.0}]}
    cfg = specs.SimConfig()
    cfg.verbose = False
    load_mechanisms()
    sim.initialize(netParams=net_params, simConfig=cfg)
    sim.net.createPops()
    sim.net.createCells()
    cell = sim.net.cells[0]
    values = {}
    for name, sec in cell.secs.items():
        for mech, param in (("ca", "gbar"), ("hh2", "gnabar"), ("hh2", "gkbar"), ("ar", "gbar")):
            if hasattr(sec["hObj"](0.5), mech):
                values[f"{name}/{param}_{mech}"] = [getattr(getattr(seg, mech), param)
                                                    for seg in sec["hObj"]]
    Path(out_path).write_text(json.dumps(values))


def test_netpyne_builds_the_calcium_cell_as_hnn_core(tmp_path):
    out = tmp_path / "segments.json"
    proc = subprocess.run([sys.executable, __file__, str(out)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    built = json.loads(out.read_text())
    facts = load_facts("calcium")["L5_pyramidal_sections"]
    assert len(built) == 4 * len(facts)
    for key, values in built.items():
        name, attr = key.split("/")
        param, mech = attr.split("_")
        np.testing.assert_allclose(values, facts[name]["mechanisms"][mech][param],
                                   rtol=1e-13, atol=0, err_msg=key)


@pytest.mark.slow
@pytest.mark.parametrize("model", ["law_2021", "calcium"])
def test_model_erp_matches_hnn_core(tmp_path, model):
    cfg = build_sim_config("erp", model=model)
    errors = compare_with_reference(run_scenario(cfg, tmp_path / model),
                                    load_reference(f"erp_{model}"))
    print(f"\nerp_{model}: " + json.dumps(errors))
    assert_matches_reference(errors, dipole_tolerance=1e-9)  # measured: 2.5e-12


if __name__ == "__main__":
    netpyne_segment_values(sys.argv[1])

"""Export the built hnn-netpyne network as a SONATA circuit.

``export_sonata(cfg, outdir)`` (and ``hnn-netpyne export-sonata OUTDIR``)
builds the configured network in NetPyNE, reads back every cell and
connection, and writes::

    OUTDIR/
      circuit_config.json            networks and components (libsonata, bmtk)
      simulation_config.json         SONATA run, with synapse_replay drive input (libsonata)
      simulation_config_bmtk.json    the same run for bmtk BioNet (spikes input of module 'sonata')
      node_sets.json                 one node set per population, 'cells' and 'drives'
      README.md                      what is where and how to run it
      network/nodes.h5               one biophysical population per cell type
      network/node_types.csv
      network/virtual_nodes.h5       one virtual population per drive
      network/virtual_node_types.csv
      network/edges.h5               one population per (source, target) pair, with indices
      network/edge_types.csv         one type per NetPyNE connection rule
      inputs/drive_spikes.h5         the drives' realised spike times (trial 0)
      components/hoc_templates/      one template per cell type (from the cell rules)
      components/morphologies/       one SWC per cell type (from the 3-D points)
      components/synaptic_models/    Exp2Syn kinetics per receptor (JSON)
      components/mechanisms/         the model's .mod files

Modelling notes: an edge is one NetCon (one synapse per connection and
section, at ``afferent_section_pos``). hnn-netpyne, like HNN, lets all
connections onto one section and receptor share a single Exp2Syn; a SONATA
reader creates one Exp2Syn per edge instead, which gives the same
conductance because Exp2Syn is linear in its inputs. Cells start from the
per-section initial potentials of the cell rules (set by the templates);
the spike threshold is NetPyNE's defaultThreshold at soma(0.5).

The export is written into a temporary folder beside OUTDIR and renamed
into place only when complete, so a failed export leaves no partial
circuit behind.
"""

import contextlib
import json
import shutil
import sys
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.io import (
    INCOMPLETE_MARKER,
    MANIFEST,
    finish_run_folder,
    staged_output,
)
from hnn_netpyne.cells.registry import cell_type, cell_type_names, is_drive
from hnn_netpyne.errors import ExportError
from hnn_netpyne.export.sonata_cells import (
    hoc_template,
    section_ids,
    section_layout,
    swc_text,
)
from hnn_netpyne.export.sonata_files import (
    write_edges,
    write_nodes,
    write_spikes,
    write_types_csv,
)
from hnn_netpyne.runtime.mechanisms import MOD_DIR

BIO_TYPE_BASE = 100
VIRTUAL_TYPE_BASE = 200
EDGE_TYPE_BASE = 1000
SPIKES_FILE = "inputs/drive_spikes.h5"
EDGE_MODEL_TEMPLATE = "exp2syn"


def edge_population_name(source, target):
    """Name of the edge population from ``source`` to ``target`` cells."""
    return f"{source}__{target}__chemical"


# --- the built network -----------------------------------------------------


def _build(cfg, net_params):
    """Create the network as :func:`hnn_netpyne.runtime.run.run_network` does.

    Returns NetPyNE's ``sim`` and every synaptic NetCon.
    """
    from neuron import h

    from hnn_netpyne.runtime.run import build_network, network_netcons

    if int(h.ParallelContext().nhost()) > 1:
        raise ExportError("export-sonata runs on one process; start it without mpiexec")
    # NetPyNE reports progress on stdout, where the command lists its files.
    with contextlib.redirect_stdout(sys.stderr):
        sim = build_network(cfg, net_params)
    return sim, network_netcons(sim)


def _rule_finder(net_params):
    """(source pop, target pop, synMech, section) -> the connParams rule that made it."""
    rules = {}
    for label, rule in net_params["connParams"].items():
        post = rule["postConds"]["pop"]
        cell_rule = net_params["cellParams"][net_params["popParams"][post]["cellType"]]
        sections = cell_rule["secLists"].get(rule["sec"], [rule["sec"]])
        for sec in sections:
            key = (rule["preConds"]["pop"], post, rule["synMech"], sec)
            if key in rules:
                raise ExportError(f"connection rules {rules[key]} and {label} make the same "
                                      "kind of synapse; their edges cannot be told apart")
            rules[key] = label
    return rules


def capture_network(cfg, net_params):
    """Build the network in NetPyNE and read back cells, connections, drives.

    The network is created in this process's NEURON, with the connector a
    run uses, and stays there afterwards. Connections are read from the
    NetCons themselves: source gid, weight and delay from the NetCon, target
    cell, section, position and receptor from its synapse.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary.
    net_params : dict
        netParams dictionary of ``cfg``.

    Returns
    -------
    network : dict
        ``populations``: label -> {'gids', 'x', 'y', 'z', 'virtual'};
        ``conns``: dict of arrays (pre_gid, post_gid, sec, loc, syn_mech,
        weight, delay, rule); ``spikes``: drive label -> list of spike-time
        arrays per cell (what the VecStims play).
    """
    sim, netcons = _build(cfg, net_params)
    pops, spikes, synapses = _read_cells(sim, net_params)
    pop_of = {gid: label for label, pop in pops.items() for gid in pop["gids"]}
    conns = _read_connections(netcons, synapses, pop_of, _rule_finder(net_params))
    for label, pop in pops.items():
        gids = np.array(pop["gids"], dtype=int)
        if len(gids) and not np.array_equal(gids, np.arange(gids[0], gids[0] + len(gids))):
            raise ExportError(f"population {label}: gids are not contiguous")
    # Populations without cells (e.g. a 1 x 1 grid has no basket cells) are left out.
    pops = {label: pop for label, pop in pops.items() if pop["gids"]}
    return {"populations": pops, "spikes": spikes,
            "conns": {k: np.array(v) for k, v in conns.items()}}


def _read_cells(sim, net_params):
    """Populations (gids and positions), drive spike times and synapses of this process.

    Returns
    -------
    pops, spikes, synapses : dict, dict, dict
        ``synapses`` maps each synapse's hoc name to (post gid, section,
        position, synMech label).
    """
    pops = {label: {"gids": [], "x": [], "y": [], "z": [], "virtual": is_drive(label)}
            for label in net_params["popParams"]}
    spikes, synapses = {}, {}
    for cell in sorted(sim.net.cells, key=lambda c: c.gid):
        pop = pops[cell.tags["pop"]]
        pop["gids"].append(int(cell.gid))
        for axis in "xyz":
            pop[axis].append(float(cell.tags[axis]))
        if pop["virtual"]:
            spikes.setdefault(cell.tags["pop"], []).append(
                np.array(cell.hSpkTimes, dtype=float))
            continue
        for sec_name, sec in cell.secs.items():
            for syn in sec.get("synMechs", []):
                synapses[syn["hObj"].hname()] = (int(cell.gid), sec_name, float(syn["loc"]),
                                                 syn["label"])
    return pops, spikes, synapses


def _read_connections(netcons, synapses, pop_of, rule_of):
    """Columns (lists) of every NetCon: pre and post gid, section, position,
    synMech, weight (µS), delay (ms) and the rule that made it."""
    conns = {k: [] for k in ("pre_gid", "post_gid", "sec", "loc", "syn_mech", "weight",
                             "delay", "rule")}
    for netcon in netcons:
        pre = int(netcon.srcgid())
        post, sec, loc, syn_mech = synapses[netcon.syn().hname()]
        conns["pre_gid"].append(pre)
        conns["post_gid"].append(post)
        conns["sec"].append(sec)
        conns["loc"].append(loc)
        conns["syn_mech"].append(syn_mech)
        conns["weight"].append(float(netcon.weight[0]))
        conns["delay"].append(float(netcon.delay))
        conns["rule"].append(rule_of[(pop_of[pre], pop_of[post], syn_mech, sec)])
    return conns


# --- writing ---------------------------------------------------------------


def _node_files(network, net_params):
    bio, virtual, bio_types, virtual_types = {}, {}, [], []
    for label, pop in network["populations"].items():
        attrs = {axis: np.asarray(pop[axis], dtype=np.float64) for axis in "xyz"}
        if pop["virtual"]:
            type_id = VIRTUAL_TYPE_BASE + len(virtual)
            virtual[label] = {"node_type_id": type_id, "attributes": attrs}
            virtual_types.append({"node_type_id": type_id, "population": label, "pop_name": label,
                                  "model_type": "virtual"})
        else:
            type_id = BIO_TYPE_BASE + len(bio)
            # Cells keep their rule's orientation (apical dendrite along +z): zero
            # rotation angles (the guide's form) and the identity quaternion (BBP's).
            n = len(pop["gids"])
            for angle in ("rotation_angle_xaxis", "rotation_angle_yaxis", "rotation_angle_zaxis",
                          "orientation_x", "orientation_y", "orientation_z"):
                attrs[angle] = np.zeros(n, dtype=np.float64)
            attrs["orientation_w"] = np.ones(n, dtype=np.float64)
            bio[label] = {"node_type_id": type_id, "attributes": attrs}
            record = cell_type(label)
            bio_types.append({"node_type_id": type_id, "population": label, "pop_name": label,
                              "model_type": "biophysical", "model_template": f"hoc:{label}",
                              "morphology": label, "ei": "e" if record.excitatory else "i",
                              "layer": record.sonata_layer})
    return bio, virtual, bio_types, virtual_types


def _edge_types(conns, net_params):
    """One edge type per connection rule that made a NetCon, in connParams order."""
    rules = sorted(set(conns["rule"].tolist()), key=list(net_params["connParams"]).index)
    edge_types = []
    for i, rule in enumerate(rules):
        spec = net_params["connParams"][rule]
        source, target = spec["preConds"]["pop"], spec["postConds"]["pop"]
        edge_types.append({
            "edge_type_id": EDGE_TYPE_BASE + i,
            "population": edge_population_name(source, target),
            "model_template": EDGE_MODEL_TEMPLATE,
            "dynamics_params": f"{spec['synMech']}.json",
            "syn_mech": spec["synMech"],
            "receptor": spec["synMech"].split("_", 1)[-1],
            "location": spec["sec"],
            "conn_rule": rule,
        })
    return edge_types


def _edge_files(network, net_params):
    """Edge populations and edge types from the captured connections."""
    conns = network["conns"]
    pops = network["populations"]
    gid_pop, gid_index = {}, {}
    for label, pop in pops.items():
        for i, gid in enumerate(pop["gids"]):
            gid_pop[gid] = label
            gid_index[gid] = i
    cell_rules = net_params["cellParams"]
    sec_ids = {label: section_ids(label, cell_rules[label])
               for label, pop in pops.items() if not pop["virtual"]}
    edge_types = _edge_types(conns, net_params)
    type_of_rule = {row["conn_rule"]: row["edge_type_id"] for row in edge_types}

    src_pop = np.array([gid_pop[g] for g in conns["pre_gid"].tolist()], dtype=object)
    tgt_pop = np.array([gid_pop[g] for g in conns["post_gid"].tolist()], dtype=object)
    populations = {}
    for source in pops:
        for target in pops:
            mask = (src_pop == source) & (tgt_pop == target)
            if not mask.any():
                continue
            src = np.array([gid_index[g] for g in conns["pre_gid"][mask].tolist()], dtype=np.int64)
            tgt = np.array([gid_index[g] for g in conns["post_gid"][mask].tolist()], dtype=np.int64)
            types = np.array([type_of_rule[r] for r in conns["rule"][mask].tolist()], dtype=np.int64)
            secs = np.array([sec_ids[target][s] for s in conns["sec"][mask].tolist()], dtype=np.int64)
            name = edge_population_name(source, target)
            if any(edge_types[t - EDGE_TYPE_BASE]["population"] != name for t in set(types.tolist())):
                raise ExportError(f"a connection rule of {name} spans several populations")
            # Group edges by target, then source: compact target_to_source ranges.
            order = np.lexsort((secs, types, src, tgt))
            populations[name] = {
                "source": source,
                "target": target,
                "n_source_nodes": len(pops[source]["gids"]),
                "n_target_nodes": len(pops[target]["gids"]),
                "source_node_id": src[order],
                "target_node_id": tgt[order],
                "edge_type_id": types[order],
                "attributes": {
                    "syn_weight": conns["weight"][mask][order].astype(np.float64),
                    "delay": conns["delay"][mask][order].astype(np.float64),
                    "afferent_section_id": secs[order].astype(np.int32),
                    "afferent_section_pos": conns["loc"][mask][order].astype(np.float64),
                },
            }
    return populations, edge_types


def _drive_spikes(network):
    spikes = {}
    for label, trains in network["spikes"].items():
        times = np.concatenate(trains) if trains else np.zeros(0)
        ids = np.concatenate([np.full(len(t), i) for i, t in enumerate(trains)]) if trains else []
        spikes[label] = (times, np.asarray(ids, dtype=np.uint64))
    return spikes


def _tonic_inputs(net_params, layouts):
    """Current clamps of the tonic biases: (label, population, params) rows."""
    rows = []
    for label, target in net_params.get("stimTargetParams", {}).items():
        source = net_params["stimSourceParams"][target["source"]]
        pop = target["conds"]["pop"]
        ct = net_params["popParams"][pop]["cellType"]
        hoc_name = layouts[ct]["hoc"][target["sec"]]
        array, index = hoc_name[:-1].split("[")
        rows.append((label, pop, {"amp": float(source["amp"]), "delay": float(source["del"]),
                                  "duration": float(source["dur"]), "section": target["sec"],
                                  "section_name": array, "section_index": int(index),
                                  "section_dist": float(target.get("loc", 0.5))}))
    return rows


def _circuit_config(bio_pops, virtual_pops, edge_pops):
    def pop_entries(names, kind):
        return {name: {"type": kind} for name in names}

    return {
        "manifest": {"$BASE_DIR": ".", "$NETWORK_DIR": "$BASE_DIR/network",
                     "$COMPONENTS_DIR": "$BASE_DIR/components"},
        "target_simulator": "NEURON",
        "components": {
            "morphologies_dir": "$COMPONENTS_DIR/morphologies",
            "biophysical_neuron_models_dir": "$COMPONENTS_DIR/hoc_templates",
            "templates_dir": "$COMPONENTS_DIR/hoc_templates",
            "synaptic_models_dir": "$COMPONENTS_DIR/synaptic_models",
            "mechanisms_dir": "$COMPONENTS_DIR/mechanisms",
        },
        "node_sets_file": "$BASE_DIR/node_sets.json",
        "networks": {
            "nodes": [
                {"nodes_file": "$NETWORK_DIR/nodes.h5",
                 "node_types_file": "$NETWORK_DIR/node_types.csv",
                 "populations": pop_entries(bio_pops, "biophysical")},
                {"nodes_file": "$NETWORK_DIR/virtual_nodes.h5",
                 "node_types_file": "$NETWORK_DIR/virtual_node_types.csv",
                 "populations": pop_entries(virtual_pops, "virtual")},
            ],
            "edges": [
                {"edges_file": "$NETWORK_DIR/edges.h5",
                 "edge_types_file": "$NETWORK_DIR/edge_types.csv",
                 "populations": pop_entries(edge_pops, "chemical")},
            ],
        },
    }


def _run_block(cfg, net_params):
    return {"tstop": float(cfg["duration"]), "dt": float(cfg["dt"]),
            "spike_threshold": float(net_params["defaultThreshold"])}


def _conditions(cfg):
    hparams = cfg.get("hParams", {})
    return {"celsius": float(hparams["celsius"]), "v_init": float(hparams.get("v_init", -65.0))}


def _simulation_config(cfg, net_params, virtual_pops, tonic):
    """SONATA simulation config in the form libsonata validates."""
    inputs = {}
    if virtual_pops:
        inputs["drive_spikes"] = {
            "input_type": "spikes", "module": "synapse_replay", "spike_file": SPIKES_FILE,
            "delay": 0.0, "duration": float(cfg["duration"]), "node_set": "cells",
        }
    for label, pop, p in tonic:
        # SONATA's linear clamp acts on the soma; p['section'] is in the README.
        inputs[label] = {"input_type": "current_clamp", "module": "linear", "node_set": pop,
                         "amp_start": p["amp"], "delay": p["delay"], "duration": p["duration"]}
    return {
        "manifest": {"$BASE_DIR": ".", "$OUTPUT_DIR": "$BASE_DIR/output"},
        "network": "circuit_config.json",
        "target_simulator": "NEURON",
        "run": dict(_run_block(cfg, net_params), random_seed=int(cfg.get("seeds", {}).get("stim", 1))),
        "conditions": _conditions(cfg),
        "node_sets_file": "node_sets.json",
        "output": {"output_dir": "$OUTPUT_DIR", "spikes_file": "spikes.h5",
                   "spikes_sort_order": "by_time"},
        "inputs": inputs,
        "reports": {},
    }


def _bmtk_simulation_config(cfg, net_params, virtual_pops, tonic):
    """The same run in bmtk BioNet's dialect (run bmtk from the export folder)."""
    # bmtk's virtual cells look their spikes up by node id in the input's
    # default population only: one input per drive, naming its population.
    inputs = {f"{pop}_spikes": {"input_type": "spikes", "module": "sonata",
                                "input_file": f"$BASE_DIR/{SPIKES_FILE}", "node_set": pop,
                                "population": pop}
              for pop in virtual_pops}
    for label, pop, p in tonic:
        inputs[label] = {"input_type": "current_clamp", "module": "IClamp", "node_set": pop,
                         "amp": p["amp"], "delay": p["delay"], "duration": p["duration"],
                         "section_name": p["section_name"], "section_index": p["section_index"],
                         "section_dist": p["section_dist"]}
    return {
        "manifest": {"$BASE_DIR": "${configdir}", "$OUTPUT_DIR": "$BASE_DIR/output_bmtk"},
        "network": "circuit_config.json",
        "target_simulator": "NEURON",
        # dL null: bmtk would otherwise re-segment every section to 20 µm
        # (its default), replacing HNN's nseg and per-segment densities.
        "run": dict(_run_block(cfg, net_params), nsteps_block=5000, dL=None),
        "conditions": _conditions(cfg),
        "node_sets_file": "$BASE_DIR/node_sets.json",
        "inputs": inputs,
        "output": {"output_dir": "$OUTPUT_DIR", "log_file": "log.txt", "spikes_file": "spikes.h5",
                   "spikes_sort_order": "time", "overwrite_output_dir": True},
        "reports": {},
    }


README = """# hnn-netpyne SONATA export

Network: preset {preset!r}, model {model!r}, {n_cells} cells in {n_bio} biophysical populations,
{n_drive_cells} drive sources in {n_virtual} virtual populations, {n_edges} edges
(one per NetCon), tstop {tstop} ms, dt {dt} ms.

* `circuit_config.json`: nodes, edges and components (SONATA circuit config).
* `simulation_config.json`: the run for SONATA readers that validate it (libsonata,
  neurodamus): drive spikes as a `synapse_replay` input, `run.random_seed`,
  `spikes_sort_order` `by_time`.
* `simulation_config_bmtk.json`: the same run for bmtk BioNet, whose spike inputs
  are of module `sonata` (bmtk rejects `synapse_replay`), one per drive naming its
  `population` (bmtk looks virtual spikes up in that population only), and with
  `run.dL` null (bmtk's default, 20 µm, would re-segment every section). bmtk
  resolves the circuit's relative paths from the working directory: run it here.

Cells are `biophysical` nodes with `model_template` `hoc:<cell type>`; the hoc
templates in `components/hoc_templates` build the cells exactly as the NetPyNE
cell rules do (geometry, per-segment channel densities, per-section initial
potential through a type-0 FInitializeHandler). An edge's `afferent_section_id`
indexes the template's `all` list and the SWC file's sections (soma 0, then
basal, then apical; see the comments at the top of each template or SWC).
Morphologies are in cell-local µm (the soma's 0 end at the origin, apical
dendrite along +z); node positions are NetPyNE's cell positions, rotations zero.
Synapses are Exp2Syn (`model_template` `exp2syn`, kinetics in
`components/synaptic_models`); HNN shares one Exp2Syn between all connections
onto a section and receptor, a reader creates one per edge: the same
conductance, Exp2Syn being linear.
{tonic_note}
Run with bmtk (from this folder):

    cd components/mechanisms && nrnivmodl . && cd ../..
    python -c "from bmtk.simulator import bionet
    conf = bionet.Config.from_json('simulation_config_bmtk.json'); conf.build_env()
    net = bionet.BioNetwork.from_config(conf)
    bionet.BioSimulator.from_config(conf, network=net).run()"
"""


def export_sonata(cfg, outdir, overwrite=False):
    """Write the network of ``cfg`` as a SONATA circuit.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary (see :func:`hnn_netpyne.model.specs.build_sim_config`).
    outdir, overwrite
        The output folder and its policy, as for
        :func:`hnn_netpyne.export.netpyne_json.export_netpyne_json`.

    Returns
    -------
    paths : list of pathlib.Path
        Every file written, under ``outdir`` (``manifest.json`` last).

    Raises
    ------
    ExportError
        Bad output folder, or a model the export cannot represent.
    """
    from hnn_netpyne.model.specs import build_net_params

    outdir = Path(outdir).expanduser().absolute()
    net_params = build_net_params(cfg)
    network = capture_network(cfg, net_params)
    with staged_output(outdir, overwrite) as staging:
        _write_all(staging, cfg, net_params, network)
        written = sorted(p.relative_to(staging) for p in staging.rglob("*")
                         if p.is_file() and p.name != INCOMPLETE_MARKER)
        finish_run_folder(outdir, [str(p) for p in written], staging)
    return [outdir / p for p in written] + [outdir / MANIFEST]


def _write_all(folder, cfg, net_params, network):
    """Write every file of the export into ``folder``."""
    for sub in ("network", "inputs", "components/hoc_templates", "components/morphologies",
                "components/synaptic_models", "components/mechanisms"):
        (folder / sub).mkdir(parents=True)
    layouts = _write_components(folder, net_params)
    bio, virtual, edges = _write_network(folder, network, net_params)
    circuit = _circuit_config(list(bio), list(virtual), list(edges))
    if not virtual:
        circuit["networks"]["nodes"].pop()
    tonic = _tonic_inputs(net_params, layouts)
    configs = {
        "circuit_config.json": circuit,
        "simulation_config.json": _simulation_config(cfg, net_params, list(virtual), tonic),
        "simulation_config_bmtk.json": _bmtk_simulation_config(cfg, net_params, list(virtual),
                                                               tonic),
    }
    for name, content in configs.items():
        (folder / name).write_text(json.dumps(content, indent=2) + "\n")
    _write_readme(folder, cfg, network, len(bio), len(virtual), bool(tonic))


def _write_components(folder, net_params):
    """hoc templates, SWC morphologies, synapse models and mod files; the section layouts."""
    layouts = {}
    for ct in (ct for ct in cell_type_names() if ct in net_params["cellParams"]):
        rule = net_params["cellParams"][ct]
        layouts[ct] = section_layout(ct, rule)
        (folder / "components/hoc_templates" / f"{ct}.hoc").write_text(hoc_template(ct, rule))
        (folder / "components/morphologies" / f"{ct}.swc").write_text(swc_text(ct, rule))
    for label, mech in net_params["synMechParams"].items():
        if mech.get("mod") != "Exp2Syn":
            raise ExportError(f"synapse {label}: only Exp2Syn synapses are exported")
        params = {"level_of_detail": "exp2syn", "erev": float(mech["e"]),
                  "tau1": float(mech["tau1"]), "tau2": float(mech["tau2"])}
        (folder / "components/synaptic_models" / f"{label}.json").write_text(
            json.dumps(params, indent=2) + "\n")
    for mod in sorted(MOD_DIR.glob("*.mod")):
        shutil.copy2(mod, folder / "components/mechanisms" / mod.name)
    return layouts


def _write_network(folder, network, net_params):
    """Nodes, edges, drive spikes and node sets; the bio, virtual and edge populations."""
    bio, virtual, bio_types, virtual_types = _node_files(network, net_params)
    write_nodes(folder / "network/nodes.h5", bio)
    write_types_csv(folder / "network/node_types.csv", bio_types)
    if virtual:
        write_nodes(folder / "network/virtual_nodes.h5", virtual)
        write_types_csv(folder / "network/virtual_node_types.csv", virtual_types)
    edges, edge_types = _edge_files(network, net_params)
    write_edges(folder / "network/edges.h5", edges)
    write_types_csv(folder / "network/edge_types.csv", edge_types)
    if virtual:
        write_spikes(folder / SPIKES_FILE, _drive_spikes(network))
    node_sets = {name: {"population": name} for name in list(bio) + list(virtual)}
    node_sets["cells"] = list(bio)
    if virtual:
        node_sets["drives"] = list(virtual)
    (folder / "node_sets.json").write_text(json.dumps(node_sets, indent=2) + "\n")
    return bio, virtual, edges


def _write_readme(folder, cfg, network, n_bio, n_virtual, has_tonic):
    """The export's README.md."""
    tonic_note = ""
    if has_tonic:
        tonic_note = ("\nTonic biases are current clamps: in `simulation_config.json` as SONATA "
                      "`linear` clamps (on the soma), in `simulation_config_bmtk.json` as IClamps "
                      "on the section HNN uses.\n")
    pops = network["populations"].values()
    (folder / "README.md").write_text(README.format(
        preset=cfg.get("preset"), model=cfg.get("model"),
        n_cells=sum(len(p["gids"]) for p in pops if not p["virtual"]), n_bio=n_bio,
        n_drive_cells=sum(len(p["gids"]) for p in pops if p["virtual"]),
        n_virtual=n_virtual, n_edges=len(network["conns"]["pre_gid"]),
        tstop=cfg["duration"], dt=cfg["dt"], tonic_note=tonic_note))

"""Build (and run) a network in NetPyNE and dump what its SONATA export must equal.

Usage: ``python sonata_netpyne_run.py CONFIG.json EXPORT_DIR OUT.npz [--run]``

Everything is read back from NEURON's own objects: cells (gid, population,
position), every synaptic NetCon in NEURON's list of NetCons (source gid
from ``srcgid()``, the target cell, section and position of its synapse,
the Exp2Syn's ``e``/``tau1``/``tau2``, weight, delay), and the spike times
each drive VecStim plays. With ``--run`` the network is simulated first (one
trial, hnn-netpyne's runner) and its spikes are saved.

The export's hoc templates are then instantiated next to the NetPyNE cells
and compared section by section (geometry, every mechanism variable, and the
state after ``finitialize``), and its SWC files are read with NEURON's
Import3d and compared with the templates' sections. Mismatch counts go into
the output; the tests require zero.
"""

import json
import sys
from pathlib import Path

import numpy as np
from neuron import h

from hnn_netpyne.model.specs import build_net_params


def build(cfg, net_params, run):
    from netpyne import sim

    from hnn_netpyne.runtime.run import build_network, run_network

    if run:
        return sim, run_network(cfg, net_params, progress=False)
    return build_network(cfg, net_params), None


def section_state(sec):
    """Geometry and every range variable of each segment (incl. mechanism states)."""
    state = {"L": sec.L, "nseg": sec.nseg, "Ra": sec.Ra,
             "pt3d": [(sec.x3d(i), sec.y3d(i), sec.z3d(i), sec.diam3d(i))
                      for i in range(int(sec.n3d()))],
             "v_all": [seg.v for seg in sec.allseg()], "segs": []}
    for seg in sec:
        # seg.diam is derived from the 3-D points, and its last bit depends on
        # the order of NEURON's recalculations; area and ri must equal exactly.
        values = {"diam": round(seg.diam, 12), "cm": seg.cm, "area": seg.area(),
                  "ri": seg.ri()}
        for mech in seg:
            if mech.name() == "dipole":
                continue
            for var in mech:
                values[var.name()] = getattr(mech, var.name().rsplit("_" + mech.name(), 1)[0])
        values.update({ion: getattr(seg, ion) for ion in ("ena", "ek", "eca", "cai", "cao")
                       if hasattr(seg, ion)})
        state["segs"].append(values)
    return state


def parent_of(sec, names_by_section):
    seg = sec.parentseg()
    return None if seg is None else (names_by_section[seg.sec], seg.x)


def compare_templates(sim, export_dir, out):
    """Instantiate each template beside a NetPyNE cell of its type; count differences."""
    h.load_file("stdrun.hoc")
    first = {}
    for cell in sim.net.cells:
        if "cellType" in cell.tags and cell.tags["cellType"] not in first:
            first[cell.tags["cellType"]] = cell
    templates = {}
    for cell_type in first:
        h.load_file(str(export_dir / "components/hoc_templates" / f"{cell_type}.hoc"))
        templates[cell_type] = getattr(h, cell_type)(
            str(export_dir / "components/morphologies" / f"{cell_type}.swc"))
    # NetPyNE sets its per-section v in type-0 handlers that preRun registers.
    handlers = [h.FInitializeHandler(0, cell.initV) for cell in first.values()]
    h.finitialize(float(sim.cfg.hParams["v_init"]))
    for cell_type, cell in first.items():
        tmpl = templates[cell_type]
        names = [tmpl.hnn_names.o(i).s for i in range(int(tmpl.hnn_names.count()))]
        tsecs = list(tmpl.all)
        out[f"{cell_type}_section_names"] = np.array(names)
        theirs = {sec: name for name, sec in zip(names, tsecs)}
        ours = {sd["hObj"]: name for name, sd in cell.secs.items()}
        mismatches = 0
        if sorted(names) != sorted(cell.secs):
            mismatches += 1
        for name, sec in zip(names, tsecs):
            netpyne_sec = cell.secs[name]["hObj"]
            if section_state(netpyne_sec) != section_state(sec):
                mismatches += 1
            if parent_of(netpyne_sec, ours) != parent_of(sec, theirs):
                mismatches += 1
        out[f"{cell_type}_template_mismatches"] = mismatches
        out[f"{cell_type}_swc_mismatches"] = compare_swc(export_dir, cell_type, tsecs)
    del handlers


def compare_swc(export_dir, cell_type, template_secs):
    """Read the SWC with Import3d; compare its sections with the template's ``all``."""
    h.load_file("import3d.hoc")
    reader = h.Import3d_SWC_read()
    reader.input(str(export_dir / "components/morphologies" / f"{cell_type}.swc"))
    before = set(h.allsec())
    h.Import3d_GUI(reader, False).instantiate(None)
    imported = [sec for sec in h.allsec() if sec not in before]
    order = {"soma": 0, "axon": 1, "dend": 2, "apic": 3}
    imported.sort(key=lambda s: (order[s.name().split("[")[0]], int(s.name().split("[")[1][:-1])))
    mismatches = abs(len(imported) - len(template_secs))
    for mine, theirs in zip(imported, template_secs):
        short = theirs.name().split(".")[-1]
        ps_mine, ps_theirs = mine.parentseg(), theirs.parentseg()
        same = (mine.name() == short
                and abs(mine.L - theirs.L) <= 1e-6 * theirs.L
                and abs(mine(0.5).diam - theirs(0.5).diam) <= 1e-6 * theirs(0.5).diam
                and (ps_mine is None) == (ps_theirs is None)
                and (ps_mine is None or (ps_mine.sec.name() == ps_theirs.sec.name().split(".")[-1]
                                         and ps_mine.x == ps_theirs.x)))
        mismatches += not same
    for sec in imported:
        h.delete_section(sec=sec)
    return mismatches


def main(config_file, export_dir, out_file, run):
    cfg = json.loads(Path(config_file).read_text())
    net_params = build_net_params(cfg)
    sim, result = build(cfg, net_params, run)
    out = {}
    if result is not None:
        times, gids = result["spikes"][0]
        out["spike_times"], out["spike_gids"] = times, gids
        out["solve_s"] = result["timings"]["solve"]
    cells = sorted(sim.net.cells, key=lambda c: c.gid)
    out["cell_gid"] = np.array([c.gid for c in cells])
    out["cell_pop"] = np.array([c.tags["pop"] for c in cells])
    out["cell_xyz"] = np.array([[c.tags["x"], c.tags["y"], c.tags["z"]] for c in cells])
    # Every synapse NetPyNE made, with its owner; every NetCon NEURON holds.
    owners = {}
    for cell in cells:
        if not isinstance(getattr(cell, "secs", None), dict):
            continue  # drive sources (their secs is a method)
        for sec in cell.secs.values():
            for syn in sec.get("synMechs", []):
                owners[syn["hObj"].hname()] = (cell.gid, syn["label"])
    rows = {k: [] for k in ("src", "tgt", "sec", "x", "weight", "delay", "e", "tau1", "tau2",
                             "syn_mech")}
    for netcon in h.List("NetCon"):
        syn = netcon.syn()
        if syn is None or not syn.hname().startswith("Exp2Syn"):
            continue  # spike detectors and drive sources
        seg = syn.get_segment()
        gid, label = owners[syn.hname()]
        if seg.sec.cell().gid != gid:
            raise RuntimeError(f"{syn.hname()} is not on the cell that owns it")
        rows["src"].append(int(netcon.srcgid()))
        rows["tgt"].append(int(gid))
        rows["sec"].append(seg.sec.name().split(".")[-1])
        rows["x"].append(seg.x)
        rows["weight"].append(netcon.weight[0])
        rows["delay"].append(netcon.delay)
        rows["e"].append(syn.e)
        rows["tau1"].append(syn.tau1)
        rows["tau2"].append(syn.tau2)
        rows["syn_mech"].append(label)  # the label only; values come from syn
    spike_gid, spike_time = [], []
    for cell in cells:
        if hasattr(cell, "hSpkTimes"):
            spike_time += list(cell.hSpkTimes)
            spike_gid += [cell.gid] * int(cell.hSpkTimes.size())
    out.update({f"conn_{k}": np.array(v) for k, v in rows.items()})
    out["drive_gid"], out["drive_time"] = np.array(spike_gid, dtype=int), np.array(spike_time)
    compare_templates(sim, Path(export_dir), out)
    np.savez(out_file, **out)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--run"]
    main(*args[-3:], run="--run" in sys.argv)

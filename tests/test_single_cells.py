"""Each cell type alone, under a somatic current step, matches hnn-core.

The reference ``data/single_cell_reference.npz`` holds hnn-core 0.6.1's
somatic voltage of each cell type under two current steps (made by
``validation/make_single_cell_references.py``). Here the same eight cases
are built as one NetPyNE network from our cell rules: one population of a
single cell per case, no connections, an IClamp at soma(0.5) per
population, the same dt and temperature, and each section's ``vinit`` from
our rules. The voltage must agree within 1e-5 mV at every time step (the
reference is stored in float32, whose steps are 3.8e-6 mV there; measured:
3.8e-6 mV) and the spike counts must be equal.

NetPyNE keeps global state in ``netpyne.sim``, so the simulation runs in a
separate Python process (this file run as a script), which writes an .npz
that the test reads.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REFERENCE = Path(__file__).parent / "data" / "single_cell_reference.npz"
TOLERANCE_MV = 1e-5
SPIKE_THRESHOLD_MV = 0.0


def count_spikes(v, threshold=SPIKE_THRESHOLD_MV):
    """Number of upward crossings of ``threshold`` (mV) in ``v``."""
    v = np.asarray(v, dtype=float)
    return int(np.sum((v[1:] >= threshold) & (v[:-1] < threshold)))


def load_single_cell_reference(path=REFERENCE):
    """The reference arrays, with the metadata decoded from JSON."""
    with np.load(path) as z:
        ref = {k: z[k] for k in z.files}
    ref["metadata"] = json.loads(str(ref["metadata"]))
    return ref


def simulate_netpyne(reference_path, out_path):
    """Simulate the reference's cases with NetPyNE and save the soma voltages.

    Runs in a fresh process (see the ``__main__`` block below).
    """
    from netpyne import sim, specs
    from neuron import h

    from hnn_netpyne.cells import cell_rules
    from hnn_netpyne.model.params import load_params
    from hnn_netpyne.runtime.geometry import set_rule_lengths
    from hnn_netpyne.runtime.mechanisms import load_mechanisms

    ref = load_single_cell_reference(reference_path)
    dt, tstop, celsius = float(ref["dt"]), float(ref["tstop"]), float(ref["celsius"])

    net_params = specs.NetParams()
    rules = cell_rules(load_params())
    pops = []
    for i, cell_type in enumerate(ref["cell_types"]):
        cell_type = str(cell_type)
        pop = f"{cell_type}_step{i}"
        pops.append(pop)
        if cell_type not in net_params.cellParams:
            net_params.cellParams[cell_type] = rules[cell_type]
        net_params.popParams[pop] = {"cellType": cell_type,
                                     "cellsList": [{"x": 0.0, "y": 0.0, "z": 0.0}]}
        net_params.stimSourceParams[f"step{i}"] = {
            "type": "IClamp",
            "del": float(ref["delay_ms"][i]),
            "dur": float(ref["dur_ms"][i]),
            "amp": float(ref["amp_nA"][i]),
        }
        net_params.stimTargetParams[f"step{i}->{pop}"] = {
            "source": f"step{i}", "conds": {"pop": pop}, "sec": "soma", "loc": 0.5,
        }

    # The dipole mechanisms are inserted as in a network run (hnn-core does too).
    cfg = specs.SimConfig({
        "duration": tstop, "dt": dt, "recordStep": dt,
        "hParams": {"celsius": celsius, "v_init": -65.0},
        "recordCells": ["all"],
        "recordTraces": {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}},
        "recordDipolesHNN": {"L2": ["L2Pyr"], "L5": ["L5Pyr"]},
        "pt3dRelativeToCellLocation": True, "invertedYCoord": False, "createPyStruct": True,
        "verbose": False, "printRunTime": False, "printPopAvgRates": False, "progressBar": 0,
        "analysis": {}, "saveJson": False, "savePickle": False,
    })

    load_mechanisms()
    sim.initialize(netParams=net_params, simConfig=cfg)
    sim.net.createPops()
    sim.net.createCells()
    set_rule_lengths(sim)
    sim.net.connectCells()
    sim.net.addStims()
    sim.setupRecording()
    # NetPyNE records with Vector.record(ptr, recordStep), which stops one
    # sample short of tstop; the same soma(0.5).v is also recorded at every
    # step (as hnn-core records it) to cover the whole trace.
    cell_of_pop = {cell.tags["pop"]: cell for cell in sim.net.cells}
    t_rec = h.Vector().record(h._ref_t)
    v_rec = [h.Vector().record(cell_of_pop[p].secs["soma"]["hObj"](0.5)._ref_v) for p in pops]
    sim.runSim()

    v_netpyne = [np.array(sim.simData["V_soma"][f"cell_{cell_of_pop[p].gid}"]) for p in pops]
    # (rule L, NEURON's L, worst relative area error) per section; the 3-D
    # points hold diameters in single precision
    geometry = [(sec["geom"]["L"], sec["hObj"].L,
                 max(abs(seg.area() / (np.pi * float(np.float32(sec["geom"]["diam"])) * sec["hObj"].L
                                       / sec["hObj"].nseg) - 1.0) for seg in sec["hObj"]))
                for cell in cell_of_pop.values() for sec in cell.secs.values()]
    np.savez(out_path, v_soma=np.array([np.array(v) for v in v_rec]), times=np.array(t_rec),
             pops=np.array(pops), v_netpyne=np.array(v_netpyne),
             t_netpyne=np.array(sim.simData["t"]), geometry=np.array(geometry))


def test_reference_is_complete():
    ref = load_single_cell_reference()
    assert set(ref["cell_types"]) == {"L2Basket", "L2Pyr", "L5Basket", "L5Pyr"}
    n = int(round(float(ref["tstop"]) / float(ref["dt"]))) + 1
    assert ref["v_soma"].shape == (len(ref["labels"]), n)
    assert ref["metadata"]["hnn_core_version"] == "0.6.1"
    # each cell type has a subthreshold step and a spiking step
    for cell_type in set(ref["cell_types"]):
        counts = ref["n_spikes"][ref["cell_types"] == cell_type]
        assert counts.min() == 0 and counts.max() >= 3


def test_single_cells_match_hnn_core(tmp_path):
    ref = load_single_cell_reference()
    out = tmp_path / "netpyne_single_cells.npz"
    started = time.time()
    proc = subprocess.run([sys.executable, __file__, str(REFERENCE), str(out)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    elapsed = time.time() - started
    with np.load(out) as z:
        ours = {k: z[k] for k in z.files}

    assert ours["times"].shape == ref["times"].shape
    np.testing.assert_allclose(ours["times"], ref["times"], rtol=0, atol=1e-9)
    assert ours["v_soma"].shape == ref["v_soma"].shape
    # NetPyNE's own recording is the same trace, one sample short at the end
    n_netpyne = ours["v_netpyne"].shape[1]
    assert n_netpyne >= ref["times"].size - 1
    np.testing.assert_array_equal(ours["v_netpyne"], ours["v_soma"][:, :n_netpyne])
    np.testing.assert_allclose(ours["t_netpyne"], ref["times"][:n_netpyne], rtol=0, atol=1e-9)

    # hnn-core's sections (NEURON 8.2.7) have their nominal lengths and areas
    # pi * diam * L / nseg to 1.3e-15 (diam as float32 3-D points hold it);
    # NetPyNE's own, without set_rule_lengths, are up to 1.3e-7 short.
    rule_l, neuron_l, area_errors = ours["geometry"].T
    np.testing.assert_allclose(neuron_l, rule_l, rtol=1e-15, atol=0)
    assert np.all(area_errors < 1e-14), area_errors

    report, failures = [], []
    for label, v_ours, v_ref in zip(ref["labels"], ours["v_soma"], ref["v_soma"]):
        dv = np.abs(v_ours - v_ref.astype(float))
        worst = int(np.argmax(dv))
        n_ours, n_ref = count_spikes(v_ours), count_spikes(v_ref)
        report.append(f"{label}: max|dv| = {dv[worst]:.2e} mV at t = "
                      f"{ref['times'][worst]:.3f} ms; spikes {n_ours} (hnn-core {n_ref})")
        if dv[worst] > TOLERANCE_MV or n_ours != n_ref:
            failures.append(report[-1])
    print(f"NetPyNE subprocess: {elapsed:.1f} s")
    print("\n".join(report))
    assert not failures, "\n".join(failures)


if __name__ == "__main__":
    simulate_netpyne(Path(sys.argv[1]), Path(sys.argv[2]))

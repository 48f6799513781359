"""The SONATA export, proven by two independent readers.

libsonata opens the exported circuit and simulation config; its nodes, edges
and input spikes must equal, one to one, the network NetPyNE builds, read
back from NEURON's own objects (``sonata_netpyne_run.py``). bmtk BioNet then
simulates the export (``sonata_run_bmtk.py``) and its cell spikes must equal
hnn-netpyne's own run of the same configuration.

CI exports and runs the ERP network for ``CI_TSTOP_MS`` (its first cell
spikes follow the evprox1 drive at about 24 ms); the full 170 ms comparison
is marked slow.
"""

import csv
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reference_data import DATA
from hnn_netpyne.errors import HNNNetpyneError
from hnn_netpyne.model.specs import build_net_params, build_sim_config

libsonata = pytest.importorskip("libsonata", reason="needs the 'sonata' extra (libsonata)")
h5py = pytest.importorskip("h5py", reason="needs the 'sonata' extra (h5py)")

HERE = Path(__file__).parent
CI_TSTOP_MS = 50.0
SPIKE_TOLERANCE_MS = 0.05
CELL_POPS = ("L2Basket", "L2Pyr", "L5Basket", "L5Pyr")
TIMEOUT_S = 2400
needs_bmtk = pytest.mark.skipif(importlib.util.find_spec("bmtk") is None,
                                reason="needs the 'sonata' extra (bmtk)")


def _run(cmd, timeout=TIMEOUT_S):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, (f"{cmd[1]} failed ({proc.returncode}):\n"
                                  f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def export_with_cli(outdir, *options):
    """``hnn-netpyne export-sonata OUTDIR OPTIONS``; returns the listed paths."""
    proc = _run([sys.executable, "-m", "hnn_netpyne.cli", "export-sonata", outdir, *options])
    return [Path(line) for line in proc.stdout.splitlines() if line.startswith("/")]


def netpyne_dump(cfg, export_dir, folder, run):
    """Build (and with ``run``, simulate) ``cfg`` in NetPyNE; the dump's arrays."""
    config = folder / "netpyne_cfg.json"
    config.write_text(json.dumps(cfg))
    out = folder / ("netpyne_run.npz" if run else "netpyne_build.npz")
    _run([sys.executable, HERE / "sonata_netpyne_run.py", config, export_dir, out]
         + (["--run"] if run else []))
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


def bmtk_spikes(export_dir, folder):
    """Cell spikes of bmtk BioNet running the export's bmtk config."""
    out = folder / "bmtk_spikes.npz"
    _run([sys.executable, HERE / "sonata_run_bmtk.py", export_dir, out])
    with np.load(out) as z:
        return {k: z[k] for k in z.files}


@pytest.fixture(scope="module")
def erp(tmp_path_factory):
    """The ERP network exported by the command line, and its NetPyNE build and run."""
    folder = tmp_path_factory.mktemp("sonata_erp")
    outdir = folder / "export"
    listed = export_with_cli(outdir, "--preset", "erp", "--tstop", str(CI_TSTOP_MS))
    # The dump adds template cells after the build: one thread (no thread partition).
    cfg = build_sim_config("erp", tstop=CI_TSTOP_MS, output_dir=str(folder / "run"),
                           n_threads=1)
    dump = netpyne_dump(cfg, outdir, folder, run=True)
    return {"dir": outdir, "listed": listed, "cfg": cfg, "dump": dump, "folder": folder}


# --- helpers on the NetPyNE dump -------------------------------------------


def node_index(dump):
    """gid -> (population, node id), node ids counted per population in gid order."""
    index, counts = {}, {}
    for gid, pop in zip(dump["cell_gid"].tolist(), dump["cell_pop"].tolist()):
        index[gid] = (pop, counts.get(pop, 0))
        counts[pop] = counts.get(pop, 0) + 1
    return index, counts


def edge_types(export_dir):
    with open(export_dir / "network/edge_types.csv") as fid:
        rows = list(csv.DictReader(fid, delimiter=" "))
    return {int(r["edge_type_id"]): r for r in rows}


def sonata_edges(export_dir):
    """Every edge read by libsonata: rows of (population, src, tgt, syn_mech, ...)."""
    circuit = libsonata.CircuitConfig.from_file(export_dir / "circuit_config.json")
    types = edge_types(export_dir)
    dynamics = {}
    rows = []
    with h5py.File(export_dir / "network/edges.h5", "r") as h5:
        for name in sorted(circuit.edge_populations):
            pop = circuit.edge_population(name)
            sel = pop.select_all()
            # libsonata's Python API has no edge type ids: h5py reads that dataset.
            type_ids = h5[f"edges/{name}/edge_type_id"][()]
            columns = [pop.source_nodes(sel), pop.target_nodes(sel), type_ids,
                       pop.get_attribute("afferent_section_id", sel),
                       pop.get_attribute("afferent_section_pos", sel),
                       pop.get_attribute("syn_weight", sel), pop.get_attribute("delay", sel)]
            for src, tgt, type_id, sec, pos, weight, delay in zip(*columns):
                etype = types[int(type_id)]
                if etype["dynamics_params"] not in dynamics:
                    path = export_dir / "components/synaptic_models" / etype["dynamics_params"]
                    dynamics[etype["dynamics_params"]] = json.loads(path.read_text())
                syn = dynamics[etype["dynamics_params"]]
                rows.append((pop.source, int(src), pop.target, int(tgt), etype["syn_mech"],
                             int(sec), float(pos), float(weight), float(delay),
                             syn["erev"], syn["tau1"], syn["tau2"]))
    return rows


def netpyne_edges(dump):
    """Every synaptic NetCon of the dump, in the same row form as sonata_edges."""
    index, _ = node_index(dump)
    sec_ids = {pop: {name: i for i, name in enumerate(dump[f"{pop}_section_names"].tolist())}
               for pop in CELL_POPS}
    rows = []
    for k in range(len(dump["conn_src"])):
        src_pop, src = index[int(dump["conn_src"][k])]
        tgt_pop, tgt = index[int(dump["conn_tgt"][k])]
        rows.append((src_pop, src, tgt_pop, tgt, str(dump["conn_syn_mech"][k]),
                     sec_ids[tgt_pop][str(dump["conn_sec"][k])], float(dump["conn_x"][k]),
                     float(dump["conn_weight"][k]), float(dump["conn_delay"][k]),
                     float(dump["conn_e"][k]), float(dump["conn_tau1"][k]),
                     float(dump["conn_tau2"][k])))
    return rows


def compare_cell_spikes(dump, bmtk):
    """(number of spikes, max |time difference| in ms) of bmtk against NetPyNE.

    Raises AssertionError when the spiking cells or spike counts differ.
    """
    index, _ = node_index(dump)
    ours = sorted((index[int(g)][0], index[int(g)][1], float(t))
                  for t, g in zip(dump["spike_times"], dump["spike_gids"])
                  if index[int(g)][0] in CELL_POPS)
    theirs = sorted((pop, int(n), float(t)) for pop in CELL_POPS
                    for n, t in zip(bmtk.get(f"{pop}_node_ids", []), bmtk.get(f"{pop}_times", [])))
    assert len(theirs) == len(ours), (len(theirs), len(ours))
    assert [s[:2] for s in theirs] == [s[:2] for s in ours]
    shift = max((abs(a[2] - b[2]) for a, b in zip(ours, theirs)), default=0.0)
    return len(ours), shift


# --- libsonata --------------------------------------------------------------


def test_cli_lists_the_written_files(erp):
    listed = set(erp["listed"])
    written = {p for p in erp["dir"].rglob("*") if p.is_file()}
    assert listed == written
    for name in ("circuit_config.json", "simulation_config.json", "simulation_config_bmtk.json",
                 "network/nodes.h5", "network/edges.h5", "network/edge_types.csv",
                 "inputs/drive_spikes.h5", "components/hoc_templates/L5Pyr.hoc",
                 "components/morphologies/L5Pyr.swc", "components/mechanisms/ecalegacy.mod"):
        assert erp["dir"] / name in listed, name
    assert not list(erp["folder"].glob(".export.*")), "temporary folders left behind"


def test_libsonata_opens_every_population(erp):
    circuit = libsonata.CircuitConfig.from_file(erp["dir"] / "circuit_config.json")
    assert circuit.config_status == libsonata.CircuitConfigStatus.complete
    drives = [d["name"] for d in erp["cfg"]["drives"]]
    assert circuit.node_populations == set(CELL_POPS) | set(drives)
    for name in circuit.node_populations:
        kind = circuit.node_population_properties(name).type
        assert kind == ("virtual" if name in drives else "biophysical")
        assert circuit.node_population(name).size > 0
    assert len(circuit.edge_populations) > 0
    with h5py.File(erp["dir"] / "network/edges.h5", "r") as h5:
        for name in circuit.edge_populations:
            pop = circuit.edge_population(name)
            assert circuit.edge_population_properties(name).type == "chemical"
            assert name == f"{pop.source}__{pop.target}__chemical"
            assert pop.size > 0
            # Both indices exist, uncompressed (libsonata cannot read compressed ones).
            for direction in ("source_to_target", "target_to_source"):
                for dataset in h5[f"edges/{name}/indices/{direction}"].values():
                    assert dataset.compression is None
            # libsonata answers queries through the indices.
            first_target = int(pop.target_nodes(pop.select_all())[0])
            assert pop.afferent_edges([first_target]).flat_size > 0


def test_simulation_configs(erp):
    sim = libsonata.SimulationConfig.from_file(erp["dir"] / "simulation_config.json")
    cfg = erp["cfg"]
    assert sim.run.tstop == cfg["duration"] and sim.run.dt == cfg["dt"]
    assert sim.run.spike_threshold == 0.0
    assert sim.conditions.celsius == cfg["hParams"]["celsius"]
    assert sim.conditions.v_init == cfg["hParams"]["v_init"]
    assert sim.output.spikes_sort_order == libsonata.SimulationConfig.Output.SpikesSortOrder.by_time
    replay = sim.input("drive_spikes")
    assert isinstance(replay, libsonata.SimulationConfig.SynapseReplay)
    assert Path(replay.spike_file).is_file()
    assert set(libsonata.NodeSets.from_file(erp["dir"] / "node_sets.json").names) >= {"cells"}
    bmtk = json.loads((erp["dir"] / "simulation_config_bmtk.json").read_text())
    assert {i["module"] for i in bmtk["inputs"].values()} == {"sonata"}
    assert bmtk["run"]["dL"] is None and bmtk["run"]["dt"] == cfg["dt"]
    assert bmtk["conditions"] == {"celsius": cfg["hParams"]["celsius"],
                                  "v_init": cfg["hParams"]["v_init"]}


def test_nodes_equal_netpyne_cells(erp):
    circuit = libsonata.CircuitConfig.from_file(erp["dir"] / "circuit_config.json")
    dump = erp["dump"]
    _, counts = node_index(dump)
    assert set(counts) == circuit.node_populations
    for name in circuit.node_populations:
        pop = circuit.node_population(name)
        assert pop.size == counts[name]
        mine = dump["cell_pop"] == name
        xyz = np.column_stack([pop.get_attribute(a, pop.select_all()) for a in "xyz"])
        np.testing.assert_array_equal(xyz, dump["cell_xyz"][mine])
    facts = json.loads((DATA / "erp_network_facts.json").read_text())
    assert [counts[p] for p in CELL_POPS] == list(facts["cells_per_type"].values())
    assert {d: counts[d] for d in facts["drive_cells_per_drive"]} == facts["drive_cells_per_drive"]


def test_edges_equal_netpyne_connections(erp):
    exported = sonata_edges(erp["dir"])
    built = netpyne_edges(erp["dump"])
    facts = json.loads((DATA / "erp_network_facts.json").read_text())
    assert len(exported) == len(built) == facts["synaptic_netcons_total"]
    # One NetCon per (source, target, section, receptor): the keys pair them one to one.
    keys = [row[:6] for row in built]
    assert len(set(keys)) == len(keys)
    assert sorted(exported) == sorted(built)


def test_input_spikes_equal_drive_events(erp):
    from hnn_netpyne.model.drives import drive_events

    reader = libsonata.SpikeReader(erp["dir"] / "inputs/drive_spikes.h5")
    dump = erp["dump"]
    index, _ = node_index(dump)
    expected = drive_events(build_net_params(erp["cfg"]), 0)
    assert set(reader.get_population_names()) == set(expected)
    total = 0
    for name, per_cell in expected.items():
        spikes = reader[name]
        assert spikes.sorting == "by_time"
        got = spikes.get()
        times = [t for _, t in got]
        assert times == sorted(times)
        want = sorted((t, node) for node, cell_times in enumerate(per_cell) for t in cell_times)
        assert sorted((t, n) for n, t in got) == want
        played = sorted((t, index[int(g)][1]) for g, t in zip(dump["drive_gid"], dump["drive_time"])
                        if index[int(g)][0] == name)
        assert played == want
        total += len(got)
    assert total > 0


def test_templates_and_morphologies_equal_cell_rules(erp):
    for pop in CELL_POPS:
        assert int(erp["dump"][f"{pop}_template_mismatches"]) == 0, pop
        assert int(erp["dump"][f"{pop}_swc_mismatches"]) == 0, pop


# --- bmtk -------------------------------------------------------------------


@needs_bmtk
def test_bmtk_runs_the_export_like_hnn_netpyne(erp):
    bmtk = bmtk_spikes(erp["dir"], erp["folder"])
    n_spikes, shift = compare_cell_spikes(erp["dump"], bmtk)
    print(f"\nbmtk vs hnn-netpyne, ERP {CI_TSTOP_MS} ms: {n_spikes} cell spikes, max shift "
          f"{shift:.3g} ms (bmtk build {float(bmtk['build_s']):.0f} s, run "
          f"{float(bmtk['run_s']):.0f} s)")
    assert n_spikes > 0
    assert shift <= SPIKE_TOLERANCE_MS


@pytest.mark.slow
@needs_bmtk
def test_bmtk_full_erp_equals_hnn_netpyne(tmp_path):
    export_with_cli(tmp_path / "export", "--preset", "erp")
    cfg = build_sim_config("erp", output_dir=str(tmp_path / "run"))
    dump = netpyne_dump(cfg, tmp_path / "export", tmp_path, run=True)
    bmtk = bmtk_spikes(tmp_path / "export", tmp_path)
    n_spikes, shift = compare_cell_spikes(dump, bmtk)
    print(f"\nbmtk vs hnn-netpyne, ERP {cfg['duration']} ms: {n_spikes} cell spikes, "
          f"max shift {shift:.3g} ms")
    assert n_spikes > 0
    assert shift <= SPIKE_TOLERANCE_MS


# --- output folders -----------------------------------------------------------


def test_refuses_a_non_empty_folder(tmp_path):
    from hnn_netpyne.export.sonata import export_sonata

    outdir = tmp_path / "taken"
    outdir.mkdir()
    (outdir / "notes.txt").write_text("keep me")
    with pytest.raises(HNNNetpyneError, match="not empty.*--overwrite"):
        export_sonata(build_sim_config("erp"), outdir)
    assert (outdir / "notes.txt").read_text() == "keep me"
    proc = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli", "export-sonata", str(outdir)],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2
    assert "not empty" in proc.stderr and "--overwrite" in proc.stderr
    assert [p.name for p in outdir.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("existing", [False, True])
def test_a_failed_export_leaves_no_partial_circuit(tmp_path, monkeypatch, existing):
    import hnn_netpyne.export.sonata as sonata

    outdir = tmp_path / "circuit"
    if existing:  # an earlier export, as its manifest says
        outdir.mkdir()
        (outdir / "circuit_config.json").write_text("{}")
        (outdir / "manifest.json").write_text('{"files": ["circuit_config.json"]}')

    def half_written(folder, *args):
        (folder / "network").mkdir()
        (folder / "network/nodes.h5").write_bytes(b"partial")
        raise RuntimeError("disk full")

    # No NetPyNE build: the failure under test is in the writing.
    monkeypatch.setattr(sonata, "capture_network", lambda cfg, net_params: None)
    monkeypatch.setattr(sonata, "_write_all", half_written)
    with pytest.raises(RuntimeError, match="disk full"):
        sonata.export_sonata(build_sim_config("erp"), outdir, overwrite=existing)
    assert sorted(p.name for p in tmp_path.iterdir()) == (["circuit"] if existing else [])
    if existing:
        assert sorted(p.name for p in outdir.iterdir()) == ["circuit_config.json",
                                                            "manifest.json"]
        assert (outdir / "circuit_config.json").read_text() == "{}"


def test_overwrite_replaces_an_earlier_export_only(tmp_path):
    outdir = tmp_path / "tiny"
    outdir.mkdir()
    # An existing empty folder needs no --overwrite.
    first = export_with_cli(outdir, "--preset", "erp", "--mesh", "1", "1", "--tstop", "30")
    (outdir / "notes.txt").write_text("not from an export")
    proc = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli", "export-sonata", str(outdir),
                           "--preset", "erp", "--mesh", "1", "1", "--overwrite"],
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert proc.returncode == 2 and "notes.txt" in proc.stderr
    assert (outdir / "notes.txt").exists() and all(p.is_file() for p in first)
    (outdir / "notes.txt").unlink()
    listed = export_with_cli(outdir, "--preset", "erp", "--mesh", "1", "1", "--tstop", "30",
                             "--overwrite")
    assert all(p.is_file() for p in listed)
    circuit = libsonata.CircuitConfig.from_file(outdir / "circuit_config.json")
    assert circuit.config_status == libsonata.CircuitConfigStatus.complete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny"]

"""The model as a NetPyNE user meets it, each step in a fresh process.

A user edits ``sim/cfg.py`` (here: a copy with the edits), runs NetPyNE's
standard script beside it, loads a run folder with ``sim.loadAll`` and draws
NetPyNE's plots with the arguments docs/guide/netpyne.md gives. Small grids
(3 x 3) and short runs keep each process to seconds.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hnn_netpyne.runtime.options import SIM_DIR

STANDARD_SCRIPT = """
from cfg import cfg
from netParams import netParams
from netpyne import sim

sim.createSimulateAnalyze(netParams, cfg)
"""
# What the test reads back from the standard script's process.
DUMP = """
import json
import numpy as np
sim.analysis.plotDipole(showFig=False, saveFig="plot_dipole.png")
conns = [[c["preGid"], cell.gid, c["sec"], c["loc"], c["synMech"], c["weight"], c["delay"],
          c["hObj"].weight[0], c["hObj"].delay] for cell in sim.net.cells for c in cell.conns]
np.savez("out.npz", dipole_sum=np.asarray(sim.allSimData["dipoleSum"]),
         spkt=np.asarray(sim.allSimData["spkt"]), spkid=np.asarray(sim.allSimData["spkid"]),
         conns=json.dumps(conns), connect_s=sim.timingData["connectTime"])
"""
# The user's edits of cfg.py: the ERP drives for 50 ms on a 3 x 3 grid.
ERP_EDITS = {'cfg.preset = "seed_bursty"': 'cfg.preset = "erp"',
             'cfg.duration = chosen["tstop"]': "cfg.duration = 50.0",
             "cfg.meshShape = None": "cfg.meshShape = [3, 3]"}
CELL_POPS = ["L2Basket", "L2Pyr", "L5Basket", "L5Pyr"]


def user_sim_folder(folder, edits):
    """A copy of sim/cfg.py (with ``edits``: old text -> new) and sim/netParams.py."""
    folder.mkdir(parents=True)
    cfg_text = (SIM_DIR / "cfg.py").read_text()
    for old, new in edits.items():
        assert old in cfg_text, old
        cfg_text = cfg_text.replace(old, new)
    (folder / "cfg.py").write_text(cfg_text)
    shutil.copy(SIM_DIR / "netParams.py", folder / "netParams.py")
    return folder


def run_python(folder, script, timeout=600):
    """``python script`` (its text) in ``folder``, in a fresh process; its stdout."""
    (folder / "script.py").write_text(script)
    proc = subprocess.run([sys.executable, "script.py"], cwd=folder, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, MPLBACKEND="Agg"))
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc.stdout


def standard_script_run(folder, edits):
    user_sim_folder(folder, edits)
    stdout = run_python(folder, STANDARD_SCRIPT + DUMP)
    out = dict(np.load(folder / "out.npz"))
    out["conns"] = json.loads(str(out["conns"]))
    return out, stdout


@pytest.fixture(scope="module")
def erp_runs(tmp_path_factory):
    """The standard script with each connector, and the runner's run folder, of one cfg."""
    root = tmp_path_factory.mktemp("netpyne_user")
    fast, fast_stdout = standard_script_run(root / "fast", ERP_EDITS)
    netpyne, _ = standard_script_run(root / "netpyne",
                                     dict(ERP_EDITS, **{"cfg.fastConnect = True":
                                                        "cfg.fastConnect = False"}))
    folder = root / "runner"
    proc = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli", "run", "--preset", "erp",
                           "--tstop", "50", "--mesh", "3", "3", "--solver", "neuron",
                           "--output", str(folder), "--no-plots", "--quiet"],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {"fast": fast, "fast_stdout": fast_stdout, "netpyne": netpyne, "runner": folder,
            "root": root}


def test_standard_script_plot_dipole_is_the_runners(erp_runs):
    runner = json.loads((erp_runs["runner"] / "netpyne_data.json").read_text())["simData"]
    expected = np.asarray(runner["dipoleSum"])
    peak = np.abs(expected[:, 2]).max()
    assert peak > 1e3  # nA µm: the ERP's first proximal drive arrives at about 27 ms
    for mode in ("fast", "netpyne"):
        plotted = erp_runs[mode]["dipole_sum"]
        assert plotted.shape == expected.shape == (2001, 3)
        np.testing.assert_allclose(plotted, expected, rtol=0, atol=1e-9 * peak)
        assert (sorted(zip(erp_runs[mode]["spkt"], erp_runs[mode]["spkid"]))
                == sorted(zip(runner["spkt"], runner["spkid"])))
    assert (erp_runs["root"] / "fast" / "plot_dipole.png").stat().st_size > 10_000


def test_standard_script_connector_gives_netpyne_connections(erp_runs):
    def keyed(conns):
        return sorted((pre, post, sec, loc, mech) + tuple(values)
                      for pre, post, sec, loc, mech, *values in conns)

    fast, netpyne = keyed(erp_runs["fast"]["conns"]), keyed(erp_runs["netpyne"]["conns"])
    assert len(fast) == len(netpyne) > 1000  # contacts of cells and drives
    assert [row[:5] for row in fast] == [row[:5] for row in netpyne]
    # weight and delay in NetPyNE's conn Dicts, then read back from the NetCons
    np.testing.assert_allclose([row[5:] for row in fast], [row[5:] for row in netpyne],
                               rtol=1e-12, atol=0)
    assert "Making connections (hnn-netpyne's connector)" in erp_runs["fast_stdout"]


def test_drive_events_follow_duration_when_netparams_is_built(tmp_path):
    check = """
from hnn_netpyne.runtime.netpyne_hooks import built_duration_ms
events = [t for cell in netParams.popParams["bursty"]["cellsList"] for t in cell["spkTimes"]]
print("BUILT", built_duration_ms(netParams.todict()), "EVENTS<=50", sum(t <= 50 for t in events))
"""
    before = user_sim_folder(tmp_path / "before", {"cfg.meshShape = None": "cfg.meshShape = [3, 3]"})
    stdout = run_python(before, "from cfg import cfg\ncfg.duration = 50.0\n"
                        "from netParams import netParams\n" + check + "import sys\n"
                        "print('COMMAND LINE MODULE', 'hnn_netpyne.cli' in sys.modules)\n")
    assert "BUILT 50.0 EVENTS<=50 0" in stdout  # hnn-core draws no bursts for a 50 ms run
    assert "COMMAND LINE MODULE False" in stdout  # NetPyNE's entry points do without it

    after = user_sim_folder(tmp_path / "after", {"cfg.meshShape = None": "cfg.meshShape = [3, 3]"})
    stdout = run_python(after, "from cfg import cfg\nfrom netParams import netParams\n" + check + """
from netpyne import sim
from hnn_netpyne.errors import ParameterError
cfg.duration = 50.0
sim.create(netParams, cfg)
played = sum(len(cell.hSpkTimes) for cell in sim.net.cells if cell.tags["pop"] == "bursty")
print("PLAYED", played)
cfg.duration = 400.0
try:
    sim.create(netParams, cfg)
except ParameterError as err:
    print("REFUSED", err)
""")
    assert "BUILT 310.0 EVENTS<=50 12" in stdout
    assert "drawn for 310 ms: simulating the first 50 ms of that run" in stdout
    assert "REFUSED" in stdout and "drawn for 310 ms" in stdout


# docs/guide/netpyne.md's lines: any run folder's data file, for NetPyNE's analysis ...
LOAD_RUN = """
from netpyne import sim
sim.initialize(); sim.loadAll("{data}", instantiate=False)
"""
# ... and a saved network (--save-network) as NEURON cells, with the HNN mechanisms.
LOAD_NETWORK = """
from netpyne import sim
import hnn_netpyne; hnn_netpyne.load_mechanisms()
sim.initialize(); sim.loadAll("{data}")
"""


def test_load_all_of_a_run_folder_draws_its_raster(erp_runs, tmp_path):
    data = erp_runs["runner"] / "netpyne_data.json"
    saved = json.loads(data.read_text())
    stdout = run_python(tmp_path, LOAD_RUN.format(data=data) + """
sim.analysis.plotRaster(showFig=False, saveFig="raster.png")
print("CELLS", len(sim.net.allCells), "SPIKES", len(sim.allSimData["spkt"]))
""")
    n_cells = sum(len(pop["cellsList"]) for pop in saved["net"]["params"]["popParams"].values())
    n_spikes = len(saved["simData"]["spkt"])
    assert n_spikes > 0 and f"CELLS {n_cells} SPIKES {n_spikes}" in stdout
    assert "exception" not in stdout and "Unable" not in stdout
    assert (tmp_path / "raster.png").stat().st_size > 10_000


def test_load_all_of_a_saved_network_and_its_plots(tmp_path):
    folder = tmp_path / "run"
    proc = subprocess.run([sys.executable, "-m", "hnn_netpyne.cli", "run", "--preset", "erp",
                           "--tstop", "10", "--mesh", "3", "3", "--save-network", "--output",
                           str(folder), "--no-plots", "--quiet"],
                          capture_output=True, text=True, timeout=600, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr[-3000:]
    stdout = run_python(tmp_path, LOAD_NETWORK.format(data=folder / "netpyne_data.json") + f"""
import numpy as np
_, by_contact = sim.analysis.plotConn(feature="probability", showFig=False)
_, by_conn = sim.analysis.plotConn(feature="probability", synOrConn="conn", showFig=False)
print("SYN", np.round(by_contact["connMatrix"][1, 1], 6), "CONN",
      np.round(by_conn["connMatrix"][1, 1], 6), "MAX", by_conn["connMatrix"].max())
sim.analysis.plot2Dnet(view="xz", showConns=False, showFig=False, saveFig="net2d.png")
sim.analysis.plotShape(includePost={CELL_POPS!r}, elev=0, azim=-90, showFig=False,
                       saveFig="shape.png")
""")
    # L2Pyr -> L2Pyr: every other cell of 9 (8/9); each connection has 6 contacts
    # (AMPA and NMDA on 3 sections), which NetPyNE's default synOrConn='syn' counts.
    assert "SYN 5.333333 CONN 0.888889 MAX 1.0" in stdout
    assert "exception" not in stdout and "Unable" not in stdout
    for figure in ("net2d.png", "shape.png"):
        assert (tmp_path / figure).stat().st_size > 10_000

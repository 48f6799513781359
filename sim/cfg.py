"""Simulation configuration of the HNN column (NetPyNE's ``cfg``).

Edit the fields below, then run ``init.py`` or NetPyNE's standard script
(see docs/guide/netpyne.md). By default this is the seed scenario
(hnn-core's MPI example). ``init.py``'s run options replace the fields they
name (``--tstop 100`` sets ``cfg.duration``); ``--preset``, ``--params`` and
``--network-config`` bring the values of that preset or file for the fields
marked [preset]/[param file] unless those are given too (see
``hnn-netpyne run --help`` and ``hnn_netpyne/runtime/entry_config.py``).
netParams.py is built from this cfg when it is imported: set
``cfg.duration`` before that, so the drives are drawn for the whole run.
"""

from netpyne import specs

from hnn_netpyne.model.presets import preset
from hnn_netpyne.runtime.entry_config import complete_sim_config

cfg = specs.SimConfig()

# ---- The model ----
cfg.preset = "seed_bursty"   # hnn-core example whose drives are used: seed_bursty, erp, alpha,
                             # gamma, beta, calcium, or params (the parameter file's drives)
chosen = preset(cfg.preset)  # its parameter file, model and run length (hnn_netpyne/model/presets.py)
cfg.paramFile = chosen["param_file"]  # [preset] HNN parameter file (.json or .param); None: default.json
cfg.model = chosen["model"]  # [preset] cell variant: neymotin_2020 (= jones_2009), law_2021, calcium
cfg.meshShape = None         # [param file] pyramidal grid [NX, NY]; None: N_pyr_x x N_pyr_y (10 x 10)

# ---- The run ----
cfg.duration = chosen["tstop"]  # ms [preset] (seed_bursty 310, erp 170, or a number of yours);
                                # the drives are drawn for it
cfg.dt = 0.025        # ms [param file] integration step
cfg.nTrials = 1       # [param file] trials, each with its own drive events (init.py averages them;
                      # NetPyNE's own sim.runSim simulates the first)
cfg.hParams = {"celsius": 37.0, "v_init": -65.0}  # [param file] °C, mV
cfg.seeds = {"conn": 1, "stim": 1, "loc": 1, "cell": 1}  # NetPyNE's seeds; the drive events
                                                         # use each drive's hnn-core event_seed
cfg.fastConnect = True  # connect with hnn-netpyne's connector (NetPyNE's connections, faster);
                        # False: NetPyNE's own connectCells
# Solver: init.py picks CoreNEURON and threads (hnn_netpyne/model/solver.py); NetPyNE's own
# sim.runSim uses NEURON's solver on one thread. The results are the same.

# ---- Recordings ----
cfg.recordDipolesHNN = {"L2": ["L2Pyr"], "L5": ["L5Pyr"]}  # HNN current dipole per layer (fAm)
cfg.recordStep = cfg.dt            # ms; must equal dt for the HNN dipole
cfg.dipoleSmoothWindowMs = None    # [param file] ms, Hamming window of the shown dipole (0: none;
                                   # None: the parameter file's dipole_smooth_win, 30 in default.json)
cfg.dipoleScaleFactor = None       # [param file] the shown dipole's scaling (0: none; None: the
                                   # parameter file's dipole_scalefctr, 3000 in default.json)
cfg.recordCells = []               # NetPyNE traces, e.g. ["all"] with
cfg.recordTraces = {}              # {"V_soma": {"sec": "soma", "loc": 0.5, "var": "v"}} (mV)
cfg.recordVsec = False  # hnn-core's membrane potentials (mV) at section middles: False, "soma", "all"
cfg.recordIsec = False  # synaptic currents (nA) per section and receptor: False, "soma", "all"
cfg.recordCa = False    # calcium concentration (mM) at section middles: False, "soma", "all"

# ---- Output (init.py's run folder) ----
cfg.outputDir = f"output/{cfg.preset}"  # [preset] run folder
cfg.saveNetwork = False  # also every cell's sections and connections in netpyne_data.json

# The HNN fields NetPyNE needs besides these (the preset's drives, the connection
# settings), with init.py's run options replacing the fields they name.
cfg = complete_sim_config(cfg)

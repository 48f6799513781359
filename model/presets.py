"""Named simulation presets, mirroring hnn-core's example gallery.

Each preset names a parameter file, a simulation length and the drives of
one hnn-core 0.6.1 example, with that example's seeds:

* ``erp``: sensory evoked response (``add_erp_drives_to_jones_model``);
* ``seed_bursty``: the MPI example (one 10 Hz distal bursty drive);
* ``alpha``: 10 Hz proximal and distal bursty drives;
* ``gamma``: Poisson drive on the weak-PING parameter set;
* ``beta``: a beta event (simultaneous proximal and distal bursts) on the
  Law 2021 network;
* ``calcium``: the ERP drives on the calcium network (Kohl et al. 2022), as
  hnn-core's ``calcium_model()`` is used.
"""

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.drives import bursty_drive, evoked_drive, poisson_drive


def erp_drives(tstart=0.0):
    """The three evoked drives of hnn-core's ERP example (ms, µS)."""
    proximal_delays = {"L2Basket": 0.1, "L2Pyr": 0.1, "L5Basket": 1.0, "L5Pyr": 1.0}
    return [
        evoked_drive(
            "evdist1", mu=63.53 + tstart, sigma=3.85, numspikes=1, location="distal",
            weights_ampa={"L2Basket": 0.006562, "L2Pyr": 7e-6, "L5Pyr": 0.142300},
            weights_nmda={"L2Basket": 0.019482, "L2Pyr": 0.004317, "L5Pyr": 0.080074},
            synaptic_delays={"L2Basket": 0.1, "L2Pyr": 0.1, "L5Pyr": 0.1}, event_seed=274,
        ),
        evoked_drive(
            "evprox1", mu=26.61 + tstart, sigma=2.47, numspikes=1, location="proximal",
            weights_ampa={"L2Basket": 0.08831, "L2Pyr": 0.01525, "L5Basket": 0.19934,
                          "L5Pyr": 0.00865},
            synaptic_delays=proximal_delays, event_seed=544,
        ),
        evoked_drive(
            "evprox2", mu=137.12 + tstart, sigma=8.33, numspikes=1, location="proximal",
            weights_ampa={"L2Basket": 0.000003, "L2Pyr": 1.438840, "L5Basket": 0.008958,
                          "L5Pyr": 0.684013},
            synaptic_delays=proximal_delays, event_seed=814,
        ),
    ]


def seed_bursty_drives():
    """The distal 10 Hz bursty drive of hnn-core's MPI example."""
    return [
        bursty_drive(
            "bursty", tstart=50.0, burst_rate=10.0, burst_std=20.0, numspikes=2,
            spike_isi=10.0, n_drive_cells=10, location="distal",
            weights_ampa={"L2Pyr": 5.4e-5, "L5Pyr": 5.4e-5}, event_seed=278,
        )
    ]


def alpha_drives():
    """Proximal and distal 10 Hz bursty drives of hnn-core's alpha example."""
    weights = {"L2Pyr": 5.4e-5, "L5Pyr": 5.4e-5}
    return [
        bursty_drive(
            "alpha_prox", tstart=50.0, burst_rate=10.0, burst_std=20.0, numspikes=2,
            spike_isi=10.0, n_drive_cells=10, location="proximal", weights_ampa=weights,
            synaptic_delays={"L2Pyr": 0.1, "L5Pyr": 1.0}, event_seed=284,
        ),
        bursty_drive(
            "alpha_dist", tstart=50.0, burst_rate=10.0, burst_std=15.0, numspikes=2,
            spike_isi=10.0, n_drive_cells=10, location="distal", weights_ampa=weights,
            synaptic_delays={"L2Pyr": 5.0, "L5Pyr": 5.0}, event_seed=296,
        ),
    ]


def gamma_drives():
    """Poisson drive of hnn-core's gamma (weak PING) example."""
    return [
        poisson_drive(
            "poisson", rate_constant={"L2Pyr": 140.0, "L5Pyr": 40.0}, location="proximal",
            weights_ampa={"L2Pyr": 0.0008, "L5Pyr": 0.0075},
            synaptic_delays={"L2Pyr": 0.1, "L5Pyr": 1.0}, event_seed=1349,
        )
    ]


def beta_drives(beta_start=50.0):
    """Beta-event drives of hnn-core's beta example (Law 2021)."""
    return [
        bursty_drive(
            "beta_dist", tstart=beta_start, tstart_std=0.0, tstop=beta_start + 50.0,
            burst_rate=1.0, burst_std=10.0, numspikes=2, spike_isi=10.0, n_drive_cells=10,
            location="distal", weights_ampa={"L2Basket": 0.00032, "L2Pyr": 0.00008,
                                             "L5Pyr": 0.00004},
            synaptic_delays={"L2Basket": 0.5, "L2Pyr": 0.5, "L5Pyr": 0.5}, event_seed=290,
        ),
        bursty_drive(
            "beta_prox", tstart=beta_start, tstart_std=0.0, tstop=beta_start + 50.0,
            burst_rate=1.0, burst_std=20.0, numspikes=2, spike_isi=10.0, n_drive_cells=10,
            location="proximal", weights_ampa={"L2Basket": 0.00004, "L2Pyr": 0.00002,
                                               "L5Basket": 0.00002, "L5Pyr": 0.00002},
            synaptic_delays={"L2Basket": 0.1, "L2Pyr": 0.1, "L5Basket": 1.0, "L5Pyr": 1.0},
            event_seed=300,
        ),
    ]


PRESETS = {
    "erp": {"param_file": None, "model": "neymotin_2020", "tstop": 170.0, "drives": erp_drives},
    "seed_bursty": {"param_file": None, "model": "neymotin_2020", "tstop": 310.0,
                    "drives": seed_bursty_drives},
    "alpha": {"param_file": None, "model": "neymotin_2020", "tstop": 310.0, "drives": alpha_drives},
    "gamma": {"param_file": "gamma_L5weak_L2weak.json", "model": "neymotin_2020",
              "tstop": 250.0, "drives": gamma_drives},
    "beta": {"param_file": None, "model": "law_2021", "tstop": 400.0, "drives": beta_drives},
    "calcium": {"param_file": None, "model": "calcium", "tstop": 170.0, "drives": erp_drives},
    "params": {"param_file": None, "model": "neymotin_2020", "tstop": None, "drives": None},
}
"""Preset name -> parameter file (in param/; None: default.json), model,
tstop (ms; None: from the parameter file) and drive factory (None: the
drives declared in the parameter file)."""


def preset(name):
    """Look up a preset by name, with a clear error for unknown names."""
    if name not in PRESETS:
        raise ParameterError(
            f"unknown preset {name!r}; expected one of {sorted(PRESETS)}", key="preset", value=name
        )
    return PRESETS[name]

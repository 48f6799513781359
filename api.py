"""An hnn-core-style Python API over the NetPyNE specifications.

Scripts written for hnn-core 0.6.1 port by changing the import::

    from hnn_netpyne import (MPIBackend, jones_2009_model, read_params,
                             simulate_dipole)

    net = jones_2009_model()
    net.add_bursty_drive('bursty', tstart=50., burst_rate=10, burst_std=20.,
                         numspikes=2, spike_isi=10, n_drive_cells=10,
                         location='distal', event_seed=278,
                         weights_ampa={'L2_pyramidal': 5.4e-5,
                                       'L5_pyramidal': 5.4e-5})
    with MPIBackend(n_procs=2):
        dpls = simulate_dipole(net, tstop=310., n_trials=1)
    dpls[0].plot()

The API lives in modules by concept: :mod:`hnn_netpyne.params`
(``read_params``), :mod:`hnn_netpyne.network` (``Network``),
:mod:`hnn_netpyne.network_models` (``jones_2009_model`` ...),
:mod:`hnn_netpyne.parallel_backends` (imported by the package, not here:
their ``simulate`` calls this module), :mod:`hnn_netpyne.analysis.dipole`
and :mod:`hnn_netpyne.analysis.cell_response` (the results). This module
runs simulations and gathers the public names. Argument names of older
hnn-core versions (``repeats``, ``seedcore``, ``default_network`` ...) still
work but warn with a :class:`DeprecationWarning` that names the replacement.
"""

from hnn_netpyne.analysis.cell_response import CellResponse, read_spikes
from hnn_netpyne.analysis.dipole import Dipole, average_dipoles, read_dipole
from hnn_netpyne.backend_stack import current_backend
from hnn_netpyne.checks import _deprecated, _renamed_arguments
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.cell_models import basket, pyramidal
from hnn_netpyne.cells.cell import Cell
from hnn_netpyne.network import Network, pick_connection
from hnn_netpyne.network_config import dict_to_network, read_network_configuration
from hnn_netpyne.network_io import network_to_dict, write_network_configuration
from hnn_netpyne.network_models import (
    add_erp_drives_to_jones_model,
    calcium_model,
    default_network,
    jones_2009_model,
    law_2021_model,
    neymotin_2020_model,
)
from hnn_netpyne.params import PARAM_DIR, Params, convert_to_json, read_params
from hnn_netpyne.runtime.mechanisms import load_mechanisms

__all__ = [
    "PARAM_DIR",
    "Cell",
    "CellResponse",
    "Dipole",
    "Network",
    "Params",
    "add_erp_drives_to_jones_model",
    "average_dipoles",
    "basket",
    "calcium_model",
    "convert_to_json",
    "default_network",
    "dict_to_network",
    "jones_2009_model",
    "law_2021_model",
    "load_mechanisms",
    "network_to_dict",
    "neymotin_2020_model",
    "pick_connection",
    "pyramidal",
    "read_dipole",
    "read_network_configuration",
    "read_params",
    "read_spikes",
    "simulate_dipole",
    "simulate_netpyne",
    "write_network_configuration",
]


def _trial_dipoles(results, net_params):
    """Renormalised nAm Dipole of each trial of a run folder's ``results.npz`` arrays."""
    from hnn_netpyne.runtime.run import trial_dipoles

    n_trials = sum(1 for key in results if key.startswith("dipole_fAm_L2_"))
    raw = [{layer: results[f"dipole_fAm_{layer}_{k}"] for layer in ("L2", "L5")}
           for k in range(1, n_trials + 1)]
    return trial_dipoles({"times": results["times"], "dipoles": raw}, net_params)


def simulate_netpyne(cfg, net_params, n_procs=None, output_dir=None, overwrite=False,
                     verbose=True, *, rec_arrays=None):
    """Simulate NetPyNE specifications of an HNN network (e.g. edited ones).

    Parameters
    ----------
    cfg, net_params : dict
        As returned by :meth:`Network.to_netpyne`.
    n_procs : int | None
        1 runs a child Python process, more that many MPI ranks; None uses
        the enclosing ``with MPIBackend(...)``, or else this process.
    output_dir : str | pathlib.Path | None
        Keep the run folder there (``results.npz``, dipole and spike text
        files, configuration, NetPyNE data); None discards it.
    overwrite : bool
        Replace the files of a non-empty ``output_dir``.
    verbose : bool
        Print NetPyNE's messages and the simulation's progress.
    rec_arrays : dict of str -> ExtracellularArray | None
        Arrays to fill with the potentials of the cfg's
        ``extracellularArrays`` of the same names.

    Returns
    -------
    dpls : list of Dipole
        Baseline-renormalised dipole (nAm) of each trial.
    cell_response : CellResponse
        Spikes and section recordings of each trial.
    """
    from hnn_netpyne.analysis.recordings import (
        SECTION_KINDS,
        extracellular_voltages,
        section_traces,
    )
    from hnn_netpyne.cells import hnn_core_name
    from hnn_netpyne.model.spec_safety import check_specs
    from hnn_netpyne.runtime.launcher import simulate_config
    from hnn_netpyne.runtime.run import gid_ranges

    # Before any process or NetPyNE sees them.
    check_specs(cfg, net_params, "simulate_netpyne(cfg, net_params)", output_dir)
    backend = current_backend()
    if n_procs is None:
        n_procs = backend.n_procs
    if backend.distribute and n_procs:  # a JoblibBackend: whole trials per rank
        cfg = dict(cfg, distribute=backend.distribute)
        n_procs = min(n_procs, int(cfg["nTrials"]))
    results = simulate_config(cfg, net_params, n_procs=n_procs, output_dir=output_dir,
                              overwrite=overwrite, progress=verbose, echo=verbose,
                              mpi_cmd=backend.mpi_cmd)
    dpls = _trial_dipoles(results, net_params)
    trials = range(1, len(dpls) + 1)
    ranges = {hnn_core_name(label): range(*bounds)
              for label, bounds in gid_ranges(net_params).items()}
    sections = {kind: section_traces(results, kind, len(dpls)) for kind in SECTION_KINDS}
    response = CellResponse.from_run([results[f"spike_times_{k}"] for k in trials],
                                     [results[f"spike_gids_{k}"] for k in trials],
                                     ranges, cfg["duration"], times=results["times"],
                                     **sections)
    for name, array in (rec_arrays or {}).items():
        array._times = results["times"]
        array._data = extracellular_voltages(results, name, len(dpls))
    return dpls, response


def _recordings(old_arguments, record_vsec, record_isec, record_ca):
    """The checked recording arguments of :func:`simulate_dipole` (old names mapped:
    ``record_vsoma=True`` means ``record_vsec='soma'``); hnn-core's rule: each is
    'all', 'soma' or False."""
    renamed = _renamed_arguments(simulate_dipole, old_arguments,
                                 {"record_vsoma": "record_vsec", "record_isoma": "record_isec"},
                                 {"record_vsec": record_vsec, "record_isec": record_isec})
    recordings = dict({"record_vsec": record_vsec, "record_isec": record_isec,
                       "record_ca": record_ca},
                      **{key: "soma" if value is True else value for key, value in renamed.items()})
    for key, value in recordings.items():
        if not (value is False or value in ("all", "soma")):
            raise ParameterError(f"{key} must be 'all', 'soma' or False", key=key, value=value)
    return recordings


def simulate_dipole(net, tstop=None, dt=0.025, n_trials=None, record_vsec=False,
                    record_isec=False, record_ca=False, postproc=False, verbose=True, *,
                    n_procs=None, output_dir=None, overwrite=False, coreneuron=None,
                    n_threads=None, solver=None, **old_arguments):
    """Simulate a network's current dipole (hnn-core's signature).

    Parameters
    ----------
    net : Network
        The network.
    tstop, dt : float
        Simulation length and time step (ms). Leaving ``tstop`` out takes the
        parameter file's, as old hnn-core versions did, with a warning.
    n_trials : int | None
        Trials; None takes the parameter file's ``N_trials``.
    record_vsec, record_isec, record_ca : 'all' | 'soma' | False
        Record, at the middle of every section ('all') or of the soma, the
        membrane potential (mV), each synapse's current (nA, section ->
        '<section>_<receptor>') or the calcium concentration (mM), into
        ``net.cell_response.vsec``, ``.isec`` and ``.ca``.
    postproc : bool
        Deprecated: smooth and scale as the parameter file says
        (``dipole_smooth_win``, ``dipole_scalefctr``); prefer ``dpl.smooth(w).scale(f)``.
    verbose : bool
        Print NetPyNE's messages and the simulation's progress.
    n_procs : int | None
        1 runs a fresh child Python process, more that many MPI ranks; None
        uses the enclosing ``with MPIBackend(...)``, or else this process.
    output_dir, overwrite
        Keep the run folder (see :func:`simulate_netpyne`).
    solver, coreneuron, n_threads : str | None, bool | None, int | None
        'coreneuron' or 'neuron' (``coreneuron`` True/False is the older
        switch) and threads per process; None: the rule of
        :mod:`hnn_netpyne.model.solver` (CoreNEURON on the free cores; the same results).
    **old_arguments
        ``record_vsoma``/``record_isoma``: old names of ``record_vsec``/``record_isec``
        (True means 'soma').

    Returns
    -------
    dpls : list of Dipole
        Dipole (nAm, baseline-renormalised) of each trial; ``net.cell_response``
        holds the spikes and section recordings, ``net.rec_arrays`` the
        potentials of the electrode arrays.
    """
    recordings = _recordings(old_arguments, record_vsec, record_isec, record_ca)
    tstop = _run_length(net, tstop)
    cfg, net_params = net.to_netpyne(tstop=tstop, dt=dt, n_trials=n_trials,
                                     coreneuron=coreneuron, n_threads=n_threads, solver=solver,
                                     **recordings)
    dpls, net.cell_response = simulate_netpyne(cfg, net_params, n_procs=n_procs,
                                                output_dir=output_dir, overwrite=overwrite,
                                                verbose=verbose, rec_arrays=net.rec_arrays)
    net._record_events(net_params, cfg["nTrials"])
    if postproc:
        window, factor = cfg["dipoleSmoothWindowMs"], cfg["dipoleScaleFactor"]
        _deprecated("simulate_dipole", "postproc=True",
                    f"dpl.smooth({window:g}).scale({factor:g}) on each dipole")
        for dpl in dpls:
            dpl.postprocess(window, factor)
    return dpls


def _run_length(net, tstop):
    """``tstop`` (ms) of :func:`simulate_dipole`; None takes the parameter file's, with a
    warning, as old hnn-core versions did."""
    if not isinstance(net, Network):
        raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                             value=type(net).__name__)
    if tstop is None:
        tstop = net.params["tstop"]
        _deprecated("simulate_dipole", "calling without tstop", "simulate_dipole(net, tstop=...)",
                    note=f"; the parameter file's tstop ({tstop} ms) is used", stacklevel=4)
    return tstop


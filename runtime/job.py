"""The main job: run a configured network and write its run folder.

Every MPI rank calls :func:`run_job`; rank 0 prepares the folder, gathers
the results and writes dipoles, spikes, configuration, NetPyNE's data file
and plots. :func:`guarded` wraps an entry point so that an exception on any
rank ends every rank with a non-zero status instead of a hang.
"""

import os
import signal
import sys
import traceback
from pathlib import Path

import numpy as np

from hnn_netpyne.analysis.dipole import average_dipoles
from hnn_netpyne.analysis.io import (
    finish_run_folder,
    prepare_run_folder,
    write_dipole_txt,
    write_json,
    write_spikes_txt,
)
from hnn_netpyne.errors import HNNNetpyneError
from hnn_netpyne.runtime.run import n_pyramidal_per_layer, run_network, trial_dipoles  # noqa: F401


def _rank_and_size():
    from neuron import h

    pc = h.ParallelContext()
    return int(pc.id()), int(pc.nhost())


def write_outputs(folder, cfg, net_params, result, plots=True):
    """Write every output of a finished run into ``folder`` (rank 0 only).

    Returns
    -------
    files : list of str
        Names of the files written.
    """
    folder = Path(folder)
    files = []
    dipoles = trial_dipoles(result, net_params)
    for k, dpl in enumerate(dipoles):
        write_dipole_txt(folder / f"dipole_{k + 1}.txt", dpl)
        files.append(f"dipole_{k + 1}.txt")
    write_dipole_txt(folder / "dipole_avg.txt", average_dipoles(dipoles))
    files.append("dipole_avg.txt")
    write_spikes_txt(folder / "spikes.txt", result["spikes"], result["gid_ranges"])
    files.append("spikes.txt")
    write_json(folder / "config.json", {"simConfig": cfg, "netParams": net_params,
                                        "gid_ranges": result["gid_ranges"]})
    files.append("config.json")
    arrays = {"times": result["times"]}
    for k, raw in enumerate(result["dipoles"]):
        arrays[f"dipole_fAm_L2_{k + 1}"] = raw["L2"]
        arrays[f"dipole_fAm_L5_{k + 1}"] = raw["L5"]
        arrays[f"spike_times_{k + 1}"], arrays[f"spike_gids_{k + 1}"] = result["spikes"][k]
    tmp = folder / ".results.tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, folder / "results.npz")
    files.append("results.npz")
    if plots:
        from hnn_netpyne.analysis.figures import write_run_figures

        files += write_run_figures(folder, cfg, dipoles, result)
    return files


def run_folder(cfg):
    """The run folder: ``saveFolder/simLabel`` if either is set (NetPyNE's batch sets
    both for each job), else ``outputDir``."""
    if cfg.get("saveFolder") or cfg.get("simLabel"):
        return (Path(cfg.get("saveFolder") or ".") / (cfg.get("simLabel") or "run")).resolve()
    return Path(cfg["outputDir"]).resolve()


def run_job(cfg, net_params, overwrite=False, plots=True, progress=True, netpyne_data=True):
    """Simulate and write the run folder (:func:`run_folder`); call on every rank.

    ``netpyne_data=False`` skips gathering and saving NetPyNE's own data file
    (``netpyne_data.json``); it holds the network too if ``cfg['saveNetwork']``.

    Returns
    -------
    folder : pathlib.Path
    """
    from neuron import h

    pc = h.ParallelContext()
    rank, _ = _rank_and_size()
    folder = run_folder(cfg)
    error = None
    if rank == 0:
        try:
            prepare_run_folder(folder, overwrite=overwrite)
        except HNNNetpyneError as err:
            error = str(err)
    error = pc.py_broadcast(error, 0)
    if error:
        raise HNNNetpyneError(error)
    include = ["simData", "simConfig", "netParams"] + (["net"] if cfg.get("saveNetwork") else [])
    netpyne_cfg = dict(cfg, saveFolder=str(folder), simLabel=".netpyne", saveJson=True,
                       saveDataInclude=include)
    result = run_network(netpyne_cfg, net_params, progress=progress,
                         save_netpyne_data=netpyne_data)
    if rank == 0:
        files = write_outputs(folder, cfg, net_params, result, plots=plots)
        if netpyne_data:
            os.replace(folder / ".netpyne_data.json", folder / "netpyne_data.json")
            files.append("netpyne_data.json")
        finish_run_folder(folder, files)
        print(f"Results written to {folder}", flush=True)
    pc.barrier()
    return folder


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived; the run stops and its folder stays incomplete."""


def _interrupt(signum, _frame):
    raise Interrupted(f"interrupted by {signal.Signals(signum).name}")


def guarded(entry, *args, **kwargs):
    """Run ``entry``; on any exception print it once and end every MPI rank.

    SIGTERM and SIGINT stop the run the same way (checked each time NEURON
    hands control back: at least every 10 % of a trial and every 25 ms of
    model time, or every 250 ms under CoreNEURON). On success NEURON is
    quit cleanly (no prompt is left waiting under ``nrniv``) with exit status 0.
    """
    from neuron import h

    rank, size = _rank_and_size()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    try:
        entry(*args, **kwargs)
    except BaseException as err:  # noqa: B902 -- any failure must end all ranks
        where = f"[rank {rank}] " if size > 1 else ""
        if isinstance(err, (HNNNetpyneError, Interrupted)):
            sys.stderr.write(f"{where}hnn-netpyne error: {err}\n")
        else:
            sys.stderr.write(f"{where}hnn-netpyne failed:\n{traceback.format_exc()}")
        sys.stderr.flush()
        sys.stdout.flush()
        if size > 1:
            from mpi4py import MPI

            MPI.COMM_WORLD.Abort(1)
        os._exit(1)
    sys.stdout.flush()
    h.ParallelContext().barrier()
    h.ParallelContext().done()
    h.quit()

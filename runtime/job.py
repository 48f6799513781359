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
    OutputError,
    atomic_write,
    finish_run_folder,
    prepare_run_folder,
    unlock_run_folder,
    write_dipole_txt,
    write_json,
    write_run_readme,
    write_spikes_txt,
)
from hnn_netpyne.analysis.recordings import recordings_to_arrays
from hnn_netpyne.cells.registry import is_drive
from hnn_netpyne.errors import HNNNetpyneError, SimulationError
from hnn_netpyne.model.expressions import check_spec_expressions
from hnn_netpyne.model.recordings import netpyne_lfp_as_array
from hnn_netpyne.runtime.run import run_network, trial_dipoles
from hnn_netpyne.runtime.trials import trials_world


def _rank_and_size():
    """This process's rank and the ranks of the launch (NEURON's, or with whole
    trials per rank mpi4py's: see :mod:`hnn_netpyne.runtime.trials`)."""
    from neuron import h

    world = trials_world()
    if world is not None:
        return world.rank, world.size
    pc = h.ParallelContext()
    return int(pc.id()), int(pc.nhost())


def _broadcast(value):
    """``value`` of rank 0 on every rank of the launch."""
    from neuron import h

    world = trials_world()
    if world is not None:
        return world.bcast(value, root=0)
    return h.ParallelContext().py_broadcast(value, 0)


def _barrier():
    """Wait for every rank of the launch."""
    from neuron import h

    world = trials_world()
    if world is not None:
        world.Barrier()
    else:
        h.ParallelContext().barrier()


def write_outputs(folder, cfg, net_params, result):
    """Write every output of a finished run but its figures into ``folder`` (rank 0 only).

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
    arrays.update(recordings_to_arrays(result["recordings"]))
    atomic_write(folder / "results.npz", lambda fid: np.savez(fid, **arrays), binary=True)
    files.append("results.npz")
    files.append(write_run_readme(folder, cfg.get("simLabel", ""), len(dipoles),
                                  float(cfg["duration"])))
    return files


def figure_command(folder):
    """Command line drawing the figures of the finished run ``folder`` (``hnn-netpyne plot``)."""
    python = Path(sys.prefix) / "bin" / "python"  # under nrniv, sys.executable is nrniv
    return [str(python if python.exists() else sys.executable), "-m", "hnn_netpyne.cli",
            "plot", str(folder)]


def draw_figures_apart(folder):
    """Draw the figures of the finished run ``folder`` in a fresh process and wait for it.

    The figures then add nothing to the peak memory of the process that
    simulated, and their imports (matplotlib) nothing to its start.

    Raises
    ------
    OutputError
        If the figures could not be drawn (the run folder stays complete).
    """
    import subprocess

    status = subprocess.run(figure_command(folder), stdin=subprocess.DEVNULL).returncode
    if status != 0:
        raise OutputError(f"the results are in {folder}, but drawing its figures failed "
                          f"(exit status {status}); retry with: hnn-netpyne plot {folder}")


def check_finite(result):
    """Raise unless every time and dipole sample of ``result`` is finite.

    A NaN dipole means the model was not physical (a NEURON integration that
    blew up); such a run must fail, not be marked complete.
    """
    if not np.all(np.isfinite(result["times"])):
        raise SimulationError("the simulation's time vector holds NaN or Inf values")
    for trial, dipoles in enumerate(result["dipoles"], start=1):
        for layer, values in dipoles.items():
            bad = np.count_nonzero(~np.isfinite(values))
            if bad:
                raise SimulationError(
                    f"the {layer} dipole of trial {trial} holds {bad} NaN or Inf values of "
                    f"{len(values)}: the model's parameters are not physical (temperature, "
                    "geometry, conductances or dt); the run is not marked complete")


def check_run_size(cfg, net_params):
    """Fail before building what cannot run or would not fit in memory.

    A run shorter than the figures' smoothing window is fine: its figures
    show the unsmoothed dipole (:mod:`hnn_netpyne.analysis.figures`).

    Raises
    ------
    ParameterError
        From :func:`hnn_netpyne.model.resources.check_run`.
    """
    from hnn_netpyne.model.resources import check_run

    check_run(cfg, net_params)


def progress_bars_only_on_terminals():
    """Make NetPyNE's progress bars (tqdm) draw only on a terminal.

    NetPyNE 1.1.1 always draws them while creating cells; in a log file their
    carriage returns and redraws are noise. tqdm's ``disable=None`` means
    "off unless the output is a terminal".
    """
    import functools

    import netpyne.network.conn
    import netpyne.network.network
    from tqdm import tqdm

    for module in (netpyne.network.conn, netpyne.network.network):
        module.tqdm = functools.partial(tqdm, disable=None)


def network_summary(net_params, result):
    """One line of whole-network counts: cells and drive cells apart (NetPyNE counts both as cells)."""
    from hnn_netpyne.runtime.connect import count_netcons

    cell_pops = [pop for pop in result["gid_ranges"] if not is_drive(pop)]
    cell_gids = np.concatenate([np.arange(*result["gid_ranges"][pop]) for pop in cell_pops])
    n_all = sum(stop - start for start, stop in result["gid_ranges"].values())
    n_spikes = sum(int(np.count_nonzero(np.isin(gids, cell_gids))) for _, gids in result["spikes"])
    return (f"Whole network: {len(cell_gids)} cells, {n_all - len(cell_gids)} drive cells, "
            f"{count_netcons(net_params)} synaptic NetCons; {n_spikes} cell spikes in "
            f"{len(result['spikes'])} trial(s)")


def _prepare(folder, overwrite, rank):
    """Rank 0 locks ``folder`` and makes its staging folder; every rank gets its path."""
    error = staging = None
    if rank == 0:
        try:
            staging = str(prepare_run_folder(folder, overwrite=overwrite))
        except HNNNetpyneError as err:
            error = str(err)
    error, staging = _broadcast((error, staging))
    if error:
        raise HNNNetpyneError(error)
    return Path(staging)


def _finish(folder, staging, cfg, net_params, result, netpyne_data):
    """Write every output but the figures into ``staging`` (rank 0), then move it to ``folder``."""
    check_finite(result)
    try:
        files = write_outputs(staging, cfg, net_params, result)
        if netpyne_data:
            os.replace(staging / ".netpyne_data.json", staging / "netpyne_data.json")
            files.append("netpyne_data.json")
        finish_run_folder(folder, files, staging)
    except OSError as err:
        raise OutputError(f"cannot write the run folder {folder}: {err.strerror} "
                          f"({err.filename or staging})") from None


def run_folder(cfg):
    """The run folder: ``saveFolder/simLabel`` if either is set (NetPyNE's batch sets
    both for each job), else ``outputDir``."""
    if cfg.get("saveFolder") or cfg.get("simLabel"):
        return (Path(cfg.get("saveFolder") or ".") / (cfg.get("simLabel") or "run")).resolve()
    return Path(cfg["outputDir"]).resolve()


def run_job(cfg, net_params, overwrite=False, plots=True, progress=True, netpyne_data=True):
    """Simulate and write the run folder (:func:`run_folder`); call on every rank.

    The outputs are written into a staging folder beside it and moved into
    place when complete (see :func:`hnn_netpyne.analysis.io.prepare_run_folder`).
    ``netpyne_data=False`` skips gathering and saving NetPyNE's own data file
    (``netpyne_data.json``); it holds the network too if ``cfg['saveNetwork']``.
    With ``plots``, rank 0 draws the figures in this process once the results
    are written and reported (entry points that can, draw them in a fresh
    process instead: :func:`draw_figures_apart`, :func:`guarded`).

    Returns
    -------
    folder : pathlib.Path
    """
    check_spec_expressions(net_params)  # before NetPyNE evaluates any of its strings
    check_run_size(cfg, net_params)
    rank, _ = _rank_and_size()
    folder = run_folder(cfg)
    staging = _prepare(folder, overwrite, rank)
    try:
        include = ["simData", "simConfig", "netParams"] + (["net"] if cfg.get("saveNetwork")
                                                           else [])
        netpyne_cfg = dict(netpyne_lfp_as_array(cfg), saveFolder=str(staging),
                           simLabel=".netpyne", saveJson=True, saveDataInclude=include)
        progress_bars_only_on_terminals()
        result = run_network(netpyne_cfg, net_params, progress=progress,
                             save_netpyne_data=netpyne_data)
        if rank == 0:
            _finish(folder, staging, cfg, net_params, result, netpyne_data)
            if progress:
                print(network_summary(net_params, result), flush=True)
            print(f"Results written to {folder}", flush=True)
    finally:
        if rank == 0:
            unlock_run_folder(folder)
    _barrier()
    if plots and rank == 0:
        from hnn_netpyne.analysis.figures import redraw_run_figures

        redraw_run_figures(folder)
    return folder


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived; the run stops and its folder stays incomplete."""


def _interrupt(signum, _frame):
    raise Interrupted(f"interrupted by {signal.Signals(signum).name}")


def guarded(entry, *args, **kwargs):
    """Run ``entry``; on any exception print it once and end every MPI rank.

    ``entry`` may return a command line (such as :func:`figure_command`):
    once every rank is done with MPI, rank 0 becomes that command (``exec``),
    so it runs with the simulation's memory freed, and its exit status is the run's.

    SIGTERM and SIGINT stop the run the same way (checked each time NEURON
    hands control back: at least every 10 % of a trial and every 25 ms of
    model time, or every 250 ms under CoreNEURON). Under MPI a watchdog
    process beside each rank ends the run when a rank stops making progress
    (``--rank-timeout``) or its MPI launcher dies. On success NEURON is
    quit cleanly (no prompt is left waiting under ``nrniv``) with exit status 0.
    """
    from neuron import h

    from hnn_netpyne.runtime.mpienv import rank_timeout_s, start_rank_watchdog

    rank, size = _rank_and_size()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    try:
        if size > 1:
            limit_s = rank_timeout_s()
            # NEURON's own nrn_timeout ends every rank with status 0 after about
            # twice its setting: keep it behind our watchdog.
            h.ParallelContext().timeout(max(20.0, limit_s))
            start_rank_watchdog(rank, limit_s)
        then = entry(*args, **kwargs)
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
    _barrier()
    h.ParallelContext().done()
    if trials_world() is not None:
        from mpi4py import MPI

        MPI.Finalize()  # NEURON's done() finalizes only its own MPI
    if then and rank == 0:
        sys.stderr.flush()
        os.execv(then[0], then)
    h.quit()

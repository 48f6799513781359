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
from hnn_netpyne.runtime.trials import launch_rank_and_size, trials_world


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


def write_outputs(folder, cfg, net_params, result, label=None):
    """Write every output of a finished run but its figures into ``folder`` (rank 0 only).

    ``label`` names the run in its README (default: :func:`run_label`).

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
    files.append(write_run_readme(folder, label or run_label(cfg, folder), len(dipoles),
                                  float(cfg["duration"])))
    return files


def run_label(cfg, folder):
    """What a run is called: NetPyNE's ``simLabel``, else the preset's name, else the folder's."""
    return cfg.get("simLabel") or cfg.get("preset") or Path(folder).name


def replaces_earlier_run(options):
    """Whether a run of parsed run ``options`` may replace an earlier complete run of ours.

    Always in the default run folder (no ``--output``: ``output/<preset>``
    holds the latest run of that preset, so ``init.py`` can simply be run
    again); in a folder named with ``--output`` only with ``--overwrite``.
    Files that no run of ours wrote are never replaced
    (:func:`hnn_netpyne.analysis.io.prepare_run_folder`).
    """
    return bool(options.overwrite or options.output_dir is None)


def figure_command(folder):
    """Command line drawing the figures of the finished run ``folder`` (``hnn-netpyne plot``)."""
    python = Path(sys.prefix) / "bin" / "python"  # under nrniv, sys.executable is nrniv
    return [str(python if python.exists() else sys.executable), "-m", "hnn_netpyne.cli",
            "plot", str(folder)]


def draw_figures_apart(folder):
    """Draw the figures of the finished run ``folder`` in a fresh process and wait for it.

    The figures then add nothing to the peak memory of the process that
    simulated, and their imports (matplotlib) nothing to its start. The
    child gets no MPI launch variables: it is no rank of the launch.

    Raises
    ------
    OutputError
        If the figures could not be drawn (the run folder stays complete).
    """
    import subprocess

    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PMI_", "OMPI_", "HYDRA_", "MPIR_"))}
    status = subprocess.run(figure_command(folder), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, env=env).returncode
    if status != 0:
        raise OutputError(f"the results are in {folder}, but drawing its figures failed "
                          f"(exit status {status}); retry with: hnn-netpyne plot {folder}")
    names = sorted(path.name for path in Path(folder).glob("*.png"))
    print(f"Figures in {folder}: {', '.join(names)}", flush=True)


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


def run_heading(cfg, folder, n_ranks):
    """The first line a run prints: what runs, on how many ranks, into which folder."""
    n_trials = int(cfg.get("nTrials", 1))
    return (f"hnn-netpyne: {run_label(cfg, folder)}, {n_trials} trial(s) of "
            f"{float(cfg['duration']):g} ms (dt {float(cfg['dt']):g} ms) on {n_ranks} "
            f"rank(s), into {folder}")


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
        raise CollectiveError(error)
    return Path(staging)


def _finish(folder, staging, cfg, net_params, result, netpyne_data):
    """Write every output but the figures into ``staging`` (rank 0), then move it to ``folder``."""
    check_finite(result)
    try:
        files = write_outputs(staging, cfg, net_params, result, run_label(cfg, folder))
        if netpyne_data:
            os.replace(staging / ".netpyne_data.json", staging / "netpyne_data.json")
            files.append("netpyne_data.json")
        finish_run_folder(folder, files, staging)
    except OSError as err:
        name = f" ({Path(err.filename).name})" if err.filename else ""
        raise OutputError(f"cannot write the run folder {folder}: {err.strerror}{name}") from None


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
    rank, size = launch_rank_and_size()
    folder = run_folder(cfg)
    staging = _prepare(folder, overwrite, rank)
    try:
        include = ["simData", "simConfig", "netParams"] + (["net"] if cfg.get("saveNetwork")
                                                           else [])
        netpyne_cfg = dict(netpyne_lfp_as_array(cfg), saveFolder=str(staging),
                           simLabel=".netpyne", saveJson=True, saveDataInclude=include)
        progress_bars_only_on_terminals()
        if progress and rank == 0:
            print(run_heading(cfg, folder, size), flush=True)
        try:
            result = run_network(netpyne_cfg, net_params, progress=progress,
                                 save_netpyne_data=netpyne_data)
        except OutputError as err:
            raise OutputError(f"cannot write the run folder {folder}: {err}") from None
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


class CollectiveError(HNNNetpyneError):
    """An error every rank raises at once (it was broadcast): rank 0 reports it, and the
    ranks end together, without aborting MPI."""


class Interrupted(BaseException):
    """SIGTERM or SIGINT arrived; the run stops and its folder stays incomplete."""


def _interrupt(signum, _frame):
    raise Interrupted(f"interrupted by {signal.Signals(signum).name}")


def run_from_command_line(cfg, net_params, overwrite, plots, progress):
    """Run ``cfg`` in this process as ``hnn-netpyne run`` does, figures in a fresh one.

    SIGINT (Ctrl-C) and SIGTERM end it with one line (a :class:`SimulationError`),
    the run folder left as it was.
    """
    handlers = {signum: signal.signal(signum, _interrupt)
                for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        folder = run_job(cfg, net_params, overwrite=overwrite, plots=False, progress=progress)
        if plots:
            draw_figures_apart(folder)
    except Interrupted as err:
        raise SimulationError(f"{err}; the run folder was left as it was") from None
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return folder


def _report_failure(err, rank, size):
    """Print ``err`` once: one line for our errors and interrupts, else the traceback."""
    where = f"[rank {rank}] " if size > 1 else ""
    if isinstance(err, (HNNNetpyneError, Interrupted)):
        sys.stderr.write(f"{where}hnn-netpyne error: {err}\n")
    else:
        sys.stderr.write(f"{where}hnn-netpyne failed:\n{traceback.format_exc()}")
    sys.stderr.flush()
    sys.stdout.flush()


def _leave_mpi(watchdog):
    """Every rank is done: stop this rank's watchdog and end NEURON's (or mpi4py's) MPI use.

    On rank 0 NEURON's ``done()`` leaves MPI itself running until ``h.quit``:
    the launcher's finalize barrier then waits for it (asleep, no CPU).
    """
    from neuron import h

    sys.stdout.flush()
    _barrier()
    if watchdog is not None:  # nothing left that could hang in MPI
        watchdog.terminate()
        watchdog.wait()
    h.ParallelContext().done()
    if trials_world() is not None:
        from mpi4py import MPI

        MPI.Finalize()  # NEURON's done() finalizes only its own MPI


def guarded(entry, *args, **kwargs):
    """Run ``entry`` on every rank; on any exception print it once and end every MPI rank.

    ``entry`` may return a last step for rank 0 (a function of no arguments,
    such as drawing the figures with :func:`draw_figures_apart`); it runs once
    every rank is done with MPI, while the other ranks wait for rank 0 in the
    MPI launcher's finalize, so that the launch ends only after it. Rank 0
    must not replace itself by another program (``exec``): MPICH's launcher
    takes a rank that ends without finalizing MPI for a crashed one and
    kills the whole launch (exit status 9).

    SIGTERM and SIGINT stop the run the same way (checked each time NEURON
    hands control back: at least every 10 % of a trial and every 25 ms of
    model time, or every 250 ms under CoreNEURON). Under MPI a watchdog
    process beside each rank ends the run when a rank stops making progress
    (``--rank-timeout``) or its MPI launcher dies. In the end NEURON is quit
    (no prompt is left waiting under ``nrniv``) with exit status 0, or 1 if
    the last step failed.
    """
    from neuron import h

    from hnn_netpyne.runtime.mpienv import rank_timeout_s, start_rank_watchdog

    rank, size = launch_rank_and_size()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _interrupt)
    watchdog = None
    try:
        if size > 1:
            limit_s = rank_timeout_s()
            # NEURON's own nrn_timeout ends every rank with status 0 one to two
            # settings after a stall: keep it behind our watchdogs (a stopped
            # rank's own after the limit, the other ranks' after twice it).
            h.ParallelContext().timeout(2.0 * limit_s + 10.0)
            watchdog = start_rank_watchdog(rank, limit_s)
        last_step = entry(*args, **kwargs)
    except CollectiveError as err:
        if rank == 0:
            _report_failure(err, rank, 1)
        _leave_mpi(watchdog)
        h.quit(1)
    except BaseException as err:  # noqa: B902 -- any failure must end all ranks
        _report_failure(err, rank, size)
        if size > 1:
            from mpi4py import MPI

            MPI.COMM_WORLD.Abort(1)
        os._exit(1)
    _leave_mpi(watchdog)
    status = 0
    if last_step is not None and rank == 0:
        try:
            last_step()
        except BaseException as err:  # noqa: B902 -- the run's status must say so
            _report_failure(err, rank, size)
            status = 1
    sys.stdout.flush()
    h.quit(status)

"""Run a configured network in this process, in a child process or under MPI.

The parent side (:func:`run_config`, :func:`simulate_config`) writes the
simConfig (and netParams) dictionaries to a JSON run configuration and
starts ``sim/init.py --config CONFIG.json``, the one script that runs a
model: under this Python for one process, or as
``mpiexec -n N nrniv -python -mpi sim/init.py`` for N ranks
(:func:`script_command` builds both; ``hnn-netpyne run --np N`` and
``MPIBackend`` go through it). It echoes the child's output line by line
while it runs; :func:`simulate_config` then reads the run folder's
``results.npz`` back. The child is started in a session of its own; an
interrupt or a time-out ends that session (mpiexec then stops its ranks)
and, if it lingers, kills the processes below the child, found by their
parent ids. Nothing is ever ended by name.
"""

import collections
import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from hnn_netpyne.errors import OutputError, ParameterError, SimulationError
from hnn_netpyne.runtime.options import SIM_DIR, check_n_procs, job_arguments

TAIL_LINES = 60
"""Lines of child output quoted in the error of a failed run."""
TERMINATE_GRACE_S = 10.0
"""Seconds a child gets to exit after SIGTERM before it is killed."""
KILL_WAIT_S = 5.0
"""Seconds a killed process may take to disappear."""


def write_config(path, cfg, net_params=None):
    """Write a launcher configuration file.

    Parameters
    ----------
    path : str | pathlib.Path
        JSON file to write.
    cfg : dict
        simConfig dictionary (see :func:`hnn_netpyne.model.specs.build_sim_config`).
    net_params : dict | None
        netParams dictionary; None lets the child build it from ``cfg``.
    """
    data = {"simConfig": cfg}
    if net_params is not None:
        data["netParams"] = net_params
    Path(path).write_text(json.dumps(data))


def read_config(path):
    """The (cfg, net_params) of a launcher configuration file.

    The file holds either ``{"simConfig": ..., "netParams": ...}`` (netParams
    optional) or a bare simConfig dictionary; missing netParams are built
    from the simConfig. Both pass :func:`hnn_netpyne.model.spec_safety.check_specs`,
    with the simConfig's ``outputDir`` as the output folder.
    """
    from hnn_netpyne.cells.registry import check_populations
    from hnn_netpyne.model.spec_safety import check_specs
    from hnn_netpyne.model.specs import build_net_params
    from hnn_netpyne.readers import read_json
    from hnn_netpyne.runtime.spec_files import MAX_SPEC_FILE_BYTES, MAX_SPEC_KEYS

    data = read_json(path, MAX_SPEC_FILE_BYTES, MAX_SPEC_KEYS)
    cfg = data.get("simConfig", data) if isinstance(data, dict) else None
    if not isinstance(cfg, dict):
        raise ParameterError("a run configuration must be a JSON object with a simConfig "
                             "object", source=str(path))
    net_params = data.get("netParams") or build_net_params(cfg)
    output_dir = cfg.get("outputDir")
    check_specs(cfg, net_params, str(path), output_dir if isinstance(output_dir, str) else None)
    check_populations(net_params)
    return cfg, net_params


def find_mpiexec(mpi_cmd="mpiexec"):
    """Full path of the MPI launcher ``mpi_cmd``.

    A bare name is looked up first next to this Python (pip's ``mpich``
    installs ``mpiexec`` there), then on ``PATH``.

    Raises
    ------
    SimulationError
        If no such program exists.
    """
    if os.sep not in mpi_cmd:
        local = Path(sys.executable).parent / mpi_cmd
        if local.exists():
            return str(local)
    found = shutil.which(mpi_cmd)
    if found is None:
        raise SimulationError(f"MPI launcher {mpi_cmd!r} not found (pip install mpich, or "
                              "pass mpi_cmd= the path of your mpiexec)")
    return found


def script_command(n_procs, arguments=(), mpi_cmd="mpiexec", distribute="cells"):
    """Command line running ``sim/init.py`` with ``arguments`` on ``n_procs`` processes.

    Parameters
    ----------
    n_procs : int
        1 runs ``init.py`` under this Python; more run it under ``nrniv
        -python -mpi`` on that many MPI ranks of ``mpi_cmd``.
    arguments : sequence of str
        Arguments of ``init.py`` (run options, or ``--config FILE``).
    mpi_cmd : str
        MPI launcher, a name or a path.
    distribute : 'cells' | 'trials'
        'trials' runs ``init.py --distribute trials`` under this Python on
        each rank, so that NEURON stays serial and each rank simulates whole
        trials (see :mod:`hnn_netpyne.runtime.trials`).

    Returns
    -------
    cmd : list of str
    """
    script = [str(SIM_DIR / "init.py"), *map(str, arguments)]
    if check_n_procs(n_procs) == 1:
        return [sys.executable, *script]
    if distribute == "trials":
        return [find_mpiexec(mpi_cmd), "-n", str(n_procs), sys.executable, *script,
                "--distribute", "trials"]
    nrniv = Path(sys.executable).parent / "nrniv"
    if not nrniv.exists():
        raise SimulationError(f"{nrniv} not found: NEURON is not installed in this environment")
    return [find_mpiexec(mpi_cmd), "-n", str(n_procs), str(nrniv), "-nobanner", "-python",
            "-mpi", *script]


def launch_command(config_file, n_procs=1, mpi_cmd="mpiexec", options=(), distribute="cells"):
    """Command line running the configuration file ``config_file`` (see :func:`write_config`).

    ``options`` are job options of ``init.py`` (``--overwrite``,
    ``--no-plots``, ``--quiet``); other parameters as in :func:`script_command`.
    """
    return script_command(n_procs, ["--config", str(config_file), *options], mpi_cmd,
                          distribute)


def _pump(stream, tail, echo):
    """Copy the child's output lines to ``tail`` (and stdout if ``echo``) until EOF."""
    for line in stream:
        tail.append(line)
        if echo:
            sys.stdout.write(line)
            sys.stdout.flush()


def _descendants(pid):
    """Pids of every process below ``pid`` (from /proc; empty where there is none).

    Hydra's mpiexec puts its proxies and ranks in sessions of their own, so
    a process group does not reach them; their parentage does.
    """
    children = collections.defaultdict(list)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(stat.parent.name)
        if fields is not None:  # else it ended meanwhile
            children[int(fields[1])].append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        below = children.get(todo.pop(), [])
        found += below
        todo += below
    return found


def _end_child(proc):
    """End the child and everything it started.

    SIGTERM to the child's session lets mpiexec stop its ranks itself; if it
    lingers, the child's session and every process below it are killed.
    """
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=TERMINATE_GRACE_S)
        return
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    # Freeze the whole tree first (stopped processes cannot start new ones),
    # then kill it; killing first would re-parent the grandchildren away.
    frozen = set()
    while True:
        tree = {proc.pid, *_descendants(proc.pid)} - frozen
        if not tree:
            break
        for pid in tree:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        frozen |= tree
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    for pid in frozen:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    proc.wait()
    _wait_until_ended(frozen, KILL_WAIT_S)


def _stat_fields(pid):
    """The fields of ``/proc/<pid>/stat`` after the command name (state first), or None."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def _running(pid):
    """True while ``pid`` exists and is not a zombie (one that only waits to be reaped)."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _wait_until_ended(pids, timeout_s):
    """Wait up to ``timeout_s`` for killed processes to end: SIGKILL is not instantaneous."""
    deadline = time.monotonic() + timeout_s
    while any(_running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)


def _ending_with(parent_pid):
    """A ``preexec_fn`` that makes the child get SIGTERM when ``parent_pid`` ends (Linux).

    Even a parent killed with SIGKILL, which runs no clean-up of its own,
    then leaves no run behind: mpiexec stops its ranks on SIGTERM. Only an
    already loaded C function is called between fork and exec.
    """
    def end_with_parent():
        if _PRCTL is None:
            return
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent_pid:  # it ended before the request was made
            os._exit(1)
    return end_with_parent


def _load_prctl():
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: the child outlives a killed parent
        return None


_PR_SET_PDEATHSIG = 1
_PRCTL = _load_prctl()


_RUNNING = set()
"""Children that :func:`run_command` is waiting for (see :func:`end_running_children`)."""


def end_running_children():
    """End every child :func:`run_command` is running (from another thread); how many."""
    running = list(_RUNNING)
    for proc in running:
        _end_child(proc)
    return len(running)


def run_command(cmd, echo=True, timeout=None):
    """Run ``cmd`` in a new session, streaming its output; raise if it fails.

    Parameters
    ----------
    cmd : list of str
        The command.
    echo : bool
        Copy the child's output (stdout and stderr) to this process's stdout
        as it comes; without it, output is only quoted if the run fails.
    timeout : float | None
        Seconds before the child is ended and an error raised.

    Raises
    ------
    SimulationError
        If the child exits with a non-zero status or runs out of time.
    """
    from hnn_netpyne.runtime.mpienv import mpi_environment

    tail = collections.deque(maxlen=TAIL_LINES)
    # Unbuffered, so that NetPyNE's messages arrive as they are printed.
    env = dict(mpi_environment(), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, bufsize=1, env=env,
                            start_new_session=True, preexec_fn=_ending_with(os.getpid()))
    reader = threading.Thread(target=_pump, args=(proc.stdout, tail, echo), daemon=True)
    reader.start()
    _RUNNING.add(proc)
    try:
        status = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_child(proc)
        raise SimulationError(f"the run took longer than {timeout} s and was stopped: "
                              f"{' '.join(cmd)}") from None
    except BaseException:
        # Interrupted (Ctrl-C) or failed here: do not leave the ranks running.
        _end_child(proc)
        raise
    finally:
        _RUNNING.discard(proc)
        reader.join(timeout=5.0)
        proc.stdout.close()
    if status != 0:
        raise SimulationError(f"the run failed (exit status {status}): {' '.join(cmd)}\n"
                              + "".join(tail))


def run_in_process(cfg, net_params, overwrite=False, plots=False, progress=True, echo=True):
    """Run ``cfg`` into its ``outputDir`` in this Python process.

    NetPyNE's messages (stdout and its progress bars on stderr) are dropped
    unless ``echo``; failures still raise. The run folder is the same as
    with a child process.
    """
    from hnn_netpyne.runtime.job import run_job

    with contextlib.ExitStack() as stack:
        if not echo:
            stack.enter_context(contextlib.redirect_stdout(io.StringIO()))
            stack.enter_context(contextlib.redirect_stderr(io.StringIO()))
        run_job(cfg, net_params, overwrite=overwrite, plots=plots, progress=progress)


def load_results(folder):
    """The arrays of a finished run folder's ``results.npz``.

    Raises
    ------
    OutputError
        If the folder holds no complete run.
    """
    import numpy as np

    from hnn_netpyne.analysis.io import check_run_folder

    check_run_folder(folder)
    with np.load(Path(folder) / "results.npz") as data:
        return {key: data[key] for key in data.files}


def run_config(cfg, net_params=None, n_procs=1, overwrite=False, plots=False, progress=True,
               echo=True, mpi_cmd="mpiexec", timeout=None, rank_timeout=None):
    """Run ``cfg`` into its ``outputDir`` with ``sim/init.py`` in a child process.

    ``net_params`` None lets the child build them from ``cfg``. Other
    parameters as in :func:`simulate_config`; ``echo`` also prints the command;
    ``rank_timeout`` (s) is the ranks' no-progress limit (``--rank-timeout``).
    Several ranks share several trials as
    :func:`hnn_netpyne.runtime.trials.choose_distribution` says.

    Raises
    ------
    SimulationError
        If the child failed, or ended with status 0 but left no complete run
        folder (NEURON's ``nrn_timeout`` aborts MPI with status 0).
    """
    earlier = _manifest_identity(cfg["outputDir"])
    scratch = Path(tempfile.mkdtemp(prefix="hnn_netpyne_run_"))
    try:
        config_file = scratch / "config.json"
        write_config(config_file, cfg, net_params)
        cmd = launch_command(config_file, n_procs, mpi_cmd,
                             job_arguments(overwrite, plots, progress, rank_timeout),
                             _distribution(cfg, net_params, n_procs))
        if echo:
            print("Running: " + " ".join(cmd), flush=True)
        run_command(cmd, echo=echo, timeout=timeout)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    _check_finished(cfg["outputDir"], earlier)


def _distribution(cfg, net_params, n_procs):
    """'trials' or 'cells' for a run of ``cfg`` on ``n_procs`` ranks."""
    from hnn_netpyne.model.specs import build_net_params
    from hnn_netpyne.runtime.trials import choose_distribution

    if n_procs < 2:
        return "cells"
    return choose_distribution(cfg, net_params or build_net_params(cfg), n_procs)


def _manifest_identity(folder):
    """(device, inode, mtime in ns) of the run folder's manifest, or None if it has none.

    A run writes a new manifest (a new file renamed into place), so an
    unchanged identity means the folder still holds the earlier run.
    """
    from hnn_netpyne.analysis.io import MANIFEST

    try:
        info = os.stat(Path(folder) / MANIFEST)
    except OSError:
        return None
    return info.st_dev, info.st_ino, info.st_mtime_ns


def _check_finished(folder, earlier=None):
    """Raise unless the ranks left a complete run folder of this run.

    mpiexec's status alone is not enough: NEURON's ``nrn_timeout`` ends every
    rank with status 0, and the folder may still hold the earlier complete
    run (``earlier``: its manifest's :func:`_manifest_identity` before the run).
    """
    from hnn_netpyne.analysis.io import check_run_folder

    try:
        check_run_folder(folder)
    except OutputError as err:
        raise SimulationError(f"the MPI run ended with status 0 but left no complete run "
                              f"folder ({err}); see the ranks' messages above") from None
    if earlier is not None and _manifest_identity(folder) == earlier:
        raise SimulationError(f"the MPI run ended with status 0 but did not write its results: "
                              f"{folder} still holds the earlier run; see the ranks' messages "
                              "above")


def simulate_config(cfg, net_params=None, n_procs=None, output_dir=None, overwrite=False,
                    plots=False, progress=True, echo=True, mpi_cmd="mpiexec", timeout=None):
    """Simulate a configured network and return its results.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary.
    net_params : dict | None
        netParams dictionary; None builds it from ``cfg``.
    n_procs : int | None
        None runs in this Python process; 1 in one child process; more on
        that many MPI ranks (``mpiexec -n N nrniv -python -mpi``).
    output_dir : str | pathlib.Path | None
        Run folder to keep (dipoles, spikes, configuration, NetPyNE data);
        None uses a temporary folder that is removed afterwards.
    overwrite : bool
        Replace the contents of a non-empty ``output_dir``.
    plots : bool
        Also draw the run folder's figures.
    progress : bool
        Print progress of the simulated time.
    echo : bool
        Show the simulation's output (NetPyNE's messages and progress).
    mpi_cmd : str
        MPI launcher for ``n_procs > 1``.
    timeout : float | None
        Seconds a child process may run.

    Returns
    -------
    results : dict
        The arrays of ``results.npz``: ``times`` and, for trial k (from 1),
        ``dipole_fAm_L2_k``, ``dipole_fAm_L5_k``, ``spike_times_k``,
        ``spike_gids_k``.
    """
    from hnn_netpyne.model.specs import build_net_params

    if n_procs is not None:
        check_n_procs(n_procs)
    if net_params is None:
        net_params = build_net_params(cfg)
    scratch = Path(tempfile.mkdtemp(prefix="hnn_netpyne_run_"))
    try:
        folder = Path(output_dir) if output_dir is not None else scratch / "run"
        cfg = dict(cfg, outputDir=str(folder.resolve()))
        if n_procs is None:
            run_in_process(cfg, net_params, overwrite, plots, progress, echo)
        else:
            run_config(cfg, net_params, n_procs, overwrite, plots, progress, echo, mpi_cmd,
                       timeout)
        return load_results(folder)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

"""Runs in worker processes: ``hnn-netpyne run`` on a saved configuration, its
progress read from its output, and Cancel that ends it with every rank."""

import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

from hnn_netpyne.errors import ParameterError

RUNS_FOLDER = "gui_runs"
"""Workspace folder of the GUI's runs: ``<label>.json`` (the network) and ``<label>/``."""
CANCEL_GRACE_S = 3.0
"""Seconds a cancelled run has to stop on SIGTERM before it is killed."""
_LIVE = weakref.WeakSet()  # workers started by this process
_PROGRESS = re.compile(r"trial (\d+)/(\d+):\s*([-\d.]+) / ([\d.]+) ms simulated")
_ERROR = re.compile(r"hnn-netpyne:? (?:error|failed):?\s*(.*)")


def run_command(config_name, folder_name, options):
    """``hnn-netpyne run`` arguments (after the program name) of a GUI run."""
    return (["run", "--network-config", config_name, "--output", folder_name]
            + options.cli_arguments() + ["--no-plots", "--overwrite"])


def _children(pid):
    """Every descendant process id of ``pid`` (from /proc)."""
    parents = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fid:
                    ppid = int(fid.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents[ppid].append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Worker:
    """A worker process (``python -m hnn_netpyne.cli ARGUMENTS`` in the workspace) whose
    output is read for progress; Cancel ends it and every process it started.

    Parameters
    ----------
    workspace : Workspace
        The worker's current folder.
    arguments : list of str
        ``hnn-netpyne`` arguments.
    label : str
        Its name on the page.
    """

    progress_pattern = _PROGRESS
    module = "hnn_netpyne.cli"
    """The module the worker runs; :attr:`command` names it ``hnn-netpyne`` for the cli."""

    def __init__(self, workspace, arguments, label):
        self.arguments, self.label = arguments, label
        self.log = collections.deque(maxlen=200)
        self.step, self.n_steps, self.amount = 0, 1, 0.0
        self.status, self.message = "running", ""
        self.started = time.monotonic()
        self.ended = None
        self._lock = threading.Lock()
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self._process = subprocess.Popen(
            [sys.executable, "-m", self.module] + arguments, cwd=workspace.root,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace", env=env, start_new_session=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        _LIVE.add(self)

    @property
    def command(self):
        """The equivalent command line (run in the workspace)."""
        import shlex

        program = "hnn-netpyne" if self.module == "hnn_netpyne.cli" else f"python -m {self.module}"
        return f"{program} {shlex.join(self.arguments)}"

    @property
    def pid(self):
        """Process id of the worker (the leader of its process group)."""
        return self._process.pid

    def _read(self):
        for line in self._process.stdout:  # universal newlines: progress bars' \r too
            line = line.rstrip()
            with self._lock:
                self.log.append(line)
                found = self.progress_pattern.search(line)
                if found:
                    self.step, self.n_steps = int(found[1]), int(found[2])
                    self.amount = float(found[3]) if found.lastindex >= 3 else float(found[1])
                error = _ERROR.search(line)
                if error and not self.message:
                    self.message = error[1] or line
        code = self._process.wait()
        with self._lock:
            if self.status == "running":
                self.status = "done" if code == 0 else "failed"
                if code != 0 and not self.message:
                    self.message = (self.log[-1] if self.log else f"exit status {code}")
            self.ended = time.monotonic()

    def progress(self):
        """A snapshot: status, message, seconds since the start."""
        return self._snapshot()

    def _snapshot(self):
        with self._lock:
            return {"status": self.status, "message": self.message,
                    "elapsed_s": (self.ended or time.monotonic()) - self.started}

    def wait(self, timeout=None):
        """Wait for the worker (and its output reader); the final status."""
        self._reader.join(timeout)
        return self._snapshot()["status"]

    def cancel(self):
        """End the worker and every process it started (SIGTERM, then SIGKILL)."""
        with self._lock:
            if self.status != "running":
                return
            self.status, self.message = "cancelled", "cancelled"
        victims = [self.pid] + _children(self.pid)
        self._signal(victims, signal.SIGTERM)
        deadline = time.monotonic() + CANCEL_GRACE_S
        while time.monotonic() < deadline and self._process.poll() is None:
            time.sleep(0.05)
        self._signal(victims + _children(self.pid), signal.SIGKILL)
        self._reader.join(CANCEL_GRACE_S)

    def _signal(self, pids, signum):
        try:
            os.killpg(self.pid, signum)
        except ProcessLookupError:
            pass
        for pid in pids:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass


class Run(Worker):
    """One run: ``hnn-netpyne run`` on the model saved now (later edits do not change it).

    Parameters
    ----------
    workspace : Workspace
        Where the configuration file and the run folder go.
    state : ModelState
        The model to run.
    options : RunOptions
        Run length, step, trials, processes, solver.
    """

    def __init__(self, workspace, state, options):
        self.options = options.checked()
        workspace.path(RUNS_FOLDER).mkdir(exist_ok=True)
        self.config_path = workspace.path(f"{RUNS_FOLDER}/{self.options.label}.json")
        self.folder = workspace.path(f"{RUNS_FOLDER}/{self.options.label}")
        state.save_configuration(self.config_path)
        super().__init__(workspace, run_command(workspace.relative(self.config_path),
                                                workspace.relative(self.folder),
                                                self.options), self.options.label)

    def progress(self):
        """A snapshot: status, trial (from 1), trials, simulated and total ms, message."""
        state = self._snapshot()
        with self._lock:
            return dict(state, trial=self.step, n_trials=max(self.n_steps,
                                                             self.options.n_trials),
                        t_ms=self.amount, tstop_ms=self.options.tstop)


def cancel_all():
    """Cancel every worker this process started that still runs (the server is ending)."""
    for worker in list(_LIVE):
        worker.cancel()


def check_finished(run):
    """The run folder of a finished run, or a ParameterError saying why there is none."""
    status = run.progress()
    if status["status"] != "done":
        raise ParameterError(f"run {run.options.label} is {status['status']}: "
                             f"{status['message']}")
    return Path(run.folder)

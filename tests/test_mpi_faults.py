"""Faults under MPI end the run with a non-zero status and no complete folder.

Issue 19, finding 1: a rank stopped with ``kill -STOP`` made the run end
after NEURON's 40 s ``nrn_timeout`` with status 0, and killing
``hydra_pmi_proxy`` left both ranks running as orphans that then marked the
folder complete. Each test starts a short 2-rank run, waits until it is
solving, injects the fault and checks status, time, message and folder.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hnn_netpyne.runtime.launcher import _descendants
from run_output import until_solving

BIN = Path(sys.executable).parent
LIMIT_S = 6.0


def _environ(pid):
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0")
                if "=" in item)


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _start(tmp_path, tstop="2000", extra=()):
    cmd = [str(BIN / "hnn-netpyne"), "run", "--np", "2", "--preset", "erp", "--tstop", tstop,
           "--mesh", "2", "2", "--no-plots", "--rank-timeout", str(LIMIT_S),
           "--output", str(tmp_path / "run"), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    return proc, until_solving(proc)


def _process(tree, name, rank=None):
    for pid in tree:
        if name in _cmdline(pid) and (rank is None or _environ(pid).get("PMI_RANK") == rank):
            return pid
    raise AssertionError(f"no {name} (rank {rank}) among {tree}")


def _finish(proc, timeout):
    try:
        return proc.wait(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_stopped_rank_fails_within_the_limit(tmp_path):
    proc, lines = _start(tmp_path)
    rank1 = _process(_descendants(proc.pid), "nrniv", rank="1")
    os.kill(rank1, signal.SIGSTOP)
    stopped = time.monotonic()
    status = _finish(proc, timeout=LIMIT_S + 30)
    waited = time.monotonic() - stopped
    output = "".join(lines)
    assert status != 0, output[-3000:]
    assert waited < LIMIT_S + 10, waited  # the limit plus polling and tear-down
    assert "rank 1" in output and "made no progress" in output, output[-3000:]
    assert not (tmp_path / "run" / "manifest.json").exists()
    with pytest.raises(ProcessLookupError):
        os.kill(rank1, 0)


def test_lost_launcher_ends_the_ranks(tmp_path):
    proc, lines = _start(tmp_path)
    tree = _descendants(proc.pid)
    ranks = [_process(tree, "nrniv", rank=r) for r in ("0", "1")]
    os.kill(_process(tree, "hydra_pmi_proxy"), signal.SIGKILL)
    status = _finish(proc, timeout=60)
    assert status != 0
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in ranks):
        time.sleep(0.2)
    alive = [pid for pid in ranks if Path(f"/proc/{pid}").exists()]
    for pid in alive:
        os.kill(pid, signal.SIGKILL)
    assert alive == [], "".join(lines)[-3000:]
    assert not (tmp_path / "run" / "manifest.json").exists()


def test_rank_timeout_setting():
    from hnn_netpyne.errors import ParameterError
    from hnn_netpyne.runtime.mpienv import DEFAULT_RANK_TIMEOUT_S, rank_timeout_s

    assert rank_timeout_s(["init.py"], env={}) == DEFAULT_RANK_TIMEOUT_S < 40.0
    assert rank_timeout_s(["init.py"], env={"HNN_NETPYNE_RANK_TIMEOUT_S": "7"}) == 7.0
    assert rank_timeout_s(["init.py", "--rank-timeout", "3"], env={}) == 3.0
    for argv, env in ((["init.py", "--rank-timeout", "0"], {}),
                      (["init.py"], {"HNN_NETPYNE_RANK_TIMEOUT_S": "soon"})):
        with pytest.raises(ParameterError, match="seconds > 0"):
            rank_timeout_s(argv, env=env)


def test_status_zero_without_results_is_a_failure(tmp_path):
    """NEURON's nrn_timeout ends all ranks with status 0; the launcher does not trust it."""
    from hnn_netpyne.runtime.launcher import _check_finished
    from hnn_netpyne.errors import SimulationError

    with pytest.raises(SimulationError, match="status 0 but left no complete run folder"):
        _check_finished(tmp_path / "run")


def test_stopped_rank_and_watchdog_never_exit_0(tmp_path):
    """Issue 27: rank 1 and its watchdog stopped, a --overwrite run exited 0 after 40 s
    with the earlier run (20 ms) still in the folder. Rank 0's watchdog ends it now."""
    from hnn_netpyne.cli import main

    folder = tmp_path / "run"
    assert main(["run", "--preset", "erp", "--tstop", "20", "--mesh", "2", "2", "--no-plots",
                 "--quiet", "--output", str(folder)]) == 0
    before = (folder / "manifest.json").read_text()
    proc, lines = _start(tmp_path, extra=["--overwrite"])
    rank1 = _process(_descendants(proc.pid), "nrniv", rank="1")
    watchdog = _process(_descendants(rank1), "watchdog.py")
    os.kill(watchdog, signal.SIGSTOP)
    os.kill(rank1, signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        status = _finish(proc, timeout=2 * LIMIT_S + 30)
    finally:
        for pid in (rank1, watchdog):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    output = "".join(lines)
    assert status != 0, output[-3000:]
    assert time.monotonic() - stopped < 2 * LIMIT_S + 15
    assert "waits for another rank" in output, output[-3000:]
    assert (folder / "manifest.json").read_text() == before
    assert json.loads((folder / "config.json").read_text())["simConfig"]["duration"] == 20.0

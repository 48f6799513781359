"""Watch one MPI rank from a small process beside it (standard library only).

Usage: ``python -I -S watchdog.py RANK_PID RANK LIMIT_S``. Started by
:func:`hnn_netpyne.runtime.mpienv.start_rank_watchdog`; it ends the rank
with SIGKILL (the MPI launcher then ends every other rank and exits with a
non-zero status) when

* the rank was stopped (``kill -STOP``, a debugger) and used no CPU time
  for ``LIMIT_S`` seconds, or sat asleep or in I/O without CPU time for ten
  times as long; a rank that waits for another in MPI keeps polling, and a
  runnable rank on a busy machine is never counted as hung; or
* the rank's parent (``hydra_pmi_proxy``) or that one's parent (``mpiexec``)
  ended, which would leave the rank running as an orphan; or
* another rank of the same launch on this machine has been stopped for
  twice the limit (its own watchdog, which would have ended it after the
  limit, is stopped too): the other ranks would wait for it until NEURON's
  ``nrn_timeout`` ended them all with status 0, as if the run had succeeded.

It exits by itself when the rank ends. NEURON's own ``nrn_timeout``
(40 s, then ``MPI_Abort`` with status 0) never has to fire first.
"""

import os
import signal
import sys
import time

POLL_S = 0.25
SLEEP_FACTOR = 10.0
_STOPPED = ("T", "t")
_STATES = {"T": "stopped (kill -STOP)", "t": "stopped by a debugger", "D": "stuck in I/O",
           "S": "asleep", "Z": "ended"}


def _stat(pid):
    """(state, ppid, cpu ticks) of ``pid`` from /proc, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as fid:
            fields = fid.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return fields[0], int(fields[1]), int(fields[11]) + int(fields[12])


def _end(pid, rank, why):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:  # after the kill: with the launcher gone, stderr may be a broken pipe
        sys.stderr.write(f"[rank {rank}] hnn-netpyne error: rank {rank} (pid {pid}) {why}; "
                         "ending the run\n")
        sys.stderr.flush()
    except OSError:
        pass
    return 1


def _children(pid):
    """Pids of the children of ``pid`` (empty if the kernel does not list them)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fid:
            return [int(child) for child in fid.read().split()]
    except OSError:
        return []


def _stopped_sibling(pid, proxy, stopped_polls, allowed_s):
    """Pid of another rank of ``proxy`` stopped for more than ``allowed_s``, or None.

    ``stopped_polls`` counts, per rank, the polls in a row that found it stopped.
    """
    for sibling in _children(proxy):
        state = (_stat(sibling) or ("gone",))[0] if sibling != pid else "self"
        stopped_polls[sibling] = stopped_polls.get(sibling, 0) + 1 if state in _STOPPED else 0
        if stopped_polls[sibling] * POLL_S > allowed_s:
            return sibling
    return None


def watch(pid, rank, limit_s):
    """Poll rank ``pid`` until it ends (returns 0) or must be ended (returns 1)."""
    first = _stat(pid)
    if first is None:
        return 0
    proxy = first[1]
    launcher = (_stat(proxy) or (None, 1))[1]
    last_cpu, idle_s, stopped_polls = first[2], 0.0, {}
    while True:
        time.sleep(POLL_S)
        now = _stat(pid)
        if now is None or os.getppid() != pid or now[0] == "Z":
            return 0
        state, ppid, cpu = now
        if ppid != proxy or (launcher > 1 and _stat(launcher) is None):
            return _end(pid, rank, "lost its MPI launcher (mpiexec or hydra_pmi_proxy ended)")
        sibling = _stopped_sibling(pid, proxy, stopped_polls, 2.0 * limit_s)
        if sibling is not None:
            return _end(pid, rank, f"waits for another rank (pid {sibling}) that has been "
                        f"stopped for {2.0 * limit_s:g} s")
        if cpu != last_cpu or state == "R":  # runnable: a busy machine is no hang
            last_cpu, idle_s = cpu, 0.0
            continue
        # Idle time counts polls, not the clock: a paused or suspended machine
        # (whose clock jumps on resume) is no hang of the rank.
        idle_s += POLL_S
        # A stopped rank gets the limit; one asleep or in I/O without CPU time
        # (a blocking call) ten times as long, since slow disks are no hang.
        allowed = limit_s if state in _STOPPED else SLEEP_FACTOR * limit_s
        if idle_s > allowed:
            what = _STATES.get(state, f"in state {state}")
            return _end(pid, rank, f"made no progress for {allowed:g} s ({what}); the limit "
                        "is --rank-timeout (or HNN_NETPYNE_RANK_TIMEOUT_S)")


if __name__ == "__main__":
    sys.exit(watch(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])))

"""Make NEURON find the MPI library that pip's ``mpich`` installs.

pip's ``mpich`` puts ``libmpi.so.12`` in ``<venv>/lib``, next to a
``libmpi.so`` that is a text stub, so NEURON's own search fails. NEURON
loads the library named by ``MPI_LIB_NRN_PATH``; this module sets it, and
``--install-pth`` writes a ``.pth`` file that sets it at every start of the
environment's Python, so ``mpiexec -n 4 nrniv -python -mpi init.py`` works
with nothing exported by hand.
"""

import argparse
import math
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

PTH_NAME = "hnn_netpyne_mpi.pth"
RANK_TIMEOUT_ENV = "HNN_NETPYNE_RANK_TIMEOUT_S"
DEFAULT_RANK_TIMEOUT_S = 20.0
"""Seconds a stopped rank (no CPU time) is given before the run is ended (see
:mod:`hnn_netpyne.runtime.watchdog`). A running or MPI-waiting rank uses CPU
time all the time, so this is many times the longest pause of a healthy
rank, and half of NEURON's own 40 s ``nrn_timeout`` (which would end the run
with status 0)."""


def mpich_library(prefix=None):
    """Path of pip mpich's ``libmpi.so.12`` in the environment, or None."""
    lib = Path(prefix or sys.prefix) / "lib" / "libmpi.so.12"
    return lib if lib.exists() else None


def mpi_environment(env=None):
    """A copy of ``env`` (default: os.environ) with ``MPI_LIB_NRN_PATH`` set if needed."""
    env = dict(os.environ if env is None else env)
    lib = mpich_library()
    if lib is not None and not env.get("MPI_LIB_NRN_PATH"):
        env["MPI_LIB_NRN_PATH"] = str(lib)
    return env


def pmi_connected():
    """False in a process an MPI rank started (NetPyNE's batch jobs): it inherits
    the rank's PMI variables but not the connection ``PMI_FD`` names."""
    fd = os.environ.get("PMI_FD")
    if fd is None:
        return True
    try:
        os.fstat(int(fd))
    except (OSError, ValueError):
        return False
    return True


LAUNCH_SIZE_ENV = ("PMI_SIZE", "OMPI_COMM_WORLD_SIZE")
"""Environment variables in which MPICH's and Open MPI's launchers give the ranks."""


def environment_size(env=None):
    """Ranks of the MPI launch that the environment names (1 when none does).

    Raises
    ------
    ParameterError
        For a value that is not a whole number of ranks from 1 to ``--np``'s
        limit (:data:`hnn_netpyne.runtime.options.MAX_PROCESSES`).
    """
    from hnn_netpyne.errors import ParameterError
    from hnn_netpyne.runtime.options import MAX_PROCESSES

    env = os.environ if env is None else env
    for key in LAUNCH_SIZE_ENV:
        text = env.get(key)
        if text:
            size = int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else 0
            if not 1 <= size <= MAX_PROCESSES:
                raise ParameterError(f"the MPI launcher's environment must give a whole number "
                                     f"of ranks from 1 to {MAX_PROCESSES}", key=key, value=text)
            return size
    return 1


def init_mpi_if_launched():
    """Start NEURON's MPI when ``python`` (not ``nrniv -mpi``) runs under mpiexec.

    Call before anything creates a ParallelContext. Harmless when MPI is
    already running or when there is a single process.
    """
    if environment_size() > 1 and pmi_connected():
        from neuron import h

        h.nrnmpi_init()


def rank_timeout_s(argv=None, env=None):
    """The no-progress limit of a rank (s): ``--rank-timeout``, the environment, or the default.

    Raises
    ------
    ParameterError
        If the value is not a positive finite number of seconds.
    """
    from hnn_netpyne.runtime.options import options_from_argv
    from hnn_netpyne.errors import ParameterError

    value = options_from_argv(argv).rank_timeout
    key = "--rank-timeout"
    if value is None:
        key, value = RANK_TIMEOUT_ENV, (os.environ if env is None else env).get(RANK_TIMEOUT_ENV)
    if value is None:
        return DEFAULT_RANK_TIMEOUT_S
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ParameterError("expected a number of seconds > 0", key=key, value=value)
    return seconds


def start_rank_watchdog(rank, limit_s):
    """Start the process that ends this rank if it hangs or loses its launcher.

    See :mod:`hnn_netpyne.runtime.watchdog`. It exits by itself when this
    rank ends.

    Returns
    -------
    process : subprocess.Popen
    """
    python = Path(sys.prefix) / "bin" / "python"
    script = Path(__file__).with_name("watchdog.py")
    cmd = [str(python if python.exists() else sys.executable), "-I", "-S", str(script),
           str(os.getpid()), str(rank), repr(float(limit_s))]
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL)


def install_pth():
    """Write the start-up ``.pth`` file into this environment's site-packages."""
    site = Path(sysconfig.get_paths()["purelib"])
    line = (
        "import os, sys; p = os.path.join(sys.prefix, 'lib', 'libmpi.so.12'); "
        "os.path.exists(p) and os.environ.setdefault('MPI_LIB_NRN_PATH', p)\n"
    )
    target = site / PTH_NAME
    target.write_text(line)
    return target


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install-pth", action="store_true",
                        help="write the .pth file that sets MPI_LIB_NRN_PATH at start-up")
    args = parser.parse_args(argv)
    if args.install_pth:
        print(f"wrote {install_pth()}")
    lib = mpich_library()
    print(f"MPI library: {lib if lib else 'not found (pip install mpich)'}")


if __name__ == "__main__":
    main()

"""Make NEURON find the MPI library that pip's ``mpich`` installs.

pip's ``mpich`` puts ``libmpi.so.12`` in ``<venv>/lib``, next to a
``libmpi.so`` that is a text stub, so NEURON's own search fails. NEURON
loads the library named by ``MPI_LIB_NRN_PATH``; this module sets it, and
``--install-pth`` writes a ``.pth`` file that sets it at every start of the
environment's Python, so ``mpiexec -n 4 nrniv -python -mpi init.py`` works
with nothing exported by hand.
"""

import argparse
import os
import sys
import sysconfig
from pathlib import Path

PTH_NAME = "hnn_netpyne_mpi.pth"


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


def _pmi_connected():
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


def init_mpi_if_launched():
    """Start NEURON's MPI when ``python`` (not ``nrniv -mpi``) runs under mpiexec.

    Call before anything creates a ParallelContext. Harmless when MPI is
    already running or when there is a single process.
    """
    size = os.environ.get("PMI_SIZE") or os.environ.get("OMPI_COMM_WORLD_SIZE") or "1"
    if int(size) > 1 and _pmi_connected():
        from neuron import h

        h.nrnmpi_init()


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

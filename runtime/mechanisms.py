"""Compile and load the model's NMODL mechanisms, automatically and cached.

The mod files in ``mod/`` are compiled with NEURON's ``nrnivmodl`` into a
cache folder named by a hash of the files and the NEURON version, so a
changed mod file or a new NEURON recompiles and nothing else does. A file
lock lets several MPI ranks start at once: one compiles, the others wait.
"""

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hnn_netpyne.errors import SimulationError

MOD_DIR = Path(__file__).resolve().parent.parent / "mod"
_loaded = {}


def cache_root():
    """Folder holding compiled mechanisms (``$HNN_NETPYNE_CACHE`` or ~/.cache)."""
    root = os.environ.get("HNN_NETPYNE_CACHE")
    if root:
        return Path(root)
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "hnn-netpyne"


def _nrnivmodl():
    local = Path(sys.executable).parent / "nrnivmodl"
    if local.exists():
        return str(local)
    found = shutil.which("nrnivmodl")
    if found is None:
        raise SimulationError("nrnivmodl not found: is NEURON installed in this environment?")
    return found


def mechanisms_hash(mod_dir=MOD_DIR, coreneuron=False):
    """Hash of the mod files, the NEURON version and the build flavour."""
    import neuron

    digest = hashlib.sha256()
    digest.update(f"neuron {neuron.__version__} coreneuron {coreneuron}".encode())
    for path in sorted(Path(mod_dir).glob("*.mod")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def compile_mechanisms(mod_dir=MOD_DIR, coreneuron=False):
    """Compile ``mod_dir`` unless an identical build is cached.

    Parameters
    ----------
    mod_dir : pathlib.Path
        Folder with the .mod files.
    coreneuron : bool
        Also build the CoreNEURON library (``nrnivmodl -coreneuron``).

    Returns
    -------
    build_dir : pathlib.Path
        Folder to pass to ``neuron.load_mechanisms``.
    """
    mods = sorted(Path(mod_dir).glob("*.mod"))
    if not mods:
        raise SimulationError(f"no .mod files in {mod_dir}")
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    build_dir = root / f"nrnmech-{mechanisms_hash(mod_dir, coreneuron)}"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (build_dir / ".complete").exists():
            staging = Path(tempfile.mkdtemp(prefix="build-", dir=root))
            for mod in mods:
                shutil.copy2(mod, staging / mod.name)
            cmd = [_nrnivmodl()] + (["-coreneuron"] if coreneuron else []) + ["."]
            result = subprocess.run(cmd, cwd=staging, capture_output=True, text=True)
            if result.returncode != 0:
                shutil.rmtree(staging, ignore_errors=True)
                raise SimulationError(
                    f"nrnivmodl failed on {mod_dir} (exit {result.returncode}):\n"
                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
                )
            (staging / ".complete").write_text("ok\n")
            shutil.rmtree(build_dir, ignore_errors=True)
            os.replace(staging, build_dir)
    return build_dir


def load_mechanisms(mod_dir=MOD_DIR, coreneuron=False):
    """Compile if needed and load the mechanisms into NEURON, once per process.

    If the mechanisms are already in NEURON (for example loaded by the
    NetPyNE GUI from ``mod/``), nothing is loaded again.
    """
    from neuron import h, load_mechanisms as nrn_load

    key = (str(Path(mod_dir).resolve()), coreneuron)
    if key in _loaded:
        return _loaded[key]
    if hasattr(h, "Dipole"):
        if coreneuron:
            # CoreNEURON needs the library built beside the loaded mechanisms.
            _loaded[key] = compile_mechanisms(mod_dir, coreneuron=True)
            return _loaded[key]
        return None
    build_dir = compile_mechanisms(mod_dir, coreneuron)
    if not nrn_load(str(build_dir), warn_if_already_loaded=False):
        raise SimulationError(f"NEURON could not load the mechanisms built in {build_dir}")
    _loaded[key] = build_dir
    return build_dir


def load_custom_mechanisms(net_verbose=True):
    """hnn-core's name: compile if needed and load the model's mechanisms into this
    process's NEURON (see :func:`load_mechanisms`); ``net_verbose`` says where from."""
    build_dir = load_mechanisms()
    if net_verbose:
        print(f"Loaded the model's mechanisms ({build_dir or 'already in NEURON'})")

"""Compile and load the model's NMODL mechanisms, automatically and cached.

The mod files in ``mod/`` are compiled with NEURON's ``nrnivmodl`` into a
cache folder named by a hash of the files and the NEURON version, so a
changed mod file or a new NEURON recompiles and nothing else does. A file
lock lets several MPI ranks start at once: one compiles, the others wait.
"""

import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hnn_netpyne.errors import SimulationError
from hnn_netpyne.model.spec_safety import MOD_DIR  # noqa: F401 -- the mechanisms compiled here

PLAIN_BUILD_PATH = re.compile(r"[A-Za-z0-9_./+-]+")
_loaded = {}


def cache_root():
    """Folder holding compiled mechanisms (``$HNN_NETPYNE_CACHE`` or ~/.cache)."""
    root = os.environ.get("HNN_NETPYNE_CACHE")
    if root and "$(" in root:
        # NEURON's nrn_load_dll reads $(NAME) in a path as a variable.
        raise SimulationError(f"HNN_NETPYNE_CACHE={root!r}: NEURON cannot load mechanisms from "
                              "a path holding '$('; choose another folder")
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
            staging = _build(mods, mod_dir, coreneuron, root)
            shutil.rmtree(build_dir, ignore_errors=True)
            os.replace(staging, build_dir)
    return build_dir


def _compile_folder(root):
    """A folder to run nrnivmodl in: ``root`` if its path is plain, else the system's
    temporary folder.

    nrnivmodl's shell script and its makefile expand ``$(...)``, ``$(shell ...)``
    and backticks in the path of the folder they run in, so a cache path from
    the environment could run commands there; only paths of letters, digits
    and ``_ . / + -`` are used.
    """
    for folder in (root, tempfile.gettempdir(), "/tmp", "/var/tmp"):
        path = os.path.realpath(folder)
        if PLAIN_BUILD_PATH.fullmatch(path) and os.access(path, os.W_OK | os.X_OK):
            return path
    raise SimulationError(f"cannot compile the mechanisms: neither the cache folder {root} nor "
                          "the temporary folder has a path of only letters, digits and "
                          "_ . / + - (set TMPDIR to such a folder)")


def _build(mods, mod_dir, coreneuron, root):
    """Compile ``mods`` (an argument list, no shell of ours); the finished build
    folder, inside ``root`` and marked complete."""
    root = Path(os.path.realpath(root))
    staging = Path(tempfile.mkdtemp(prefix="build-", dir=_compile_folder(root)))
    try:
        for mod in mods:
            shutil.copy2(mod, staging / mod.name)
        cmd = [_nrnivmodl()] + (["-coreneuron"] if coreneuron else []) + ["."]
        result = subprocess.run(cmd, cwd=staging, capture_output=True, text=True)
        if result.returncode != 0:
            raise SimulationError(
                f"nrnivmodl failed on {mod_dir} (exit {result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        (staging / ".complete").write_text("ok\n")
        if staging.parent == root:
            return staging
        # Built elsewhere: copied beside the cache entry first, so that its move is atomic.
        moved = Path(tempfile.mkdtemp(prefix="build-", dir=root))
        shutil.copytree(staging, moved, symlinks=True, dirs_exist_ok=True)
        shutil.rmtree(staging)
        return moved
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
    # neuron.load_mechanisms says True even when NEURON failed to open the library.
    if not nrn_load(str(build_dir), warn_if_already_loaded=False) or not hasattr(h, "Dipole"):
        raise SimulationError(f"NEURON could not load the mechanisms built in {build_dir}")
    _loaded[key] = build_dir
    return build_dir


def load_custom_mechanisms(net_verbose=True):
    """hnn-core's name: compile if needed and load the model's mechanisms into this
    process's NEURON (see :func:`load_mechanisms`); ``net_verbose`` says where from."""
    build_dir = load_mechanisms()
    if net_verbose:
        print(f"Loaded the model's mechanisms ({build_dir or 'already in NEURON'})")

"""The specs ``sim/init.py`` runs: its own cfg.py and netParams.py, or JSON files.

NetPyNE's ``sim.readCmdLineArgs`` takes any argument that starts with
``simConfig=`` or ``netParams=`` (also the value of another option, as in
``--output netParams=evil.py``) and imports a ``.py`` file as code or
unpickles a ``.pkl`` file. Here only the arguments that are not values of
a run option count, and they must name JSON files, read with the limits of
:mod:`hnn_netpyne.readers`, or (``netParams=``) a byte-for-byte copy of the
package's own ``netParams.py``, as NetPyNE's batch passes. Without them the
package's own ``cfg.py`` and ``netParams.py`` are loaded, as
``readCmdLineArgs`` would. The specs read from files pass
:func:`hnn_netpyne.model.spec_safety.check_specs` before NetPyNE sees them;
the run folder of a simConfig file must lie inside the file's folder.
"""

from pathlib import Path

from hnn_netpyne.errors import ParameterError

SPEC_KINDS = ("simConfig", "netParams")
MAX_SPEC_FILE_BYTES = 2**30
MAX_SPEC_KEYS = 50_000_000


def spec_file_arguments(argv=None):
    """``{'simConfig': path, 'netParams': path}`` given as NetPyNE arguments on ``argv``.

    Raises
    ------
    ParameterError
        If such a file is not ``.json`` (Python files and pickles would run
        code) or is given twice.
    """
    from hnn_netpyne.runtime.options import run_parser, script_arguments

    _, rest = run_parser().parse_known_args(script_arguments(argv))
    files = {}
    for arg in rest:
        kind, _, path = arg.partition("=")
        if kind not in SPEC_KINDS:
            continue
        if kind in files:
            raise ParameterError("given twice on the command line", key=kind, value=path)
        if kind == "netParams" and _is_package_netparams(path):
            continue  # NetPyNE's batch passes its copy of our netParams.py: load ours
        if not path.endswith(".json"):
            raise ParameterError("only a JSON file is read here (a .py or .pkl file would run "
                                 "code); save the specs with NetPyNE's saveJson", key=kind,
                                 value=path)
        files[kind] = path
    return files


def _is_package_netparams(path):
    """Whether ``path`` is a byte-for-byte copy of the package's ``sim/netParams.py``.

    NetPyNE's batch copies the netParams file it is given next to its jobs
    and passes the copy to every job; an identical copy runs no code that the
    package does not already hold, so the package's own file is loaded instead.
    """
    from hnn_netpyne.runtime.options import SIM_DIR

    ours = (SIM_DIR / "netParams.py").read_bytes()
    try:
        given = Path(path)
        # Only a regular file of the same size is read (no pipe, device or huge file).
        return (given.is_file() and given.stat().st_size == len(ours)
                and given.read_bytes() == ours)
    except OSError:
        return False


def _from_file(kind, path):
    from hnn_netpyne.readers import read_json

    data = read_json(path, MAX_SPEC_FILE_BYTES, MAX_SPEC_KEYS)
    if isinstance(data, dict) and kind in data:
        data = data[kind]
    elif kind == "netParams" and isinstance(data, dict) and "net" in data:
        data = (data["net"] or {}).get("params")  # NetPyNE's saved data file
    if not isinstance(data, dict):
        raise ParameterError(f"no {kind} object in the file", source=path)
    return data


def load_entry_specs(sim_dir, argv=None):
    """The (cfg, netParams) NetPyNE objects ``sim/init.py`` runs.

    Parameters
    ----------
    sim_dir : pathlib.Path
        The folder of ``cfg.py`` and ``netParams.py``.
    argv : list of str | None
        Command line (default ``sys.argv``).
    """
    import __main__

    from netpyne import sim, specs

    from hnn_netpyne.model.spec_safety import check_specs

    files = spec_file_arguments(argv)
    source = " ".join(f"{kind}={path}" for kind, path in files.items()) or str(sim_dir)
    if "simConfig" in files:
        cfg_dict = _from_file("simConfig", files["simConfig"])
        # Checked before anything reads it (netParams.py builds from it).
        check_specs(cfg_dict, {}, source, _file_folder(files["simConfig"]))
        cfg = specs.SimConfig(cfg_dict)
    else:
        cfg = sim.loadPythonModule(str(Path(sim_dir) / "cfg.py")).cfg
    __main__.cfg = cfg  # netParams.py reads it from there, as with readCmdLineArgs
    if "netParams" in files:
        net_dict = _from_file("netParams", files["netParams"])
        check_specs(cfg, net_dict, source, _file_folder(files.get("simConfig")))
        net_params = specs.NetParams(net_dict)
    else:
        net_params = sim.loadPythonModule(str(Path(sim_dir) / "netParams.py")).netParams
    return cfg, net_params


def _file_folder(path):
    """The folder of a simConfig file: its run folder must lie inside (NetPyNE's batch
    writes each job's simConfig into the job's ``saveFolder``); None without a file."""
    return Path(path).resolve().parent if path else None

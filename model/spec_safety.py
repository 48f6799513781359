"""The one safety check of a pair of specs before NetPyNE sees them: no string is ever run.

NetPyNE 1.1.1 turns these parts of a simConfig and a netParams into code,
hoc calls, file reads or file writes:

* ``sim/setup.py`` (``setGlobals``): every ``simConfig.hParams`` and
  ``cellParams[*].globals`` key and value become a hoc statement
  ``h('key=value')``;
* ``cell/compartCell.py`` (``_addIons``): ion names and their ``o``/``i``
  values become hoc statements; ``sec.insert`` takes mechanism names;
  ``getattr(h, name)(...)`` creates the objects named by ``mod``
  (pointps, synMechParams), ``type`` (stimSourceParams) and ``plast.mech``;
* ``network/pop.py``: a ``cellModel`` that names anything in hoc is called
  to make each cell;
* ``specs/utils.py``, ``network/conn.py``, ``network/stim.py``,
  ``network/pop.py``: string values become Python lambdas through
  ``eval`` (see :mod:`hnn_netpyne.model.expressions`, which checks them);
  the names of ``cellParams[*].vars`` and numeric top-level netParams keys
  become the lambdas' parameter names;
* ``network/netrxd.py``: ``rxdParams`` strings are ``exec``-uted;
* ``specs/netParams.py`` (``setCfgMapping``): ``netParams.mapping`` copies
  simConfig values anywhere into netParams after any check;
* ``network/stim.py``: an ``XStim`` waveform's ``time``/``signal`` naming a
  ``.pkl`` file is unpickled (a ``VecStim`` reads no file in 1.1.1);
* ``sim/save.py``: ``backupCfgFile`` is copied through ``os.system``;
  ``saveFolder``, ``simLabel`` and ``filename`` name the files written.

:func:`check_specs` refuses every one of these that is not plain data: hoc
statements take only known global names and finite numbers, hoc names come
from an allow-list of NEURON's and this package's mechanisms, expressions
pass the grammar of :mod:`~hnn_netpyne.model.expressions`, and paths stay
under the chosen output folder. Every refusal is one line naming the
source, the key path and the value.
"""

import functools
import math
import re
from pathlib import Path

from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.expressions import ExpressionError, check_spec_expressions

MOD_DIR = Path(__file__).resolve().parent.parent / "mod"
"""The package's NMODL files: the model's own mechanisms."""
# NEURON's own mechanisms that specs may name (the package's come from MOD_DIR).
NEURON_DENSITY_MECHANISMS = frozenset({"hh", "pas", "extracellular"})
NEURON_POINT_PROCESSES = frozenset({"IClamp", "SEClamp", "VClamp", "AlphaSynapse", "ExpSyn",
                                    "Exp2Syn", "NetStim", "IntFire1", "IntFire2", "IntFire4",
                                    "APCount"})
NEURON_IONS = frozenset({"na", "k", "ca"})
# hoc globals of NEURON itself that hParams/globals may set; besides these,
# a mechanism's globals ``<name>_<mechanism>`` (such as ``cai0_ca_ion``).
HOC_GLOBALS = frozenset({"celsius", "v_init", "clamp_resist", "secondorder"})
# stimSourceParams types NetPyNE handles itself (the others it creates from hoc).
NETPYNE_STIM_TYPES = frozenset({"XStim"})
PLAIN_NAME = re.compile(r"(?!\.\.?$)[A-Za-z0-9_.][A-Za-z0-9_.+=@,-]{0,254}")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MOD_NAME = re.compile(r"^\s*(SUFFIX|POINT_PROCESS|ARTIFICIAL_CELL|USEION)\s+(\w+)", re.M)
_ANALYSIS_FILE_KEYS = ("saveFig", "saveData", "fileName", "filename")


class UnsafeSpecError(ParameterError):
    """A spec value that NetPyNE would run, read or write as given."""


class _Refusal(Exception):
    """Raised inside the checks; :func:`check_specs` adds the source."""


@functools.lru_cache(maxsize=None)
def allowed_names():
    """The hoc names specs may use: NEURON's and the package's mod files'.

    Returns
    -------
    names : dict of str -> frozenset of str
        ``'density'`` (``sec.insert`` names), ``'point'`` (point processes
        and artificial cells), ``'ion'`` (ion names without ``_ion``).
    """
    found = {"SUFFIX": set(), "POINT_PROCESS": set(), "ARTIFICIAL_CELL": set(), "USEION": set()}
    for path in sorted(MOD_DIR.glob("*.mod")):
        for kind, name in _MOD_NAME.findall(path.read_text(errors="replace")):
            found[kind].add(name)
    return {"density": NEURON_DENSITY_MECHANISMS | found["SUFFIX"],
            "point": NEURON_POINT_PROCESSES | found["POINT_PROCESS"] | found["ARTIFICIAL_CELL"],
            "ion": NEURON_IONS | found["USEION"]}


def _refuse(where, value, reason):
    raise _Refusal(reason, where, value)


def _items(mapping):
    return mapping.items() if isinstance(mapping, dict) else ()


def _check_text(data, where):
    """No key or string anywhere in ``data`` holds a control character (newline, NUL, ...)."""
    stack, open_ids = [(data, where)], set()  # open_ids: the containers above this item
    while stack:
        item, path = stack.pop()
        if path is None:  # the end of a container's items
            open_ids.discard(item)
            continue
        if isinstance(item, (dict, list, tuple)):
            if id(item) in open_ids:
                _refuse(path, "...", "the specs contain themselves (a cycle)")
            open_ids.add(id(item))
            stack.append((id(item), None))
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str) and _CONTROL.search(key):
                    _refuse(f"{path or 'netParams'} key", key, "control characters (such as "
                            "a newline) are not allowed in any name")
                inner = f"{path}[{key!r}]" if item is not data else (
                    f"{path}.{key}" if path else str(key))
                stack.append((value, inner))
        elif isinstance(item, (list, tuple)):
            stack.extend((value, f"{path}[{index}]") for index, value in enumerate(item))
        elif isinstance(item, str) and _CONTROL.search(item):
            _refuse(path, item, "control characters (such as a newline) are not allowed in "
                    "any string")


def _is_number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer beyond any float
        return False


def _check_hoc_global(where, key, value):
    """``key=value`` becomes a hoc statement: a known global name and a finite number."""
    names = allowed_names()
    mechanisms = names["density"] | names["point"] | {f"{ion}_ion" for ion in names["ion"]}
    known = isinstance(key, str) and IDENTIFIER.fullmatch(key) and (
        key in HOC_GLOBALS or any(key.endswith(f"_{mechanism}") and len(key) > len(mechanism) + 1
                                  and key[0].isalpha() for mechanism in mechanisms))
    if not known:
        _refuse(f"{where} key", key, "NetPyNE runs each key as a hoc statement; allowed: "
                f"{', '.join(sorted(HOC_GLOBALS))} or <variable>_<mechanism> of a known "
                "mechanism")
    if not _is_number(value):
        _refuse(f"{where}[{key!r}]", value, "NetPyNE runs it as a hoc statement: only a "
                "finite number is allowed")


def _check_hoc_statements(cfg, net_params):
    """hParams, cellParams globals and ion values (NetPyNE's ``h('%s=%s')``)."""
    hoc_params = cfg.get("hParams") or {}
    if not isinstance(hoc_params, dict):
        _refuse("simConfig.hParams", hoc_params, "must be a dictionary of numbers")
    for key, value in hoc_params.items():
        _check_hoc_global("simConfig.hParams", key, value)
    for label, rule in _items(net_params.get("cellParams")):
        where = f"cellParams[{label!r}]"
        for key, value in _items(rule.get("globals")):
            _check_hoc_global(f"{where}.globals", key, value)
        for sec_name, sec in _items(rule.get("secs")):
            for ion, values in _items(sec.get("ions")):
                ion_where = f"{where}.secs[{sec_name!r}].ions"
                _check_name(ion_where, ion, allowed_names()["ion"], "ion")
                for key, value in _items(values):
                    if not (_is_number(value) or isinstance(value, list)
                            and all(_is_number(item) for item in value)):
                        _refuse(f"{ion_where}[{ion!r}][{key!r}]", value, "NetPyNE runs it as "
                                "a hoc statement: only finite numbers are allowed")


def _check_name(where, name, allowed, kind):
    if not (isinstance(name, str) and name in allowed):
        _refuse(where, name, f"NetPyNE hands it to hoc as a {kind} name; allowed: "
                f"{', '.join(sorted(allowed))}")


def _check_cell_names(label, rule):
    """Mechanism, point-process and variable names of one cellParams rule."""
    names = allowed_names()
    where = f"cellParams[{label!r}]"
    for var in (rule.get("vars") or {}):
        if not (isinstance(var, str) and IDENTIFIER.fullmatch(var)):
            _refuse(f"{where}.vars key", var, "NetPyNE makes it a parameter name of Python "
                    "code: only an identifier is allowed")
    _check_cell_model(f"{where}.cellModel", rule.get("cellModel"))
    for sec_name, sec in _items(rule.get("secs")):
        sec_where = f"{where}.secs[{sec_name!r}]"
        for mech in (sec.get("mechs") or {}):
            _check_name(f"{sec_where}.mechs key", mech, names["density"], "mechanism")
        for pointp_name, pointp in _items(sec.get("pointps")):
            _check_name(f"{sec_where}.pointps[{pointp_name!r}].mod", pointp.get("mod"),
                        names["point"], "point process")
            if "vref" in pointp and not IDENTIFIER.fullmatch(str(pointp["vref"])):
                _refuse(f"{sec_where}.pointps[{pointp_name!r}].vref", pointp["vref"],
                        "only an identifier is allowed")


def _check_cell_model(where, model):
    """A cellModel naming anything in hoc is called to make each cell (pop.py)."""
    if model is None or (isinstance(model, str) and model in allowed_names()["point"]):
        return
    if not (isinstance(model, str) and IDENTIFIER.fullmatch(model)):
        _refuse(where, model, "only an identifier is allowed")
    from neuron import h

    if hasattr(h, model):
        _refuse(where, model, "names a hoc function or object that NetPyNE would call; "
                f"allowed point cells: {', '.join(sorted(allowed_names()['point']))}")


def _check_hoc_names(net_params):
    """Every name NetPyNE passes to ``getattr(h, name)``, ``insert`` or hoc statements."""
    names = allowed_names()
    for label, rule in _items(net_params.get("cellParams")):
        _check_cell_names(label, rule)
    for label, pop in _items(net_params.get("popParams")):
        _check_cell_model(f"popParams[{label!r}].cellModel", pop.get("cellModel"))
    for label, mech in _items(net_params.get("synMechParams")):
        _check_name(f"synMechParams[{label!r}].mod", mech.get("mod"), names["point"],
                    "point process")
        for key, value in _items(mech.get("pointerParams")):  # hoc variable names
            if isinstance(value, str) and not IDENTIFIER.fullmatch(value):
                _refuse(f"synMechParams[{label!r}].pointerParams[{key!r}]", value,
                        "only an identifier is allowed")
    for label, rule in _items(net_params.get("connParams")):
        plasticity = rule.get("plast")
        if plasticity:
            mech = plasticity.get("mech") if isinstance(plasticity, dict) else plasticity
            _check_name(f"connParams[{label!r}].plast.mech", mech, names["point"],
                        "point process")
    for label, source in _items(net_params.get("stimSourceParams")):
        where = f"stimSourceParams[{label!r}]"
        _check_name(f"{where}.type", source.get("type"), names["point"] | NETPYNE_STIM_TYPES,
                    "stimulus")
        for key, value in _items(source.get("waveform")):
            if key in ("time", "signal") and not isinstance(value, (list, tuple)):
                _refuse(f"{where}.waveform[{key!r}]", value, "only a list of numbers is "
                        "allowed (NetPyNE unpickles a .pkl file named here)")


def _check_top_level(data, where):
    """NetPyNE sets every top-level key as an attribute (``__dict__`` would replace
    all the checked ones; numeric netParams ones become parameter names of the
    evaluated lambdas): identifiers not starting with '_', or NetPyNE's own
    ``_labelid`` counter."""
    for key, value in data.items():
        if key == "_labelid" and _is_number(value):
            continue
        if not (isinstance(key, str) and IDENTIFIER.fullmatch(key)) or key.startswith("_"):
            _refuse(f"{where} key", key, "only an identifier not starting with '_' is allowed")


def _check_folder(where, folder, output_root):
    if not isinstance(folder, str) or ".." in Path(folder).parts:
        _refuse(where, folder, "must be a folder path without '..'")
    if output_root is None:
        if Path(folder).is_absolute() or folder.startswith("~"):
            _refuse(where, folder, "must be a relative folder path")
        return
    root = Path(output_root).expanduser().resolve()
    if not Path(folder).resolve().is_relative_to(root):
        _refuse(where, folder, f"must be inside the output folder {root}")


def _check_paths(cfg, output_root):
    """Where NetPyNE writes: plain names and folders under ``output_root``; no shell copy."""
    for key in ("simLabel", "filename"):
        value = cfg.get(key)
        if value not in (None, "") and not (isinstance(value, str)
                                            and PLAIN_NAME.fullmatch(value)):
            _refuse(f"simConfig.{key}", value, "must be a plain file name (letters, digits and "
                    "_ . + = @ , -; no folder, not '..')")
    if cfg.get("saveFolder") not in (None, ""):
        _check_folder("simConfig.saveFolder", cfg["saveFolder"], output_root)
    if cfg.get("backupCfgFile"):
        _refuse("simConfig.backupCfgFile", cfg["backupCfgFile"], "NetPyNE copies this file "
                "through a shell command: it must be empty")
    for name, settings in _items(cfg.get("analysis")):
        for key in _ANALYSIS_FILE_KEYS:
            value = settings.get(key) if isinstance(settings, dict) else None
            if isinstance(value, str) and not PLAIN_NAME.fullmatch(value):
                _refuse(f"simConfig.analysis[{name!r}][{key!r}]", value,
                        "must be a plain file name (no folder, not '..')")


def _plain(specs):
    """A NetPyNE ``SimConfig``/``NetParams`` object as its dictionary, else ``specs``."""
    return specs.todict() if hasattr(specs, "todict") else specs


def check_specs(cfg, net_params, source="<in memory>", output_root=None, paths=True):
    """Refuse any string of a simConfig and netParams that NetPyNE would run.

    Call this on every route before the specs reach NetPyNE (``specs.NetParams``,
    ``sim.initialize``, ``sim.create``...); it reads nothing and runs nothing
    of them.

    Parameters
    ----------
    cfg, net_params : dict | netpyne.specs.SimConfig | netpyne.specs.NetParams
        The specs.
    source : str
        Where they came from (a file name), for the error.
    output_root : str | pathlib.Path | None
        The chosen output folder: an absolute ``saveFolder`` must lie inside
        it. None allows only a relative ``saveFolder``.
    paths : bool
        Check ``saveFolder``, ``simLabel``, ``filename``, ``backupCfgFile``
        and analysis file names (False only where the caller's own script
        decides where it writes, as NetPyNE's standard scripts do).

    Raises
    ------
    ParameterError
        One line naming the source, the key path, the value and the rule
        (:class:`UnsafeSpecError`, or
        :class:`~hnn_netpyne.model.expressions.ExpressionError` for an
        expression outside the grammar).
    """
    cfg, net_params = _plain(cfg), _plain(net_params)
    try:
        for specs, where in ((cfg, "simConfig"), (net_params, "netParams")):
            if not isinstance(specs, dict):
                _refuse(where, specs, "must be a dictionary")
            _check_text(specs, "simConfig" if specs is cfg else "")
            _check_top_level(specs, where)
        if net_params.get("mapping"):
            _refuse("netParams.mapping", net_params["mapping"], "NetPyNE copies simConfig "
                    "values into netParams through it after every check: it must be empty")
        _check_hoc_statements(cfg, net_params)
        _check_hoc_names(net_params)
        if paths:
            _check_paths(cfg, output_root)
        check_spec_expressions(net_params)
    except ExpressionError as err:
        raise ExpressionError(str(err), source=source) from None
    except _Refusal as refusal:
        reason, where, value = refusal.args
        raise UnsafeSpecError(reason, source=source, key=where, value=value) from None

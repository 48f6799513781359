"""hnn-core 0.6.1's public API exists here, at the same import paths, with the same keywords.

``tests/data/hnn_core_api.json`` was recorded from hnn-core 0.6.1 by
``validation/record_hnn_core_api.py`` (modules, their public functions and
classes, the classes' methods and properties, and every parameter name).
Each recorded ``hnn_core.X`` must import as ``hnn_netpyne.X``, and every
parameter name must be accepted by the same keyword. The only exceptions are
in :data:`EXCEPTIONS`, each with its reason (also in docs/guide/hnn_core.md).
Run as a script, this prints the parity percentage and what is missing.
"""

import importlib
import inspect
import json
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "data" / "hnn_core_api.json"

_NEURON_BUILD = ("hnn-core builds each cell's NEURON objects itself; here NetPyNE builds every "
                 "cell from the cell rules (one path for that job), and a Cell is a description")
_LEGACY_PARAMS = ("an internal of hnn-core's legacy parameter code; here "
                  "model/params.py and model/legacy_drives.py read parameter files")
EXCEPTIONS = {
    "hnn_core.mpi_child": "hnn-core's MPI child program; every rank here runs NetPyNE's runner "
                          "(hnn_netpyne/sim/init.py)",
    "hnn_core.docs": "hnn-core's documentation-building helpers (no public names)",
    "hnn_core.network_builder.NetworkBuilder": "hnn-core's own NEURON builder; here NetPyNE "
                                               "builds the network from the specifications",
    "hnn_core.parallel_backends.kill_proc_name": "kills every process of a name on the machine; "
                                                 "our ranks are ended by their process group",
    "hnn_core.parallel_backends.run_subprocess": "hnn-core's pickle-over-stdin child protocol; "
                                                 "our launcher runs the ranks "
                                                 "(runtime/launcher.py)",
    "hnn_core.parallel_backends.requires_mpi4py": "a decorator of hnn-core's own test suite",
    "hnn_core.parallel_backends.requires_psutil": "a decorator of hnn-core's own test suite",
    "hnn_core.params.check_evoked_synkeys": _LEGACY_PARAMS,
    "hnn_core.params.check_pois_synkeys": _LEGACY_PARAMS,
    "hnn_core.params.create_pext": _LEGACY_PARAMS,
    "hnn_core.params.compare_dictionaries": _LEGACY_PARAMS,
    "hnn_core.optimization.optimize_evoked": "hnn-core's older chunk-by-chunk evoked fit (no "
                                             "example uses it): not written yet; "
                                             "Optimizer(obj_fun='dipole_rmse') fits evoked "
                                             "drives",
    "hnn_core.optimization.optimize_evoked.optimize_evoked": "as its module",
    "hnn_core.params_default": "hnn-core's legacy default-parameter tables; the one source of "
                               "defaults here is param/base_defaults.json",
    **{f"{where}.Cell.{method}": _NEURON_BUILD
       for where in ("hnn_core", "hnn_core.cell")
       for method in ("build", "create_tonic_bias", "define_shape", "parconnect_from_src",
                      "record", "setup_source_netcon", "syn_create")},
}
"""Recorded names deliberately not offered, with the reason."""


def _record():
    return json.loads(FIXTURE.read_text())


def _ours(module_name):
    return "hnn_netpyne" + module_name[len("hnn_core"):]


def _accepts(ours, names):
    """The recorded parameter ``names`` that ``ours`` does not accept by the same name."""
    try:
        parameters = inspect.signature(ours).parameters.values()
    except (TypeError, ValueError):
        return list(names)
    has = {p.name for p in parameters if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    has |= {"*" + p.name for p in parameters if p.kind == p.VAR_POSITIONAL}
    has |= {"**" + p.name for p in parameters if p.kind == p.VAR_KEYWORD}
    stars = {name[:2] if name.startswith("**") else name[:1] for name in has if name[0] == "*"}
    return [name for name in names
            if name not in has and not (name.startswith("*") and
                                        (name[:2] if name.startswith("**") else "*") in stars)]


def _class_gaps(path, ours, record):
    gaps = [f"{path}({name}=)" for name in _accepts(ours.__init__, record["parameters"])]
    for method, parameters in record["methods"].items():
        if f"{path}.{method}" in EXCEPTIONS:
            continue
        found = getattr(ours, method, None)
        if found is None or not callable(found):
            gaps.append(f"{path}.{method}")
        else:
            gaps += [f"{path}.{method}({name}=)" for name in _accepts(found, parameters)]
    gaps += [f"{path}.{name} (property)" for name in record["properties"]
             if not isinstance(inspect.getattr_static(ours, name, None), property)]
    return gaps


def _name_gaps(module_name, name, record):
    """What ``hnn_netpyne``'s counterpart of ``module_name.name`` lacks (strings)."""
    path = f"{module_name}.{name}"
    if path in EXCEPTIONS or module_name in EXCEPTIONS:
        return []
    try:
        module = importlib.import_module(_ours(module_name))
    except ImportError:
        return [f"{module_name} (module)"]
    ours = getattr(module, name, None)
    if ours is None:
        return [path]
    if record["kind"] == "class":
        return _class_gaps(path, ours, record) if inspect.isclass(ours) else [f"{path} (class)"]
    return [f"{path}({parameter}=)" for parameter in _accepts(ours, record["parameters"])]


def _items():
    record = _record()["modules"]
    return [(module_name, name, item) for module_name, names in record.items()
            for name, item in names.items()]


def _units(module_name, name, item):
    """Countable pieces of one recorded name: itself, its parameters, methods' parameters."""
    count = 1 + len(item["parameters"])
    for parameters in item.get("methods", {}).values():
        count += 1 + len(parameters)
    return count + len(item.get("properties", []))


def test_fixture_is_hnn_core_0_6_1():
    record = _record()
    assert record["hnn_core_version"] == "0.6.1"
    assert {"hnn_core", "hnn_core.viz", "hnn_core.batch_simulate",
            "hnn_core.optimization"} <= set(record["modules"])


def test_every_module_imports():
    missing = []
    for module_name in _record()["modules"]:
        if module_name in EXCEPTIONS:
            continue
        try:
            importlib.import_module(_ours(module_name))
        except ImportError as error:
            missing.append(f"{module_name}: {error}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("module_name", sorted(_record()["modules"]))
def test_names_and_keywords(module_name):
    gaps = []
    for name, item in _record()["modules"][module_name].items():
        gaps += _name_gaps(module_name, name, item)
    assert not gaps, "missing here: " + ", ".join(gaps)


def test_exceptions_are_recorded_names():
    recorded = {f"{module_name}.{name}" for module_name, name, _ in _items()}
    recorded |= set(_record()["modules"])
    recorded |= {f"{module_name}.{name}.{method}" for module_name, name, item in _items()
                 for method in item.get("methods", {})}
    assert set(EXCEPTIONS) <= recorded


def _weight(gap, path, item, units):
    """How many countable pieces (see :func:`_units`) one gap stands for."""
    if gap in (path, f"{path} (class)") or gap.endswith("(module)"):
        return units
    method = gap[len(path) + 1:] if gap.startswith(path + ".") else ""
    return 1 + len(item["methods"][method]) \
        if method in item.get("methods", {}) else 1


def main():
    total = missing = names_ok = 0
    for module_name, name, item in _items():
        units = _units(module_name, name, item)
        gaps = _name_gaps(module_name, name, item)
        path = f"{module_name}.{name}"
        total += units
        missing += min(units, sum(_weight(gap, path, item, units) for gap in gaps))
        names_ok += not gaps
        for gap in gaps:
            print("missing:", gap)
    names = len(_items())
    excepted = sum(1 for m, n, _ in _items() if f"{m}.{n}" in EXCEPTIONS or m in EXCEPTIONS)
    print(f"names complete: {names_ok}/{names} ({100 * names_ok / names:.1f} %, of which "
          f"{excepted} names and {len(EXCEPTIONS)} entries are listed exceptions); names and "
          f"keywords: {total - missing}/{total} ({100 * (total - missing) / total:.1f} %)")


if __name__ == "__main__":
    main()

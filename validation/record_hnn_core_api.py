"""Record hnn-core's public API into ``tests/data/hnn_core_api.json``.

Run with the environment that has hnn-core 0.6.1 (never a dependency here)::

    /work/hnnval/bin/python validation/record_hnn_core_api.py

What is recorded, module by module (``hnn_core`` and its submodules, except
``externals`` and the GUI): every public function and class the module
defines, plus the public functions and classes a package's ``__init__``
re-exports (``from hnn_core import Cell``) and MNE's ``tfr_array_morlet``
that ``hnn_core.viz`` exposes; for each function its parameter
names, for each class its constructor's parameter names and its public
methods (with their parameter names) and properties. ``tests/test_hnn_core_parity.py``
checks that hnn-netpyne offers each of them at the same import path.
"""

import importlib
import inspect
import json
import pkgutil
import sys
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "hnn_core_api.json"
SKIPPED_PACKAGES = ("hnn_core.externals", "hnn_core.gui")
VENDORED_NAMES = {"hnn_core.viz": ["tfr_array_morlet"]}
"""Public names a module takes from hnn-core's ``externals`` that scripts import from it."""


def _parameters(function):
    """Parameter names of ``function`` in order, ``*``/``**`` marked, without ``self``."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return []
    names = []
    for parameter in signature.parameters.values():
        prefix = {parameter.VAR_POSITIONAL: "*", parameter.VAR_KEYWORD: "**"}.get(
            parameter.kind, "")
        names.append(prefix + parameter.name)
    return [name for name in names if name not in ("self", "cls")]


def _class_record(cls):
    """Constructor parameters, public methods (with parameters) and properties of ``cls``."""
    methods, properties = {}, []
    for name, member in inspect.getmembers(cls):
        if name.startswith("_") or not any(name in vars(base) for base in cls.__mro__
                                           if base.__module__.startswith("hnn_core")):
            continue
        if isinstance(inspect.getattr_static(cls, name), property):
            properties.append(name)
        elif callable(member):
            methods[name] = _parameters(member)
    return {"kind": "class", "parameters": _parameters(cls.__init__),
            "methods": methods, "properties": sorted(properties)}


def _module_names(module):
    """Public functions and classes ``module`` defines (or, for a package, re-exports)."""
    is_package = hasattr(module, "__path__")
    names = {}
    for name, member in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(member) or inspect.isclass(member)):
            continue
        home = getattr(member, "__module__", "") or ""
        defined_here = home == module.__name__
        vendored = name in VENDORED_NAMES.get(module.__name__, [])
        if defined_here or vendored or (is_package and home.startswith("hnn_core")):
            names[name] = (_class_record(member) if inspect.isclass(member)
                           else {"kind": "function", "parameters": _parameters(member)})
    return dict(sorted(names.items()))


def _modules(package):
    """``package`` and its submodules, without the skipped ones."""
    found = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not info.name.startswith(SKIPPED_PACKAGES):
            found.append(info.name)
    return sorted(found)


def main():
    import hnn_core

    api = {}
    for name in _modules(hnn_core):
        api[name] = _module_names(importlib.import_module(name))
    record = {"hnn_core_version": hnn_core.__version__,
              "python": sys.version.split()[0], "modules": api}
    OUTPUT.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    n_names = sum(len(names) for names in api.values())
    print(f"{len(api)} modules, {n_names} names -> {OUTPUT}")


if __name__ == "__main__":
    main()

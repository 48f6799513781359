"""The package's structure: what a wheel holds, and which module imports which."""

import ast
import configparser
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Folders of the repository that are not part of the package.
NOT_PACKAGE = {"tests", "validation", "benchmarks", "examples", "docs", "scripts", "build",
               "dist", ".venv", ".git"}


def _package_files(suffix="*"):
    """Files of the package (not of the repository's other folders) matching ``suffix``."""
    return [p for p in ROOT.rglob(suffix)
            if not NOT_PACKAGE & set(p.relative_to(ROOT).parts[:1])
            and "egg-info" not in str(p.relative_to(ROOT)) and "__pycache__" not in p.parts]


def _setup_packages():
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return set(config["options"]["packages"].split())


def test_every_package_folder_is_listed_in_setup_cfg():
    folders = {p.parent.relative_to(ROOT) for p in _package_files("__init__.py")}
    expected = {".".join(("hnn_netpyne",) + folder.parts) for folder in folders}
    assert expected == _setup_packages()


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node, modules):
    """Package modules that an import statement names."""
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
    else:
        return set()
    found = set()
    for name in names:
        if name.startswith("hnn_netpyne."):
            name = name[len("hnn_netpyne."):]
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
                if isinstance(node, ast.ImportFrom):
                    break
    return found


def _import_graph(module_level_only):
    """Module -> package modules it imports (at module level only, or anywhere)."""
    files = {_module_name(p): p for p in _package_files("*.py") if p.parent != ROOT or
             p.name != "__init__.py"}
    graph = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text())
        nodes = ([n for stmt in tree.body if not isinstance(stmt, (ast.FunctionDef, ast.ClassDef))
                  for n in ast.walk(stmt)] if module_level_only else list(ast.walk(tree)))
        graph[name] = set().union(*(_imported(n, files) for n in nodes)) - {name}
    return graph


def _cycles(graph):
    """Strongly connected sets of more than one node (Tarjan's algorithm)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = set()
            while not component or node not in component:
                component.add(stack.pop())
            on_stack.difference_update(component)
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles():
    # No module imports, at its top, a module that imports it back.
    modules = _import_graph(module_level_only=True)
    assert _cycles(modules) == []
    # Between the top-level modules and subpackages (cli, api, runtime, model,
    # cells, ...) there is no cycle even through imports inside functions.
    top = {}
    for name, imported in _import_graph(module_level_only=False).items():
        unit = name.split(".")[0]
        top.setdefault(unit, set()).update(m.split(".")[0] for m in imported)
    top = {unit: imported - {unit} for unit, imported in top.items()}
    assert _cycles(top) == []
    assert "cli" not in top["runtime"] and "runtime" in top["cli"]


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to list the tracked files")
def test_the_wheel_holds_mod_files_parameter_files_and_sim(tmp_path):
    pytest.importorskip("wheel", reason="the test extra installs it (offline wheel build)")
    # Build from a copy of the tracked files, so that the worktree stays clean.
    source = tmp_path / "src"
    tracked = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                    "--no-build-isolation", "--no-index", "-q", "-w", str(tmp_path / "wheel")],
                   check=True, capture_output=True, timeout=600)
    (wheel,) = (tmp_path / "wheel").glob("hnn_netpyne-*.whl")
    held = set(zipfile.ZipFile(wheel).namelist())
    for pattern in ("mod/*.mod", "param/*", "sim/*.py"):
        files = sorted(ROOT.glob(pattern))
        assert files, pattern
        for path in files:
            assert f"hnn_netpyne/{path.relative_to(ROOT).as_posix()}" in held
    modules = {f"hnn_netpyne/{p.relative_to(ROOT).as_posix()}" for p in _package_files("*.py")}
    assert modules <= held

"""References for the hnn-core-style scripts in ``tests/hnn_core_style/``.

Run with the environment that has hnn-core 0.6.1::

    PYTHONPATH=<joblib> /work/hnnval/bin/python validation/make_hnn_core_script_references.py

(hnn-core's ``BatchSimulate``, used by ``sweep_noguard.py``, needs joblib:
``pip install --target <joblib> joblib`` keeps it out of that environment.)

Each script there is written against ``hnn_netpyne``; this runs it on
hnn-core by changing only its import lines back (``hnn_netpyne`` ->
``hnn_core``) and keeps its output arrays in
``tests/data/hnn_core_style_<script>.npz``.
"""

import re
import runpy
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "hnn_core_style"


def on_hnn_core(source):
    """``source`` with its hnn_netpyne import lines pointing at hnn_core."""
    source = re.sub(r"^import hnn_netpyne as hnn_core$", "import hnn_core", source, flags=re.M)
    return re.sub(r"^(\s*from\s+)hnn_netpyne\b", r"\1hnn_core", source, flags=re.M)


def main():
    for script in sorted(SCRIPTS.glob("*.py")):
        output = ROOT / "tests" / "data" / f"hnn_core_style_{script.stem}.npz"
        with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as fid:
            fid.write(on_hnn_core(script.read_text()))
        sys.argv = [fid.name, str(output)]
        runpy.run_path(fid.name, run_name="__main__")
        Path(fid.name).unlink()
        print(f"{script.name} -> {output}")


if __name__ == "__main__":
    main()

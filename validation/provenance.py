"""How a reference file was made: package versions, date and command line."""

import datetime
import platform
import sys
from pathlib import Path

import numpy as np


def provenance():
    """JSON-able versions of hnn-core, NEURON, numpy and Python, the UTC date and the command."""
    import hnn_core
    import neuron

    return {
        "hnn_core_version": hnn_core.__version__,
        "neuron_version": neuron.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).as_posix()] + sys.argv),
    }

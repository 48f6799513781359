"""Helpers every benchmark script shares: CPU time and the machine-stamped JSON output.

Plain standard library, so that hnn-core's environment can import it too.
"""

import datetime
import json
import os
import platform
import resource
from pathlib import Path


def cpu_seconds():
    """User + system seconds of this process and of its reaped children (s)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def write_results(path, **results):
    """Write ``results`` as JSON to ``path``, with the machine, load and date of the run."""
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(),
               "python": platform.python_version(), "load_average_end": os.getloadavg(),
               "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}
    Path(path).write_text(json.dumps({"machine": machine, **results}, indent=1))
    print(f"written {path}")

"""Access to hnn-core 0.6.1's reference outputs copied into tests/data."""

from pathlib import Path

import numpy as np

DATA = Path(__file__).parent / "data"


def load_reference(name):
    """Arrays of one hnn-core reference scenario (see data/REFERENCE_README.md)."""
    with np.load(DATA / f"{name}.npz") as z:
        return {k: z[k] for k in z.files}


def reference_drive_events(ref):
    """{drive name: (times, gids)} of a reference, each sorted by (gid, time)."""
    events = {}
    for key in ref:
        if key.startswith("drive_") and key.endswith("_times"):
            name = key[len("drive_"):-len("_times")]
            times, gids = ref[key], ref[f"drive_{name}_gids"]
            order = np.lexsort((times, gids))
            events[name] = (times[order], gids[order])
    return events


def reference_cell_spikes(ref, n_cells=270, tstop=None):
    """Cell spikes of a reference (drive sources excluded), sorted by (gid, time)."""
    times, gids = ref["spike_times"], ref["spike_gids"]
    keep = gids < n_cells
    if tstop is not None:
        keep &= times <= tstop
    times, gids = times[keep], gids[keep]
    order = np.lexsort((times, gids))
    return times[order], gids[order].astype(int)

"""Section geometry shared by the HNN cell rules.

HNN's cells are stick models: each section is a straight cylinder given by
two 3-D end points. The published end points only fix each section's
direction; its length comes from the parameter set. These helpers place the
sections end to end along the tree, with the soma's 0 end at the origin, and
produce NetPyNE ``pt3d`` lists (x, y, z, diam in µm).
"""

import numpy as np


def nseg_for_length(length_um):
    """Number of segments HNN gives a section of ``length_um`` µm.

    One segment up to 100 µm, then one per 50 µm, rounded up to an odd count.
    """
    if length_um <= 100.0:
        return 1
    nseg = int(length_um / 50.0)
    return nseg if nseg % 2 else nseg + 1


def place_sections(directions, topology, lengths_um):
    """Place straight sections end to end from the soma.

    Parameters
    ----------
    directions : dict of str -> ((x, y, z), (x, y, z))
        Two reference points per section; only their direction is used.
    topology : dict of str -> (parent_name, parent_end)
        Parent section and the end (0 or 1) each child starts from. The root
        (soma) is absent.
    lengths_um : dict of str -> float
        Section lengths (µm).

    Returns
    -------
    end_points : dict of str -> np.ndarray, shape (2, 3)
        Start and end point of each section (µm), soma start at the origin.
    """
    end_points = {}

    def place(name, start):
        ref = np.asarray(directions[name], dtype=float)
        step = ref[1] - ref[0]
        end = start + step * (lengths_um[name] / np.linalg.norm(step))
        end_points[name] = np.array([start, end])
        for child, (parent, parent_end) in topology.items():
            if parent == name:
                place(child, end_points[name][parent_end])

    roots = [name for name in directions if name not in topology]
    for root in roots:
        place(root, np.zeros(3))
    return end_points


def path_distance_from_soma_start(topology, lengths_um, section):
    """Path distance (µm) from the soma's 0 end to the 0 end of ``section``."""
    distance = 0.0
    name = section
    while name in topology:
        parent, parent_end = topology[name]
        distance += lengths_um[parent] * parent_end
        name = parent
    return distance


def segment_centres(nseg):
    """Normalised positions (0-1) of the centres of ``nseg`` segments."""
    return np.linspace(0.0, 1.0, 2 * nseg + 1)[1::2].tolist()


"""Extracellular potentials of electrode arrays, computed inside NEURON.

The potential at a contact is the sum over segments of the segment's
membrane current (nA) times its transfer resistance to the contact
(µV/nA): hnn-core's point-source ('psa') or line-source ('lsa')
approximation in an infinite homogeneous conductor. Rather than reading
every segment's ``i_membrane_`` after each step (a Python callback that
neither threads nor CoreNEURON can run), an ``LfpCell`` point process per
cell (mod/lfp_cell.mod) weights each segment's axial current by the
difference of transfer resistances along it, which sums to the same
potential, and adds it into one ``LfpSum`` point process per thread.
Those sums are recorded, added over threads and reduced over ranks.

A one-segment cell (the basket cells) has no axial current: its membrane
current is only the current of its electrodes. Electrode currents (IClamp,
the tonic biases) enter a segment without crossing the membrane, so they
are added separately: their recorded current times the segment's transfer
resistance (see :mod:`hnn_netpyne.runtime.recording`).
"""

import numpy as np

def section_line(geom, soma_um):
    """Start, end (µm, absolute, as NEURON's float32 3-D points) and segment centres.

    hnn-core adds the soma position to each section's end points, which
    NEURON stores in single precision, and then sets the length ``L``, which
    scales the points about the first one to exactly that length (the
    section's arc is kept in double precision). The same steps are taken
    here, so that the points, and the distances, are hnn-core's to the bit.
    """
    points = np.asarray(geom["pt3d"], dtype=float)[:, :3]
    start = np.float32(points[0] + soma_um).astype(float)
    end = np.float32(points[-1] + soma_um).astype(float)
    step = end - start
    end = np.float32(start + step * (float(geom["L"]) / np.sqrt(np.sum(step * step)))).astype(float)
    nseg = int(geom["nseg"])
    fractions = (np.arange(nseg) + 0.5) / nseg
    return start, end, start + fractions[:, None] * (end - start)


def line_half_lengths(length_um, nseg):
    """Half-length (µm) of each segment's line source, as hnn-core draws them.

    Each line runs from the previous to the next segment centre; the first
    and last stop at the section ends.
    """
    half = np.full(nseg, length_um / nseg)
    half[0] = half[-1] = length_um / (2 * nseg)
    return half


def _line_source(contacts, centres, axis, half, min_distance):
    """Line-source potential factors (1/µm), contacts x segments (Holt 1998)."""
    length = 2 * half[None, :]
    end = centres + half[:, None] * axis
    to_contact = contacts[:, None, :] - end[None, :, :]
    ahead = to_contact @ axis  # projection on the line, from its far end
    behind_start = ahead + length
    radial2 = np.maximum(np.sum(to_contact ** 2, axis=2) - ahead ** 2, min_distance ** 2)
    near_end = np.sqrt(ahead ** 2 + radial2)
    near_start = np.sqrt(behind_start ** 2 + radial2)
    behind = (behind_start < 0) & (ahead < 0)
    alongside = (behind_start > 0) & (ahead < 0)
    numerator = np.where(behind, near_end - ahead,
                         np.where(alongside, (near_end - ahead) * (behind_start + near_start),
                                  near_start + behind_start))
    denominator = np.where(behind, near_start - behind_start,
                           np.where(alongside, radial2, near_end + ahead))
    return np.log(numerator / denominator) / length


def transfer_resistances(array, geom, soma_um):
    """Transfer resistance (µV/nA) of each segment of one section to each contact.

    Parameters
    ----------
    array : dict
        A validated electrode array (see :func:`check_electrode_array`).
    geom : dict
        The section's NetPyNE ``geom`` (``pt3d`` cell-local µm, ``L`` µm, ``nseg``).
    soma_um : array, shape (3,)
        Position of the cell (µm).

    Returns
    -------
    resistances : array, shape (n_contacts, nseg)
    """
    contacts = np.asarray(array["positions"], dtype=float)
    start, end, centres = section_line(geom, soma_um)
    min_distance = array["minDistance"]
    if array["method"] == "psa":
        distance = np.linalg.norm(contacts[:, None, :] - centres[None, :, :], axis=2)
        factors = 1.0 / np.maximum(distance, min_distance)
    else:
        axis = (end - start) / np.linalg.norm(end - start)
        half = line_half_lengths(float(geom["L"]), len(centres))
        factors = _line_source(contacts, centres, axis, half, min_distance)
    # 1/(µm · S/m) = 1e6 Ω; times nA gives mV; 1e3 more for µV.
    return 1e3 * factors / (4.0 * np.pi * array["conductivity"])


def cell_axial_weights(arrays, rule, soma_um):
    """Per-segment weights of one cell's LfpCell, all contacts.

    The weight of a segment is its transfer resistance minus that of the
    node before it: the previous segment, or for a section's first segment
    the parent's segment at the connection (the root's first segment: 0).

    Returns
    -------
    weights : dict
        Section name -> array (n_contacts, nseg), µV/nA.
    """
    secs = rule["secs"]
    resistance = {name: np.concatenate([transfer_resistances(a, sec["geom"], soma_um)
                                        for a in arrays])
                  for name, sec in secs.items()}
    weights = {}
    for name, sec in secs.items():
        own = resistance[name]
        before = np.empty_like(own)
        before[:, 1:] = own[:, :-1]
        topol = sec.get("topol") or {}
        parent = topol.get("parentSec")
        if parent is None:
            before[:, 0] = own[:, 0]
        else:
            nseg = resistance[parent].shape[1]
            index = min(int(float(topol.get("parentX", 1.0)) * nseg), nseg - 1)
            before[:, 0] = resistance[parent][:, index]
        weights[name] = own - before
    return weights

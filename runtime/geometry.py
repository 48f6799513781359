"""Section lengths exactly as the cell rules give them.

NEURON keeps 3-D points in single precision and, when a section has them,
takes its length from them: a rule's 255 µm basal dendrite becomes
254.9999945 µm, the L2/3 tuft's 238 µm 237.99997 µm. Segment areas and
axial resistances follow, so membrane currents, dipoles and potentials
move by up to 1e-7 of their size. hnn-core adds the points first and then
sets ``L``, which makes NEURON scale the points to exactly that length;
NetPyNE sets ``L`` first and adds the points after. Setting ``L`` once more
after NetPyNE has built the cells gives hnn-core's lengths, areas and axial
resistances to the last bit or two.
"""


def set_rule_lengths(sim):
    """Give every section with 3-D points its rule's length ``L`` (µm).

    NEURON scales the section's points about its first one (``pt3dconst``
    0); ``define_shape`` then moves the children back onto their parents.
    The HNN dipole mechanisms, which NetPyNE set up from the old length,
    get the new axial resistances and lever arms.

    Once per network: NetPyNE's own ``createCells`` does it too when
    :mod:`hnn_netpyne.runtime.netpyne_hooks` is installed, and a second call does nothing.

    Parameters
    ----------
    sim : module
        ``netpyne.sim`` after ``createCells``.
    """
    from netpyne.cell import CompartCell
    from neuron import h

    if getattr(sim.net, "hnnRuleLengths", False):
        return
    sim.net.hnnRuleLengths = True
    for cell in sim.net.cells:
        if not isinstance(cell, CompartCell):
            continue  # drive cells have no sections
        for sec in cell.secs.values():
            geom = sec.get("geom", {})
            if "pt3d" not in geom or "L" not in geom:
                continue
            section = sec["hObj"]
            old_um = section.L
            section.L = geom["L"]
            if "hDipole_pp" in sec:
                _update_dipole(section, sec["hDipole_pp"], section.L / old_um)
    h.define_shape()


def _update_dipole(section, dipole_pp, scale):
    """New ``ri`` (MΩ) from NEURON, and lever arms ``ztan`` (µm) scaled with the length."""
    from neuron import h

    for seg in section:
        seg.dipole.ri = h.ri(seg.x, sec=section)
        seg.dipole.ztan *= scale
    dipole_pp.ri = h.ri(1, sec=section)
    dipole_pp.ztan *= scale

"""NetPyNE cell rules for HNN's layer 2/3 and layer 5 basket cells.

Basket cells are single-compartment fast-spiking interneurons with
Hodgkin-Huxley (``hh2``) channels at their default densities (Jones 2009).
Their dimensions are fixed by the model, not by the parameter set.
"""

BASKET_SOMA = {
    "L": 39.0,  # µm
    "diam": 20.0,  # µm
    "cm": 0.85,  # µF/cm²
    "Ra": 200.0,  # Ω·cm
}
BASKET_V_INIT = -64.9737  # mV

def basket_rule(params=None, *, distal_input):
    """NetPyNE cellParams rule of a basket cell.

    Parameters
    ----------
    params : dict | None
        Parameter set; unused, as basket cells are fixed by the model (the
        argument makes this a rule factory like the pyramidal ones).
    distal_input : bool
        The soma also counts as the cell's distal section (L2/3 basket
        cells take distal input at the soma; L5 basket cells take none).

    Returns
    -------
    rule : dict
        One ``soma`` section with ``hh2``, and the section lists
        ``proximal`` and ``distal``.
    """
    geom = dict(BASKET_SOMA, nseg=1)
    geom["pt3d"] = [[0.0, 0.0, 0.0, geom["diam"]], [0.0, 0.0, geom["L"], geom["diam"]]]
    soma = {"geom": geom, "mechs": {"hh2": {}}, "vinit": BASKET_V_INIT}
    lists = {"proximal": ["soma"], "distal": ["soma"] if distal_input else []}
    return {"secs": {"soma": soma}, "secLists": lists}

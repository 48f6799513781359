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

# L2/3 basket cells take both proximal and distal input at the soma; L5
# basket cells take no distal input.
BASKET_SECTION_LISTS = {
    "L2Basket": {"proximal": ["soma"], "distal": ["soma"]},
    "L5Basket": {"proximal": ["soma"], "distal": []},
}


def basket_rule(cell_type):
    """NetPyNE cellParams rule of a basket cell.

    Parameters
    ----------
    cell_type : {'L2Basket', 'L5Basket'}
        Which layer's basket cell.

    Returns
    -------
    rule : dict
        One ``soma`` section with ``hh2`` and the cell type's section lists.
    """
    geom = dict(BASKET_SOMA, nseg=1)
    geom["pt3d"] = [[0.0, 0.0, 0.0, geom["diam"]], [0.0, 0.0, geom["L"], geom["diam"]]]
    soma = {"geom": geom, "mechs": {"hh2": {}}, "vinit": BASKET_V_INIT}
    lists = BASKET_SECTION_LISTS[cell_type]
    return {"secs": {"soma": soma}, "secLists": {k: list(v) for k, v in lists.items()}}

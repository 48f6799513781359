"""Declared recordings of a run: section traces and extracellular electrode arrays.

These are the simConfig fields (plain JSON) that the runner reads:
``recordVsec``, ``recordIsec``, ``recordCa`` (False, 'soma' or 'all', as
hnn-core's ``record_vsec`` ...) and ``extracellularArrays`` (a list of
arrays, each ``name``, ``positions`` [[x, y, z], ...] in µm,
``conductivity`` S/m, ``method`` 'psa' or 'lsa', ``minDistance`` µm).
"""

import numpy as np

from hnn_netpyne.errors import ParameterError

SECTION_RECORDINGS = {"vsec": "recordVsec", "isec": "recordIsec", "ca": "recordCa"}
"""hnn-core's result name -> simConfig field ('soma', 'all' or False)."""


def recording_choice(cfg, key):
    """The validated value of a section recording field: False, 'soma' or 'all'."""
    value = cfg.get(key, False)
    if value not in (False, None, "soma", "all"):
        raise ParameterError(f"{key} must be False, 'soma' or 'all'", key=key, value=value)
    return value or False


MAX_CONTACTS = 32
"""Contacts of all arrays together that the LfpCell and LfpSum mechanisms carry."""
METHODS = ("psa", "lsa")


def check_electrode_array(spec):
    """Validate one declared electrode array (a cfg ``extracellularArrays`` entry).

    Parameters
    ----------
    spec : dict
        ``name``, ``positions`` (list of [x, y, z] in µm), ``conductivity``
        (S/m), ``method`` ('psa' or 'lsa') and ``minDistance`` (µm).

    Returns
    -------
    spec : dict
        The same fields as plain floats and lists.
    """
    name = spec.get("name")
    if not isinstance(name, str) or not name:
        raise ParameterError("an electrode array needs a non-empty name", key="name", value=name)
    positions = np.asarray(spec.get("positions"), dtype=float)
    if positions.ndim == 1 and positions.shape == (3,):
        positions = positions[None, :]
    if positions.ndim != 2 or positions.shape[1] != 3 or len(positions) < 1:
        raise ParameterError(f"electrode array {name!r}: positions must be (x, y, z) triplets "
                             "in µm", key="electrode_pos", value=spec.get("positions"))
    for key in ("conductivity", "minDistance"):
        value = spec.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise ParameterError(f"electrode array {name!r}: {key} must be a positive number",
                                 key=key, value=value)
    if spec.get("method") not in METHODS:
        raise ParameterError(f"electrode array {name!r}: method must be 'psa' or 'lsa'",
                             key="method", value=spec.get("method"))
    return {"name": name, "positions": positions.tolist(),
            "conductivity": float(spec["conductivity"]), "method": spec["method"],
            "minDistance": float(spec["minDistance"])}


def electrode_arrays(specs):
    """Validated electrode arrays (a simConfig's ``extracellularArrays``), in order."""
    if not isinstance(specs, (list, tuple)):
        raise ParameterError("extracellularArrays must be a list of arrays",
                             key="extracellularArrays", value=type(specs).__name__)
    arrays = [check_electrode_array(dict(spec)) for spec in specs]
    names = [a["name"] for a in arrays]
    if len(set(names)) != len(names):
        raise ParameterError("electrode array names must be unique",
                             key="extracellularArrays", value=names)
    n_contacts = sum(len(a["positions"]) for a in arrays)
    if n_contacts > MAX_CONTACTS:
        raise ParameterError(f"at most {MAX_CONTACTS} electrode contacts in all arrays together",
                             key="extracellularArrays", value=n_contacts)
    return arrays




NETPYNE_LFP_ARRAY = "recordLFP"
"""Name of the electrode array that NetPyNE's ``cfg.recordLFP`` becomes."""


def netpyne_lfp_as_array(cfg):
    """The simConfig with NetPyNE's ``recordLFP`` electrodes as one more array.

    NetPyNE 1.1.1's own LFP set-up fails on NEURON 9 (its pointer vectors
    lost ``ptr_update_callback``), so the electrodes of ``cfg['recordLFP']``
    (a list of [x, y, z] in µm) are recorded as the electrode array
    ``'recordLFP'``: hnn-core's line-source method, 0.3 S/m (NetPyNE's
    conductivity), potentials in µV. NetPyNE's own field is turned off.

    Parameters
    ----------
    cfg : dict
        simConfig dictionary.

    Returns
    -------
    cfg : dict
        A new dictionary (``cfg`` itself when ``recordLFP`` is not set).
    """
    positions = cfg.get("recordLFP")
    if not positions:
        return cfg
    array = {"name": NETPYNE_LFP_ARRAY, "positions": positions, "conductivity": 0.3,
             "method": "lsa", "minDistance": 0.5}
    arrays = list(cfg.get("extracellularArrays") or []) + [check_electrode_array(array)]
    return dict(cfg, recordLFP=False, extracellularArrays=electrode_arrays(arrays))

"""hnn-core's network models: ``jones_2009_model`` and its variants.

Each returns a :class:`~hnn_netpyne.network.Network`; the model variants
(Law 2021 beta network, Kohl 2022 calcium model) are the change sets of
:mod:`hnn_netpyne.model.variants`.
"""

from hnn_netpyne.checks import _deprecated
from hnn_netpyne.errors import ParameterError
from hnn_netpyne.model.presets import erp_drives
from hnn_netpyne.network import Network

__all__ = ["add_erp_drives_to_jones_model", "calcium_model", "default_network",
           "jones_2009_model", "law_2021_model", "neymotin_2020_model"]


def _model(model, params, add_drives_from_params, legacy_mode, mesh_shape):
    return Network(params, add_drives_from_params, legacy_mode, mesh_shape, model=model)


def neymotin_2020_model(params=None, add_drives_from_params=False, legacy_mode=False,
                        mesh_shape=(10, 10)):
    """The HNN column of Neymotin et al. (2020), as in hnn-core.

    Parameters
    ----------
    params : str | pathlib.Path | dict | None
        Parameter file or values (see :func:`read_params`); None reads
        HNN's ``default.json``.
    add_drives_from_params : bool
        Also add the drives declared in the parameter file.
    legacy_mode : bool
        Must be False (hnn-core's HNN-GUI compatibility wiring is not reproduced).
    mesh_shape : (int, int)
        Pyramidal cells along x and y in each layer.

    Returns
    -------
    net : Network
    """
    return _model("neymotin_2020", params, add_drives_from_params, legacy_mode, mesh_shape)


def jones_2009_model(params=None, add_drives_from_params=False, legacy_mode=False,
                     mesh_shape=(10, 10)):
    """The HNN column of Jones et al. (2009); the same network as
    :func:`neymotin_2020_model` (parameters as there)."""
    return _model("jones_2009", params, add_drives_from_params, legacy_mode, mesh_shape)


def law_2021_model(params=None, add_drives_from_params=False, legacy_mode=False,
                   mesh_shape=(10, 10)):
    """The beta-event network of Law et al. (2021): slower GABA-B, no L5
    dendritic calcium, extra inhibition of the L5 tuft (parameters as in
    :func:`neymotin_2020_model`)."""
    return _model("law_2021", params, add_drives_from_params, legacy_mode, mesh_shape)


def calcium_model(params=None, add_drives_from_params=False, legacy_mode=False,
                  mesh_shape=(10, 10)):
    """The Jones 2009 network with L5 calcium dynamics of Kohl et al. (2022).

    L5 pyramidal dendrites get calcium, sodium and potassium densities that
    vary with the distance from the soma; see :data:`hnn_netpyne.model.variants.CALCIUM`.
    Arguments as in :func:`neymotin_2020_model`.
    """
    return _model("calcium", params, add_drives_from_params, legacy_mode, mesh_shape)


def default_network(params=None, add_drives_from_params=False):
    """Old name of :func:`jones_2009_model` (warns)."""
    _deprecated("default_network", "default_network()", "jones_2009_model()")
    return jones_2009_model(params, add_drives_from_params)


def add_erp_drives_to_jones_model(net, tstart=0.0):
    """Add the three evoked drives of hnn-core's ERP example to ``net``.

    Parameters
    ----------
    net : Network
        Network changed in place.
    tstart : float
        Shift (ms) of every drive's mean time.
    """
    if not isinstance(net, Network):
        raise ParameterError("net must be a Network (see jones_2009_model())", key="net",
                             value=type(net).__name__)
    for drive in erp_drives(tstart):
        net._add(drive)

"""hnn-core's conversion of HNN parameter files into network configuration files.

``convert_to_json`` reads a ``.param`` or ``.json`` parameter file, makes the
Jones 2009 / Neymotin 2020 network of it (with the file's drives if asked),
drops the drives the file switched off, and writes hnn-core's network
configuration (JSON).
"""

from pathlib import Path

from hnn_netpyne.model.drives import is_bias


def _nulled(drive):
    """True for a drive a legacy file switched off: start after stop, a negative time,
    or no positive weight."""
    dynamics = drive.get("dynamics", {})
    start, stop = dynamics.get("tstart"), dynamics.get("tstop")
    if start is not None and stop is not None and (start > stop or start < 0 or stop < 0):
        return True
    weights = list((drive.get("weights_ampa") or {}).values()) + \
        list((drive.get("weights_nmda") or {}).values())
    return not any(weight > 0 for weight in weights)


def remove_nulled_drives(net):
    """A copy of ``net`` without the drives a legacy parameter file nulled (start after
    stop, negative times, or no positive weight); tonic biases stay."""
    net = net.copy()
    net._drives = [d for d in net._drives if is_bias(d) or not _nulled(d)]
    return net


def convert_to_json(params_fname, out_fname, include_drives=True, overwrite=True):
    """Write the network of an HNN parameter file as an hnn-core network configuration.

    Parameters
    ----------
    params_fname : str | pathlib.Path
        A ``.param`` or ``.json`` parameter file.
    out_fname : str | pathlib.Path
        The configuration file; ``.json`` is put on a name without it.
    include_drives : bool
        Also write the file's drives (those it switched off are left out).
    overwrite : bool
        Replace an existing ``out_fname``.
    """
    from hnn_netpyne.network_models import neymotin_2020_model
    from hnn_netpyne.param_values import read_params

    out_fname = Path(out_fname)
    if out_fname.suffix != ".json":
        out_fname = out_fname.with_suffix(".json")
    net = neymotin_2020_model(params=read_params(params_fname),
                              add_drives_from_params=include_drives)
    remove_nulled_drives(net).write_configuration(out_fname, overwrite=overwrite)

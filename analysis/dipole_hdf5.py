"""Dipoles in hnn-core's ``.hdf5`` files (the layout its ``Dipole.write`` makes with h5io).

The file holds one group ``h5io`` (attribute ``TITLE`` 'dict') with datasets
``key_object_type`` ('Dipole', UTF-8 bytes, TITLE 'unicode'), ``key_times``
(ms), ``key_sfreq`` (Hz), ``key_nave``, ``key_scale_applied`` and a group
``key_data`` with one dataset per layer (``key_agg``, ``key_L2``, ``key_L5``,
in the dipole's units). Each dataset's ``TITLE`` names its Python type. Needs
h5py (the ``batch`` extra).
"""

import numpy as np

from hnn_netpyne.errors import ParameterError

ROOT = "h5io"


def _h5py(fname):
    try:
        import h5py
    except ImportError:
        raise ParameterError("reading and writing .hdf5 dipoles needs h5py "
                             "(pip install 'hnn-netpyne[batch]')", key="fname",
                             value=str(fname)) from None
    return h5py


def _titled(group, name, title, values):
    dataset = group.create_dataset(name, data=values)
    dataset.attrs["TITLE"] = title


def _number(group, name, value):
    title = "int" if float(value).is_integer() and isinstance(value, (int, np.integer)) \
        else "float"
    _titled(group, name, title, np.atleast_1d(value))


def write_dipole_hdf5(fname, dpl):
    """Write ``dpl`` (a :class:`~hnn_netpyne.analysis.dipole.Dipole`) to ``fname``."""
    h5py = _h5py(fname)
    with h5py.File(fname, "w") as fid:
        root = fid.create_group(ROOT)
        root.attrs["TITLE"] = "dict"
        _titled(root, "key_object_type", "unicode",
                np.frombuffer("Dipole".encode("utf-8"), np.uint8))
        _titled(root, "key_times", "ndarray", dpl.times)
        _number(root, "key_sfreq", float(dpl.sfreq))
        _number(root, "key_nave", int(dpl.nave))
        _number(root, "key_scale_applied", dpl.scale_applied)
        data = root.create_group("key_data")
        data.attrs["TITLE"] = "dict"
        for layer, values in dpl.data.items():
            _titled(data, f"key_{layer}", "ndarray", values)


def read_dipole_hdf5(fname):
    """The :class:`~hnn_netpyne.analysis.dipole.Dipole` of an hnn-core ``.hdf5`` file."""
    from hnn_netpyne.analysis.dipole import Dipole

    h5py = _h5py(fname)
    with h5py.File(fname, "r") as fid:
        root = fid.get(ROOT)
        kind = bytes(root["key_object_type"][()]).decode() if root is not None \
            and "key_object_type" in root else None
        if kind != "Dipole":
            raise ParameterError("not a dipole file of hnn-core (no object_type 'Dipole')",
                                 key="fname", value=str(fname))
        data = {name[len("key_"):]: values[()] for name, values in root["key_data"].items()}
        dpl = Dipole(root["key_times"][()], data, nave=int(root["key_nave"][0]))
        dpl.scale_applied = root["key_scale_applied"][0].item()
    return dpl

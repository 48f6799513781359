"""hnn-core's ``BatchSimulate.load_results`` and ``load_all_results`` over this package's
sweep store (``<save_folder>/sweep.h5``, see :mod:`hnn_netpyne.batch.store`)."""

from pathlib import Path

from hnn_netpyne.batch.store import STORE_NAME, read_point, read_table
from hnn_netpyne.errors import ParameterError

KINDS = {"dpl": "save_dpl", "spiking": "save_spiking", "lfp": "save_lfp",
         "voltages": "save_voltages", "currents": "save_currents", "calcium": "save_calcium"}
"""Result key -> the BatchSimulate flag that keeps it."""


def store_path(file_path):
    """The sweep store of ``file_path`` (the store itself or the folder holding it)."""
    path = Path(file_path)
    return path / STORE_NAME if path.is_dir() else path


def load_store_results(batch, file_path, return_data=None):
    """``param_values`` and the asked outputs of every finished point of a sweep store.

    Parameters
    ----------
    batch : BatchSimulate
        The sweep (its network and flags shape the outputs).
    file_path : str | pathlib.Path
        ``sweep.h5`` or the ``save_folder`` holding it.
    return_data : list of str | None
        Among 'dpl', 'spiking', 'lfp', 'voltages', 'currents'; None: those the
        sweep's ``save_*`` flags keep.

    Returns
    -------
    results : dict
        ``param_values`` (one dict per finished point) and one list per kind.
    """
    path = store_path(file_path)
    if not path.exists():
        raise ParameterError("no sweep store there", key="file_path", value=str(file_path))
    kinds = [k for k, flag in KINDS.items() if getattr(batch, flag, False)] \
        if return_data is None else list(return_data)
    for kind in kinds:
        if kind not in KINDS:
            raise ParameterError(f"return_data must be among {list(KINDS)}",
                                 key="return_data", value=kind)
    table = read_table(path)
    results = {"param_values": []}
    results.update({kind: [] for kind in kinds})
    for index in table.index[table["status"] != "pending"]:
        record = read_point(path, int(index))
        data = batch._point_data(int(index), record["params"], record, None)
        results["param_values"].append(record["params"])
        for kind in kinds:
            results[kind].append(data.get(kind))
    return results

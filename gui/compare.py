"""Recorded dipoles: reading HNN's .txt and .csv files, and the RMSE and
correlation of a simulated dipole against one over a time window."""

import io

import numpy as np

from hnn_netpyne.errors import HNNNetpyneError, ParameterError

DATA_SUFFIXES = (".txt", ".csv")


def read_recorded_dipole(path):
    """A recorded dipole: (times ms, aggregate nAm) of an HNN .txt (t, agg[, L2, L5])
    or a .csv of two columns (time ms, dipole nAm; one header line allowed).

    Raises
    ------
    ParameterError
        Naming the file, if it cannot be read or is not such a table.
    """
    from hnn_netpyne.analysis.io import read_dipole_txt
    from hnn_netpyne.readers import read_text

    if str(path).lower().endswith(".txt"):
        try:
            dipole = read_dipole_txt(path)
        except HNNNetpyneError as err:
            raise ParameterError(str(err)) from None
        return dipole.times, dipole.data["agg"]
    lines = read_text(path).splitlines()
    if lines and lines[0].strip() and not lines[0].lstrip()[0] in "+-.0123456789":
        lines = lines[1:]  # a header
    try:
        table = np.loadtxt(io.StringIO("\n".join(lines)), delimiter=",", ndmin=2)
    except ValueError as err:
        raise ParameterError(f"not a numeric table ({err})", source=str(path)) from None
    if table.shape[1] < 2 or table.shape[0] < 2 or not np.all(np.isfinite(table)):
        raise ParameterError(f"expected at least 2 rows of (time ms, dipole nAm) finite "
                             f"numbers, got shape {table.shape}", source=str(path))
    if np.any(np.diff(table[:, 0]) <= 0):
        raise ParameterError("the time column is not increasing", source=str(path))
    return table[:, 0], table[:, 1]


def compare_dipoles(sim_times, sim_nAm, data_times, data_nAm, tmin=None, tmax=None):
    """RMSE (nAm) and Pearson correlation of a simulated dipole against a recorded one.

    They compare at the recorded samples within [tmin, tmax] (ms) and within
    the simulated time span; the simulated dipole is interpolated linearly
    onto them.

    Returns
    -------
    result : dict
        ``rmse_nAm``, ``correlation`` (NaN if either trace is flat), ``n_samples``,
        ``tmin``, ``tmax`` (the window used, ms).
    """
    data_times, data_nAm = np.asarray(data_times, float), np.asarray(data_nAm, float)
    lo = max(sim_times[0], data_times[0] if tmin is None else tmin)
    hi = min(sim_times[-1], data_times[-1] if tmax is None else tmax)
    inside = (data_times >= lo) & (data_times <= hi)
    if inside.sum() < 2:
        raise ParameterError(f"fewer than 2 recorded samples in the window {lo:g}-{hi:g} ms "
                             "(and within the run)", key="window", value=(tmin, tmax))
    sim = np.interp(data_times[inside], sim_times, sim_nAm)
    data = data_nAm[inside]
    rmse = float(np.sqrt(np.mean((sim - data) ** 2)))
    flat = np.std(sim) == 0 or np.std(data) == 0
    correlation = float("nan") if flat else float(np.corrcoef(sim, data)[0, 1])
    return {"rmse_nAm": rmse, "correlation": correlation, "n_samples": int(inside.sum()),
            "tmin": float(lo), "tmax": float(hi)}

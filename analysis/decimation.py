"""hnn-core's decimation of traces before plotting: low-pass filter, then keep every n-th sample."""

import numpy as np

from hnn_netpyne.errors import ParameterError


def decimate_for_plot(decim, data, times):
    """``data`` (last axis time) and ``times`` (ms) decimated by each factor of ``decim``.

    Parameters
    ----------
    decim : int | list of int
        One factor or successive ones; each step applies SciPy's ``decimate``
        (an order-8 Chebyshev type I anti-aliasing filter, run forwards and
        backwards) and keeps every ``factor``-th time.
    data : array, shape (..., n_times)
        The traces.
    times : array, shape (n_times,)
        Their sample times (ms).

    Returns
    -------
    data, times : np.ndarray
    """
    from scipy.signal import decimate

    factors = decim if isinstance(decim, list) else [decim]
    for factor in factors:
        if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
            raise ParameterError("each decimation factor must be a positive integer",
                                 key="decim", value=decim)
    data, times = np.asarray(data, float), np.asarray(times, float)
    for factor in factors:
        data = decimate(data, int(factor)) if factor > 1 else data
        times = times[::factor]
    return data, times

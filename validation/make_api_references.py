"""Make hnn-core's references for the results objects and add_connection.

Run from the repository root with the validation environment (hnn-core
0.6.1), never with the project's own venv::

    /work/hnnval/bin/python validation/make_api_references.py
    /work/hnnval/bin/python validation/make_api_references.py --check-ours DIR

It reads hnn-core's own ERP outputs (``tests/data/erp.npz``) and writes:

``tests/data/api_reference.npz``
    hnn-core's ``Dipole.savgol_filter(40)``, ``smooth(20)`` and the
    ``plot_psd`` curve (all samples, and 20-150 ms) of the ERP dipole;
    ``CellResponse.mean_rates`` ('all', 'trial', 'cell') of the ERP spikes
    between 0 and 170 ms; the gid pairs ``add_connection`` draws with
    ``probability < 1``; the soma positions after ``set_cell_positions``.
``tests/data/hnn_core_files/dpl.txt``, ``spk_0.txt``
    The first 400 samples of the ERP dipole written by ``Dipole.write`` and
    the ERP spikes written by ``CellResponse.write``.

``--check-ours DIR`` instead reads ``DIR/dpl.txt`` and ``DIR/spk_*.txt``
(written by hnn-netpyne's ``Dipole.write`` and ``CellResponse.write`` from
the same data) with hnn-core's ``read_dipole`` and ``read_spikes`` and
prints how far they are from the data.
"""

import argparse
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from provenance import provenance  # noqa: E402

from hnn_core import jones_2009_model, read_dipole, read_spikes  # noqa: E402
from hnn_core.cell_response import CellResponse  # noqa: E402
from hnn_core.dipole import Dipole  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
N_WRITTEN_SAMPLES = 400
STORED_STEP = 10
CONNECTIONS = {
    # name: (src, target, loc, receptor, weight, delay, lamtha, allow_autapses, p, seed)
    "L2Pyr_L5Pyr_p05": ("L2_pyramidal", "L5_pyramidal", "proximal", "ampa", 1e-4, 1.0, 3.0,
                        True, 0.5, 42),
    "L5Basket_L5Basket_p03": ("L5_basket", "L5_basket", "soma", "gabaa", 2e-3, 1.0, 20.0,
                              False, 0.3, 7),
}


def erp_data():
    """The ERP dipole and CellResponse hnn-core produced (tests/data/erp.npz)."""
    ref = np.load(DATA / "erp.npz", allow_pickle=True)
    layers = np.column_stack([ref[f"dipole_{k}"][0] for k in ("agg", "L2", "L5")])
    ranges = {str(n): range(int(a), int(b)) for n, a, b in
              zip(ref["gid_range_names"], ref["gid_range_start"], ref["gid_range_stop"])}
    response = CellResponse(cell_type_names=[str(c) for c in ref["cell_type_names"]],
                            spike_times=[ref["spike_times"].tolist()],
                            spike_gids=[ref["spike_gids"].astype(int).tolist()],
                            spike_types=[[]])
    response.update_types(ranges)
    return ref["times"], layers, response, ranges


def dipole_references(times, layers):
    out = {}
    # every STORED_STEP-th sample keeps the file small; the filters run on all of them
    savgol = Dipole(times, layers).savgol_filter(40).data.values()
    out["savgol40"] = np.column_stack(list(savgol))[::STORED_STEP]
    out["smooth20"] = np.column_stack(list(Dipole(times, layers).smooth(20).data.values()))[
        ::STORED_STEP]
    for key, window in (("psd", (None, None)), ("psd_20_150", (20.0, 150.0))):
        fig = Dipole(times, layers).plot_psd(tmin=window[0], tmax=window[1], show=False)
        out[key] = fig.axes[0].lines[0].get_xydata()
    return out


def rate_references(response, ranges):
    out = {}
    for mean_type in ("all", "trial", "cell"):
        rates = response.mean_rates(0.0, 170.0, ranges, mean_type=mean_type)
        for name, value in rates.items():
            out[f"rates_{mean_type}_{name}"] = np.asarray(value, dtype=float)
    return out


def connection_references():
    out = {}
    for name, (src, tgt, loc, rec, w, d, lam, autapses, p, seed) in CONNECTIONS.items():
        net = jones_2009_model()
        net.clear_connectivity()
        net.add_connection(src, tgt, loc, rec, w, d, lam, allow_autapses=autapses,
                           probability=p, conn_seed=seed)
        conn = net.connectivity[-1]
        out[f"pairs_{name}"] = np.array([[s, t] for s, tgts in conn["gid_pairs"].items()
                                         for t in tgts], dtype=int)
    return out


def position_references():
    """Soma positions after set_cell_positions(inplane_distance=2.5, layer_separation=1000)."""
    net = jones_2009_model()
    net.set_cell_positions(inplane_distance=2.5, layer_separation=1000.0)
    return {f"positions_{name}": np.array(pos, dtype=float)
            for name, pos in net.pos_dict.items()}


def check_ours(folder, times, layers, response):
    ours = read_dipole(Path(folder) / "dpl.txt")
    n = len(ours.times)
    for k, layer in enumerate(("agg", "L2", "L5")):
        err = np.max(np.abs(ours.data[layer] - layers[:n, k])) / np.max(np.abs(layers[:n, k]))
        print(f"hnn-core read_dipole of our file, {layer}: {n} samples, max error / peak "
              f"{err:.2e}, times max error {np.max(np.abs(ours.times - times[:n])):.1e} ms")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        spikes = read_spikes(str(Path(folder) / "spk_*.txt"))
    print(f"hnn-core read_spikes of our files: {len(spikes.spike_times[0])} spikes "
          f"(data {len(response.spike_times[0])}), gids equal "
          f"{spikes.spike_gids == response.spike_gids}, types equal "
          f"{spikes.spike_types == response.spike_types}, times max error "
          f"{np.max(np.abs(np.subtract(spikes.spike_times, response.spike_times))):.1e} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check-ours", metavar="DIR")
    args = parser.parse_args()
    times, layers, response, ranges = erp_data()
    if args.check_ours:
        check_ours(args.check_ours, times, layers, response)
        return
    arrays = {**dipole_references(times, layers), **rate_references(response, ranges),
              **connection_references(), **position_references()}
    arrays["provenance"] = np.array(str(provenance()))
    np.savez_compressed(DATA / "api_reference.npz", **arrays)
    files = DATA / "hnn_core_files"
    files.mkdir(exist_ok=True)
    Dipole(times[:N_WRITTEN_SAMPLES], layers[:N_WRITTEN_SAMPLES]).write(files / "dpl.txt")
    response.write(str(files / "spk_%d.txt"))
    print(f"wrote {DATA / 'api_reference.npz'} and {files}")


if __name__ == "__main__":
    main()

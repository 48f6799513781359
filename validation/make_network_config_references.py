"""hnn-core's network configuration files: references for reading and writing them.

Run from the repository root with the validation environment (hnn-core
0.6.1), never with the project's own venv::

    /work/hnnval/bin/python validation/make_network_config_references.py netcons
    /work/hnnval/bin/python validation/make_network_config_references.py simulate
    /work/hnnval/bin/python validation/make_network_config_references.py check FILE
    /work/hnnval/bin/python validation/make_network_config_references.py dump FILE OUT

``netcons``
    ``read_network_configuration(hnn_core/param/neymotin2020_base.json)``,
    built by hnn-core's ``NetworkBuilder``: every synaptic NetCon (source and
    target gid, section and receptor, weight in µS and delay in ms read back
    from NEURON) into ``tests/data/neymotin2020_base_netcons.npz``.
``simulate``
    The same network simulated for 170 ms (``simulate_dipole(net, tstop=170,
    dt=0.025, n_trials=1)``, one process): raw dipoles (nAm, agg/L2/L5) and
    spikes into ``tests/data/neymotin2020_base_run.npz``.
``check FILE``
    Reads FILE (written by hnn-netpyne's ``write_configuration``) with
    hnn-core, compares its Network with neymotin2020_base.json's (every
    connectivity entry, drive and bias) and its NetCons with the reference,
    and prints the differences.
``dump FILE OUT``
    The NetCons hnn-core builds from any configuration FILE, into OUT (.npz),
    to compare with the NetCons of hnn-netpyne's specs of the same file.
"""

import argparse
import time
from pathlib import Path

import numpy as np
from provenance import provenance

import hnn_core
from hnn_core import read_network_configuration, simulate_dipole

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SOURCE = Path(hnn_core.__file__).parent / "param" / "neymotin2020_base.json"
TSTOP_MS = 170.0


def netcon_rows(net):
    """(src, tgt, 'section_receptor', weight, delay) of every NetCon hnn-core builds."""
    from hnn_core.cell import Cell
    from hnn_core.network_builder import NetworkBuilder

    rows = []
    connect = Cell.parconnect_from_src

    def recording(cell, gid_presyn, nc_dict, postsyn, inplane_distance):
        netcon = connect(cell, gid_presyn, nc_dict, postsyn, inplane_distance)
        key = next(k for k, syn in cell._nrn_synapses.items() if syn == postsyn)
        rows.append((gid_presyn, cell.gid, key, netcon.weight[0], netcon.delay))
        return netcon

    Cell.parconnect_from_src = recording
    try:
        # what simulate_dipole sets before it builds
        for drive in net.external_drives.values():
            if "tstop" in drive["dynamics"] and drive["dynamics"]["tstop"] is None:
                drive["dynamics"]["tstop"] = TSTOP_MS
        net._instantiate_drives(tstop=TSTOP_MS, n_trials=1)
        net._params.update(record_vsec=False, record_isec=False, record_ca=False)
        net._tstop, net._dt = TSTOP_MS, 0.025
        NetworkBuilder(net)
    finally:
        Cell.parconnect_from_src = connect
    return rows


def as_arrays(rows):
    keys = sorted({r[2] for r in rows})
    return {"src_gid": np.array([r[0] for r in rows], dtype=np.int32),
            "tgt_gid": np.array([r[1] for r in rows], dtype=np.int32),
            "syn_keys": np.array(keys),
            "syn_key_index": np.array([keys.index(r[2]) for r in rows], dtype=np.int16),
            "weight": np.array([r[3] for r in rows]), "delay": np.array([r[4] for r in rows])}


def sorted_rows(arrays):
    order = np.lexsort((arrays["syn_key_index"], arrays["tgt_gid"], arrays["src_gid"]))
    keys = arrays["syn_keys"][arrays["syn_key_index"]][order]
    return (arrays["src_gid"][order], arrays["tgt_gid"][order], keys,
            arrays["weight"][order], arrays["delay"][order])


def simulate():
    net = read_network_configuration(SOURCE)
    started = time.process_time()
    dpl = simulate_dipole(net, tstop=TSTOP_MS, dt=0.025, n_trials=1, postproc=False)[0]
    response = net.cell_response
    np.savez_compressed(
        DATA / "neymotin2020_base_run.npz", times=dpl.times,
        **{f"dipole_{k}": dpl.data[k] for k in ("agg", "L2", "L5")},
        spike_times=np.array(response.spike_times[0]),
        spike_gids=np.array(response.spike_gids[0], dtype=np.int32),
        cpu_s=time.process_time() - started, provenance=str(provenance()))


def check(fname):
    theirs, ours = read_network_configuration(SOURCE), read_network_configuration(fname)
    same = {"connectivity": len(ours.connectivity) == len(theirs.connectivity) and all(
        (a["src_type"], a["target_type"], a["loc"], a["receptor"], a["nc_dict"],
         a["gid_pairs"], a["allow_autapses"]) ==
        (b["src_type"], b["target_type"], b["loc"], b["receptor"], b["nc_dict"],
         b["gid_pairs"], b["allow_autapses"])
        for a, b in zip(ours.connectivity, theirs.connectivity)),
        "drives": {n: {k: v for k, v in d.items() if k != "events"}
                   for n, d in ours.external_drives.items()}
        == {n: {k: v for k, v in d.items() if k != "events"}
            for n, d in theirs.external_drives.items()},
        "biases": ours.external_biases == theirs.external_biases,
        "gid_ranges": ours.gid_ranges == theirs.gid_ranges}
    print(f"hnn-core read {fname}: equal to neymotin2020_base.json's Network: {same}")
    ref = sorted_rows(dict(np.load(DATA / "neymotin2020_base_netcons.npz")))
    mine = sorted_rows(as_arrays(netcon_rows(ours)))
    keys_equal = all(np.array_equal(a, b) for a, b in zip(mine[:3], ref[:3]))
    print(f"NetCons: {len(mine[0])} built, {len(ref[0])} in the reference, same (src, tgt, "
          f"section, receptor): {keys_equal}, max relative difference of weights "
          f"{np.max(np.abs(mine[3] - ref[3]) / np.abs(ref[3]).clip(1e-300)):.1e}, "
          f"of delays {np.max(np.abs(mine[4] - ref[4]) / ref[4]):.1e}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("netcons", "simulate", "check", "dump"))
    parser.add_argument("file", nargs="?")
    parser.add_argument("out", nargs="?")
    args = parser.parse_args()
    if args.mode == "netcons":
        arrays = as_arrays(netcon_rows(read_network_configuration(SOURCE)))
        np.savez_compressed(DATA / "neymotin2020_base_netcons.npz", **arrays)
        print(f"{len(arrays['src_gid'])} NetCons")
    elif args.mode == "simulate":
        simulate()
    elif args.mode == "check":
        check(args.file)
    else:
        np.savez_compressed(args.out, **as_arrays(netcon_rows(read_network_configuration(
            args.file))))


if __name__ == "__main__":
    main()

"""Compare the NEURON geometry of hnn-core's cells with ours, value by value.

For a few cells of each type of the ERP network, dump every section's 3-D
points (x, y, z, diam, arc; µm), length ``L`` (µm), and per segment area
(µm²), axial resistance ``ri`` (MΩ) and the HNN dipole constants
(``dipole.ri``, ``dipole.ztan``), as built by hnn-core 0.6.1 (NEURON 8.2.7)
or by hnn-netpyne (NEURON 9.0.2); then print the largest relative
difference of each quantity. Since ``runtime/geometry.py`` they agree to
1e-15 (before it, areas differed by up to 1.3e-7).

How to run
----------
From the repository root::

    /work/hnnval/bin/python validation/compare_geometry.py hnn-core /tmp/theirs.npz
    .venv/bin/python validation/compare_geometry.py hnn-netpyne /tmp/ours.npz
    .venv/bin/python validation/compare_geometry.py compare /tmp/theirs.npz /tmp/ours.npz
"""

import sys

import numpy as np

GIDS = (0, 35, 36, 100, 135, 170, 171, 200)  # baskets and pyramids of both layers


def _section_values(sec):
    from neuron import h

    values = {
        "pt3d": [[sec.x3d(i), sec.y3d(i), sec.z3d(i), sec.diam3d(i), sec.arc3d(i)]
                 for i in range(sec.n3d())],
        "L": [sec.L], "area": [seg.area() for seg in sec], "ri": [seg.ri() for seg in sec],
    }
    if hasattr(sec(0.5), "dipole"):
        values["dipole_ri"] = [seg.dipole.ri for seg in sec]
        values["dipole_ztan"] = [seg.dipole.ztan for seg in sec]
        values["ri_1"] = [h.ri(1, sec=sec)]
    return values


def hnn_core_sections():
    """(gid, section name, Section) of hnn-core's ERP network, built but not run."""
    from hnn_core import jones_2009_model
    from hnn_core.network_builder import NetworkBuilder
    from hnn_core.network_models import add_erp_drives_to_jones_model

    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    net._instantiate_drives(n_trials=1, tstop=10.0)
    builder = NetworkBuilder(net)
    for gid, cell in zip(builder._gid_list, builder._cells):
        for name, sec in cell._nrn_sections.items():
            yield gid, name, sec


def hnn_netpyne_sections():
    """(gid, section name, Section) of our ERP network, built as a run builds it."""
    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime.run import build_network

    cfg = build_sim_config("erp", tstop=10.0)
    sim = build_network(cfg, build_net_params(cfg))
    for cell in sim.net.cells:
        for name, sec in (cell.secs.items() if isinstance(cell.secs, dict) else ()):
            yield cell.gid, name, sec["hObj"]


def dump(sections, out):
    arrays = {f"{gid}:{name}:{key}": np.array(value)
              for gid, name, sec in sections if gid in GIDS
              for key, value in _section_values(sec).items()}
    np.savez(out, **arrays)


def compare(theirs_file, ours_file):
    theirs, ours = np.load(theirs_file), np.load(ours_file)
    assert set(theirs.files) == set(ours.files), set(theirs.files) ^ set(ours.files)
    worst = {}
    for key in theirs.files:
        quantity = key.rsplit(":", 1)[1]
        a, b = theirs[key], ours[key]
        if quantity == "pt3d":  # points: ours are cell-local; compare diameters and arcs
            a, b = a[:, 3:], b[:, 3:]
        scale = np.maximum(np.abs(a), 1e-300)
        worst[quantity] = max(worst.get(quantity, 0.0), float(np.max(np.abs(a - b) / scale)))
    for quantity, value in sorted(worst.items()):
        print(f"{quantity}: largest relative difference {value:.1e}")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        dump(hnn_core_sections() if mode == "hnn-core" else hnn_netpyne_sections(), sys.argv[2])

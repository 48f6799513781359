"""CPU time and peak memory of building the ERP network (no simulation).

``python benchmarks/build_cost.py [fast|netpyne]`` prints one JSON line:
CPU seconds (user + system, ``resource.getrusage``; wall time is noisy on a
shared machine) of the specs, of ``build_network`` plus ``setup_recording``,
the peak RSS (MB) and the NetCons made. ``netpyne`` connects with NetPyNE's
own ``connectCells``.
"""

import json
import resource
import sys


def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(mode):
    import netpyne  # noqa: F401 -- imports are not part of the build
    from neuron import h

    from hnn_netpyne.model.specs import build_net_params, build_sim_config
    from hnn_netpyne.runtime import run

    start = cpu_s()
    cfg = dict(build_sim_config("erp"), fastConnect=mode == "fast")
    net_params = build_net_params(cfg)
    specs_done = cpu_s()
    sim = run.build_network(cfg, net_params)
    run.setup_recording(sim, cfg)
    built = cpu_s()
    n_netcons = sum(1 for cell in sim.net.cells for _ in range(len(cell.conns)))
    print(json.dumps({"mode": mode, "specs_cpu_s": round(specs_done - start, 2),
                      "build_cpu_s": round(built - specs_done, 2),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                                           / 1024.0, 1),
                      "n_netcons": n_netcons}), flush=True)
    h.quit()


main(sys.argv[1] if len(sys.argv) > 1 else "fast")

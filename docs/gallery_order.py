"""The order of the examples in the gallery: single runs, recordings, then sweeps and fits."""

import os

ORDER = [
    "plot_simulate_evoked.py",
    "plot_simulate_alpha.py",
    "plot_simulate_gamma.py",
    "plot_simulate_mpi_backend.py",
    "plot_record_extracellular_potentials.py",
    "plot_batch_sweep.py",
    "plot_batch_optimize_evoked.py",
]


class ExampleOrder:
    """sphinx-gallery's sort key: the place in ``ORDER``; examples not listed go last by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename):
        name = os.path.basename(filename)
        return (ORDER.index(name) if name in ORDER else len(ORDER), name)

    def __repr__(self):
        return "ExampleOrder"

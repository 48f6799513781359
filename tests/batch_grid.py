"""A NetPyNE batch grid of two drive weights over sim/init.py (started by the tests).

Usage: ``python batch_grid.py mpi_direct FOLDER`` or
``mpiexec -n 2 nrniv -python -mpi batch_grid.py mpi_bulletin FOLDER``. Each
job runs the seed scenario for 40 ms with one AMPA weight (µS) of the bursty
drive onto L2/3 pyramidal cells, into FOLDER/weights_<k>.
"""

import sys
from pathlib import Path

from neuron import h
from netpyne import specs
from netpyne.batch import Batch

SIM_DIR = Path(__file__).resolve().parent.parent / "sim"
WEIGHTS_US = [5.4e-05, 2e-03]


def main(run_type, folder):
    params = specs.ODict()
    params[("drives", 0, "weights_ampa", "L2Pyr")] = WEIGHTS_US
    batch = Batch(cfgFile=str(SIM_DIR / "cfg.py"), netParamsFile=str(SIM_DIR / "netParams.py"),
                  params=params, initCfg={"duration": 40.0})
    batch.batchLabel = "weights"
    batch.saveFolder = folder
    batch.method = "grid"
    batch.runCfg = {"type": run_type, "script": str(SIM_DIR / "init.py"), "cores": 1,
                    "mpiCommand": str(Path(sys.executable).parent / "mpiexec")}
    batch.run()


main(sys.argv[-2], sys.argv[-1])
h.quit()

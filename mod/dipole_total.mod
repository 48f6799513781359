TITLE DipoleTotal: per-cell holder of the summed current dipole (HNN)

COMMENT
Target for the Qtotal POINTERs of the dipole (density) and Dipole (point
process) mechanisms of one cell; see dipole.mod and dipole_pp.mod, after
HNN (Jones et al. 2009, J Neurophysiol 102:3554-3572; Neymotin et al.
2020, eLife 9:e51214).

hnn-core points Qtotal at an element of a hoc Vector and records that
element. A POINTER into a Vector is not thread data: with several
threads, or when the model is handed to CoreNEURON, it is not carried
along. A variable of a point process placed on the cell (e.g. soma(0.5))
is, so record DipoleTotal[...]._ref_Qtotal instead. Values are the same
as hnn-core's: the zeroing and the sums are done by the Dipole and
dipole mechanisms in the same blocks as before; this file only zeroes
Qtotal once more, at the same moments, so that it never holds stale
values even if no Dipole points at it.

Units: Qtotal fAm.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS DipoleTotal
    RANGE Qtotal
}

UNITS {
    (fAm) = (femto amp meter)
}

ASSIGNED {
    Qtotal (fAm)
}

BEFORE INITIAL {
    Qtotal = 0
}

BEFORE BREAKPOINT {
    Qtotal = 0
}

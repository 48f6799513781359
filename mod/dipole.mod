TITLE dipole: per-segment current dipole contribution (HNN)

COMMENT
Current-dipole moment of a pyramidal cell as computed by HNN (Jones et
al. 2009, J Neurophysiol 102:3554-3572; Neymotin et al. 2020, eLife
9:e51214).

Each segment takes the axial current arriving from the node before it,
ia = (pv - v)/ri, and multiplies it by ztan, the length of that path
projected on the apical axis: Q = ia*ztan. Q is added into two sums
reached through POINTERs:
  Qsum   -> Qsum of the section's Dipole point process (per section),
  Qtotal -> the cell's total (per cell).
Both sums are zeroed by Dipole (dipole_pp.mod) in BEFORE BREAKPOINT and
BEFORE INITIAL, and the additions happen right after each solve (and
after initialization), so the sums describe the new voltages.

For runs with threads or CoreNEURON, point Qtotal at the Qtotal of a
DipoleTotal point process (dipole_total.mod) on the same cell and record
that variable, rather than an element of a hoc Vector.

Units: ri MOhm, pv and v mV, ia nA, ztan um, Q/Qsum/Qtotal fAm
(nA * um = 1e-15 A m).
ENDCOMMENT

NEURON {
    THREADSAFE  : must precede POINTER, else nocmodl drops thread safety
    SUFFIX dipole
    RANGE ri, ia, Q, ztan
    POINTER pv      : v of the neighbouring node towards the section start
    POINTER Qsum    : per-section sum (Dipole.Qsum)
    POINTER Qtotal  : per-cell sum (e.g. DipoleTotal.Qtotal)
}

UNITS {
    (nA)   = (nanoamp)
    (mV)   = (millivolt)
    (Mohm) = (megaohm)
    (um)   = (micrometer)
    (fAm)  = (femto amp meter)
}

ASSIGNED {
    v      (mV)
    ia     (nA)
    ri     (Mohm)  : axial resistance to the previous node
    pv     (mV)
    ztan   (um)
    Q      (fAm)
    Qsum   (fAm)
    Qtotal (fAm)
}

AFTER SOLVE {
    ia = (pv - v) / ri
    Q = ia * ztan
    Qsum = Qsum + Q
    Qtotal = Qtotal + Q
}

AFTER INITIAL {
    ia = (pv - v) / ri
    Q = ia * ztan
    Qsum = Qsum + Q
    Qtotal = Qtotal + Q
}

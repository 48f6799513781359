TITLE Dipole: per-section end contribution and per-section sum (HNN)

COMMENT
Point-process half of HNN's current-dipole calculation (Jones et al.
2009, J Neurophysiol 102:3554-3572; Neymotin et al. 2020, eLife
9:e51214). One Dipole sits at the 1-end of every section of a cell.

It has two jobs:
1. Before each current evaluation (BEFORE BREAKPOINT) and before
   initialization it zeroes its own Qsum and the per-cell total that its
   Qtotal POINTER reaches; the dipole density mechanisms of the section
   then add their Q into both after each solve.
2. It adds the contribution of the last half segment, from the last
   internal node (pv) to the section end (v here), computed in the same
   way: ia = (pv - v)/ri, Q = ia*ztan.

For runs with threads or CoreNEURON, point Qtotal at the Qtotal of a
DipoleTotal point process (dipole_total.mod) on the same cell and record
that variable, rather than an element of a hoc Vector.

Units: ri MOhm, pv and v mV, ia nA, ztan um, Q/Qsum/Qtotal fAm.
ENDCOMMENT

NEURON {
    THREADSAFE  : must precede POINTER, else nocmodl drops thread safety
    POINT_PROCESS Dipole
    RANGE ri, ia, Q, ztan
    RANGE Qsum      : per-section sum; target of dipole's Qsum POINTER
    POINTER pv      : v of the last internal node of the section
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
    ri     (Mohm)  : axial resistance from the last internal node
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

: the sums start from zero at every evaluation
BEFORE INITIAL {
    Qsum = 0
    Qtotal = 0
}

BEFORE BREAKPOINT {
    Qsum = 0
    Qtotal = 0
}

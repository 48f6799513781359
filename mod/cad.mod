TITLE cad: submembrane calcium shell with first-order removal

COMMENT
Intracellular Ca2+ in a thin shell under the membrane: inward ica fills
the shell, and a first-order process (time constant taur) brings ca back
to cainf. From Destexhe, Babloyantz & Sejnowski 1993 (Biophys J
65:1538-1552), with the variable-time-step corrections by Hines and
Scorcioni (2002), as used in HNN (Jones et al. 2009, J Neurophysiol
102:3554-3572; Neymotin et al. 2020, eLife 9:e51214).

Units: ca, cai, cainf in mM; depth in um; taur in ms; ica in mA/cm2.
The factor 1e4 turns mA/cm2 / (C/mol * um) into mM/ms.

FARADAY is pinned to the value that NEURON 8 mod files use when
nrnunit_use_legacy(1) is on, as hnn-core does: those files get the
legacy constant printed with 6 significant digits, 96485.3 (hoc's own
legacy FARADAY is 96485.309). NEURON 9 no longer offers legacy units,
so the number is written here to keep hnn-core's results. (96485.3 has
six significant digits, so the CoreNEURON NMODL transpiler, which prints
CONSTANTs with six, keeps it exact.)
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX cad
    USEION ca READ ica, cai WRITE cai
    RANGE ca, taur
    GLOBAL depth, cainf
}

UNITS {
    (molar) = (1/liter)
    (mM)    = (millimolar)
    (um)    = (micron)
    (mA)    = (milliamp)
    (msM)   = (ms mM)
}

CONSTANT {
    FARADAY = 96485.3 (coulomb)  : NEURON 8 legacy-unit mod value
}

PARAMETER {
    depth = .1      (um)   : shell thickness
    taur  = 200     (ms)   : removal time constant
    cainf = 100e-6  (mM)   : resting concentration
}

ASSIGNED {
    ica           (mA/cm2)
    cai           (mM)
    drive_channel (mM/ms)
}

STATE {
    ca (mM) <1e-5>
}

INITIAL {
    ca = cainf
    cai = ca
}

BREAKPOINT {
    SOLVE state METHOD cnexp
}

DERIVATIVE state {
    drive_channel = -(10000) * ica / (2 * FARADAY * depth)

    : only inward ica feeds the shell; outward ica is ignored
    if (drive_channel <= 0.) { drive_channel = 0. }

    ca' = drive_channel + (cainf-ca) / taur
    cai = ca
}

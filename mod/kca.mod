TITLE kca: calcium-activated potassium current

COMMENT
Ca2+-dependent K+ current of Mainen & Sejnowski 1996 (Nature
382:363-366), after Pennefather 1990 as adapted by Reuveni et al. 1993
(J Neurosci 13:4609-4621), with the variable-time-step corrections by
Hines and Scorcioni (2002), as used in HNN (Jones et al. 2009,
J Neurophysiol 102:3554-3572; Neymotin et al. 2020, eLife 9:e51214).

Units: gbar and gk in pS/um2 (1e-4 converts to mA/cm2 with mV),
cai in mM, rates 1/ms.

Thread safety: the hnn-core file keeps tadj as a GLOBAL written on every
rates() call. Here it is a RANGE value computed once at INITIAL (it
depends only on celsius and parameters: the same number without a pow()
per segment and step). vmin and vmax are unused and kept only for the
hoc names.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX kca
    USEION k READ ek WRITE ik
    USEION ca READ cai
    RANGE n, gk, gbar
    RANGE ninf, ntau
    RANGE tadj
    GLOBAL Ra, Rb, caix
    GLOBAL q10, temp, vmin, vmax, tshift
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (pS) = (picosiemens)
    (um) = (micron)
}

PARAMETER {
    gbar = 10     (pS/um2)  : about 0.001 S/cm2
    caix = 1                : exponent on cai in the opening rate
    Ra = 0.01     (/ms)     : peak opening rate
    Rb = 0.02     (/ms)     : closing rate
    temp = 23     (degC)    : temperature the rates were measured at
    q10 = 2.3               : temperature sensitivity
    tshift = 30.7 (degC)    : extra shift HNN applies to the q10 exponent
    vmin = -120   (mV)
    vmax = 100    (mV)
}

ASSIGNED {
    v       (mV)
    celsius (degC)
    cai     (mM)
    ik      (mA/cm2)
    gk      (pS/um2)
    ek      (mV)
    ninf
    ntau    (ms)
    tadj
}

STATE { n }

INITIAL {
    tadj = q10^((celsius - temp - tshift) / 10)
    rates(cai)
    n = ninf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    gk = tadj * gbar * n
    ik = (1e-4) * gk * (v - ek)
}

DERIVATIVE states {
    rates(cai)
    n' = (ninf - n) / ntau
}

: ninf and ntau for internal calcium concentration c (mM); tadj is set
: at INITIAL. c^1 is c exactly, so the common exponent skips pow().
PROCEDURE rates(c (mM)) {
    LOCAL a, b
    UNITSOFF
    if (caix == 1) {
        a = Ra * c
    } else {
        a = Ra * c^caix
    }
    b = Rb

    ntau = 1 / tadj / (a + b)
    ninf = a / (a + b)
    UNITSON
}

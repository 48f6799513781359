TITLE km: slow non-inactivating muscarinic potassium current (I_M)

COMMENT
Hodgkin-Huxley style M-current of Mainen & Sejnowski 1996 (Nature
382:363-366), with the variable-time-step corrections by Hines and
Scorcioni (2002), as used in HNN (Jones et al. 2009, J Neurophysiol
102:3554-3572; Neymotin et al. 2020, eLife 9:e51214).

Units: gbar and gk in pS/um2 (1e-4 converts to mA/cm2 with mV),
rates 1/ms, potentials mV.

Thread safety: the hnn-core file sets a GLOBAL tadj inside the table
procedure, and its BREAKPOINT recomputes it on every current evaluation.
Here tadj is a RANGE value computed once at INITIAL (it depends only on
celsius and parameters, so it is the same number; a pow() per segment
and step is saved), and the table builder uses a LOCAL copy. The lookup
table is kept with the same grid (vmin..vmax, 199 points) because its
interpolation is part of HNN's numbers; it now also depends on q10 and
tshift.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX km
    USEION k READ ek WRITE ik
    RANGE n, gk, gbar
    RANGE ninf, ntau
    RANGE tadj
    GLOBAL Ra, Rb
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
    tha = -30     (mV)      : half-activation potential
    qa = 9        (mV)      : slope of activation
    Ra = 0.001    (/ms)     : peak opening rate (slow)
    Rb = 0.001    (/ms)     : peak closing rate (slow)
    temp = 23     (degC)    : temperature the rates were measured at
    q10 = 2.3               : temperature sensitivity
    tshift = 30.7 (degC)    : extra shift HNN applies to the q10 exponent
    vmin = -120   (mV)      : table range
    vmax = 100    (mV)
}

ASSIGNED {
    v       (mV)
    celsius (degC)
    ik      (mA/cm2)
    gk      (pS/um2)
    ek      (mV)
    ninf
    ntau    (ms)
    tadj
}

STATE { n }

INITIAL {
    tadj = tempfac()
    trates(v)
    n = ninf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    gk = tadj * gbar * n
    ik = (1e-4) * gk * (v - ek)
}

DERIVATIVE states {
    trates(v)
    n' = (ninf - n) / ntau
}

: Tabulated ninf/ntau at potential v.
PROCEDURE trates(v (mV)) {
    TABLE ninf, ntau
    DEPEND celsius, temp, Ra, Rb, tha, qa, q10, tshift
    FROM vmin TO vmax WITH 199

    rates(v)
}

: Opening/closing rates and the resulting ninf, ntau.
PROCEDURE rates(v (mV)) {
    LOCAL a, b, tf
    UNITSOFF
    a = Ra * (v - tha) / (1 - exp(-(v - tha) / qa))
    b = -Rb * (v - tha) / (1 - exp((v - tha) / qa))

    tf = tempfac()
    ntau = 1/tf/(a+b)
    ninf = a/(a+b)
    UNITSON
}

: Temperature factor q10^((celsius - temp - tshift)/10).
FUNCTION tempfac() {
    UNITSOFF
    tempfac = q10^((celsius - temp - tshift) / 10)
    UNITSON
}

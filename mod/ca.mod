TITLE ca: high-voltage-activated calcium current with fixed eca

COMMENT
HVA Ca2+ current of Mainen & Sejnowski 1996 (Nature 382:363-366), based
on Reuveni, Friedman, Amitai & Gutnick 1993 (J Neurosci 13:4609-4621),
with the variable-time-step corrections by Hines and Scorcioni (2002),
as used in HNN (Jones et al. 2009, J Neurophysiol 102:3554-3572;
Neymotin et al. 2020, eLife 9:e51214). The driving force uses the ion's
eca (not GHK).

Units: gbar and gca in pS/um2 (1e-4 converts to mA/cm2 with mV),
potentials mV, times ms.

Thread safety: the hnn-core file sets a GLOBAL tadj inside the table
procedure, and its BREAKPOINT recomputes it on every current evaluation.
Here tadj is a RANGE value computed once at INITIAL (it depends only on
celsius and parameters, so it is the same number; a pow() per segment
and step is saved), and the table builder uses a LOCAL copy. The table
keeps its grid (vmin..vmax, 199 points) because its interpolation is
part of HNN's numbers; it now also depends on q10 and tshift. cao and
cai are unused parameters kept only so that the same hoc names exist as
in hnn-core.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX ca
    USEION ca READ eca WRITE ica
    RANGE m, h, gca, gbar
    RANGE minf, hinf, mtau, htau
    RANGE tadj
    GLOBAL q10, temp, vmin, vmax, vshift, tshift
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (pS) = (picosiemens)
    (um) = (micron)
}

PARAMETER {
    gbar = 0.1    (pS/um2)
    vshift = 0    (mV)     : shifts every voltage dependence
    cao = 2.5     (mM)     : unused (eca comes from the ion)
    cai           (mM)     : unused
    temp = 23     (degC)   : temperature the rates were measured at
    q10 = 2.3              : temperature sensitivity
    tshift = 30.7 (degC)   : extra shift HNN applies to the q10 exponent
    vmin = -120   (mV)     : table range
    vmax = 100    (mV)
}

ASSIGNED {
    v       (mV)
    celsius (degC)
    ica     (mA/cm2)
    gca     (pS/um2)
    eca     (mV)
    minf
    hinf
    mtau    (ms)
    htau    (ms)
    tadj
}

STATE { m h }

INITIAL {
    tadj = tempfac()
    trates(v+vshift)
    m = minf
    h = hinf
}

BREAKPOINT {
    SOLVE states METHOD cnexp
    gca = tadj * gbar * m * m * h
    ica = (1e-4) * gca * (v - eca)
}

DERIVATIVE states {
    trates(v + vshift)
    m' = (minf - m) / mtau
    h' = (hinf - h) / htau
}

: Tabulated steady states and time constants at potential v.
PROCEDURE trates(v (mV)) {
    TABLE minf, hinf, mtau, htau
    DEPEND celsius, temp, q10, tshift
    FROM vmin TO vmax WITH 199

    rates(v)
}

PROCEDURE rates(vm (mV)) {
    LOCAL a, b, tf
    UNITSOFF
    tf = tempfac()

    : activation m
    a = 0.055 * (-27 - vm) / (exp((-27 - vm) / 3.8) - 1)
    b = 0.94 * exp((-75 - vm) / 17)
    mtau = 1 / tf / (a+b)
    minf = a / (a + b)

    : inactivation h
    a = 0.000457 * exp((-13 - vm) / 50)
    b = 0.0065 / (exp((-vm - 15) / 28) + 1)
    htau = 1 / tf / (a + b)
    hinf = a / (a + b)
    UNITSON
}

: Temperature factor q10^((celsius - temp - tshift)/10).
FUNCTION tempfac() {
    UNITSOFF
    tempfac = q10^((celsius - temp - tshift)/10)
    UNITSON
}

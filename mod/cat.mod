TITLE cat: low-threshold (T-type) calcium current, Traub et al. 2003

COMMENT
T-type Ca2+ current of Traub et al. 2003 (J Neurophysiol 89:909-921),
first coded in NMODL by M. Lazarewicz, as used in HNN (Jones et al.
2009, J Neurophysiol 102:3554-3572; Neymotin et al. 2020, eLife
9:e51214).

The current is NONSPECIFIC with a fixed reversal of 125 mV, so it does
not enter the calcium pool (cad). m starts at 0, not at minf, as in HNN.

Units: gbar in S/cm2, potentials mV, current mA/cm2, times ms.
eca here is an unused parameter kept only for the hoc name.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX cat
    NONSPECIFIC_CURRENT i
    RANGE gbar, i
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0.0  (mho/cm2)
    eca         (mV)    : unused
}

ASSIGNED {
    v       (mV)
    i       (mA/cm2)
    minf
    hinf
    mtau    (ms)
    htau    (ms)
}

STATE { m h }

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = gbar * m * m * h * ( v - 125 )
}

INITIAL {
    settables(v)
    h = hinf
    m = 0
}

DERIVATIVE states {
    settables(v)
    m' = ( minf - m ) / mtau
    h' = ( hinf - h ) / htau
}

: Tabulated steady states and time constants at potential v
: (-120..40 mV, 0.25 mV steps).
PROCEDURE settables(v (mV)) {
    TABLE minf, mtau, hinf, htau FROM -120 TO 40 WITH 641

    UNITSOFF
    minf = 1 / (1 + exp(( -v - 56 ) / 6.2))
    mtau = 0.204 + 0.333 / (exp(( v + 15.8) / 18.2) + exp((-v - 131) / 16.7))
    hinf = 1 / (1 + exp((v + 80) / 4))

    : two branches for the inactivation time constant
    if (v < -81) {
        htau = 0.333 * exp((v + 466 ) / 66.6)
    } else {
        htau = 9.32 + 0.333 * exp((-v - 21) / 10.5)
    }
    UNITSON
}

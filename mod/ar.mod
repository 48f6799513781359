TITLE ar: anomalous rectifier (h-like) current, Traub et al. 2003

COMMENT
Hyperpolarization-activated mixed-cation current of Traub et al. 2003
(J Neurophysiol 89:909-921), first coded in NMODL by M. Lazarewicz, as
used in HNN (Jones et al. 2009, J Neurophysiol 102:3554-3572; Neymotin
et al. 2020, eLife 9:e51214).

m starts at 0.25, not at minf, as in HNN.

Units: gbar in S/cm2, potentials mV, current mA/cm2, times ms.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX ar
    NONSPECIFIC_CURRENT i
    RANGE gbar, i
}

UNITS {
    (mV) = (millivolt)
    (mA) = (milliamp)
}

PARAMETER {
    gbar = 0.0  (mho/cm2)
    erev = -35  (mV)      : reversal potential
}

ASSIGNED {
    v       (mV)
    i       (mA/cm2)
    minf
    mtau    (ms)
}

STATE { m }

BREAKPOINT {
    SOLVE states METHOD cnexp
    i = gbar * m * ( v - erev )
}

INITIAL {
    settables(v)
    m = 0.25
}

DERIVATIVE states {
    settables(v)
    m' = ( minf - m ) / mtau
}

: Tabulated minf, mtau at potential v (-120..40 mV, 0.25 mV steps).
PROCEDURE settables(v (mV)) {
    TABLE minf, mtau FROM -120 TO 40 WITH 641

    UNITSOFF
    minf = 1 / ( 1 + exp( ( v + 75 ) / 5.5 ) )
    mtau = 1 / ( exp( -14.6 - 0.086 * v ) + exp( -1.87 + 0.07 * v ) )
    UNITSON
}

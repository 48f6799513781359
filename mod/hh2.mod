TITLE hh2: Hodgkin-Huxley sodium, potassium and leak currents (HNN variant)

COMMENT
Squid-axon Hodgkin-Huxley kinetics (Hodgkin & Huxley 1952, J Physiol
117:500-544) written in absolute membrane potential (rest near -65 mV),
as used by HNN for every cell type (Jones et al. 2009, J Neurophysiol
102:3554-3572; Neymotin et al. 2020, eLife 9:e51214).

All rates are scaled by 3^((celsius - temp - tshift)/10).

Units: conductances S/cm2, potentials mV, currents mA/cm2, times ms.

Differences from the hnn-core file, none of which changes a number:
minf..ntau are RANGE (one copy per segment, needed by CoreNEURON
instead of per-thread GLOBAL copies), and the lookup table also
depends on temp and tshift so that editing them rebuilds it.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX hh2
    USEION na READ ena WRITE ina
    USEION k READ ek WRITE ik
    NONSPECIFIC_CURRENT il
    RANGE gnabar, gkbar, gl, el, gna, gk
    RANGE minf, hinf, ninf, mtau, htau, ntau
    GLOBAL temp, tshift
}

UNITS {
    (mA) = (milliamp)
    (mV) = (millivolt)
    (S)  = (siemens)
}

PARAMETER {
    gnabar = .12    (S/cm2) <0,1e9>
    gkbar  = .036   (S/cm2) <0,1e9>
    gl     = .0003  (S/cm2) <0,1e9>
    el     = -54.3  (mV)
    temp   = 6.3    (degC)  : reference temperature of the rates
    tshift = 30.7   (degC)  : extra shift HNN applies to the q10 exponent
}

ASSIGNED {
    v       (mV)
    celsius (degC)
    ena     (mV)
    ek      (mV)
    gna     (S/cm2)
    gk      (S/cm2)
    ina     (mA/cm2)
    ik      (mA/cm2)
    il      (mA/cm2)
    minf
    hinf
    ninf
    mtau    (ms)
    htau    (ms)
    ntau    (ms)
}

STATE { m h n }

BREAKPOINT {
    SOLVE states METHOD cnexp
    gna = gnabar*m*m*m*h
    ina = gna*(v - ena)
    gk = gkbar*n*n*n*n
    ik = gk*(v - ek)
    il = gl*(v - el)
}

INITIAL {
    rates(v)
    m = minf
    h = hinf
    n = ninf
}

DERIVATIVE states {
    rates(v)
    m' = (minf-m)/mtau
    h' = (hinf-h)/htau
    n' = (ninf-n)/ntau
}

: Steady states and time constants at potential v. Tabulated on a
: 1 mV grid; the interpolation is part of HNN's numbers, so keep it.
PROCEDURE rates(v (mV)) {
    LOCAL alpha, beta, sum, q10
    TABLE minf, mtau, hinf, htau, ninf, ntau DEPEND celsius, temp, tshift FROM -100 TO 100 WITH 200

    UNITSOFF
    q10 = 3^((celsius - temp - tshift)/10)

    : Na activation
    alpha = .1 * vtrap(-(v+40),10)
    beta = 4 * exp(-(v+65)/18)
    sum = alpha + beta
    mtau = 1/(q10*sum)
    minf = alpha/sum

    : Na inactivation
    alpha = .07 * exp(-(v+65)/20)
    beta = 1 / (exp(-(v+35)/10) + 1)
    sum = alpha + beta
    htau = 1/(q10*sum)
    hinf = alpha/sum

    : K activation
    alpha = .01*vtrap(-(v+55),10)
    beta = .125*exp(-(v+65)/80)
    sum = alpha + beta
    ntau = 1/(q10*sum)
    ninf = alpha/sum
    UNITSON
}

: x/(exp(x/y) - 1), replaced by its first-order expansion near x = 0
: where the quotient is 0/0.
FUNCTION vtrap(x, y) {
    if (fabs(x/y) < 1e-6) {
        vtrap = y*(1 - x/y/2)
    } else {
        vtrap = x/(exp(x/y) - 1)
    }
}

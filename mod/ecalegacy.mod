TITLE ecalegacy: calcium Nernst potential with NEURON 8 legacy constants

COMMENT
Optional helper, not part of hnn-core. hnn-core never sets eca: where cad
writes cai, NEURON itself recomputes eca from the Nernst equation
(eca = RT/(2F) ln(cao/cai)) before every current evaluation. Under
nrnunit_use_legacy(1), NEURON 8 does this with R = 8.3134 J/(mol K) and
F = 96485.309 C/mol; NEURON 9 only has the CODATA 2018 values, which
move eca by about 0.017 mV (1.3e-4 relative) and the voltage by up to
tenths of a mV after a few spikes.

Inserting ecalegacy wherever cad is inserted makes this mechanism the
writer of eca (NEURON then stops computing it) and gives the legacy
numbers bit for bit. It must update eca after cad has updated cai in
the same step, so it has to be registered after cad: nrnivmodl registers
mechanisms in file-name order, and "ecalegacy.mod" sorts after "cad.mod".
The recorded eca trace is then one step ahead of NEURON's own (the same
value, computed at the end of the step rather than at the start of the
next one); the currents and everything else are identical.

Constants: legacy R = 8.3134 J/(mol K) and F = 96485.309 C/mol from
NEURON 8.2 eion.cpp. They are written as literals in the expression: the
NMODL transpiler used for CoreNEURON (9.0.2) prints CONSTANT and PARAMETER
defaults with only 6 significant digits (96485.309 -> 96485.3), while
literals inside expressions are kept as written.
Units: eca mV, cai/cao mM, celsius degC.
ENDCOMMENT

NEURON {
    THREADSAFE
    SUFFIX ecalegacy
    USEION ca READ cai, cao WRITE eca
}

UNITS {
    (mV) = (millivolt)
    (mM) = (milli/liter)
}

ASSIGNED {
    celsius (degC)
    cai     (mM)
    cao     (mM)
    eca     (mV)
}

INITIAL {
    eca = enernst()
}

: No current is written, so this runs in the state update, after cad's.
BREAKPOINT {
    eca = enernst()
}

: Same expression and guards as NEURON's nrn_nernst, valence 2.
FUNCTION enernst() (mV) {
    UNITSOFF
    if (cai <= 0) {
        enernst = 1e6
    } else if (cao <= 0) {
        enernst = -1e6
    } else {
        : 1000 R (celsius + 273.15) / F / valence * ln(cao/cai)
        enernst = 1000 * 8.3134 * (celsius + 273.15) / 96485.309 / 2 * log(cao / cai)
    }
    UNITSON
}

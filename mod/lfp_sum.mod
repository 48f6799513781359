TITLE LfpSum: per-thread sums of the extracellular potential at 32 contacts

COMMENT
Target of the s_k POINTERs of the LfpCell point processes of every cell
of one thread (see lfp_cell.mod). The sums are zeroed before each current
evaluation and before initialization; LfpCell adds into them after each
solve, so after every time step s_k holds this thread's contribution to
the potential at contact k. Record s_k (a variable of a point process,
which NEURON's threads and CoreNEURON carry along) and sum the records
over threads and ranks.

Units: s_k uV.
ENDCOMMENT

NEURON {
    THREADSAFE
    POINT_PROCESS LfpSum
    RANGE s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15, s16, s17, s18, s19, s20, s21, s22, s23, s24, s25, s26, s27, s28, s29, s30, s31
}

UNITS {
    (uV) = (microvolt)
}

ASSIGNED {
    s0 (uV)
    s1 (uV)
    s2 (uV)
    s3 (uV)
    s4 (uV)
    s5 (uV)
    s6 (uV)
    s7 (uV)
    s8 (uV)
    s9 (uV)
    s10 (uV)
    s11 (uV)
    s12 (uV)
    s13 (uV)
    s14 (uV)
    s15 (uV)
    s16 (uV)
    s17 (uV)
    s18 (uV)
    s19 (uV)
    s20 (uV)
    s21 (uV)
    s22 (uV)
    s23 (uV)
    s24 (uV)
    s25 (uV)
    s26 (uV)
    s27 (uV)
    s28 (uV)
    s29 (uV)
    s30 (uV)
    s31 (uV)
}

BEFORE INITIAL {
    s0 = 0
    s1 = 0
    s2 = 0
    s3 = 0
    s4 = 0
    s5 = 0
    s6 = 0
    s7 = 0
    s8 = 0
    s9 = 0
    s10 = 0
    s11 = 0
    s12 = 0
    s13 = 0
    s14 = 0
    s15 = 0
    s16 = 0
    s17 = 0
    s18 = 0
    s19 = 0
    s20 = 0
    s21 = 0
    s22 = 0
    s23 = 0
    s24 = 0
    s25 = 0
    s26 = 0
    s27 = 0
    s28 = 0
    s29 = 0
    s30 = 0
    s31 = 0
}

BEFORE BREAKPOINT {
    s0 = 0
    s1 = 0
    s2 = 0
    s3 = 0
    s4 = 0
    s5 = 0
    s6 = 0
    s7 = 0
    s8 = 0
    s9 = 0
    s10 = 0
    s11 = 0
    s12 = 0
    s13 = 0
    s14 = 0
    s15 = 0
    s16 = 0
    s17 = 0
    s18 = 0
    s19 = 0
    s20 = 0
    s21 = 0
    s22 = 0
    s23 = 0
    s24 = 0
    s25 = 0
    s26 = 0
    s27 = 0
    s28 = 0
    s29 = 0
    s30 = 0
    s31 = 0
}

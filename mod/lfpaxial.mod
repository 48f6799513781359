TITLE lfpaxial: extracellular potential from axial currents (per segment)

COMMENT
Each segment takes the axial current arriving from the node before it,
ia = (pv - v)/ri, as the dipole mechanism does, and adds r_k * ia into the
potential sum s_k of contact k (k = 0..31), reached through POINTERs
(the s_k of an LfpSum point process of the same thread).

Why this gives the potential of the membrane currents: the membrane
current of a node is the axial current flowing into it minus the axial
current flowing out, so sum over nodes of R(node) * i_membrane(node)
equals sum over axial paths of ia * (R(node) - R(node before)), R being
the transfer resistance of the node to the contact. Setting r_k of a
segment to that difference gives hnn-core's point- or line-source
potential (transfer resistances times i_membrane_) without reading
i_membrane_, so the sums run inside NEURON on every thread and under
CoreNEURON. Section end nodes have no membrane, so their R may be
chosen freely; they take the R of the segment they attach to.

Unused contacts keep r_k = 0 and point at a spare sum.
Units: ri MOhm, pv and v mV, ia nA, r_k uV/nA, s_k uV.
ENDCOMMENT

NEURON {
    THREADSAFE  : must precede POINTER, else nocmodl drops thread safety
    SUFFIX lfpaxial
    RANGE ri, ia, r0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15, r16, r17, r18, r19, r20, r21, r22, r23, r24, r25, r26, r27, r28, r29, r30, r31
    POINTER pv      : v of the neighbouring node towards the section start
    POINTER s0
    POINTER s1
    POINTER s2
    POINTER s3
    POINTER s4
    POINTER s5
    POINTER s6
    POINTER s7
    POINTER s8
    POINTER s9
    POINTER s10
    POINTER s11
    POINTER s12
    POINTER s13
    POINTER s14
    POINTER s15
    POINTER s16
    POINTER s17
    POINTER s18
    POINTER s19
    POINTER s20
    POINTER s21
    POINTER s22
    POINTER s23
    POINTER s24
    POINTER s25
    POINTER s26
    POINTER s27
    POINTER s28
    POINTER s29
    POINTER s30
    POINTER s31
}

UNITS {
    (nA)   = (nanoamp)
    (mV)   = (millivolt)
    (uV)   = (microvolt)
    (Mohm) = (megaohm)
}

ASSIGNED {
    v  (mV)
    ia (nA)
    ri (Mohm)
    pv (mV)
    r0 (uV/nA)
    r1 (uV/nA)
    r2 (uV/nA)
    r3 (uV/nA)
    r4 (uV/nA)
    r5 (uV/nA)
    r6 (uV/nA)
    r7 (uV/nA)
    r8 (uV/nA)
    r9 (uV/nA)
    r10 (uV/nA)
    r11 (uV/nA)
    r12 (uV/nA)
    r13 (uV/nA)
    r14 (uV/nA)
    r15 (uV/nA)
    r16 (uV/nA)
    r17 (uV/nA)
    r18 (uV/nA)
    r19 (uV/nA)
    r20 (uV/nA)
    r21 (uV/nA)
    r22 (uV/nA)
    r23 (uV/nA)
    r24 (uV/nA)
    r25 (uV/nA)
    r26 (uV/nA)
    r27 (uV/nA)
    r28 (uV/nA)
    r29 (uV/nA)
    r30 (uV/nA)
    r31 (uV/nA)
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

AFTER SOLVE {
    ia = (pv - v) / ri
    s0 = s0 + r0 * ia
    s1 = s1 + r1 * ia
    s2 = s2 + r2 * ia
    s3 = s3 + r3 * ia
    s4 = s4 + r4 * ia
    s5 = s5 + r5 * ia
    s6 = s6 + r6 * ia
    s7 = s7 + r7 * ia
    s8 = s8 + r8 * ia
    s9 = s9 + r9 * ia
    s10 = s10 + r10 * ia
    s11 = s11 + r11 * ia
    s12 = s12 + r12 * ia
    s13 = s13 + r13 * ia
    s14 = s14 + r14 * ia
    s15 = s15 + r15 * ia
    s16 = s16 + r16 * ia
    s17 = s17 + r17 * ia
    s18 = s18 + r18 * ia
    s19 = s19 + r19 * ia
    s20 = s20 + r20 * ia
    s21 = s21 + r21 * ia
    s22 = s22 + r22 * ia
    s23 = s23 + r23 * ia
    s24 = s24 + r24 * ia
    s25 = s25 + r25 * ia
    s26 = s26 + r26 * ia
    s27 = s27 + r27 * ia
    s28 = s28 + r28 * ia
    s29 = s29 + r29 * ia
    s30 = s30 + r30 * ia
    s31 = s31 + r31 * ia
}

TITLE LfpCell: one cell's contribution to the extracellular potential at 32 contacts

COMMENT
The potential at a contact is the sum over segments of the segment's
membrane current times its transfer resistance R to the contact (hnn-core's
point- or line-source method). The membrane current of a node is the axial
current flowing into it minus the axial current flowing out, so the same
sum is, over the axial paths p of the cell (one into each segment, from the
node before it), ia_p * r_p with r_p = R(segment) - R(node before). Section
end nodes have no membrane: their R is free and they take that of the
segment they join, so paths into end nodes have r = 0 and are left out.

After each solve this point process reads the voltages of the cell's nodes
(POINTERs v_i, gathered into vn), computes every path's axial current
ia_p = (vn[src_p] - vn[dst_p]) / ri_p and adds sum_p r[k*64 + p] * ia_p into
the potential sum s_k of contact k (POINTERs to an LfpSum point process of
the same thread) for the first ncontact contacts. Everything happens in
NEURON, so it runs on every thread and under CoreNEURON; only the
per-thread sums are recorded.

Limits: 72 nodes, 64 paths, 32 contacts; unused node POINTERs point at
any voltage of the cell, unused contact POINTERs at the LfpSum's own spare
sums, which nothing is added to.
Units: v mV, ri MOhm, ia nA, r uV/nA, s uV.
ENDCOMMENT

NEURON {
    THREADSAFE  : must precede POINTER, else nocmodl drops thread safety
    POINT_PROCESS LfpCell
    RANGE npath, ncontact, src, dst, ri, r
    POINTER v0
    POINTER v1
    POINTER v2
    POINTER v3
    POINTER v4
    POINTER v5
    POINTER v6
    POINTER v7
    POINTER v8
    POINTER v9
    POINTER v10
    POINTER v11
    POINTER v12
    POINTER v13
    POINTER v14
    POINTER v15
    POINTER v16
    POINTER v17
    POINTER v18
    POINTER v19
    POINTER v20
    POINTER v21
    POINTER v22
    POINTER v23
    POINTER v24
    POINTER v25
    POINTER v26
    POINTER v27
    POINTER v28
    POINTER v29
    POINTER v30
    POINTER v31
    POINTER v32
    POINTER v33
    POINTER v34
    POINTER v35
    POINTER v36
    POINTER v37
    POINTER v38
    POINTER v39
    POINTER v40
    POINTER v41
    POINTER v42
    POINTER v43
    POINTER v44
    POINTER v45
    POINTER v46
    POINTER v47
    POINTER v48
    POINTER v49
    POINTER v50
    POINTER v51
    POINTER v52
    POINTER v53
    POINTER v54
    POINTER v55
    POINTER v56
    POINTER v57
    POINTER v58
    POINTER v59
    POINTER v60
    POINTER v61
    POINTER v62
    POINTER v63
    POINTER v64
    POINTER v65
    POINTER v66
    POINTER v67
    POINTER v68
    POINTER v69
    POINTER v70
    POINTER v71
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
    (mV)   = (millivolt)
    (uV)   = (microvolt)
    (Mohm) = (megaohm)
    (nA)   = (nanoamp)
}

ASSIGNED {
    npath
    ncontact
    src[64]
    dst[64]
    ri[64] (Mohm)
    r[2048] (uV/nA)
    vn[72] (mV)
    ia[64] (nA)
    phi[32] (uV)
    v0 (mV)
    v1 (mV)
    v2 (mV)
    v3 (mV)
    v4 (mV)
    v5 (mV)
    v6 (mV)
    v7 (mV)
    v8 (mV)
    v9 (mV)
    v10 (mV)
    v11 (mV)
    v12 (mV)
    v13 (mV)
    v14 (mV)
    v15 (mV)
    v16 (mV)
    v17 (mV)
    v18 (mV)
    v19 (mV)
    v20 (mV)
    v21 (mV)
    v22 (mV)
    v23 (mV)
    v24 (mV)
    v25 (mV)
    v26 (mV)
    v27 (mV)
    v28 (mV)
    v29 (mV)
    v30 (mV)
    v31 (mV)
    v32 (mV)
    v33 (mV)
    v34 (mV)
    v35 (mV)
    v36 (mV)
    v37 (mV)
    v38 (mV)
    v39 (mV)
    v40 (mV)
    v41 (mV)
    v42 (mV)
    v43 (mV)
    v44 (mV)
    v45 (mV)
    v46 (mV)
    v47 (mV)
    v48 (mV)
    v49 (mV)
    v50 (mV)
    v51 (mV)
    v52 (mV)
    v53 (mV)
    v54 (mV)
    v55 (mV)
    v56 (mV)
    v57 (mV)
    v58 (mV)
    v59 (mV)
    v60 (mV)
    v61 (mV)
    v62 (mV)
    v63 (mV)
    v64 (mV)
    v65 (mV)
    v66 (mV)
    v67 (mV)
    v68 (mV)
    v69 (mV)
    v70 (mV)
    v71 (mV)
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
    add_potentials()
}

INITIAL {
    LOCAL k
    FROM k = 0 TO 31 {
        phi[k] = 0
    }
}

PROCEDURE add_potentials() {
    LOCAL k, p, a, b, total
    vn[0] = v0
    vn[1] = v1
    vn[2] = v2
    vn[3] = v3
    vn[4] = v4
    vn[5] = v5
    vn[6] = v6
    vn[7] = v7
    vn[8] = v8
    vn[9] = v9
    vn[10] = v10
    vn[11] = v11
    vn[12] = v12
    vn[13] = v13
    vn[14] = v14
    vn[15] = v15
    vn[16] = v16
    vn[17] = v17
    vn[18] = v18
    vn[19] = v19
    vn[20] = v20
    vn[21] = v21
    vn[22] = v22
    vn[23] = v23
    vn[24] = v24
    vn[25] = v25
    vn[26] = v26
    vn[27] = v27
    vn[28] = v28
    vn[29] = v29
    vn[30] = v30
    vn[31] = v31
    vn[32] = v32
    vn[33] = v33
    vn[34] = v34
    vn[35] = v35
    vn[36] = v36
    vn[37] = v37
    vn[38] = v38
    vn[39] = v39
    vn[40] = v40
    vn[41] = v41
    vn[42] = v42
    vn[43] = v43
    vn[44] = v44
    vn[45] = v45
    vn[46] = v46
    vn[47] = v47
    vn[48] = v48
    vn[49] = v49
    vn[50] = v50
    vn[51] = v51
    vn[52] = v52
    vn[53] = v53
    vn[54] = v54
    vn[55] = v55
    vn[56] = v56
    vn[57] = v57
    vn[58] = v58
    vn[59] = v59
    vn[60] = v60
    vn[61] = v61
    vn[62] = v62
    vn[63] = v63
    vn[64] = v64
    vn[65] = v65
    vn[66] = v66
    vn[67] = v67
    vn[68] = v68
    vn[69] = v69
    vn[70] = v70
    vn[71] = v71
    FROM p = 0 TO npath - 1 {
        a = src[p]
        b = dst[p]
        ia[p] = (vn[a] - vn[b]) / ri[p]
    }
    FROM k = 0 TO ncontact - 1 {
        total = 0
        FROM p = 0 TO npath - 1 {
            total = total + r[k * 64 + p] * ia[p]
        }
        phi[k] = total
    }
    if (ncontact > 0) { s0 = s0 + phi[0] }
    if (ncontact > 1) { s1 = s1 + phi[1] }
    if (ncontact > 2) { s2 = s2 + phi[2] }
    if (ncontact > 3) { s3 = s3 + phi[3] }
    if (ncontact > 4) { s4 = s4 + phi[4] }
    if (ncontact > 5) { s5 = s5 + phi[5] }
    if (ncontact > 6) { s6 = s6 + phi[6] }
    if (ncontact > 7) { s7 = s7 + phi[7] }
    if (ncontact > 8) { s8 = s8 + phi[8] }
    if (ncontact > 9) { s9 = s9 + phi[9] }
    if (ncontact > 10) { s10 = s10 + phi[10] }
    if (ncontact > 11) { s11 = s11 + phi[11] }
    if (ncontact > 12) { s12 = s12 + phi[12] }
    if (ncontact > 13) { s13 = s13 + phi[13] }
    if (ncontact > 14) { s14 = s14 + phi[14] }
    if (ncontact > 15) { s15 = s15 + phi[15] }
    if (ncontact > 16) { s16 = s16 + phi[16] }
    if (ncontact > 17) { s17 = s17 + phi[17] }
    if (ncontact > 18) { s18 = s18 + phi[18] }
    if (ncontact > 19) { s19 = s19 + phi[19] }
    if (ncontact > 20) { s20 = s20 + phi[20] }
    if (ncontact > 21) { s21 = s21 + phi[21] }
    if (ncontact > 22) { s22 = s22 + phi[22] }
    if (ncontact > 23) { s23 = s23 + phi[23] }
    if (ncontact > 24) { s24 = s24 + phi[24] }
    if (ncontact > 25) { s25 = s25 + phi[25] }
    if (ncontact > 26) { s26 = s26 + phi[26] }
    if (ncontact > 27) { s27 = s27 + phi[27] }
    if (ncontact > 28) { s28 = s28 + phi[28] }
    if (ncontact > 29) { s29 = s29 + phi[29] }
    if (ncontact > 30) { s30 = s30 + phi[30] }
    if (ncontact > 31) { s31 = s31 + phi[31] }
}

TITLE VecStim: artificial cell that fires at the times stored in a Vector

COMMENT
Event source for HNN's external drives (Jones et al. 2009, J Neurophysiol
102:3554-3572; Neymotin et al. 2020, eLife 9:e51214). Same interface and
behaviour as the VecStim example that ships with NEURON
(share/examples/nrniv/netcon/vecevent.mod, M. Hines):

    vs = h.VecStim()
    vs.play(tvec)     # tvec: hoc Vector of times (ms), sorted ascending
    vs.play()         # detach

The Vector itself is referenced (not copied), so it must stay sorted and
should not be changed during a run; its elements are read one at a time
as events are delivered. Times are in ms.

CoreNEURON: the Vector contents are handed over through bbcore_write and
rebuilt by bbcore_read into a plain vector there.
ENDCOMMENT

NEURON {
    THREADSAFE
    ARTIFICIAL_CELL VecStim
    BBCOREPOINTER ptr   : the played hoc Vector (IvocVect*)
}

ASSIGNED {
    index           : next element to read; -1 once exhausted
    etime (ms)      : time of the pending event
    ptr
}

INITIAL {
    index = 0
    element()
    if (index > 0) {
        net_send(etime - t, 1)
    }
}

NET_RECEIVE (w) {
    : flag 1 is our own self-event; anything else (input) is ignored
    if (flag == 1) {
        net_event(t)
        element()
        if (index > 0) {
            net_send(etime - t, 1)
        }
    }
}

DESTRUCTOR {
VERBATIM
#if !NRNBBCORE
    /* give back the reference taken in play() */
    if (_p_ptr) {
        hoc_obj_unref(*vector_pobj((IvocVect*) _p_ptr));
    }
#endif
ENDVERBATIM
}

: Load the next event time into etime and advance index; index = -1
: when no Vector is attached or all elements have been used.
PROCEDURE element() {
VERBATIM
    {
        int k = (int) index;
        IvocVect* tv = (IvocVect*) _p_ptr;
        if (k >= 0) {
            if (tv && k < vector_capacity(tv)) {
                etime = vector_vec(tv)[k];
                index += 1.;
            } else {
                index = -1.;
            }
        }
    }
ENDVERBATIM
}

: play(Vector) attaches a Vector (keeping a hoc reference to it);
: play() with no argument detaches.
PROCEDURE play() {
VERBATIM
#if !NRNBBCORE
    {
        IvocVect* newvec = (IvocVect*) 0;
        IvocVect* oldvec = (IvocVect*) _p_ptr;
        if (ifarg(1)) {
            newvec = vector_arg(1);
            hoc_obj_ref(*vector_pobj(newvec));
        }
        if (oldvec) {
            hoc_obj_unref(*vector_pobj(oldvec));
        }
        _p_ptr = (void*) newvec;
    }
#endif
ENDVERBATIM
}

VERBATIM
/* CoreNEURON transfer: one int (number of times) and that many doubles. */
static void bbcore_write(double* xarray, int* iarray, int* xoffset, int* ioffset, _threadargsproto_) {
    int n = 0;
    IvocVect* tv = (IvocVect*) _p_ptr;
    if (tv) {
        n = vector_capacity(tv);
    }
    /* a first call with null arrays only asks for the sizes */
    if (iarray) {
        int j;
        double* src = n ? vector_vec(tv) : (double*) 0;
        double* dst = xarray + *xoffset;
        iarray[*ioffset] = n;
        for (j = 0; j < n; ++j) {
            dst[j] = src[j];
        }
    }
    *ioffset += 1;
    *xoffset += n;
}

static void bbcore_read(double* xarray, int* iarray, int* xoffset, int* ioffset, _threadargsproto_) {
    int j;
    int n = iarray[*ioffset];
    double* src = xarray + *xoffset;
    double* dst;
    if (!_p_ptr) {
        _p_ptr = vector_new1(n);
    }
    assert(n == vector_capacity((IvocVect*) _p_ptr));
    dst = vector_vec((IvocVect*) _p_ptr);
    for (j = 0; j < n; ++j) {
        dst[j] = src[j];
    }
    *xoffset += n;
    *ioffset += 1;
}
ENDVERBATIM

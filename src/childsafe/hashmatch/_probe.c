/* Multi-index PDQ lookups: a batch of queries' probes, their buckets' hashes, and the distances, in one call.
 *
 * `pdqindex.py` describes the tables. For each query and each probe (a slot, and a value within the layout's radius
 * of the query's value in that slot), the bucket's hashes are found through the coarse and fine offsets (and, past
 * slot 0, the slot's order table), and each one's full 256-bit distance is counted. Pairs within the threshold go
 * to the outputs; a hash near the query in several slots comes once per slot (the caller keeps one).
 *
 * This is `_Segment.search` without the interpreter: the same reads in the same order, with the GIL released, so
 * the server's threads can look up at once. Every offset read from the tables is checked against the tables'
 * sizes first: a damaged file gives an error, never a read out of bounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>

#define BLOCK_BITS 6
#define BLOCK (1 << BLOCK_BITS)

typedef struct {
    const uint64_t *words;            /* the hashes, four words each */
    size_t n;                         /* how many */
    const uint32_t *coarse;
    size_t coarse_len;
    const uint8_t *fine;              /* fine_width bytes an entry */
    size_t fine_len;
    int fine_width;
    const uint32_t *order;            /* (slots - 1) * n positions */
    size_t order_tables;
    const int64_t *buckets;           /* per query, per probe: the bucket probed */
    const int64_t *fine_base, *coarse_base, *table; /* per probe; table -1 for slot 0 */
    size_t probes;
    const uint64_t *queries;          /* four words each */
    size_t nq;
    int threshold;
    uint32_t *out_query, *out_pos;
    uint8_t *out_dist;
    size_t cap;
} Probe;

static inline uint64_t fine_at(const Probe *p, size_t i) {
    switch (p->fine_width) {
    case 1: return p->fine[i];
    case 2: return ((const uint16_t *)p->fine)[i];
    default: return ((const uint32_t *)p->fine)[i];
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define WITH_POPCNT __attribute__((target_clones("popcnt", "default"))) /* the instruction where there is one */
#else
#define WITH_POPCNT
#endif

/* how many pairs were found (beyond the outputs' room too), or -1 if an offset points outside the tables */
WITH_POPCNT static Py_ssize_t run(const Probe *p) {
    size_t found = 0;
    for (size_t k = 0; k < p->nq; k++) {
        const uint64_t *q = p->queries + 4 * k;
        const int64_t *bucket = p->buckets + k * p->probes;
        for (size_t j = 0; j < p->probes; j++) {
            int64_t b = bucket[j];
            if (b < 0) return -1;
            size_t block = (size_t)b >> BLOCK_BITS;
            size_t at_fine = (size_t)p->fine_base[j] + block * (BLOCK + 1) + ((size_t)b & (BLOCK - 1));
            size_t at_coarse = (size_t)p->coarse_base[j] + block;
            if (at_fine + 1 >= p->fine_len || at_coarse >= p->coarse_len) return -1;
            uint64_t lo = fine_at(p, at_fine), hi = fine_at(p, at_fine + 1);
            if (hi < lo) return -1;
            size_t start = (size_t)p->coarse[at_coarse] + (size_t)lo, end = start + (size_t)(hi - lo);
            if (end > p->n) return -1;
            int64_t table = p->table[j];
            if (table >= (int64_t)p->order_tables) return -1;
            const uint32_t *order = table < 0 ? NULL : p->order + (size_t)table * p->n;
            for (size_t e = start; e < end; e++) {
                size_t pos = order ? order[e] : e;
                if (pos >= p->n) return -1;
                const uint64_t *w = p->words + 4 * pos;
                int d = __builtin_popcountll(w[0] ^ q[0]) + __builtin_popcountll(w[1] ^ q[1]) +
                        __builtin_popcountll(w[2] ^ q[2]) + __builtin_popcountll(w[3] ^ q[3]);
                if (d <= p->threshold) {
                    if (found < p->cap) {
                        p->out_query[found] = (uint32_t)k;
                        p->out_pos[found] = (uint32_t)pos;
                        p->out_dist[found] = (uint8_t)d;
                    }
                    found++;
                }
            }
        }
    }
    return (Py_ssize_t)found;
}

static int view(PyObject *obj, Py_buffer *v, int writable, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, v, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (v->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes is not a whole number of %zd-byte items", what, v->len,
                     itemsize);
        PyBuffer_Release(v);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(probe_doc,
             "probe(words, coarse, fine, fine_width, order, buckets, fine_base, coarse_base, table, queries,\n"
             "      threshold, out_query, out_pos, out_dist) -> int\n\n"
             "words: uint64[n, 4]; coarse: uint32; fine: unsigned, fine_width bytes each;\n"
             "order: uint32[slots - 1, n]; buckets: int64[k, probes]; fine_base, coarse_base, table: int64[probes]\n"
             "(table -1: slot 0, no order); queries: uint64[k, 4]. Every (query, position) pair within `threshold`\n"
             "from the probed buckets goes to the outputs (uint32, uint32, uint8); returns how many there are,\n"
             "which may be more than the outputs hold.\n"
             "ValueError if the tables point outside themselves (a damaged index).");

enum { WORDS, COARSE, FINE, ORDER, BUCKETS, FINE_BASE, COARSE_BASE, TABLE, QUERIES, OUT_QUERY, OUT_POS, OUT_DIST,
       VIEWS };

static PyObject *probe(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *obj[VIEWS];
    int fine_width, threshold;
    if (!PyArg_ParseTuple(args, "OOOiOOOOOOiOOO:probe", &obj[WORDS], &obj[COARSE], &obj[FINE], &fine_width,
                          &obj[ORDER], &obj[BUCKETS], &obj[FINE_BASE], &obj[COARSE_BASE], &obj[TABLE],
                          &obj[QUERIES], &threshold, &obj[OUT_QUERY], &obj[OUT_POS], &obj[OUT_DIST]))
        return NULL;
    if (fine_width != 1 && fine_width != 2 && fine_width != 4) {
        PyErr_Format(PyExc_ValueError, "fine_width %d is not 1, 2 or 4", fine_width);
        return NULL;
    }
    static const char *const names[VIEWS] = {"words", "coarse", "fine", "order", "buckets", "fine_base",
                                             "coarse_base", "table", "queries", "out_query", "out_pos", "out_dist"};
    const Py_ssize_t sizes[VIEWS] = {32, 4, fine_width, 4, 8, 8, 8, 8, 32, 4, 4, 1};
    Py_buffer v[VIEWS];
    PyObject *result = NULL; /* stays NULL on every error */
    int held = 0;
    for (; held < VIEWS; held++)
        if (view(obj[held], &v[held], held >= OUT_QUERY, sizes[held], names[held]) < 0) goto done;
    size_t n = (size_t)(v[WORDS].len / 32), probes = (size_t)(v[FINE_BASE].len / 8);
    size_t nq = (size_t)(v[QUERIES].len / 32);
    if (v[COARSE_BASE].len != v[FINE_BASE].len || v[TABLE].len != v[FINE_BASE].len ||
        (size_t)(v[BUCKETS].len / 8) != nq * probes) {
        PyErr_SetString(PyExc_ValueError, "buckets must be queries x probes, and each probe needs all three bases");
        goto done;
    }
    if (n > UINT32_MAX || nq > UINT32_MAX || (n && (size_t)(v[ORDER].len / 4) % n)) {
        PyErr_SetString(PyExc_ValueError, "the order tables must be whole tables of n positions each");
        goto done;
    }
    if (threshold < 0 || threshold > 256) {
        PyErr_Format(PyExc_ValueError, "threshold %d is not between 0 and 256", threshold);
        goto done;
    }
    size_t cap = (size_t)v[OUT_DIST].len;
    if ((size_t)(v[OUT_QUERY].len / 4) < cap) cap = (size_t)(v[OUT_QUERY].len / 4);
    if ((size_t)(v[OUT_POS].len / 4) < cap) cap = (size_t)(v[OUT_POS].len / 4);
    Probe p = {v[WORDS].buf, n, v[COARSE].buf, (size_t)(v[COARSE].len / 4), v[FINE].buf,
               (size_t)(v[FINE].len / fine_width), fine_width, v[ORDER].buf, n ? (size_t)(v[ORDER].len / 4) / n : 0,
               v[BUCKETS].buf, v[FINE_BASE].buf, v[COARSE_BASE].buf, v[TABLE].buf, probes, v[QUERIES].buf, nq,
               threshold, v[OUT_QUERY].buf, v[OUT_POS].buf, v[OUT_DIST].buf, cap};
    Py_ssize_t found;
    Py_BEGIN_ALLOW_THREADS
    found = run(&p);
    Py_END_ALLOW_THREADS
    if (found < 0)
        PyErr_SetString(PyExc_ValueError, "the index's tables point outside themselves: it is damaged");
    else
        result = PyLong_FromSsize_t(found);
done:
    while (held-- > 0) PyBuffer_Release(&v[held]);
    return result;
}

static PyMethodDef methods[] = {{"probe", probe, METH_VARARGS, probe_doc}, {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_probe", "Multi-index PDQ lookups (see _probe.c).", -1,
                                    methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__probe(void) { return PyModule_Create(&module); }

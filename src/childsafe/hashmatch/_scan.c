/* Exhaustive PDQ search: every stored hash against a batch of queries, within a Hamming distance.
 *
 * The compact index keeps nothing but the hashes (as four columns of 64-bit words) and their ids, so a lookup has
 * to read every hash. Two things make that fast enough:
 *
 *   1. A cheap exact filter. For words x0, x1 of a stored hash and q0, q1 of a query,
 *          popcount((x0 ^ q0) | (x1 ^ q1)) <= popcount(x0 ^ q0) + popcount(x1 ^ q1) <= distance,
 *      so a hash whose filter count is above the threshold cannot be within it. The filter costs one popcount of
 *      64 bits for a pair; for random hashes it is about 48 and passes a threshold of 31 about once in two million
 *      pairs, and only those get the full 256-bit distance.
 *   2. Blocking. A block of stored hashes (2,048 hashes, 32 KB of the first two columns) stays in the level-1 cache
 *      while every query of the batch passes over it, eight queries (AVX-512) or four (AVX2) at a time, so memory is
 *      read once per batch.
 *
 * The AVX-512 kernel (VPOPCNTDQ: Intel Ice Lake and later, AMD Zen 4 and later) does eight hashes per instruction;
 * the AVX2 kernel four, counting bits with a table lookup; other x86-64 processors get the plain loop with the POPCNT
 * instruction, and anything else plain C. Which one runs is chosen once, at import, from what the processor
 * reports.
 *
 * The GIL is released while scanning, so threads can scan disjoint ranges at once.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CS_X86 1
#endif

#define BLOCK 2048

typedef struct {
    const uint64_t *w0, *w1, *w2, *w3; /* the four columns */
    size_t lo, hi;                     /* the stored positions to scan */
    const uint64_t *q;                 /* queries, four words each */
    size_t nq;
    int threshold;
    uint32_t *out_query, *out_pos;
    uint8_t *out_dist;
    size_t cap;                        /* room in the outputs; the count found is returned even beyond it */
} Scan;

static inline int distance(const Scan *s, size_t p, size_t j) {
    const uint64_t *q = s->q + 4 * j;
    return __builtin_popcountll(s->w0[p] ^ q[0]) + __builtin_popcountll(s->w1[p] ^ q[1]) +
           __builtin_popcountll(s->w2[p] ^ q[2]) + __builtin_popcountll(s->w3[p] ^ q[3]);
}

static inline void record(const Scan *s, size_t *found, size_t p, size_t j) {
    int d = distance(s, p, j);
    if (d <= s->threshold) {
        if (*found < s->cap) {
            s->out_query[*found] = (uint32_t)j;
            s->out_pos[*found] = (uint32_t)p;
            s->out_dist[*found] = (uint8_t)d;
        }
        (*found)++;
    }
}

/* The filter and full distance, one pair at a time: the portable kernel, and the tails of the vector one. */
#define SCALAR_BODY                                                                                                \
    size_t found = 0;                                                                                              \
    for (size_t b = s->lo; b < s->hi; b += BLOCK) {                                                               \
        size_t e = b + BLOCK < s->hi ? b + BLOCK : s->hi;                                                         \
        for (size_t j = 0; j < s->nq; j++) {                                                                       \
            uint64_t q0 = s->q[4 * j], q1 = s->q[4 * j + 1];                                                       \
            for (size_t i = b; i < e; i++)                                                                          \
                if (__builtin_popcountll((s->w0[i] ^ q0) | (s->w1[i] ^ q1)) <= s->threshold) record(s, &found, i, j); \
        }                                                                                                          \
    }                                                                                                              \
    return found;

static size_t scan_portable(const Scan *s) { SCALAR_BODY }

#ifdef CS_X86
__attribute__((target("popcnt"))) static size_t scan_popcnt(const Scan *s) { SCALAR_BODY }

#define AVX512 __attribute__((target("avx512f,avx512vpopcntdq")))
#define AVX512BW __attribute__((target("avx512f,avx512bw")))
#define AVX512F __attribute__((target("avx512f")))

/* While the first queries pass over a block, the next block's lines are fetched into the level-2 cache (not the
 * level-1, which holds the block being read): with few queries a block takes less time to check than to load,
 * and the processor's own prefetcher does not look a whole block ahead. Eight hashes are one line of a column. */
static inline void prefetch_next_block(const Scan *s, size_t i) {
    if (i + BLOCK < s->hi) {
        _mm_prefetch((const char *)(s->w0 + i + BLOCK), _MM_HINT_T1);
        _mm_prefetch((const char *)(s->w1 + i + BLOCK), _MM_HINT_T1);
    }
}

/* The filter's count for eight hashes against one query: popcount((x ^ a) | (y ^ b)) in each 64-bit lane. */
AVX512 static inline __m512i filter_avx512(__m512i x, __m512i y, __m512i a, __m512i b) {
    return _mm512_popcnt_epi64(_mm512_ternarylogic_epi64(x, a, _mm512_xor_si512(y, b), 0xBE)); /* (x ^ a) | c */
}

/* The same without VPOPCNTDQ (Skylake-SP and Cascade Lake servers have AVX-512 but not that): each byte's two
 * nibbles are counted with a 16-entry table (VPSHUFB), then the bytes of each lane are added (VPSADBW). */
AVX512BW static inline __m512i filter_avx512bw(__m512i x, __m512i y, __m512i a, __m512i b) {
    const __m512i table = _mm512_set4_epi32(0x04030302, 0x03020201, 0x03020201, 0x02010100); /* bits in 0..15 */
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    __m512i v = _mm512_ternarylogic_epi64(x, a, _mm512_xor_si512(y, b), 0xBE);
    __m512i low = _mm512_shuffle_epi8(table, _mm512_and_si512(v, nibble));
    __m512i high = _mm512_shuffle_epi8(table, _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble));
    return _mm512_sad_epu8(_mm512_add_epi8(low, high), _mm512_setzero_si512());
}

/* the lanes of `counts` (eight hashes from i, against query j) within the threshold t */
AVX512F static inline void record_passing(const Scan *s, size_t *found, __m512i counts, __m512i t, size_t i,
                                          size_t j) {
    for (unsigned m = _mm512_cmple_epu64_mask(counts, t); m; m &= m - 1) record(s, found, i + __builtin_ctz(m), j);
}

/* The AVX-512 kernels' body, with FILTER counting. Eight queries at a time. The counting instructions (VPOPCNTQ, or
 * VPSHUFB and VPSADBW) all run on one port, which is the limit, so the eight counts are not compared one by one: a
 * count within a threshold below 2^k has no bit from k up, so neither has the AND of the eight, and AND-ing them with
 * the mask of those bits takes four three-input logic instructions (VPTERNLOGQ) and one test. For random hashes a
 * count is about 48 (bit 5 set), the test almost never passes, and only then are the counts compared. */
#define SCAN_EIGHT_AT_A_TIME(FILTER)                                                                                \
    size_t found = 0;                                                                                              \
    const __m512i t = _mm512_set1_epi64(s->threshold);                                                             \
    int bits = 0; /* the threshold is at most 256 */                                                               \
    while ((1 << bits) <= s->threshold) bits++;                                                                    \
    const __m512i high = _mm512_set1_epi64((long long)(~0ULL << bits));                                            \
    for (size_t b = s->lo; b < s->hi; b += BLOCK) {                                                                \
        size_t e = b + BLOCK < s->hi ? b + BLOCK : s->hi;                                                          \
        size_t e8 = b + ((e - b) & ~(size_t)7);                                                                    \
        size_t j = 0;                                                                                              \
        for (; j + 8 <= s->nq; j += 8) {                                                                           \
            const uint64_t *q = s->q + 4 * j;                                                                      \
            __m512i a[8], bq[8];                                                                                   \
            _Pragma("GCC unroll 8") for (int r = 0; r < 8; r++) {                                                  \
                a[r] = _mm512_set1_epi64((long long)q[4 * r]);                                                     \
                bq[r] = _mm512_set1_epi64((long long)q[4 * r + 1]);                                                \
            }                                                                                                      \
            for (size_t i = b; i < e8; i += 8) {                                                                   \
                if (j == 0) prefetch_next_block(s, i);                                                             \
                __m512i x = _mm512_loadu_si512(s->w0 + i), y = _mm512_loadu_si512(s->w1 + i), c[8];                \
                _Pragma("GCC unroll 8") for (int r = 0; r < 8; r++) c[r] = FILTER(x, y, a[r], bq[r]);              \
                __m512i all = _mm512_ternarylogic_epi64(_mm512_ternarylogic_epi64(c[0], c[1], c[2], 0x80), /* and */ \
                                                        _mm512_ternarylogic_epi64(c[3], c[4], c[5], 0x80),         \
                                                        _mm512_ternarylogic_epi64(c[6], c[7], high, 0x80), 0x80);  \
                if (__builtin_expect(_mm512_testn_epi64_mask(all, all) != 0, 0))                                   \
                    for (int r = 0; r < 8; r++) record_passing(s, &found, c[r], t, i, j + r);                      \
            }                                                                                                      \
            for (size_t i = e8; i < e; i++)                                                                        \
                for (int r = 0; r < 8; r++) record(s, &found, i, j + r);                                           \
        }                                                                                                          \
        for (; j < s->nq; j++) { /* the last one to seven queries, one at a time */                                \
            const uint64_t *q = s->q + 4 * j;                                                                      \
            __m512i a = _mm512_set1_epi64((long long)q[0]), bq = _mm512_set1_epi64((long long)q[1]);               \
            for (size_t i = b; i < e8; i += 8) {                                                                   \
                if (j < 8) prefetch_next_block(s, i); /* no group of eight went before */                          \
                __m512i c = FILTER(_mm512_loadu_si512(s->w0 + i), _mm512_loadu_si512(s->w1 + i), a, bq);           \
                record_passing(s, &found, c, t, i, j);                                                             \
            }                                                                                                      \
            for (size_t i = e8; i < e; i++) record(s, &found, i, j);                                               \
        }                                                                                                          \
    }                                                                                                              \
    return found;

AVX512 static size_t scan_avx512(const Scan *s) { SCAN_EIGHT_AT_A_TIME(filter_avx512) }
AVX512BW static size_t scan_avx512bw(const Scan *s) { SCAN_EIGHT_AT_A_TIME(filter_avx512bw) }

/* AVX2 has no popcount instruction: count each byte's two nibbles with a 16-entry table (VPSHUFB), then add the
 * bytes of each 64-bit lane (VPSADBW). Counts are at most 64, so the unsigned 32-bit minimum works on the lanes. */
__attribute__((target("avx2"))) static inline __m256i popcount_lanes(__m256i v) {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4,
                                           0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(v, nibble));
    __m256i high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    return _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256());
}

__attribute__((target("avx2"))) static inline __m256i filter_avx2(__m256i x, __m256i y, __m256i a, __m256i b) {
    return popcount_lanes(_mm256_or_si256(_mm256_xor_si256(x, a), _mm256_xor_si256(y, b)));
}

/* lanes (of four) whose count is at most the threshold */
__attribute__((target("avx2"))) static inline unsigned within_avx2(__m256i counts, __m256i t) {
    return ~(unsigned)_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(counts, t))) & 0xFu;
}

__attribute__((target("avx2,popcnt"))) static size_t scan_avx2(const Scan *s) {
    size_t found = 0;
    const __m256i t = _mm256_set1_epi64x(s->threshold);
    for (size_t b = s->lo; b < s->hi; b += BLOCK) {
        size_t e = b + BLOCK < s->hi ? b + BLOCK : s->hi;
        size_t e4 = b + ((e - b) & ~(size_t)3);
        size_t j = 0;
        for (; j + 4 <= s->nq; j += 4) {
            const uint64_t *q = s->q + 4 * j;
            __m256i a0 = _mm256_set1_epi64x((long long)q[0]), b0 = _mm256_set1_epi64x((long long)q[1]);
            __m256i a1 = _mm256_set1_epi64x((long long)q[4]), b1 = _mm256_set1_epi64x((long long)q[5]);
            __m256i a2 = _mm256_set1_epi64x((long long)q[8]), b2 = _mm256_set1_epi64x((long long)q[9]);
            __m256i a3 = _mm256_set1_epi64x((long long)q[12]), b3 = _mm256_set1_epi64x((long long)q[13]);
            for (size_t i = b; i < e4; i += 4) {
                __m256i x = _mm256_loadu_si256((const __m256i *)(s->w0 + i));
                __m256i y = _mm256_loadu_si256((const __m256i *)(s->w1 + i));
                __m256i c0 = filter_avx2(x, y, a0, b0), c1 = filter_avx2(x, y, a1, b1);
                __m256i c2 = filter_avx2(x, y, a2, b2), c3 = filter_avx2(x, y, a3, b3);
                __m256i low = _mm256_min_epu32(_mm256_min_epu32(c0, c1), _mm256_min_epu32(c2, c3));
                if (__builtin_expect(within_avx2(low, t) != 0, 0)) {
                    unsigned pass[4] = {within_avx2(c0, t), within_avx2(c1, t), within_avx2(c2, t),
                                        within_avx2(c3, t)};
                    for (int r = 0; r < 4; r++)
                        for (unsigned m = pass[r]; m; m &= m - 1) record(s, &found, i + __builtin_ctz(m), j + r);
                }
            }
            for (size_t i = e4; i < e; i++)
                for (int r = 0; r < 4; r++) record(s, &found, i, j + r);
        }
        for (; j < s->nq; j++) {
            const uint64_t *q = s->q + 4 * j;
            __m256i a = _mm256_set1_epi64x((long long)q[0]), bq = _mm256_set1_epi64x((long long)q[1]);
            for (size_t i = b; i < e4; i += 4) {
                __m256i c = filter_avx2(_mm256_loadu_si256((const __m256i *)(s->w0 + i)),
                                        _mm256_loadu_si256((const __m256i *)(s->w1 + i)), a, bq);
                for (unsigned m = within_avx2(c, t); m; m &= m - 1) record(s, &found, i + __builtin_ctz(m), j);
            }
            for (size_t i = e4; i < e; i++) record(s, &found, i, j);
        }
    }
    return found;
}
#endif

typedef size_t (*Kernel)(const Scan *);
static Kernel kernel = scan_portable;
static const char *kernel_name = "portable";

static Kernel kernel_named(const char *name) {
    if (strcmp(name, "portable") == 0) return scan_portable;
#ifdef CS_X86
    if (strcmp(name, "popcnt") == 0 && __builtin_cpu_supports("popcnt")) return scan_popcnt;
    if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt"))
        return scan_avx2;
    if (strcmp(name, "avx512") == 0 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vpopcntdq"))
        return scan_avx512;
    if (strcmp(name, "avx512bw") == 0 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        return scan_avx512bw;
#endif
    PyErr_Format(PyExc_ValueError, "kernel %s is not one this processor runs", name);
    return NULL;
}

static int buffer_of(PyObject *obj, Py_buffer *view, int writable, Py_ssize_t itemsize, const char *what) {
    if (PyObject_GetBuffer(obj, view, (writable ? PyBUF_WRITABLE : 0) | PyBUF_C_CONTIGUOUS) < 0) return -1;
    if (view->len % itemsize) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bytes is not a whole number of %zd-byte items", what, view->len,
                     itemsize);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(scan_doc,
             "scan(columns, lo, hi, queries, threshold, out_query, out_pos, out_dist, kernel=None) -> int\n\n"
             "columns: uint64[4, n] (C order); queries: uint64[k, 4]. Every pair of a stored position in [lo, hi)\n"
             "and a query within `threshold` bits goes to the outputs (uint32, uint32, uint8), in the order found;\n"
             "returns how many there are, which may be more than the outputs hold (then call again with more room).\n"
             "kernel: \"avx512\", \"avx512bw\", \"avx2\", \"popcnt\" or \"portable\" instead of the fastest this\n"
             "processor runs (KERNEL); tests and benchmarks compare them. A kernel the processor cannot run is\n"
             "refused.");

static PyObject *scan(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *columns_obj, *queries_obj, *oq_obj, *op_obj, *od_obj;
    Py_ssize_t lo, hi;
    int threshold;
    const char *name = NULL;
    if (!PyArg_ParseTuple(args, "OnnOiOOO|z:scan", &columns_obj, &lo, &hi, &queries_obj, &threshold, &oq_obj, &op_obj,
                          &od_obj, &name))
        return NULL;
    Kernel chosen = name ? kernel_named(name) : kernel;
    if (!chosen) return NULL;
    Py_buffer columns, queries, oq, op, od;
    if (buffer_of(columns_obj, &columns, 0, 32, "columns") < 0) return NULL;
    if (buffer_of(queries_obj, &queries, 0, 32, "queries") < 0) goto fail_columns;
    if (buffer_of(oq_obj, &oq, 1, 4, "out_query") < 0) goto fail_queries;
    if (buffer_of(op_obj, &op, 1, 4, "out_pos") < 0) goto fail_oq;
    if (buffer_of(od_obj, &od, 1, 1, "out_dist") < 0) goto fail_op;
    Py_ssize_t n = columns.len / 32;
    size_t cap = (size_t)od.len;
    if ((size_t)(oq.len / 4) < cap) cap = (size_t)(oq.len / 4);
    if ((size_t)(op.len / 4) < cap) cap = (size_t)(op.len / 4);
    if (lo < 0 || hi < lo || hi > n || n > (Py_ssize_t)UINT32_MAX || queries.len / 32 > (Py_ssize_t)UINT32_MAX) {
        PyErr_Format(PyExc_ValueError, "range [%zd, %zd) is not within the %zd stored hashes", lo, hi, n);
        goto fail_od;
    }
    if (threshold < 0 || threshold > 256) {
        PyErr_Format(PyExc_ValueError, "threshold %d is not between 0 and 256", threshold);
        goto fail_od;
    }
    const uint64_t *w = (const uint64_t *)columns.buf;
    Scan s = {w, w + n, w + 2 * n, w + 3 * n, (size_t)lo, (size_t)hi, (const uint64_t *)queries.buf,
              (size_t)(queries.len / 32), threshold, (uint32_t *)oq.buf, (uint32_t *)op.buf, (uint8_t *)od.buf,
              cap};
    size_t found;
    Py_BEGIN_ALLOW_THREADS
    found = chosen(&s);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&od);
    PyBuffer_Release(&op);
    PyBuffer_Release(&oq);
    PyBuffer_Release(&queries);
    PyBuffer_Release(&columns);
    return PyLong_FromSize_t(found);
fail_od:
    PyBuffer_Release(&od);
fail_op:
    PyBuffer_Release(&op);
fail_oq:
    PyBuffer_Release(&oq);
fail_queries:
    PyBuffer_Release(&queries);
fail_columns:
    PyBuffer_Release(&columns);
    return NULL;
}

static PyMethodDef methods[] = {{"scan", scan, METH_VARARGS, scan_doc}, {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_scan",
                                    "Exhaustive PDQ search over hash columns (see _scan.c).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__scan(void) {
#ifdef CS_X86
    __builtin_cpu_init();
    static const char *const fastest_first[] = {"avx512", "avx512bw", "avx2", "popcnt"};
    for (size_t k = 0; k < sizeof fastest_first / sizeof *fastest_first; k++) {
        Kernel runs = kernel_named(fastest_first[k]);
        if (runs) {
            kernel = runs;
            kernel_name = fastest_first[k];
            break;
        }
        PyErr_Clear();
    }
#endif
    PyObject *m = PyModule_Create(&module);
    if (m && PyModule_AddStringConstant(m, "KERNEL", kernel_name) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

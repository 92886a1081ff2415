/* The lexicon's pattern index, compiled: the same lookups and matching as `lexicon.PatternIndex.find`, in C.
 *
 * `lexicon.PatternIndex` compiles its patterns into plain tuples of integers (`PatternIndex.compiled`): every word a
 * pattern uses gets an id, and the words and pairs of adjacent words that patterns are looked up by point to the
 * patterns' numbers. A message's tokens are looked up in the vocabulary once (ids; -1 for a word no pattern uses),
 * then candidates are gathered by key words and pairs, kept if every mandatory element has a key word in the
 * message, and matched element by element from every place their first element can start. Patterns that need the
 * text of a token (prefixes, "word*") or its number (#minor, #adult, #num) get it from the token itself.
 *
 * The result is the list of (signal rank, start, end) that `PatternIndex.find` would return, in the same order
 * (start, longest first, signal rank). Tests compare the two on every fixture message and on generated ones.
 * The GIL is held throughout (the index's scratch arrays are shared), so one thread matches at a time.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { MINOR = 1, ADULT = 2, NUM = 4 };      /* number classes, as bits */
enum { PART_MINOR = -1, PART_ADULT = -2, PART_NUM = -3 }; /* a number class inside a word sequence */

typedef struct {
    int32_t *ids;
    int len;
} Seq;

typedef struct {
    Seq before;      /* literal words before the prefixed one */
    PyObject *prefix; /* owned by the index's `strings` */
} Prefix;

typedef struct {
    int optional, any_min, any_max, classes;
    int32_t *singles; /* sorted */
    int nsingles;
    Seq *multis;
    int nmultis;
    Prefix *prefixes;
    int nprefixes;
    Seq *mixed;
    int nmixed;
} Element;

typedef struct {
    int rank, whole, first_number;
    int32_t *first; /* sorted */
    int nfirst;
    PyObject **first_prefixes;
    int nfirst_prefixes;
    Seq *required;
    int nrequired;
    Element *elements;
    int nelements;
} Pattern;

typedef struct {
    uint64_t key; /* (id1 + 1) << 32 | (id2 + 1); 0 marks an empty slot */
    int32_t start, count;
} PairSlot;

typedef struct Block {
    struct Block *next;
    size_t used, size;
    max_align_t data[];
} Block;

typedef struct {
    PyObject_HEAD
    PyObject *vocab; /* word -> id */
    PyObject *strings; /* the prefix strings the patterns point to, owned here */
    int32_t number;  /* the id standing for any number in a pair */
    int npatterns;
    Pattern *patterns;
    int32_t *word_start, *word_patterns; /* by key word: patterns word_patterns[word_start[id]:word_start[id + 1]] */
    int32_t nwords;
    PairSlot *pairs;
    uint64_t pair_mask;
    int32_t *pair_patterns;
    uint32_t stamp, *pattern_seen, *word_seen;
    Block *arena;
} Index;

/* ---- memory: everything the index holds lives in an arena freed at once --------------------------------------- */
static void *arena_alloc(Index *self, size_t size) {
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (size == 0) size = sizeof(max_align_t);
    Block *block = self->arena;
    if (!block || block->used + size > block->size) {
        size_t room = size > (1 << 16) ? size : (1 << 16);
        block = PyMem_Malloc(sizeof(Block) + room);
        if (!block) {
            PyErr_NoMemory();
            return NULL;
        }
        block->next = self->arena;
        block->used = 0;
        block->size = room;
        self->arena = block;
    }
    void *out = (char *)block->data + block->used;
    block->used += size;
    memset(out, 0, size);
    return out;
}

/* ---- reading the spec --------------------------------------------------------------------------------------- */
static int read_ids(Index *self, PyObject *tuple, int32_t **out, int *len) {
    if (!PyTuple_Check(tuple)) {
        PyErr_SetString(PyExc_TypeError, "spec: expected a tuple of ids");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    *out = arena_alloc(self, sizeof(int32_t) * (size_t)n);
    if (!*out) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        long v = PyLong_AsLong(PyTuple_GET_ITEM(tuple, i));
        if (v == -1 && PyErr_Occurred()) return -1;
        (*out)[i] = (int32_t)v;
    }
    *len = (int)n;
    return 0;
}

static int compare_ids(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static int read_seqs(Index *self, PyObject *tuple, Seq **out, int *len) {
    if (!PyTuple_Check(tuple)) {
        PyErr_SetString(PyExc_TypeError, "spec: expected a tuple of sequences");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    *out = arena_alloc(self, sizeof(Seq) * (size_t)n);
    if (!*out) return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_ids(self, PyTuple_GET_ITEM(tuple, i), &(*out)[i].ids, &(*out)[i].len) < 0) return -1;
    *len = (int)n;
    return 0;
}

static int keep(Index *self, PyObject *s) { return PyList_Append(self->strings, s); }

static int read_strings(Index *self, PyObject *tuple, PyObject ***out, int *len) {
    if (!PyTuple_Check(tuple)) {
        PyErr_SetString(PyExc_TypeError, "spec: expected a tuple of prefixes");
        return -1;
    }
    Py_ssize_t n = PyTuple_GET_SIZE(tuple);
    *out = arena_alloc(self, sizeof(PyObject *) * (size_t)n);
    if (!*out) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *s = PyTuple_GET_ITEM(tuple, i);
        if (!PyUnicode_Check(s)) {
            PyErr_SetString(PyExc_TypeError, "spec: a prefix must be a str");
            return -1;
        }
        if (keep(self, s) < 0) return -1;
        (*out)[i] = s;
    }
    *len = (int)n;
    return 0;
}

/* element: (optional, any_min, any_max, singles, multis, prefixes ((before ids, prefix), ...), classes, mixed) */
static int read_element(Index *self, PyObject *t, Element *e) {
    PyObject *singles, *multis, *prefixes, *mixed;
    if (!PyArg_ParseTuple(t, "iiiOOOiO", &e->optional, &e->any_min, &e->any_max, &singles, &multis, &prefixes,
                          &e->classes, &mixed))
        return -1;
    if (read_ids(self, singles, &e->singles, &e->nsingles) < 0 || read_seqs(self, multis, &e->multis, &e->nmultis) < 0 ||
        read_seqs(self, mixed, &e->mixed, &e->nmixed) < 0)
        return -1;
    qsort(e->singles, (size_t)e->nsingles, sizeof(int32_t), compare_ids);
    Py_ssize_t n = PyTuple_GET_SIZE(prefixes);
    e->prefixes = arena_alloc(self, sizeof(Prefix) * (size_t)n);
    if (!e->prefixes) return -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *before, *prefix;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(prefixes, i), "OU", &before, &prefix)) return -1;
        if (read_ids(self, before, &e->prefixes[i].before.ids, &e->prefixes[i].before.len) < 0) return -1;
        if (keep(self, prefix) < 0) return -1;
        e->prefixes[i].prefix = prefix;
    }
    e->nprefixes = (int)n;
    return 0;
}

/* pattern: (rank, whole, first ids, first prefixes, first number, required, elements) */
static int read_pattern(Index *self, PyObject *t, Pattern *p) {
    PyObject *first, *first_prefixes, *required, *elements;
    if (!PyArg_ParseTuple(t, "iiOOiOO", &p->rank, &p->whole, &first, &first_prefixes, &p->first_number, &required,
                          &elements))
        return -1;
    if (read_ids(self, first, &p->first, &p->nfirst) < 0 ||
        read_strings(self, first_prefixes, &p->first_prefixes, &p->nfirst_prefixes) < 0 ||
        read_seqs(self, required, &p->required, &p->nrequired) < 0)
        return -1;
    qsort(p->first, (size_t)p->nfirst, sizeof(int32_t), compare_ids);
    Py_ssize_t n = PyTuple_GET_SIZE(elements);
    p->elements = arena_alloc(self, sizeof(Element) * (size_t)n);
    if (!p->elements) return -1;
    for (Py_ssize_t i = 0; i < n; i++)
        if (read_element(self, PyTuple_GET_ITEM(elements, i), &p->elements[i]) < 0) return -1;
    p->nelements = (int)n;
    return 0;
}

static uint64_t pair_key(int32_t a, int32_t b) { return ((uint64_t)(uint32_t)(a + 1) << 32) | (uint32_t)(b + 1); }

static uint64_t pair_hash(uint64_t key) {
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return key;
}

static PairSlot *pair_slot(Index *self, uint64_t key) {
    for (uint64_t i = pair_hash(key) & self->pair_mask;; i = (i + 1) & self->pair_mask)
        if (self->pairs[i].key == key || self->pairs[i].key == 0) return &self->pairs[i];
}

/* Index(vocab, number, patterns, words, pairs): words = ((word id, pattern numbers), ...), pairs = (((id, id),
 * pattern numbers), ...) with `number` for a number's place in a pair. */
static int Index_init(Index *self, PyObject *args, PyObject *Py_UNUSED(kwargs)) {
    PyObject *vocab, *patterns, *words, *pairs;
    int number;
    if (!PyArg_ParseTuple(args, "O!iO!O!O!", &PyDict_Type, &vocab, &number, &PyTuple_Type, &patterns, &PyTuple_Type,
                          &words, &PyTuple_Type, &pairs))
        return -1;
    if (self->vocab) {
        PyErr_SetString(PyExc_RuntimeError, "an index is built once");
        return -1;
    }
    Py_INCREF(vocab);
    self->vocab = vocab;
    self->strings = PyList_New(0);
    if (!self->strings) return -1;
    self->number = number;
    self->nwords = number + 1;
    self->npatterns = (int)PyTuple_GET_SIZE(patterns);
    self->patterns = arena_alloc(self, sizeof(Pattern) * (size_t)self->npatterns);
    self->pattern_seen = arena_alloc(self, sizeof(uint32_t) * (size_t)self->npatterns);
    self->word_seen = arena_alloc(self, sizeof(uint32_t) * (size_t)self->nwords);
    self->word_start = arena_alloc(self, sizeof(int32_t) * (size_t)(self->nwords + 1));
    if (!self->patterns || !self->pattern_seen || !self->word_seen || !self->word_start) return -1;
    for (int i = 0; i < self->npatterns; i++)
        if (read_pattern(self, PyTuple_GET_ITEM(patterns, i), &self->patterns[i]) < 0) return -1;

    /* key words, as a compressed table indexed by word id */
    Py_ssize_t total = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(words); i++) {
        PyObject *entry = PyTuple_GET_ITEM(words, i);
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != 2) {
            PyErr_SetString(PyExc_TypeError, "spec: a key word entry is (id, patterns)");
            return -1;
        }
        long id = PyLong_AsLong(PyTuple_GET_ITEM(entry, 0));
        if (id < 0 || id >= number) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "spec: a key word id is out of range");
            return -1;
        }
        self->word_start[id + 1] = (int32_t)PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 1));
        total += PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, 1));
    }
    for (int32_t id = 0; id < self->nwords; id++) self->word_start[id + 1] += self->word_start[id];
    self->word_patterns = arena_alloc(self, sizeof(int32_t) * (size_t)total);
    if (!self->word_patterns) return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(words); i++) {
        PyObject *entry = PyTuple_GET_ITEM(words, i);
        long id = PyLong_AsLong(PyTuple_GET_ITEM(entry, 0));
        PyObject *list = PyTuple_GET_ITEM(entry, 1);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(list); k++) {
            long p = PyLong_AsLong(PyTuple_GET_ITEM(list, k));
            if (p < 0 || p >= self->npatterns) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "spec: a pattern number is out of range");
                return -1;
            }
            self->word_patterns[self->word_start[id] + k] = (int32_t)p;
        }
    }

    /* pairs of adjacent words, in an open-addressing table at most half full */
    Py_ssize_t npairs = PyTuple_GET_SIZE(pairs), slots = 16, listed = 0;
    while (slots < 2 * npairs) slots <<= 1;
    self->pair_mask = (uint64_t)slots - 1;
    self->pairs = arena_alloc(self, sizeof(PairSlot) * (size_t)slots);
    for (Py_ssize_t i = 0; i < npairs; i++) listed += PyTuple_GET_SIZE(PyTuple_GET_ITEM(PyTuple_GET_ITEM(pairs, i), 1));
    self->pair_patterns = arena_alloc(self, sizeof(int32_t) * (size_t)listed);
    if (!self->pairs || !self->pair_patterns) return -1;
    int32_t at = 0;
    for (Py_ssize_t i = 0; i < npairs; i++) {
        int a, b;
        PyObject *list;
        if (!PyArg_ParseTuple(PyTuple_GET_ITEM(pairs, i), "(ii)O!", &a, &b, &PyTuple_Type, &list)) return -1;
        PairSlot *slot = pair_slot(self, pair_key(a, b));
        if (slot->key) {
            PyErr_SetString(PyExc_ValueError, "spec: a pair is listed twice");
            return -1;
        }
        slot->key = pair_key(a, b);
        slot->start = at;
        slot->count = (int32_t)PyTuple_GET_SIZE(list);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(list); k++) {
            long p = PyLong_AsLong(PyTuple_GET_ITEM(list, k));
            if (p < 0 || p >= self->npatterns) {
                if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "spec: a pattern number is out of range");
                return -1;
            }
            self->pair_patterns[at++] = (int32_t)p;
        }
    }
    return 0;
}

static void Index_dealloc(Index *self) {
    while (self->arena) {
        Block *next = self->arena->next;
        PyMem_Free(self->arena);
        self->arena = next;
    }
    Py_XDECREF(self->vocab);
    Py_XDECREF(self->strings);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* ---- matching ----------------------------------------------------------------------------------------------- */
typedef struct {
    PyObject **tokens;
    int32_t *ids;
    signed char *digit; /* 1: str.isdigit(), 0: not */
    int n;
    uint64_t *cur, *next; /* end positions 0..n, as bits */
    int words;            /* uint64 words of a position set */
} Message;

typedef struct {
    int rank, start, end;
} Found;

static int is_digit(PyObject *token) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(token);
    if (n == 0) return 0;
    int kind = PyUnicode_KIND(token);
    const void *data = PyUnicode_DATA(token);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISDIGIT(PyUnicode_READ(kind, data, i))) return 0;
    return 1;
}

/* whether a digit token's number is in one of `classes` (1 yes, 0 no, -1 error: int() refused it, as in Python) */
static int in_classes(PyObject *token, int classes) {
    PyObject *number = PyLong_FromUnicodeObject(token, 10);
    if (!number) return -1;
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(number, &overflow);
    Py_DECREF(number);
    if (classes & NUM) return 1;
    if (overflow) return 0;
    return ((classes & MINOR) && 6 <= v && v <= 17) || ((classes & ADULT) && 18 <= v && v <= 99);
}

static int has_id(const int32_t *sorted, int n, int32_t id) {
    return id >= 0 && n > 0 && bsearch(&id, sorted, (size_t)n, sizeof(int32_t), compare_ids) != NULL;
}

static int same(const Message *m, int pos, const Seq *seq) {
    if (pos + seq->len > m->n) return 0;
    for (int k = 0; k < seq->len; k++)
        if (m->ids[pos + k] != seq->ids[k]) return 0;
    return 1;
}

static void set_bit(uint64_t *bits, int pos) { bits[pos >> 6] |= (uint64_t)1 << (pos & 63); }

/* `Element.ends`: every position right after the element when it starts at `pos`, into `out`; -1 on error */
static int ends(const Message *m, const Element *e, int pos, uint64_t *out) {
    if (e->optional) set_bit(out, pos);
    if (e->any_max) {
        for (int k = e->any_min; k <= e->any_max; k++)
            if (pos + k <= m->n) set_bit(out, pos + k);
        return 0;
    }
    if (pos >= m->n) return 0;
    int32_t id = m->ids[pos];
    if (has_id(e->singles, e->nsingles, id)) set_bit(out, pos + 1);
    for (int s = 0; s < e->nmultis; s++)
        if (e->multis[s].ids[0] == id && same(m, pos, &e->multis[s])) set_bit(out, pos + e->multis[s].len);
    for (int s = 0; s < e->nprefixes; s++) {
        const Prefix *p = &e->prefixes[s];
        int k = p->before.len;
        if (pos + k < m->n && same(m, pos, &p->before)) {
            Py_ssize_t hit = PyUnicode_Tailmatch(m->tokens[pos + k], p->prefix, 0, PY_SSIZE_T_MAX, -1);
            if (hit < 0) return -1;
            if (hit) set_bit(out, pos + k + 1);
        }
    }
    if (e->classes && m->digit[pos]) {
        int ok = in_classes(m->tokens[pos], e->classes);
        if (ok < 0) return -1;
        if (ok) set_bit(out, pos + 1);
    }
    for (int s = 0; s < e->nmixed; s++) {
        const Seq *seq = &e->mixed[s];
        if (pos + seq->len > m->n) continue;
        int all = 1;
        for (int k = 0; k < seq->len && all; k++) {
            int32_t part = seq->ids[k];
            if (part >= 0) {
                all = m->ids[pos + k] == part;
            } else if (!m->digit[pos + k]) {
                all = 0;
            } else {
                int ok = in_classes(m->tokens[pos + k],
                                    part == PART_MINOR ? MINOR : part == PART_ADULT ? ADULT : NUM);
                if (ok < 0) return -1;
                all = ok;
            }
        }
        if (all) set_bit(out, pos + seq->len);
    }
    return 0;
}

/* `_run`: where a pattern can end when it starts at `pos`, left in m->cur; 1 if anywhere, 0 if not, -1 on error */
static int run(Message *m, const Pattern *p, int pos) {
    memset(m->cur, 0, sizeof(uint64_t) * (size_t)m->words);
    set_bit(m->cur, pos);
    for (int i = 0; i < p->nelements; i++) {
        memset(m->next, 0, sizeof(uint64_t) * (size_t)m->words);
        for (int w = 0; w < m->words; w++)
            for (uint64_t bits = m->cur[w]; bits; bits &= bits - 1)
                if (ends(m, &p->elements[i], w * 64 + __builtin_ctzll(bits), m->next) < 0) return -1;
        int any = 0;
        for (int w = 0; w < m->words && !any; w++) any = m->next[w] != 0;
        if (!any) return 0;
        uint64_t *swap = m->cur;
        m->cur = m->next;
        m->next = swap;
    }
    for (int w = 0; w < m->words; w++)
        if (m->cur[w]) return 1;
    return 0;
}

static int last_bit(const Message *m) {
    for (int w = m->words - 1; w >= 0; w--)
        if (m->cur[w]) return w * 64 + 63 - __builtin_clzll(m->cur[w]);
    return -1;
}

static int can_start(const Message *m, const Pattern *p, int i) {
    if (has_id(p->first, p->nfirst, m->ids[i])) return 1;
    for (int k = 0; k < p->nfirst_prefixes; k++) {
        Py_ssize_t hit = PyUnicode_Tailmatch(m->tokens[i], p->first_prefixes[k], 0, PY_SSIZE_T_MAX, -1);
        if (hit) return (int)hit; /* 1, or -1 on error */
    }
    return p->first_number && m->digit[i];
}

typedef struct {
    Found *items;
    size_t count, room;
} Results;

static int add(Results *r, int rank, int start, int end) {
    if (r->count == r->room) {
        size_t room = r->room ? 2 * r->room : 16;
        Found *items = PyMem_Realloc(r->items, sizeof(Found) * room);
        if (!items) {
            PyErr_NoMemory();
            return -1;
        }
        r->items = items;
        r->room = room;
    }
    r->items[r->count++] = (Found){rank, start, end};
    return 0;
}

static int match(Message *m, const Pattern *p, Results *r) {
    if (p->whole) {
        if (m->n == 0) return 0;
        int ok = can_start(m, p, 0);
        if (ok <= 0) return ok;
        int found = run(m, p, 0);
        if (found < 0) return -1;
        if (found && (m->cur[m->n >> 6] >> (m->n & 63) & 1)) return add(r, p->rank, 0, m->n);
        return 0;
    }
    for (int i = 0; i < m->n; i++) {
        int ok = can_start(m, p, i);
        if (ok < 0) return -1;
        if (!ok) continue;
        int found = run(m, p, i);
        if (found < 0) return -1;
        if (found && add(r, p->rank, i, last_bit(m)) < 0) return -1;
    }
    return 0;
}

static int by_start_longest_rank(const void *a, const void *b) {
    const Found *x = a, *y = b;
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->end != y->end) return x->end > y->end ? -1 : 1;
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static void candidate(Index *self, int32_t p, int32_t *out, int *count) {
    if (self->pattern_seen[p] != self->stamp) {
        self->pattern_seen[p] = self->stamp;
        out[(*count)++] = p;
    }
}

static void candidates_of_pair(Index *self, int32_t a, int32_t b, int32_t *out, int *count) {
    PairSlot *slot = pair_slot(self, pair_key(a, b));
    for (int32_t k = 0; slot->key && k < slot->count; k++) candidate(self, self->pair_patterns[slot->start + k], out, count);
}

PyDoc_STRVAR(find_doc, "find(tokens, also) -> [(signal rank, start, end), ...]: every match, as PatternIndex.find\n"
                       "orders them. `also`: numbers of further candidate patterns (those looked up by a prefix or a\n"
                       "number, which the caller finds).");

static PyObject *Index_find(Index *self, PyObject *args) {
    PyObject *tokens, *also;
    if (!PyArg_ParseTuple(args, "OO!:find", &tokens, &PyTuple_Type, &also)) return NULL;
    if (!self->vocab) {
        PyErr_SetString(PyExc_RuntimeError, "the index was not built");
        return NULL;
    }
    if (!PyList_Check(tokens)) {
        PyErr_SetString(PyExc_TypeError, "find: tokens must be a list of str");
        return NULL;
    }
    Py_ssize_t n = PyList_GET_SIZE(tokens);
    if (n > INT32_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "find: too many tokens");
        return NULL;
    }
    PyObject *result = NULL;
    Message m = {0};
    Results r = {0};
    int32_t *cands = NULL;
    m.n = (int)n;
    m.words = (int)(n / 64 + 1);
    m.tokens = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n + 1));
    m.ids = PyMem_Malloc(sizeof(int32_t) * (size_t)(n + 1));
    m.digit = PyMem_Malloc((size_t)(n + 1));
    m.cur = PyMem_Malloc(sizeof(uint64_t) * (size_t)m.words);
    m.next = PyMem_Malloc(sizeof(uint64_t) * (size_t)m.words);
    uint64_t *cur = m.cur, *next = m.next; /* run() swaps them */
    if (!m.tokens || !m.ids || !m.digit || !m.cur || !m.next) {
        PyErr_NoMemory();
        goto done;
    }
    if (++self->stamp == 0) { /* wrapped: start the marks afresh */
        memset(self->pattern_seen, 0, sizeof(uint32_t) * (size_t)self->npatterns);
        memset(self->word_seen, 0, sizeof(uint32_t) * (size_t)self->nwords);
        self->stamp = 1;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *token = PyList_GET_ITEM(tokens, i);
        if (!PyUnicode_Check(token)) {
            PyErr_SetString(PyExc_TypeError, "find: tokens must be a list of str");
            goto done;
        }
        m.tokens[i] = token;
        PyObject *id = PyDict_GetItemWithError(self->vocab, token);
        if (!id && PyErr_Occurred()) goto done;
        m.ids[i] = id ? (int32_t)PyLong_AsLong(id) : -1;
        if (m.ids[i] >= 0) self->word_seen[m.ids[i]] = self->stamp;
        m.digit[i] = (signed char)is_digit(token);
    }
    /* candidates: by key word, by pair of adjacent tokens, by a word beside a number */
    int count = 0;
    cands = PyMem_Malloc(sizeof(int32_t) * (size_t)(self->npatterns + 1));
    if (!cands) {
        PyErr_NoMemory();
        goto done;
    }
    for (int i = 0; i < m.n; i++) {
        int32_t id = m.ids[i];
        if (id >= 0)
            for (int32_t k = self->word_start[id]; k < self->word_start[id + 1]; k++)
                candidate(self, self->word_patterns[k], cands, &count);
        if (i + 1 < m.n) {
            int32_t after = m.ids[i + 1];
            if (id >= 0 && after >= 0) candidates_of_pair(self, id, after, cands, &count);
            if (id >= 0 && m.digit[i + 1]) candidates_of_pair(self, id, self->number, cands, &count);
            if (m.digit[i] && after >= 0) candidates_of_pair(self, self->number, after, cands, &count);
        }
    }
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(also); k++) {
        long p = PyLong_AsLong(PyTuple_GET_ITEM(also, k));
        if (p < 0 || p >= self->npatterns) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "find: a pattern number is out of range");
            goto done;
        }
        candidate(self, (int32_t)p, cands, &count);
    }
    for (int c = 0; c < count; c++) {
        const Pattern *p = &self->patterns[cands[c]];
        int keep = 1;
        for (int k = 0; k < p->nrequired && keep; k++) { /* a key word of every element it cannot do without */
            keep = 0;
            for (int w = 0; w < p->required[k].len && !keep; w++) keep = self->word_seen[p->required[k].ids[w]] == self->stamp;
        }
        if (keep && match(&m, p, &r) < 0) goto done;
    }
    qsort(r.items, r.count, sizeof(Found), by_start_longest_rank);
    result = PyList_New((Py_ssize_t)r.count);
    if (!result) goto done;
    for (size_t i = 0; i < r.count; i++) {
        PyObject *item = Py_BuildValue("(iii)", r.items[i].rank, r.items[i].start, r.items[i].end);
        if (!item) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, (Py_ssize_t)i, item);
    }
done:
    PyMem_Free(cands);
    PyMem_Free(r.items);
    PyMem_Free(m.tokens);
    PyMem_Free(m.ids);
    PyMem_Free(m.digit);
    PyMem_Free(cur);
    PyMem_Free(next);
    return result;
}

static PyMethodDef Index_methods[] = {{"find", (PyCFunction)Index_find, METH_VARARGS, find_doc}, {NULL, NULL, 0, NULL}};

static PyTypeObject IndexType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "childsafe.conversations._lexmatch.Index",
    .tp_basicsize = sizeof(Index),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("Index(vocab, number, patterns, words, pairs): a lexicon's compiled pattern index."),
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Index_init,
    .tp_dealloc = (destructor)Index_dealloc,
    .tp_methods = Index_methods,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_lexmatch",
                                    "The lexicon's pattern index, compiled (see _lexmatch.c).", -1, NULL,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__lexmatch(void) {
    if (PyType_Ready(&IndexType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&IndexType);
    if (PyModule_AddObject(m, "Index", (PyObject *)&IndexType) < 0) {
        Py_DECREF(&IndexType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

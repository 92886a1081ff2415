/* The message models' reading, compiled: what `classifier.Reader.logits` works out with numpy, in one pass.
 *
 * A model is a hashed linear model over a message's words and pairs of adjacent words (`classifier.features`): a
 * word's feature is crc32(its UTF-8) & mask, a pair's is ((crc32(first) * 0x9E3779B1) & mask) ^ (crc32(second) &
 * mask). Several models of one size share their features, so their weights are kept side by side (float32[size,
 * models]) and each message's features are looked up once for all of them. Every sum is in double precision, in the
 * features' order, starting from zero, then the bias is added: the same numbers, bit for bit, as `LinearModel.
 * probability` and the numpy `Reader` add up (tests compare them).
 *
 * A word's two hash halves are remembered in a dict (at most WORDS_MAX words, then forgotten at once), so a word
 * seen before costs one lookup. The GIL is held throughout.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define PAIR 0x9E3779B1u
#define WORDS_MAX 200000

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[n] = c;
    }
}

/* zlib.crc32 (the IEEE 802.3 polynomial, reflected, initial and final complement) */
static uint32_t crc32_of(const unsigned char *data, Py_ssize_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (Py_ssize_t i = 0; i < n; i++) c = crc_table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

typedef struct {
    PyObject_HEAD
    Py_buffer weights; /* float32[size, models], C order */
    Py_ssize_t models, size;
    double *biases;
    uint64_t mask;
    PyObject *halves; /* word -> (left << 32 | right) as an int */
} Reader;

static int Reader_init(Reader *self, PyObject *args, PyObject *Py_UNUSED(kwargs)) {
    PyObject *weights, *biases;
    unsigned long long mask;
    Py_ssize_t models;
    if (!PyArg_ParseTuple(args, "OnO!K", &weights, &models, &PyTuple_Type, &biases, &mask)) return -1;
    if (self->halves) {
        PyErr_SetString(PyExc_RuntimeError, "a reader is built once");
        return -1;
    }
    if (models < 1 || PyTuple_GET_SIZE(biases) != models || mask > 0xFFFFFFFFull || (mask & (mask + 1))) {
        PyErr_SetString(PyExc_ValueError, "Reader(weights, models, biases, mask): one bias per model, mask 2**k - 1");
        return -1;
    }
    if (PyObject_GetBuffer(weights, &self->weights, PyBUF_C_CONTIGUOUS | PyBUF_FORMAT) < 0) return -1;
    if (self->weights.itemsize != 4 || !self->weights.format || strcmp(self->weights.format, "f") != 0 ||
        self->weights.len != (Py_ssize_t)(4 * models * (Py_ssize_t)(mask + 1))) {
        PyErr_SetString(PyExc_ValueError, "weights must be float32[mask + 1, models] in C order");
        return -1;
    }
    self->models = models;
    self->size = (Py_ssize_t)mask + 1;
    self->mask = mask;
    self->biases = PyMem_Malloc(sizeof(double) * (size_t)models);
    if (!self->biases) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t c = 0; c < models; c++) {
        self->biases[c] = PyFloat_AsDouble(PyTuple_GET_ITEM(biases, c));
        if (self->biases[c] == -1.0 && PyErr_Occurred()) return -1;
    }
    self->halves = PyDict_New();
    return self->halves ? 0 : -1;
}

static void Reader_dealloc(Reader *self) {
    if (self->weights.obj) PyBuffer_Release(&self->weights);
    PyMem_Free(self->biases);
    Py_XDECREF(self->halves);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* a word's two masked hash halves: (crc * PAIR) & mask for a pair's first word, crc & mask otherwise */
static int halves_of(Reader *self, PyObject *word, uint32_t *left, uint32_t *right) {
    PyObject *known = PyDict_GetItemWithError(self->halves, word);
    uint64_t packed;
    if (known) {
        packed = PyLong_AsUnsignedLongLong(known);
    } else {
        if (PyErr_Occurred()) return -1;
        Py_ssize_t n;
        const char *utf8 = PyUnicode_AsUTF8AndSize(word, &n);
        if (!utf8) return -1;
        uint32_t crc = crc32_of((const unsigned char *)utf8, n);
        uint64_t l = ((uint64_t)crc * PAIR) & self->mask, r = crc & self->mask;
        packed = l << 32 | r;
        if (PyDict_GET_SIZE(self->halves) >= WORDS_MAX) PyDict_Clear(self->halves);
        PyObject *value = PyLong_FromUnsignedLongLong(packed);
        if (!value || PyDict_SetItem(self->halves, word, value) < 0) {
            Py_XDECREF(value);
            return -1;
        }
        Py_DECREF(value);
    }
    *left = (uint32_t)(packed >> 32);
    *right = (uint32_t)packed;
    return 0;
}

PyDoc_STRVAR(logits_doc, "logits(messages) -> per message a list of each model's bias plus weights, or None for a\n"
                         "message without tokens (messages: a list of lists of str).");

static PyObject *Reader_logits(Reader *self, PyObject *messages) {
    if (!self->halves) {
        PyErr_SetString(PyExc_RuntimeError, "the reader was not built");
        return NULL;
    }
    if (!PyList_Check(messages)) {
        PyErr_SetString(PyExc_TypeError, "logits: messages must be a list of lists of str");
        return NULL;
    }
    Py_ssize_t count = PyList_GET_SIZE(messages), k = self->models;
    const float *w = (const float *)self->weights.buf;
    PyObject *out = PyList_New(count);
    double *sums = PyMem_Malloc(sizeof(double) * (size_t)k);
    if (!out || !sums) {
        Py_XDECREF(out);
        PyMem_Free(sums);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t m = 0; m < count; m++) {
        PyObject *tokens = PyList_GET_ITEM(messages, m);
        if (!PyList_Check(tokens)) {
            PyErr_SetString(PyExc_TypeError, "logits: messages must be a list of lists of str");
            goto fail;
        }
        Py_ssize_t n = PyList_GET_SIZE(tokens);
        if (n == 0) {
            Py_INCREF(Py_None);
            PyList_SET_ITEM(out, m, Py_None);
            continue;
        }
        for (Py_ssize_t c = 0; c < k; c++) sums[c] = 0.0;
        uint32_t previous_left = 0;
        /* the words first, then the pairs: the order `classifier.features` lists them in */
        for (int pass = 0; pass < 2; pass++) {
            for (Py_ssize_t i = 0; i < n; i++) {
                PyObject *token = PyList_GET_ITEM(tokens, i);
                if (!PyUnicode_Check(token)) {
                    PyErr_SetString(PyExc_TypeError, "logits: a token is not a str");
                    goto fail;
                }
                uint32_t left, right;
                if (halves_of(self, token, &left, &right) < 0) goto fail;
                uint32_t feature;
                if (pass == 0) {
                    feature = right;
                } else if (i == 0) {
                    previous_left = left;
                    continue;
                } else {
                    feature = previous_left ^ right;
                    previous_left = left;
                }
                const float *row = w + (size_t)feature * (size_t)k;
                for (Py_ssize_t c = 0; c < k; c++) sums[c] += (double)row[c];
            }
        }
        PyObject *row = PyList_New(k);
        if (!row) goto fail;
        for (Py_ssize_t c = 0; c < k; c++) {
            PyObject *value = PyFloat_FromDouble(sums[c] + self->biases[c]);
            if (!value) {
                Py_DECREF(row);
                goto fail;
            }
            PyList_SET_ITEM(row, c, value);
        }
        PyList_SET_ITEM(out, m, row);
    }
    PyMem_Free(sums);
    return out;
fail:
    PyMem_Free(sums);
    Py_DECREF(out);
    return NULL;
}

static PyMethodDef Reader_methods[] = {{"logits", (PyCFunction)Reader_logits, METH_O, logits_doc},
                                       {NULL, NULL, 0, NULL}};

static PyTypeObject ReaderType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "childsafe.conversations._reader.Reader",
    .tp_basicsize = sizeof(Reader),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = PyDoc_STR("Reader(weights, models, biases, mask): models of one size reading messages together."),
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Reader_init,
    .tp_dealloc = (destructor)Reader_dealloc,
    .tp_methods = Reader_methods,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_reader",
                                    "The message models' reading, compiled (see _reader.c).", -1, NULL,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__reader(void) {
    crc_init();
    if (PyType_Ready(&ReaderType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&ReaderType);
    if (PyModule_AddObject(m, "Reader", (PyObject *)&ReaderType) < 0) {
        Py_DECREF(&ReaderType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}

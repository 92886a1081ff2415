/* The normaliser's common case, compiled: a message whose every word has been seen before, in one pass.
 *
 * `Normaliser` remembers what each word as written turns into (`Normaliser._raw`: word -> entry, see normalise.py).
 * For a message, `Normaliser.tokens` splits it at whitespace, looks every word up, chooses the plain or the
 * word-by-word path (the latter if any word needs it), and joins the chosen tokens. This does the same in C for the
 * common case and answers None for the others, which Python then takes the long way: a word not seen yet, a word
 * with letters of another script (look-alikes are weighed against the whole text), or three or more single
 * letters (perhaps a word spaced out). Tests compare it with the Python path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

/* an entry: (plain tokens, word-path tokens, plain singles, word-path singles, plain raw, word-path raw,
 * needs the word path, has another script) */
enum { PLAIN_TOKENS, SLOW_TOKENS, PLAIN_SINGLES, SLOW_SINGLES, PLAIN_RAW, SLOW_RAW, SLOW_WORD, OTHER_SCRIPT, SIZE };

PyDoc_STRVAR(known_tokens_doc,
             "known_tokens(entries, text) -> list of tokens, or None when the Python path must take the message\n"
             "(a word not in `entries`, a word with another script, three or more single letters).");

static PyObject *known_tokens(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *entries, *text;
    if (!PyArg_ParseTuple(args, "O!U:known_tokens", &PyDict_Type, &entries, &text)) return NULL;
    PyObject *words = PyUnicode_Split(text, NULL, -1);
    if (!words) return NULL;
    Py_ssize_t n = PyList_GET_SIZE(words);
    PyObject *result = NULL;
    PyObject **found = PyMem_Malloc(sizeof(PyObject *) * (size_t)(n + 1));
    if (!found) {
        Py_DECREF(words);
        return PyErr_NoMemory();
    }
    int slow = 0;
    Py_ssize_t count[2] = {0, 0}, singles[2] = {0, 0};
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *entry = PyDict_GetItemWithError(entries, PyList_GET_ITEM(words, i));
        if (!entry) {
            if (PyErr_Occurred()) goto done;
            result = Py_None; /* a word not seen yet */
            Py_INCREF(result);
            goto done;
        }
        if (!PyTuple_Check(entry) || PyTuple_GET_SIZE(entry) != SIZE || !PyTuple_Check(PyTuple_GET_ITEM(entry, 0)) ||
            !PyTuple_Check(PyTuple_GET_ITEM(entry, 1))) {
            PyErr_SetString(PyExc_TypeError, "known_tokens: an entry is not a normaliser entry");
            goto done;
        }
        int other = PyObject_IsTrue(PyTuple_GET_ITEM(entry, OTHER_SCRIPT));
        int needs = PyObject_IsTrue(PyTuple_GET_ITEM(entry, SLOW_WORD));
        if (other < 0 || needs < 0) goto done;
        if (other) {
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        slow |= needs;
        for (int path = 0; path < 2; path++) {
            count[path] += PyTuple_GET_SIZE(PyTuple_GET_ITEM(entry, path));
            Py_ssize_t k = PyLong_AsSsize_t(PyTuple_GET_ITEM(entry, PLAIN_SINGLES + path));
            if (k == -1 && PyErr_Occurred()) goto done;
            singles[path] += k;
        }
        found[i] = entry;
    }
    if (singles[slow] >= 3) { /* perhaps letters spaced out */
        result = Py_None;
        Py_INCREF(result);
        goto done;
    }
    result = PyList_New(count[slow]);
    if (!result) goto done;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *tokens = PyTuple_GET_ITEM(found[i], slow);
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(tokens); k++) {
            PyObject *token = PyTuple_GET_ITEM(tokens, k);
            Py_INCREF(token);
            PyList_SET_ITEM(result, at++, token);
        }
    }
done:
    PyMem_Free(found);
    Py_DECREF(words);
    return result;
}

static PyMethodDef methods[] = {{"known_tokens", known_tokens, METH_VARARGS, known_tokens_doc}, {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_normalise",
                                    "The normaliser's common case, compiled (see _normalise.c).", -1, methods,
                                    NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__normalise(void) { return PyModule_Create(&module); }

/* extractors._pdftext: PDFium's per-line and per-glyph look-ups of a text page, one call a page; and
 * the line reader's whole page (``page``, _pdftext_page.c: load, text, checks, lines, close).
 *
 * Why C: the two PDFium readers ask PDFium about every line (pdfium._pieces: origin, matrix, font
 * size, font name, the last glyph's matrix and font) and about every glyph of the pages a passage
 * rests on (pdfglyphs._rows: origin, advance box, text object, ...). Each ctypes call costs 0.35-0.8 us
 * of argument conversion, more than PDFium's own work: ~3.5 ms of a 60-page policy's ~28 ms and
 * ~10 ms of the 4 glyph pages of a topic policy (issue #17). Here each reader's loop is the Python
 * loop it replaces, statement for statement (the pure-Python references live in
 * tests/support/pdftext_reference.py and tests/extractors/test_extract_pdftext.py compares the two on
 * every font kind), so the outputs are the same values: the floats rounded as Python's round() does,
 * font names judged bold by the Python function the caller passes (layout.is_bold's rule stays in
 * Python, cached in the caller's dict as before).
 *
 * Why function pointers instead of linking libpdfium: pypdfium2 ships its libpdfium inside its wheel
 * (pypdfium2_raw/, no SONAME on the loader path, no headers), and it must be the very library
 * pypdfium2 loaded: PDFium keeps global state (the library initialisation, fonts) per loaded copy and
 * a text page handle from one copy is meaningless to another. So pdfhandles passes the addresses of
 * pypdfium2.raw's functions once (``bind``) and this module calls them through the prototypes below,
 * copied from PDFium's public fpdf_text.h (stable API; FS_MATRIX and FS_RECTF are 6 and 4 floats).
 *
 * Safety: the text must be the page's whole text (one character per PDFium character index); its
 * length is checked against FPDFText_CountChars and every index passed to PDFium against that count.
 * The caller holds pdfhandles' lock (PDFium is not thread-safe); the GIL is kept throughout, but while
 * ``page`` loads a page (_pdftext_page.c says why).
 */
#include "_pdftext.h"

PdftextFunctions pdftext_F;
static int bound = 0;

int pdftext_bound(void) { return bound; }


static PyObject *round_fn; /* builtins.round: the rounding the Python readers used */
PyObject *pdftext_one, *pdftext_two;
static PyObject *dash;
#define one pdftext_one
#define two pdftext_two

/* round(v, digits) as Python computes it (digits 1 or 2): a new float.
 *
 * Python rounds the exact binary value of v to ``digits`` decimals, half to even, and returns the double
 * nearest that decimal (dtoa and strtod: ~2,600 instructions a call, two thirds of ``pieces``). Here:
 * k = the integer nearest v * 10^digits, then k / 10^digits — IEEE division is correctly rounded, so
 * that is the double nearest the decimal, what strtod gives. The product's rounding error (half an ulp,
 * under 1e-7 for |v| < 1e8) can only change k when the product lies that near a half: then, and for
 * huge or non-finite values, Python's own round() decides. A zero keeps v's sign ("-0.0"), as Python's. */
PyObject *pdftext_round(double v, PyObject *digits) {
    double scale = digits == one ? 10.0 : 100.0;
    double t = v * scale;
    if (fabs(t) < 1e9) {
        double f = floor(t);
        double frac = t - f;
        if (fabs(frac - 0.5) > 1e-6) {
            double r = (frac < 0.5 ? f : f + 1.0) / scale;
            return PyFloat_FromDouble(r == 0.0 ? copysign(0.0, v) : r);
        }
    }
    PyObject *x = PyFloat_FromDouble(v);
    if (!x) return NULL;
    PyObject *args[2] = {x, digits};
    PyObject *r = PyObject_Vectorcall(round_fn, args, 2, NULL);
    Py_DECREF(x);
    return r;
}

PyDoc_STRVAR(round_doc,
             "_round(x, digits) -> float\n\n"
             "The rounding the readers use, exposed for the test that compares it with round(x, digits)\n"
             "(digits 1 or 2).");

static PyObject *round_(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyFloat_Check(args[0]) || !PyLong_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "expected (float, 1 or 2)");
        return NULL;
    }
    long d = PyLong_AsLong(args[1]);
    if (d != 1 && d != 2) {
        PyErr_SetString(PyExc_ValueError, "digits must be 1 or 2");
        return NULL;
    }
    return pdftext_round(PyFloat_AS_DOUBLE(args[0]), d == 1 ? one : two);
}

/* Text pages and the page text: the checks both readers start with. */
int pdftext_page_args(PyObject *const *args, Py_ssize_t nargs, TEXTPAGE *tp, int *count) {
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "expected (text page address, text, fonts, bold)");
        return -1;
    }
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "extractors._pdftext: bind() was not called");
        return -1;
    }
    *tp = PyLong_AsVoidPtr(args[0]);
    if (!*tp) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "NULL text page");
        return -1;
    }
    if (!PyUnicode_Check(args[1]) || !PyDict_Check(args[2]) || !PyCallable_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "expected (int, str, dict, callable)");
        return -1;
    }
    *count = F.count_chars(*tp);
    if (*count < 0 || PyUnicode_GET_LENGTH(args[1]) != (Py_ssize_t)*count) {
        PyErr_SetString(PyExc_ValueError, "the text is not the text page's (lengths differ)");
        return -1;
    }
    return 0;
}

/* 1 bold, 0 not, -1 error: the font name PDFium wrote into ``name`` (up to its first NUL, as
 * ctypes' ``buffer.value`` reads it) */
int pdftext_font_bold(Fonts *fc, const char *name) {
    size_t len = strnlen(name, NAME_LEN);
    if (fc->last_bold >= 0 && len == fc->last_len && memcmp(name, fc->last, len) == 0)
        return fc->last_bold;
    PyObject *key = PyBytes_FromStringAndSize(name, (Py_ssize_t)len);
    if (!key) return -1;
    PyObject *v = PyDict_GetItemWithError(fc->fonts, key); /* borrowed */
    int truth;
    if (v) {
        truth = PyObject_IsTrue(v);
    } else if (PyErr_Occurred()) {
        truth = -1;
    } else {
        v = PyObject_CallOneArg(fc->bold_of, key);
        if (!v) {
            Py_DECREF(key);
            return -1;
        }
        truth = PyDict_SetItem(fc->fonts, key, v) < 0 ? -1 : PyObject_IsTrue(v);
        Py_DECREF(v);
    }
    Py_DECREF(key);
    if (truth >= 0) {
        memcpy(fc->last, name, len);
        fc->last_len = len;
        fc->last_bold = truth;
    }
    return truth;
}

/* One piece of a PDFium line, pdfium._pieces' loop body: ``k`` its first and ``last`` its last
 * non-blank character. Appends (round(y, 1), x, round(size, 2), bold, text[k:last+1] + "-"?). */
typedef struct {
    TEXTPAGE tp;
    int count;
    double x, y;
    FS_MATRIX m;
    char name[NAME_LEN];
    int flags;
    int straight;
    Fonts fonts;
} Pieces;

static int piece(Pieces *p, PyObject *text, PyObject *out, int k, int last, int hyphen) {
    int count = p->count;
    PyObject *body = NULL, *t = NULL, *yr = NULL, *sr = NULL, *xf = NULL;
    CHECK_INDEX(k);
    CHECK_INDEX(last);
    F.char_origin(p->tp, k, &p->x, &p->y);
    F.matrix(p->tp, k, &p->m);
    FS_MATRIX *m = &p->m;
    double size = F.font_size(p->tp, k) *
                  sqrt(fabs((double)m->a * (double)m->d - (double)m->b * (double)m->c));
    if (m->b != 0.0f || m->c != 0.0f) p->straight = 0;
    F.font_info(p->tp, k, p->name, NAME_LEN, &p->flags);
    int bold = pdftext_font_bold(&p->fonts, p->name);
    if (bold < 0) goto fail;
    if (p->straight && last > k) { /* a sideways run PDFium appended to a straight line */
        F.matrix(p->tp, last, m);
        p->straight = !(m->b != 0.0f || m->c != 0.0f);
    }
    if (bold && last > k) { /* bold first glyph: bold only if the last is too */
        F.font_info(p->tp, last, p->name, NAME_LEN, &p->flags);
        bold = pdftext_font_bold(&p->fonts, p->name);
        if (bold < 0) goto fail;
    }
    body = PyUnicode_Substring(text, k, (Py_ssize_t)last + 1);
    if (!body) goto fail;
    if (hyphen) {
        PyObject *joined = PyUnicode_Concat(body, dash);
        Py_SETREF(body, joined);
        if (!body) goto fail;
    }
    yr = pdftext_round(p->y, one);
    sr = pdftext_round(size, two);
    xf = PyFloat_FromDouble(p->x);
    if (!yr || !sr || !xf) goto fail;
    t = PyTuple_New(5);
    if (!t) goto fail;
    PyTuple_SET_ITEM(t, 0, yr);
    PyTuple_SET_ITEM(t, 1, xf);
    PyTuple_SET_ITEM(t, 2, sr);
    PyTuple_SET_ITEM(t, 3, PyBool_FromLong(bold));
    PyTuple_SET_ITEM(t, 4, body);
    int rc = PyList_Append(out, t);
    Py_DECREF(t);
    return rc;
fail:
    Py_XDECREF(body);
    Py_XDECREF(yr);
    Py_XDECREF(sr);
    Py_XDECREF(xf);
    return -1;
}

PyDoc_STRVAR(pieces_doc,
             "pieces(text_page, text, fonts, bold) -> (pieces, straight)\n\n"
             "The line reader's per-line loop (``page`` runs it): one (round(y, 1), x, round(size, 2),\n"
             "bold, text) per PDFium line (a line split at U+FFFE, PDFium's line-end hyphen, its parts\n"
             "ending in '-'), read at its first non-blank character; straight: no line's first or last\n"
             "glyph is rotated. ``fonts`` caches bold(name bytes) per font name.");

/* The pieces of a page (``text``, its whole text, ``count`` characters) appended to ``out``: the loop
 * ``pieces`` and ``page`` share. 0, or -1 with an exception set. */
int pdftext_collect(TEXTPAGE tp, int count, PyObject *text, Fonts *fonts, PyObject *out, int *straight) {
    Pieces p;
    memset(&p, 0, sizeof p);
    p.tp = tp;
    p.count = count;
    p.straight = 1;
    p.fonts = *fonts;
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Py_ssize_t pos = 0;
    for (;;) { /* text.split("\r\n") */
        Py_ssize_t end = pos;
        while (end < n && !(PyUnicode_READ(kind, data, end) == '\r' && end + 1 < n &&
                            PyUnicode_READ(kind, data, end + 1) == '\n'))
            end++;
        Py_ssize_t seg = pos;
        for (Py_ssize_t i = pos; i <= end; i++) { /* the line's parts, split at U+FFFE */
            int hyphen = i < end && PyUnicode_READ(kind, data, i) == 0xFFFE;
            if (i < end && !hyphen) continue;
            Py_ssize_t a = seg, b = i; /* part [a, b): strip() */
            while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++;
            while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) b--;
            if (a < b && piece(&p, text, out, (int)a, (int)(b - 1), hyphen) < 0) return -1;
            seg = i + 1;
        }
        if (end >= n) break;
        pos = end + 2;
    }
    *straight = p.straight;
    return 0;
}

static PyObject *pieces(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    TEXTPAGE tp;
    int count, straight;
    if (pdftext_page_args(args, nargs, &tp, &count) < 0) return NULL;
    Fonts fonts = {.fonts = args[2], .bold_of = args[3], .last_bold = -1};
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    if (pdftext_collect(tp, count, args[1], &fonts, out, &straight) < 0) {
        Py_DECREF(out);
        return NULL;
    }
    return Py_BuildValue("(NO)", out, straight ? Py_True : Py_False);
}

PyDoc_STRVAR(bind_doc,
             "bind(count_chars, char_origin, matrix, font_size, font_info, text_object, is_generated,\n"
             "     loose_box, load_page, close_page, load_text_page, close_text_page, get_text,\n"
             "     count_objects, rotation)\n\n"
             "The addresses (ints) of pypdfium2.raw's FPDFText_CountChars, _GetCharOrigin, _GetMatrix,\n"
             "_GetFontSize, _GetFontInfo, _GetTextObject, _IsGenerated, _GetLooseCharBox, FPDF_LoadPage,\n"
             "FPDF_ClosePage, FPDFText_LoadPage, FPDFText_ClosePage, FPDFText_GetText,\n"
             "FPDFPage_CountObjects and FPDFPage_GetRotation: the PDFium library pypdfium2 loaded, the one\n"
             "whose handles the readers hold.");

static PyObject *bind(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    void *p[PDFTEXT_BOUND];
    if (nargs != PDFTEXT_BOUND) {
        PyErr_Format(PyExc_TypeError, "bind() takes %d function addresses", PDFTEXT_BOUND);
        return NULL;
    }
    for (int i = 0; i < PDFTEXT_BOUND; i++) {
        p[i] = PyLong_AsVoidPtr(args[i]);
        if (!p[i]) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "NULL function address");
            return NULL;
        }
    }
    F.count_chars = (int (*)(TEXTPAGE))p[0];
    F.char_origin = (int (*)(TEXTPAGE, int, double *, double *))p[1];
    F.matrix = (int (*)(TEXTPAGE, int, FS_MATRIX *))p[2];
    F.font_size = (double (*)(TEXTPAGE, int))p[3];
    F.font_info = (unsigned long (*)(TEXTPAGE, int, void *, unsigned long, int *))p[4];
    F.text_object = (void *(*)(TEXTPAGE, int))p[5];
    F.is_generated = (int (*)(TEXTPAGE, int))p[6];
    F.loose_box = (int (*)(TEXTPAGE, int, FS_RECTF *))p[7];
    F.load_page = (void *(*)(void *, int))p[8];
    F.close_page = (void (*)(void *))p[9];
    F.load_text_page = (TEXTPAGE(*)(void *))p[10];
    F.close_text_page = (void (*)(TEXTPAGE))p[11];
    F.get_text = (int (*)(TEXTPAGE, int, int, unsigned short *))p[12];
    F.count_objects = (int (*)(void *))p[13];
    F.rotation = (int (*)(void *))p[14];
    bound = 1;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bind", (PyCFunction)(void (*)(void))bind, METH_FASTCALL, bind_doc},
    {"pieces", (PyCFunction)(void (*)(void))pieces, METH_FASTCALL, pieces_doc},
    {"rows", (PyCFunction)(void (*)(void))pdftext_rows, METH_FASTCALL, pdftext_rows_doc},
    {"page", (PyCFunction)(void (*)(void))pdftext_page, METH_FASTCALL, pdftext_page_doc},
    {"configure", (PyCFunction)(void (*)(void))pdftext_configure, METH_FASTCALL, pdftext_configure_doc},
    {"doubtful", (PyCFunction)pdftext_doubtful, METH_O, pdftext_doubtful_doc},
    {"_checks", (PyCFunction)pdftext_checks, METH_O, pdftext_checks_doc},
    {"_round", (PyCFunction)(void (*)(void))round_, METH_FASTCALL, round_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "extractors._pdftext",
    "PDFium's pages read, and their per-line and per-glyph look-ups, in one call a page (see _pdftext.c).",
    -1,
    methods,
};

PyMODINIT_FUNC PyInit__pdftext(void) {
    PyObject *builtins = PyImport_ImportModule("builtins");
    if (!builtins) return NULL;
    round_fn = PyObject_GetAttrString(builtins, "round");
    Py_DECREF(builtins);
    one = PyLong_FromLong(1);
    two = PyLong_FromLong(2);
    dash = PyUnicode_FromString("-");
    if (!round_fn || !one || !two || !dash) return NULL;
    return PyModule_Create(&module);
}

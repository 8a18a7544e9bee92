/* extractors/_pdftext_rows.c: ``rows``, pdfglyphs._rows' loop in C (see _pdftext.c for why and how).
 *
 * Every glyph PDFium did not make up (its generated spaces, line ends and hyphen marks), with its origin,
 * the right edge of its advance box and its text object's size and boldness, in rows keyed by the
 * origin's y rounded to 0.1 pt, in order of first appearance: what pdf.plumb_page's line rule
 * (pdfglyphs._lines, Python) needs. The text object is asked once a line where an ASCII line's first and
 * last glyphs share one (PDFium lists an object's glyphs together, in order); right-to-left text, which
 * PDFium may reorder, is never ASCII and is asked glyph by glyph.
 */
#include "_pdftext.h"

static int maybe_generated(Py_UCS4 c) {
    return c == ' ' || c == '\r' || c == '\n' || c == 0x02 || c == 0xFFFE;
}

const char pdftext_rows_doc[] =
             "rows(text_page, text, fonts, bold) -> {round(y, 1): [(x, right, size, round(size, 2), "
             "bold, char)]}\n\n"
             "pdfglyphs._rows: every glyph PDFium did not make up, in rows by origin y to 0.1 pt (in\n"
             "order of first appearance); size and boldness once per text object, the text object once\n"
             "a line where an ASCII line's first and last glyphs share it.";

PyObject *pdftext_rows(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    TEXTPAGE tp;
    int count;
    if (pdftext_page_args(args, nargs, &tp, &count) < 0) return NULL;
    PyObject *text = args[1];
    Fonts fc = {.fonts = args[2], .bold_of = args[3], .last_bold = -1};
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    int n = count;
    double x = 0, y = 0;
    FS_RECTF box = {0};
    FS_MATRIX m = {0};
    char name[NAME_LEN] = {0};
    int flags = 0;
    PyObject *styles = PyDict_New(), *out = PyDict_New(), *row_at = PyDict_New();
    PyObject *size = PyFloat_FromDouble(0.0), *rounded = NULL, *bold = Py_False;
    PyObject *row = NULL, *key = NULL, *ch = NULL; /* row: borrowed from row_at */
    double row_y = 0;
    int have_row = 0;
    Py_INCREF(bold);
    if (!styles || !out || !row_at || !size) goto fail;
    rounded = Py_NewRef(size);
    void *last = NULL;
    int have_last = 0;
    int start = 0;
    for (;;) { /* PDFium's lines: text.split("\r\n") */
        int end = start;
        while (end < n && !(PyUnicode_READ(kind, data, end) == '\r' && end + 1 < n &&
                            PyUnicode_READ(kind, data, end + 1) == '\n'))
            end++;
        /* an ASCII line whose first and last glyphs share a text object holds no glyph of another */
        int tail = -1;
        int ascii = 1;
        for (int i = start; i < end && ascii; i++) ascii = PyUnicode_READ(kind, data, i) < 128;
        if (ascii) {
            int r = end;
            while (r > start && (PyUnicode_READ(kind, data, r - 1) == ' ' ||
                                 PyUnicode_READ(kind, data, r - 1) == 0x02))
                r--;
            tail = r - 1;
        }
        int known = -1;
        for (int k = start; k < end; k++) {
            CHECK_INDEX(k);
            Py_UCS4 c = PyUnicode_READ(kind, data, k);
            if (maybe_generated(c)) {
                if (F.is_generated(tp, k) || c == '\r' || c == '\n') continue;
                if (c != ' ') c = '-'; /* a real hyphen glyph PDFium marked as ending a line */
            }
            if (k > known) {
                void *obj = F.text_object(tp, k);
                if (!have_last || obj != last) {
                    have_last = 1;
                    last = obj;
                    key = obj ? PyLong_FromVoidPtr(obj) : Py_NewRef(Py_None);
                    if (!key) goto fail;
                    PyObject *style = PyDict_GetItemWithError(styles, key); /* borrowed */
                    if (!style) {
                        if (PyErr_Occurred()) goto fail;
                        F.matrix(tp, k, &m);
                        double fs = F.font_size(tp, k) *
                                    sqrt(fabs((double)m.a * (double)m.d - (double)m.b * (double)m.c));
                        F.font_info(tp, k, name, NAME_LEN, &flags);
                        int b = pdftext_font_bold(&fc, name);
                        if (b < 0) goto fail;
                        PyObject *fsf = PyFloat_FromDouble(fs);
                        PyObject *fsr = fsf ? pdftext_round(fs, pdftext_two) : NULL;
                        style = fsr ? PyTuple_Pack(3, fsf, fsr, b ? Py_True : Py_False) : NULL;
                        Py_XDECREF(fsf);
                        Py_XDECREF(fsr);
                        if (!style) goto fail;
                        int rc = PyDict_SetItem(styles, key, style);
                        Py_DECREF(style); /* the dict holds it */
                        if (rc < 0) goto fail;
                    }
                    Py_CLEAR(key);
                    Py_SETREF(size, Py_NewRef(PyTuple_GET_ITEM(style, 0)));
                    Py_SETREF(rounded, Py_NewRef(PyTuple_GET_ITEM(style, 1)));
                    Py_SETREF(bold, Py_NewRef(PyTuple_GET_ITEM(style, 2)));
                }
                if (tail > k && obj) {
                    CHECK_INDEX(tail);
                    if (F.text_object(tp, tail) == obj) known = tail;
                }
                tail = -1; /* asked once a line */
            }
            F.char_origin(tp, k, &x, &y);
            F.loose_box(tp, k, &box);
            if (!have_row || y != row_y) { /* row_at.get(y): rounded once per baseline */
                key = PyFloat_FromDouble(y);
                if (!key) goto fail;
                row = PyDict_GetItemWithError(row_at, key);
                if (!row) {
                    if (PyErr_Occurred()) goto fail;
                    PyObject *rk = pdftext_round(y, pdftext_one);
                    if (!rk) goto fail;
                    PyObject *fresh = PyList_New(0);
                    row = fresh ? PyDict_SetDefault(out, rk, fresh) : NULL; /* borrowed */
                    Py_DECREF(rk);
                    Py_XDECREF(fresh);
                    if (!row || PyDict_SetItem(row_at, key, row) < 0) goto fail;
                }
                Py_CLEAR(key);
                row_y = y;
                have_row = 1;
            }
            ch = PyUnicode_FromOrdinal(c);
            if (!ch) goto fail;
            PyObject *g = PyTuple_New(6);
            if (!g) goto fail;
            PyObject *xf = PyFloat_FromDouble(x), *rf = PyFloat_FromDouble((double)box.right);
            if (!xf || !rf) {
                Py_XDECREF(xf);
                Py_XDECREF(rf);
                Py_DECREF(g);
                goto fail;
            }
            PyTuple_SET_ITEM(g, 0, xf);
            PyTuple_SET_ITEM(g, 1, rf);
            PyTuple_SET_ITEM(g, 2, Py_NewRef(size));
            PyTuple_SET_ITEM(g, 3, Py_NewRef(rounded));
            PyTuple_SET_ITEM(g, 4, Py_NewRef(bold));
            PyTuple_SET_ITEM(g, 5, ch);
            ch = NULL;
            int rc = PyList_Append(row, g);
            Py_DECREF(g);
            if (rc < 0) goto fail;
        }
        if (end >= n) break;
        start = end + 2;
    }
    Py_DECREF(styles);
    Py_DECREF(row_at);
    Py_DECREF(size);
    Py_DECREF(rounded);
    Py_DECREF(bold);
    return out;
fail:
    Py_XDECREF(key);
    Py_XDECREF(ch);
    Py_XDECREF(styles);
    Py_XDECREF(out);
    Py_XDECREF(row_at);
    Py_XDECREF(size);
    Py_XDECREF(rounded);
    Py_XDECREF(bold);
    return NULL;
}


/* extractors/_pdftext_page.c: ``page``, the line reader's page (pdfium._page) in one call.
 *
 * Why: a 60-page policy that never names the drugs spends ~13.7 ms of CPU in PDFium's own page and text
 * page loading and ~3.5 ms in the Python around it (issue #17: extraction <= 1.2x pdftotext): the ctypes
 * calls that load a page, count and get its text, the UTF-16 buffer, the context manager, and then the
 * checks on the text, each a pass over it in Python (str.replace, strip, a regex, lower, four
 * str.count, the letters-and-digits reading, seven needle tests), the piece tuples and the Line records.
 * Here they are one pass, or two, over the text in C. Each is the Python it replaces, statement for
 * statement (tests/support/pdftext_reference.py keeps that Python; tests/extractors/test_extract_pdftext.py
 * compares the two on every font kind), and where C cannot be exact cheaply it calls that Python:
 *
 * - ``doubtful``'s Unicode categories (private use, unassigned, surrogates) come from the
 *   ``unicodedata.category`` the caller configures, asked once per code point per process (a cache);
 * - text with letters beyond ASCII (other than U+FFFE, PDFium's line-end hyphen, which lower() and
 *   NFKC leave alone and the letters-and-digits reading drops) is lowered by str.lower() and reduced by
 *   the caller's ``_flat`` (NFKC: full-width letters, composed accents);
 * - a page whose baselines are not all distinct numbers is grouped by the caller's Python
 *   (``layout.group_pieces``), as is any page with a NaN baseline (Python's sort order with NaN is its
 *   own).
 *
 * Handles: a page this call loads is closed before it returns unless the caller still needs it (a page
 * that names a needle while ``held`` can keep it, a ruled page to look at when the document may name
 * the drugs), exactly the pages pdfhandles.text_page left to its caller; a page handed in (held keeps it
 * open) is never closed here.
 *
 * Threads: the caller holds pdfhandles' lock (PDFium is not thread-safe), which is what keeps other
 * threads out of PDFium. The GIL is let go while PDFium loads the page and its text page (no Python
 * object is touched there): that is most of a page's time, seconds on a hostile page, and ctypes let it
 * go around the same calls before, so a thread waiting for an extraction's time limit (extract's
 * ``worker.join``) or a crawler's event loop is not stalled by it. It is kept for the per-character
 * look-ups, which interleave with making Python objects (letting it go per call would cost more than
 * the calls).
 */
#define _GNU_SOURCE /* memmem */
#include "_pdftext.h"

#define HOLD_HIT 1 /* a page naming a needle stays open (``held`` has room to keep it) */
#define HOLD_RULED 2 /* a straight page stays open: the document may name the drugs (``tabular``) */

static PyObject *needles, *flat_fn, *category_fn, *line_cls, *lines_fn, *bold_fn; /* ``configure`` */
static PyObject *stx_str, *fffe_str, *lower_name;
/* per BMP code point: KNOWN once asked, ODD if doubtful's category test rejects it */
#define KNOWN 1
#define ODD 2
static unsigned char props[0x10000];

const char pdftext_configure_doc[] =
    "configure(needles, flat, category, line, group, bold)\n\n"
    "What ``page`` and ``doubtful`` call: the needles (bytes, lower-case letters and digits), pdfium._flat\n"
    "(str -> str), unicodedata.category, layout.Line, the Python that orders and groups a page's pieces\n"
    "into lines when C does not ((pieces, index) -> lines), and the font rule (name bytes -> bold).";

PyObject *pdftext_configure(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyTuple_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "expected (needles tuple, flat, category, line, group, bold)");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(args[0]); i++)
        if (!PyBytes_Check(PyTuple_GET_ITEM(args[0], i))) {
            PyErr_SetString(PyExc_TypeError, "needles are bytes");
            return NULL;
        }
    for (int i = 1; i < 6; i++)
        if (!PyCallable_Check(args[i])) {
            PyErr_SetString(PyExc_TypeError, "expected callables after the needles");
            return NULL;
        }
    if (!stx_str) {
        stx_str = PyUnicode_FromOrdinal(0x02);
        fffe_str = PyUnicode_FromOrdinal(0xFFFE);
        lower_name = PyUnicode_InternFromString("lower");
        if (!stx_str || !fffe_str || !lower_name) return NULL;
    }
    PyObject **slots[6] = {&needles, &flat_fn, &category_fn, &line_cls, &lines_fn, &bold_fn};
    for (int i = 0; i < 6; i++) Py_XSETREF(*slots[i], Py_NewRef(args[i]));
    memset(props, 0, sizeof props); /* another category function: ask again */
    Py_RETURN_NONE;
}

/* 1 if doubtful's category test rejects ``c`` (Co, Cn, Cs, but the Symbol and Wingdings bullets and
 * U+FFFE), 0 if not, -1 on error */
static int odd(Py_UCS4 c) {
    if (c == 0xF0B7 || c == 0xF0A7 || c == 0xFFFE) return 0;
    if (c < 0x10000 && props[c]) return (props[c] & ODD) != 0;
    PyObject *ch = PyUnicode_FromOrdinal(c);
    if (!ch) return -1;
    PyObject *cat = PyObject_CallOneArg(category_fn, ch);
    Py_DECREF(ch);
    if (!cat) return -1;
    if (!PyUnicode_Check(cat)) {
        Py_DECREF(cat);
        PyErr_SetString(PyExc_TypeError, "category() returned no str");
        return -1;
    }
    int r = PyUnicode_CompareWithASCIIString(cat, "Co") == 0 ||
            PyUnicode_CompareWithASCIIString(cat, "Cn") == 0 ||
            PyUnicode_CompareWithASCIIString(cat, "Cs") == 0;
    Py_DECREF(cat);
    if (c < 0x10000) props[c] = KNOWN | (r ? ODD : 0);
    return r;
}

/* pdfium.doubtful: blank (str.strip() leaves nothing), a C0 control but tab and line ends, U+FFFD,
 * U+FFFF, or (text beyond ASCII) a code point ``odd`` rejects. 1, 0 or -1 on error. ``plain`` is set
 * to whether every character is ASCII or U+FFFE (the cheap path of the readings below). */
static int doubtful(PyObject *text, int *plain) {
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int blank = 1, ascii = PyUnicode_IS_ASCII(text);
    *plain = 1;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') return 1;
        if (blank && !Py_UNICODE_ISSPACE(c)) blank = 0;
        if (c < 128) continue;
        if (c == 0xFFFD || c == 0xFFFF) return 1;
        if (c != 0xFFFE) *plain = 0;
        if (!ascii) {
            int r = odd(c);
            if (r) return r;
        }
    }
    return blank;
}

const char pdftext_doubtful_doc[] =
    "doubtful(text) -> bool\n\n"
    "pdfium.doubtful: a page reading PDFium may have got wrong (blank, control or replacement\n"
    "characters, private-use or unassigned code points but two bullet glyphs and U+FFFE).";

PyObject *pdftext_doubtful(PyObject *self, PyObject *text) {
    int plain;
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return NULL;
    }
    if (!category_fn) {
        PyErr_SetString(PyExc_RuntimeError, "extractors._pdftext: configure() was not called");
        return NULL;
    }
    int r = doubtful(text, &plain);
    return r < 0 ? NULL : PyBool_FromLong(r);
}

/* low.count(" ") and sum(low.count(w) for w in pdfium._COMMON) (each count non-overlapping, left to
 * right, as str.count) over ``s``, lower-cased letter by letter: ``s`` is ``low`` itself, or a text whose
 * only letters beyond ASCII lower() leaves alone (U+FFFE). */
static const char *const COMMON[4] = {" the ", " and ", " of ", " to "};

static void count_words(PyObject *s, Py_ssize_t *spaces, Py_ssize_t *common) {
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), next[4] = {0, 0, 0, 0};
    *spaces = *common = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (PyUnicode_READ(kind, data, i) != ' ') continue;
        (*spaces)++;
        for (int w = 0; w < 4; w++) {
            if (i < next[w]) continue;
            const char *p = COMMON[w];
            Py_ssize_t j = 1;
            for (; p[j] && i + j < n; j++) {
                Py_UCS4 c = PyUnicode_READ(kind, data, i + j);
                if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (Py_UCS4)p[j]) break;
            }
            if (!p[j]) {
                (*common)++;
                next[w] = i + j;
            }
        }
    }
}

/* The lines of the pieces (``pdfium._page``): one per piece, top to bottom, when every baseline is a
 * distinct number (the rule), else the caller's Python. */
typedef struct {
    double y;
    Py_ssize_t i;
} Order;

static int by_height(const void *a, const void *b) {
    double ya = ((const Order *)a)->y, yb = ((const Order *)b)->y;
    return ya > yb ? -1 : ya < yb;
}

static PyObject *lines_of(PyObject *pieces, PyObject *index) {
    Py_ssize_t n = PyList_GET_SIZE(pieces);
    Order *order = PyMem_Malloc((n ? n : 1) * sizeof(Order));
    if (!order) return PyErr_NoMemory();
    int distinct = 1;
    for (Py_ssize_t i = 0; i < n && distinct; i++) {
        order[i].y = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(PyList_GET_ITEM(pieces, i), 0));
        order[i].i = i;
        distinct = !isnan(order[i].y);
    }
    if (distinct) qsort(order, n, sizeof(Order), by_height);
    for (Py_ssize_t i = 1; i < n && distinct; i++) distinct = order[i].y != order[i - 1].y;
    if (!distinct) {
        PyMem_Free(order);
        return PyObject_CallFunctionObjArgs(lines_fn, pieces, index, NULL);
    }
    PyObject *lines = PyList_New(n);
    for (Py_ssize_t k = 0; lines && k < n; k++) {
        PyObject *p = PyList_GET_ITEM(pieces, order[k].i); /* (y, x, size, bold, text) */
        PyObject *args[6] = {index, PyTuple_GET_ITEM(p, 4), PyTuple_GET_ITEM(p, 0), PyTuple_GET_ITEM(p, 1),
                             PyTuple_GET_ITEM(p, 2), PyTuple_GET_ITEM(p, 3)};
        PyObject *line = PyObject_Vectorcall(line_cls, args, 6, NULL);
        if (!line) Py_CLEAR(lines);
        else PyList_SET_ITEM(lines, k, line);
    }
    PyMem_Free(order);
    return lines;
}

/* The checks of a page's text (``reading``: "\x02" already replaced): doubtful (1), or read (0: ``out``
 * holds ``_flat(reading.lower())`` (a new reference), the spaces and common words of reading.lower(),
 * whether the flat text names a needle), or -1 on error. */
typedef struct {
    PyObject *flat;
    Py_ssize_t spaces, common;
    int hit;
} Checks;

static int check_text(PyObject *reading, Checks *out) {
    int plain;
    int doubt = doubtful(reading, &plain);
    if (doubt) return doubt;
    if (plain) { /* lower() and _flat are ASCII's: letters and digits, lower-cased */
        count_words(reading, &out->spaces, &out->common);
        int kind = PyUnicode_KIND(reading);
        const void *data = PyUnicode_DATA(reading);
        Py_ssize_t n = PyUnicode_GET_LENGTH(reading), m = 0;
        char *letters = PyMem_Malloc(n ? n : 1);
        if (!letters) {
            PyErr_NoMemory();
            return -1;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) letters[m++] = (char)c;
            else if (c >= 'A' && c <= 'Z') letters[m++] = (char)(c + 32);
        }
        out->flat = PyUnicode_FromStringAndSize(letters, m);
        PyMem_Free(letters);
    } else { /* str.lower() and the caller's _flat (NFKC) */
        PyObject *low = PyObject_CallMethodNoArgs(reading, lower_name);
        if (!low) return -1;
        count_words(low, &out->spaces, &out->common);
        out->flat = PyObject_CallOneArg(flat_fn, low);
        Py_DECREF(low);
        if (out->flat && !(PyUnicode_Check(out->flat) && PyUnicode_IS_ASCII(out->flat))) {
            Py_CLEAR(out->flat);
            PyErr_SetString(PyExc_TypeError, "flat() returned no ASCII str");
        }
    }
    if (!out->flat) return -1;
    const char *f = (const char *)PyUnicode_1BYTE_DATA(out->flat);
    Py_ssize_t nflat = PyUnicode_GET_LENGTH(out->flat);
    out->hit = 0;
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(needles) && !out->hit; k++) {
        PyObject *needle = PyTuple_GET_ITEM(needles, k);
        out->hit = memmem(f, nflat, PyBytes_AS_STRING(needle), PyBytes_GET_SIZE(needle)) != NULL;
    }
    return 0;
}

const char pdftext_checks_doc[] =
    "_checks(text) -> None | (flat, spaces, common, hit)\n\n"
    "The checks ``page`` makes on a page's text (\\x02 replaced): None if ``doubtful``, else\n"
    "_flat(text.lower()), its spaces and common words, whether a needle is in the flat text; for the\n"
    "tests that compare them with the Python they replaced.";

PyObject *pdftext_checks(PyObject *self, PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "expected a str");
        return NULL;
    }
    if (!line_cls) {
        PyErr_SetString(PyExc_RuntimeError, "extractors._pdftext: configure() was not called");
        return NULL;
    }
    Checks checks = {NULL, 0, 0, 0};
    int doubt = check_text(text, &checks);
    if (doubt) return doubt < 0 ? NULL : Py_NewRef(Py_None);
    return Py_BuildValue("(NnnO)", checks.flat, checks.spaces, checks.common, checks.hit ? Py_True : Py_False);
}

/* PDFium's text of a text page: pdfhandles.text_page's reading ("" without characters); NULL on error,
 * Py_None (a new reference) when PDFium wrote fewer units than it counts characters, or the text's
 * length is not the character count. */
static PyObject *page_text(TEXTPAGE tp) {
    int count = F.count_chars(tp);
    if (count <= 0) return PyUnicode_New(0, 0);
    unsigned short *buf = PyMem_Malloc(((size_t)count + 1) * 2);
    if (!buf) return PyErr_NoMemory();
    /* PDFium writes its text and a NUL: ``count`` + 1 units, or fewer (it drops characters beyond the
     * BMP, and characters at either end that have no place in its text): the rest of ``buf`` is then
     * never written (more would fail PDFium's own CHECK, which ends the process: never seen).
     * text_page's zeroed buffer gave a text with a NUL in it (doubtful: no reading); so does this. */
    if ((long long)F.get_text(tp, 0, count, buf) != (long long)count + 1) {
        PyMem_Free(buf);
        return Py_NewRef(Py_None);
    }
    int order = -1; /* little-endian, a byte-order mark kept: the "utf-16-le" codec */
    PyObject *text = PyUnicode_DecodeUTF16((const char *)buf, (Py_ssize_t)count * 2, "replace", &order);
    PyMem_Free(buf);
    if (text && PyUnicode_GET_LENGTH(text) != count) Py_SETREF(text, Py_NewRef(Py_None));
    return text;
}

const char pdftext_page_doc[] =
    "page(document, index, fonts, hold, page, text_page) -> None | (page, text_page, text, head, tail,\n"
    "     spaces, common, lines, exact, hit)\n\n"
    "pdfium._page in one call: PDFium's page ``index`` of ``document`` (addresses; or the page and text\n"
    "page handed in, which stay open), None when its reading is in doubt; else the page and text page\n"
    "left open (None when closed: only a hit with hold & 1, a straight page with hold & 2 stay open),\n"
    "PDFium's text, the first and last 16 letters and digits, the spaces and common words, the lines, \n"
    "whether they are straight on an unrotated page, whether the page names a needle.";

PyObject *pdftext_page(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 6 || !PyLong_Check(args[1]) || !PyDict_Check(args[2]) || !PyLong_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "expected (document, index, fonts dict, hold, page, text page)");
        return NULL;
    }
    if (!pdftext_bound() || !line_cls) {
        PyErr_SetString(PyExc_RuntimeError, "extractors._pdftext: bind() and configure() come first");
        return NULL;
    }
    void *doc, *page;
    TEXTPAGE tp;
    long at, hold; /* each conversion checked before the next: no C-API call with an exception set */
    if (((doc = PyLong_AsVoidPtr(args[0])) == NULL && PyErr_Occurred()) ||
        ((page = PyLong_AsVoidPtr(args[4])) == NULL && PyErr_Occurred()) ||
        ((tp = PyLong_AsVoidPtr(args[5])) == NULL && PyErr_Occurred()) ||
        ((at = PyLong_AsLong(args[1])) == -1 && PyErr_Occurred()) ||
        ((hold = PyLong_AsLong(args[3])) == -1 && PyErr_Occurred()))
        return NULL;
    if (at < 0 || at > INT_MAX) {
        PyErr_SetString(PyExc_IndexError, "page index out of range");
        return NULL;
    }
    int index = (int)at;
    if (!doc || !page != !tp) {
        PyErr_SetString(PyExc_ValueError, "NULL document, or a page without its text page");
        return NULL;
    }
    int owned = !page, keep = 0, exact = 1, hit = 0;
    PyObject *text = NULL, *reading = NULL, *flat = NULL, *pieces = NULL, *lines = NULL;
    PyObject *result = NULL;
    Checks checks = {NULL, 0, 0, 0};
    Py_ssize_t nflat = 0;
    if (owned) { /* PDFium's own work, most of a page's time: other threads run meanwhile (see above) */
        Py_BEGIN_ALLOW_THREADS
        page = F.load_page(doc, index);
        tp = page ? F.load_text_page(page) : NULL;
        if (page && !tp) F.close_page(page);
        Py_END_ALLOW_THREADS
        if (!tp) Py_RETURN_NONE;
    }
    PyObject *bold = Py_NewRef(bold_fn); /* ``fonts`` calls it: alive even if a callback configures */
    if (!(text = page_text(tp))) goto done;
    if (text == Py_None) { /* one UTF-16 unit a character, or offsets would drift */
        result = text;
        text = NULL;
        goto done;
    }
    int count = (int)PyUnicode_GET_LENGTH(text);
    if (count == 0) { /* blank: fine, but objects without text are a scan or an unmapped font */
        if (F.count_objects(page) != 0) {
            result = Py_NewRef(Py_None);
            goto done;
        }
        lines = PyList_New(0);
        flat = PyUnicode_New(0, 0);
        if (!lines || !flat) goto done;
        goto built;
    }
    if (PyUnicode_FindChar(text, 0x02, 0, count, 1) >= 0) /* PDFium's two spellings of a hyphen */
        reading = PyUnicode_Replace(text, stx_str, fffe_str, -1);
    else
        reading = Py_NewRef(text);
    if (!reading) goto done;
    int doubt = check_text(reading, &checks);
    if (doubt) {
        if (doubt > 0) result = Py_NewRef(Py_None);
        goto done;
    }
    flat = checks.flat;
    nflat = PyUnicode_GET_LENGTH(flat);
    hit = checks.hit;
    Fonts fonts = {.fonts = args[2], .bold_of = bold, .last_bold = -1};
    if (!(pieces = PyList_New(0)) || pdftext_collect(tp, count, reading, &fonts, pieces, &exact) < 0)
        goto done;
    if (!(lines = lines_of(pieces, args[1]))) goto done;
    exact = exact && F.rotation(page) == 0;
    keep = (hit && (hold & HOLD_HIT)) || (exact && (hold & HOLD_RULED));
built:;
    Py_ssize_t head = nflat < 16 ? nflat : 16;
    PyObject *pg = owned && !keep ? Py_NewRef(Py_None) : PyLong_FromVoidPtr(page);
    PyObject *tpo = owned && !keep ? Py_NewRef(Py_None) : PyLong_FromVoidPtr(tp);
    result = Py_BuildValue("(NNONNnnOOO)", pg, tpo, text, PyUnicode_Substring(flat, 0, head),
                           PyUnicode_Substring(flat, nflat - head, nflat), checks.spaces + 1, checks.common, lines,
                           exact ? Py_True : Py_False, hit ? Py_True : Py_False);
    if (!result) keep = 0;
done:
    if (owned && !keep) {
        F.close_text_page(tp);
        F.close_page(page);
    }
    Py_XDECREF(text);
    Py_XDECREF(reading);
    Py_XDECREF(flat);
    Py_XDECREF(pieces);
    Py_XDECREF(lines);
    Py_DECREF(bold);
    return result;
}

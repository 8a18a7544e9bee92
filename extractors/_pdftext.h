/* extractors/_pdftext.h: what the three parts of extractors._pdftext share (_pdftext.c: the module, the
 * binding, rounding, fonts and ``pieces``; _pdftext_rows.c: ``rows``, the glyph reader's loop;
 * _pdftext_page.c: ``page``, the line reader's page: its text, checks, needles, counts and lines). */
#ifndef PAYERWATCH_PDFTEXT_H
#define PAYERWATCH_PDFTEXT_H
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

typedef struct {
    float a, b, c, d, e, f;
} FS_MATRIX;
typedef struct {
    float left, top, right, bottom;
} FS_RECTF;
typedef void *TEXTPAGE;

/* PDFium's functions, bound by pdfhandles (``bind``) to the library pypdfium2 loaded */
typedef struct {
    int (*count_chars)(TEXTPAGE);
    int (*char_origin)(TEXTPAGE, int, double *, double *);
    int (*matrix)(TEXTPAGE, int, FS_MATRIX *);
    double (*font_size)(TEXTPAGE, int);
    unsigned long (*font_info)(TEXTPAGE, int, void *, unsigned long, int *);
    void *(*text_object)(TEXTPAGE, int);
    int (*is_generated)(TEXTPAGE, int);
    int (*loose_box)(TEXTPAGE, int, FS_RECTF *);
    /* the page reading (_pdftext_page.c): pages and text pages opened, read and closed */
    void *(*load_page)(void *, int);
    void (*close_page)(void *);
    TEXTPAGE (*load_text_page)(void *);
    void (*close_text_page)(TEXTPAGE);
    int (*get_text)(TEXTPAGE, int, int, unsigned short *);
    int (*count_objects)(void *);
    int (*rotation)(void *);
} PdftextFunctions;
#define PDFTEXT_BOUND 15 /* the functions above, the addresses ``bind`` takes */
extern PdftextFunctions pdftext_F;
#define F pdftext_F

extern PyObject *pdftext_one, *pdftext_two; /* the ints 1 and 2: round()'s digits */

#define NAME_LEN 128 /* the readers' create_string_buffer(128) */

/* The font-name cache of one call: the last name asked and its boldness, in front of the caller's
 * ``fonts`` dict (name bytes -> bold(name), computed by the caller's Python function once a name). */
typedef struct {
    PyObject *fonts, *bold_of;
    char last[NAME_LEN];
    size_t last_len;
    int last_bold; /* -1: none yet */
} Fonts;

PyObject *pdftext_round(double v, PyObject *digits);
int pdftext_page_args(PyObject *const *args, Py_ssize_t nargs, TEXTPAGE *tp, int *count);
int pdftext_font_bold(Fonts *fc, const char *name);
int pdftext_collect(TEXTPAGE tp, int count, PyObject *text, Fonts *fonts, PyObject *out, int *straight);
int pdftext_bound(void);
PyObject *pdftext_page(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *pdftext_configure(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *pdftext_doubtful(PyObject *self, PyObject *arg);
PyObject *pdftext_checks(PyObject *self, PyObject *arg);
extern const char pdftext_page_doc[], pdftext_configure_doc[], pdftext_doubtful_doc[], pdftext_checks_doc[];
PyObject *pdftext_rows(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
extern const char pdftext_rows_doc[];

#define CHECK_INDEX(i)                                                            \
    if ((i) < 0 || (i) >= count) {                                                \
        PyErr_SetString(PyExc_IndexError, "character index outside the page");    \
        goto fail;                                                                \
    }

#endif

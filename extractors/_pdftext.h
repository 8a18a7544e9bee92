/* extractors/_pdftext.h: what the two halves of extractors._pdftext share (_pdftext.c: the module, the
 * binding, rounding, fonts and ``pieces``; _pdftext_rows.c: ``rows``, the glyph reader's loop). */
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
} PdftextFunctions;
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
PyObject *pdftext_rows(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
extern const char pdftext_rows_doc[];

#define CHECK_INDEX(i)                                                            \
    if ((i) < 0 || (i) >= count) {                                                \
        PyErr_SetString(PyExc_IndexError, "character index outside the page");    \
        goto fail;                                                                \
    }

#endif

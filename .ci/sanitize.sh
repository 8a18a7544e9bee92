#!/usr/bin/env bash
# `make sanitize`: the C helper (extractors/_pdftext*.c) built with AddressSanitizer and
# UndefinedBehaviorSanitizer in a scratch copy of the tree, then its tests, the PDF extractor tests and a
# seeded fuzz run over mangled PDFs (tests/support/pdffuzz.py) against that build.
#
# Why a scratch copy: the editable install builds extractors/_pdftext in place; the sanitized build must
# not replace it. Why LD_PRELOAD: python3.11 itself is not built with ASan, so the runtime has to be loaded
# first. PYTHONMALLOC=malloc sends Python's small allocations (the helper's PyMem buffers among them)
# through malloc, where ASan sees them; leak detection is off (the interpreter never frees everything).
# A deliberate 2-byte short FPDFText_GetText buffer is reported (heap-buffer-overflow in page_text).
#
#   make sanitize                      # 130 s at load 2 (10-14 min at load 10): tests + 60 s fuzz
#   FUZZ_SECONDS=300 FUZZ_SEED=29 make sanitize     # a longer fuzz run, other mutants
#   SANITIZE_TESTS= make sanitize      # the fuzz run only
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
py=${PY:-$here/.venv/bin/python}
scratch=${SANITIZE_DIR:-/tmp/payerwatch-sanitize-$(id -u)}
rm -rf "$scratch"
mkdir -p "$scratch"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | grep -zv '^\.venv/' |
    xargs -0 cp --parents -t "$scratch" 2>/dev/null || true)
inc=$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
suffix=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -O1 -g"
gcc -shared -fPIC $flags -Wall -Werror=implicit-function-declaration -I"$inc" -I"$scratch/extractors" \
    "$scratch"/extractors/_pdftext.c "$scratch"/extractors/_pdftext_rows.c "$scratch"/extractors/_pdftext_page.c \
    -o "$scratch/extractors/_pdftext$suffix"
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
export LD_PRELOAD="$asan:$ubsan"
# Reports go to files (pytest captures stderr, and a sanitizer ends the process before pytest prints it).
logs="$scratch/sanitizer"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:log_path=$logs"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs"
report() {
    rc=$?
    if compgen -G "$logs.*" >/dev/null; then
        cat "$logs".*
        echo "sanitize: the reports above (the fuzz input being read: $scratch/current.pdf)"
        rc=1
    fi
    [ "$rc" = 0 ] && echo "sanitize: no sanitizer report"
    exit "$rc"
}
trap report EXIT
export PYTHONMALLOC=malloc
export PYTHONPATH="$scratch"
cd "$scratch"
"$py" -c 'import extractors._pdftext as m, sys; assert m.__file__.startswith(sys.argv[1]), m.__file__' "$scratch"
tests=${SANITIZE_TESTS-tests/extractors}
if [ -n "$tests" ]; then
    # shellcheck disable=SC2086
    "$py" -m pytest -q -x -p no:cacheprovider $tests -k "pdf" -m "not slow"
fi
"$py" -m tests.support.pdffuzz --seconds "${FUZZ_SECONDS:-60}" --seed "${FUZZ_SEED:-17}" --save-current "$scratch/current.pdf"

#!/usr/bin/env bash
# Installs the Debian packages payerwatch needs, only when one is missing.
#   .ci/system-packages.sh runtime   what `payerwatch` and `make demo` use: a C compiler for the install
#                                    (extractors/_pdftext*.c; the Python headers come with the interpreter)
#                                    and otherwise nothing (PDFs are read with pypdfium2/pdfplumber wheels)
#   .ci/system-packages.sh test      + the test tools: Chromium (browser tests), PostgreSQL (the store's
#                                    tests run on it too), newsboat (a real feed reader), poppler-utils,
#                                    fonts for the screenshots
#   .ci/system-packages.sh bench     + wrk (bench/crawl.py's load check)
# CI starts from a clean machine, so this is the one place that knows what the system must provide.
set -euo pipefail

what=${1:-test}
need=()
command -v gcc >/dev/null 2>&1 || need+=(gcc)  # every mode: `pip install -e .` builds extractors/_pdftext*.c
case "$what" in
    runtime) ;;
    test|bench)
        command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
        command -v newsboat  >/dev/null 2>&1 || need+=(newsboat)
        command -v chromium  >/dev/null 2>&1 || need+=(chromium)
        ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
        command -v gs        >/dev/null 2>&1 || need+=(ghostscript)  # PDFs re-written by ghostscript
        [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
        if [ "$what" = bench ]; then
            command -v wrk >/dev/null 2>&1 || need+=(wrk)
        fi
        ;;
    *) echo "usage: $0 runtime|test|bench" >&2; exit 2 ;;
esac

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "installing system packages for $what: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

#!/usr/bin/env bash
# Installs the Debian packages payerwatch's tests and benchmarks need (PostgreSQL: the store's tests
# run on it too), only when one is missing.
# CI starts from a clean machine, so this is the one place that knows what the system must provide.
set -euo pipefail

need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v newsboat  >/dev/null 2>&1 || need+=(newsboat)
command -v chromium  >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v wrk       >/dev/null 2>&1 || need+=(wrk)  # bench/crawl.py load check
command -v gs        >/dev/null 2>&1 || need+=(ghostscript)  # PDFs re-written by ghostscript (tests, bench)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    SUDO=sudo
else
    SUDO=
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

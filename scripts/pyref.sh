#!/usr/bin/env bash
# Runs Debian's /usr/bin/python3 with reference consumers unpacked into a project folder (never
# installed system-wide): python3-sklearn, python3-pandas, python3-torchvision (+ torch, numpy).
#   bash scripts/pyref.sh -c 'import sklearn'      # sets them up on first use (~1 min, ~320 MB download)
#   bash scripts/pyref.sh --setup                  # only set up
# Tests use it to check our outputs with the tools users read them with.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${IMAGE_TRIAGE_PYREF:-$ROOT/.cache/pyref}"
PKGS=(python3-sklearn python3-pandas python3-torchvision)
STAMP="$DEST/.done"
mkdir -p "$DEST"
(
  flock 9
  if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "${PKGS[*]}" ]; then
    rm -rf "$DEST/debs" "$DEST/root"
    mkdir -p "$DEST/debs" "$DEST/root"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    # apt lists may be empty on a fresh machine.
    if ! apt-cache show python3-sklearn >/dev/null 2>&1; then $SUDO apt-get update -qq >&2; fi
    echo "[pyref] downloading ${PKGS[*]} and their dependencies into $DEST" >&2
    $SUDO apt-get install --download-only -y -qq -o Dir::Cache::archives="$DEST/debs" \
      -o Debug::NoLocking=1 "${PKGS[@]}" >&2
    for f in "$DEST"/debs/*.deb; do dpkg -x "$f" "$DEST/root"; done
    rm -rf "$DEST/debs"
    echo "${PKGS[*]}" > "$STAMP"
  fi
) 9>"$DEST/.lock"
[ "${1:-}" = "--setup" ] && exit 0
R="$DEST/root"
export PYTHONPATH="$R/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}"
export LD_LIBRARY_PATH="$R/usr/lib/x86_64-linux-gnu:$R/lib/x86_64-linux-gnu:$R/usr/lib:$R/usr/lib/x86_64-linux-gnu/blas:$R/usr/lib/x86_64-linux-gnu/lapack${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONDONTWRITEBYTECODE=1
exec /usr/bin/python3 "$@"

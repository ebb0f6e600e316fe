#!/usr/bin/env bash
# Generates the random-weight clip-vit-base-patch32 bench model (fp32 + q8) from ../shared's real
# configs and tokenizer, verifies it loads through transformers.js and times one 8-image batch.
# Usage: scripts/bench-model.sh [outDir] [--no-verify | --verify-only] [--batch N] [--seed N] [--source DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=".bench/clip-vit-base-patch32-random"
if [ $# -gt 0 ] && [[ "$1" != --* ]]; then
  out="$1"
  shift
fi
exec node --import tsx src/devmodels/benchModelMain.ts "$out" "$@"

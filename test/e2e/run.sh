#!/usr/bin/env bash
# End-to-end tests in a real VS Code (code-server) driven by chromium.
#   bash test/e2e/run.sh                          # every test/e2e/*.e2e.ts
#   bash test/e2e/run.sh test/e2e/smoke.e2e.ts    # some files
#   E2E_GREP=smoke bash test/e2e/run.sh           # scenarios whose name contains "smoke"
# Needs the repo's dev dependencies (npm ci). Screenshots go to test-output/e2e/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
T0=$SECONDS

for dep in playwright-core tsx esbuild; do
  [ -d "node_modules/$dep" ] || { echo "[e2e] node_modules/$dep is missing: run npm ci first" >&2; exit 1; }
done

bash test/e2e/setup.sh

t=$SECONDS
npm run --silent build
echo "[e2e] npm run build took $(( SECONDS - t ))s"

# Every code-server the runner starts writes its process group here, so that whatever
# happens to the runner (crash, kill -9), nothing outlives this script.
# All the run's temp dirs (workspaces, code-server user data) go under E2E_TMP_ROOT.
E2E_PID_FILE="$(mktemp)"
E2E_TMP_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/e2e-run-XXXXXX")"
export E2E_PID_FILE E2E_TMP_ROOT
RUNNER=""
cleanup() {
  [ -n "$RUNNER" ] && kill -TERM "$RUNNER" 2>/dev/null || true
  while read -r pgid; do
    kill -KILL -- "-$pgid" 2>/dev/null || true
  done <"$E2E_PID_FILE"
  rm -f "$E2E_PID_FILE"
  [ -n "${E2E_KEEP_TMP:-}" ] && echo "[e2e] kept $E2E_TMP_ROOT" || rm -rf "$E2E_TMP_ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rc=0
# In the background so that a signal to this script runs the traps at once.
node --import tsx test/e2e/runner.ts "$@" &
RUNNER=$!
wait "$RUNNER" || rc=$?
RUNNER=""
echo "[e2e] total $(( SECONDS - T0 ))s"
exit $rc

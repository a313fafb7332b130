#!/usr/bin/env bash
# Builds versitygw (an S3-compatible gateway with a POSIX backend and SigV4 authentication) once from its Go module
# into a cache outside the repository, keyed by version, for the Bucket tests. Safe to re-run. Prints the binary path.
set -euo pipefail

VERSITYGW_VERSION=${FLUXION_VERSITYGW_VERSION:-1.8.0}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
OUT="$CACHE_ROOT/versitygw/v$VERSITYGW_VERSION"
BIN="$OUT/versitygw"
MODULE=github.com/versity/versitygw

say() { printf '[install-s3-server] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -x "$BIN" ]; then
  say "versitygw v$VERSITYGW_VERSION already in $OUT"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put a versitygw binary at $BIN"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

say "resolving $MODULE@v$VERSITYGW_VERSION ($(go version | cut -d' ' -f3))"
go mod download -json "$MODULE@v$VERSITYGW_VERSION" >/dev/null \
  || die "could not download $MODULE@v$VERSITYGW_VERSION from the Go module proxy ($(go env GOPROXY)). Versions available: go list -m -versions $MODULE"

mkdir -p "$OUT"
build_bin=$(mktemp -d "$OUT/.build.XXXXXX")
say "building versitygw v$VERSITYGW_VERSION; the first time this downloads modules and compiles for a few minutes"
( while sleep 30; do say "still building ($(elapsed) so far)"; done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true; rm -rf "$build_bin"' EXIT
GOBIN="$build_bin" nice -n 10 go install -trimpath -ldflags "-s -w" "$MODULE/cmd/versitygw@v$VERSITYGW_VERSION" \
  || die "go install $MODULE/cmd/versitygw@v$VERSITYGW_VERSION failed (output above)"
mv "$build_bin/versitygw" "$BIN"
say "built versitygw v$VERSITYGW_VERSION in $(elapsed): $BIN"
echo "$BIN"

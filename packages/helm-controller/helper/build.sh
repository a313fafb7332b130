#!/usr/bin/env bash
# Builds fluxion-helm-helper (Helm's SDK in one process for helm-controller) once into a cache outside the
# repository, keyed by a digest of its sources, so a changed source builds anew. Safe to re-run: an existing binary
# is kept. Prints the binary's path. helm-controller finds it there (src/helm-helper-binary.ts computes the same key).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
# the key: go.mod, go.sum and the .go files, in byte order of their names
key=$(cd "$here" && LC_ALL=C ls go.mod go.sum *.go | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-16)
OUT="$CACHE_ROOT/helm-helper/$key"
BIN="$OUT/fluxion-helm-helper"

say() { printf '[helm-helper] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -x "$BIN" ]; then
  say "fluxion-helm-helper $key already in $OUT"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl); helm-controller runs the helm CLI without it"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
started=$(date +%s)
mkdir -p "$OUT"
build_dir=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$build_dir"' EXIT
say "building fluxion-helm-helper $key on helm.sh/helm/v4 ($(go version | cut -d' ' -f3)); the first time this compiles Helm for a few minutes"
(cd "$here" && nice -n 10 go build -trimpath -ldflags "-s -w -X main.version=$key" -o "$build_dir/fluxion-helm-helper" .) \
  || die "go build of $here failed (output above); modules come from the Go module proxy ($(go env GOPROXY))"
mv "$build_dir/fluxion-helm-helper" "$BIN"
say "built in $(( $(date +%s) - started ))s: $BIN"
echo "$BIN"

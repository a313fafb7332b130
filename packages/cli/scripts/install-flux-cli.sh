#!/usr/bin/env bash
# Builds the real flux CLI once from its Go module into a cache outside the repository, keyed by version, for the
# e2e tests that drive Fluxion with it. Safe to re-run: an existing binary is kept. Prints the binary's path.
set -euo pipefail

FLUX_VERSION=${FLUXION_FLUX_VERSION:-2.9.5}
MODULE="github.com/fluxcd/flux2/v2"
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
OUT="$CACHE_ROOT/flux/v$FLUX_VERSION"
BIN="$OUT/flux"

say() { printf '[install-flux-cli] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -x "$BIN" ]; then
  say "flux v$FLUX_VERSION already in $OUT"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put a flux v$FLUX_VERSION binary at $BIN"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

say "resolving $MODULE@v$FLUX_VERSION ($(go version | cut -d' ' -f3))"
# flux2's go.mod carries a replace directive, so `go install module@version` refuses it: build from a copy.
src_dir=$(go mod download -json "$MODULE@v$FLUX_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
[ -n "$src_dir" ] && [ -d "$src_dir" ] \
  || die "could not download $MODULE@v$FLUX_VERSION from the Go module proxy ($(go env GOPROXY)). Versions available: go list -m -versions $MODULE"

mkdir -p "$OUT"
work=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
cp -R "$src_dir/." "$work/src"
chmod -R u+w "$work/src"
# The install manifests are embedded at build time (//go:embed manifests/*.yaml) and are not part of the module;
# a placeholder satisfies the embed. `flux install` is not used against Fluxion (its chart installs it).
mkdir -p "$work/src/cmd/flux/manifests"
printf '# placeholder: the flux install manifests are not embedded in this build\n' \
  > "$work/src/cmd/flux/manifests/placeholder.yaml"

say "building flux v$FLUX_VERSION; the first time this downloads modules and compiles for several minutes"
( while sleep 30; do say "still building ($(elapsed) so far)"; done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
( cd "$work/src" && nice -n 10 go build -trimpath -ldflags "-s -w -X main.VERSION=$FLUX_VERSION" \
    -o "$work/flux" ./cmd/flux ) \
  || die "go build ./cmd/flux of $MODULE@v$FLUX_VERSION failed (output above)"
mv "$work/flux" "$BIN"
say "built $("$BIN" version --client 2>/dev/null | head -1) in $(elapsed): $BIN"
echo "$BIN"

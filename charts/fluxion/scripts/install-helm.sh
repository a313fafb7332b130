#!/usr/bin/env bash
# Builds the helm CLI once from its Go module into a cache outside the repository, keyed by
# version, for the chart's tests. Safe to re-run: an existing binary is kept. Prints the binary's path.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELM_VERSION=${FLUXION_HELM_VERSION:-$(tr -d '[:space:]' < "$here/helm-version")}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
OUT="$CACHE_ROOT/helm/v$HELM_VERSION"
BIN="$OUT/helm"

say() { printf '[install-helm] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if [ -x "$BIN" ]; then
  say "helm v$HELM_VERSION already in $OUT"
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put a helm v4 binary at $BIN"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

say "resolving helm.sh/helm/v4@v$HELM_VERSION ($(go version | cut -d' ' -f3))"
go mod download -json "helm.sh/helm/v4@v$HELM_VERSION" >/dev/null \
  || die "could not download helm.sh/helm/v4@v$HELM_VERSION from the Go module proxy ($(go env GOPROXY)). Versions available: go list -m -versions helm.sh/helm/v4"

# helm 4 reads the Kubernetes version it speaks from client-go's build info; only its own version is stamped.
ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v4/internal/version.gitTreeState=clean"

mkdir -p "$OUT"
build_bin=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$build_bin"' EXIT
say "building helm v$HELM_VERSION; the first time this downloads modules and compiles for a few minutes"
# A heartbeat, so a long silent compile does not look hung.
( while sleep 30; do say "still building ($(elapsed) so far)"; done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true; rm -rf "$build_bin"' EXIT
GOBIN="$build_bin" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v4/cmd/helm@v$HELM_VERSION" \
  || die "go install helm.sh/helm/v4/cmd/helm@v$HELM_VERSION failed (output above)"
mv "$build_bin/helm" "$BIN"
say "built $("$BIN" version --short) in $(elapsed): $BIN"
echo "$BIN"

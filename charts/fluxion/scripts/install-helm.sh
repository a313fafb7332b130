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
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put a helm v3 binary at $BIN"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

say "resolving helm.sh/helm/v3@v$HELM_VERSION ($(go version | cut -d' ' -f3))"
module_json=$(go mod download -json "helm.sh/helm/v3@v$HELM_VERSION") \
  || die "could not download helm.sh/helm/v3@v$HELM_VERSION from the Go module proxy ($(go env GOPROXY)). Versions available: go list -m -versions helm.sh/helm/v3"
helm_gomod=$(printf '%s' "$module_json" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')

# helm's own Makefile stamps its version and the Kubernetes version its client libraries speak
# (used as the default for .Capabilities.KubeVersion in `helm template` and `helm lint`).
client_go=$(sed -n 's#^\s*k8s.io/client-go v0\.\([0-9]*\)\..*#\1#p' "$helm_gomod" | head -1)
[ -n "$client_go" ] || die "could not read k8s.io/client-go's version from $helm_gomod"
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$client_go"
done

mkdir -p "$OUT"
build_bin=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$build_bin"' EXIT
say "building helm v$HELM_VERSION (Kubernetes 1.$client_go client); the first time this downloads modules and compiles for a few minutes"
# A heartbeat, so a long silent compile does not look hung.
( while sleep 30; do say "still building ($(elapsed) so far)"; done ) &
heartbeat=$!
trap 'kill "$heartbeat" 2>/dev/null || true; rm -rf "$build_bin"' EXIT
GOBIN="$build_bin" go install -trimpath -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@v$HELM_VERSION" \
  || die "go install helm.sh/helm/v3/cmd/helm@v$HELM_VERSION failed (output above)"
mv "$build_bin/helm" "$BIN"
say "built $("$BIN" version --short) in $(elapsed): $BIN"
echo "$BIN"

#!/usr/bin/env bash
# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok from their Go
# modules into a cache outside the repository, keyed by version. Safe to re-run: done is skipped.
# With --node: kubelet and kube-proxy from the same module and version, and CoreDNS, for a real node.
set -euo pipefail
node_binaries=false
[ "${1:-}" = "--node" ] && node_binaries=true

KUBE_VERSION=${FLUXION_KUBE_VERSION:-1.36.3}
KWOK_VERSION=${FLUXION_KWOK_VERSION:-0.8.0}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
OUT="$CACHE_ROOT/kube/v$KUBE_VERSION"
WORK="$CACHE_ROOT/build/kube-v$KUBE_VERSION"
KUBE_MINOR=$(echo "$KUBE_VERSION" | cut -d. -f2)

say() { printf '[build-kube] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl) or point KUBEBUILDER_ASSETS at a folder holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, or put them on PATH."
fi
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod

wanted="etcd kube-apiserver kube-controller-manager kube-scheduler kwok kwok-stages.yaml"
$node_binaries && wanted="kubelet kube-proxy coredns"
all_present() {
  for b in $wanted; do
    [ -e "$OUT/$b" ] || return 1
  done
}
if all_present; then
  say "binaries for Kubernetes v$KUBE_VERSION already in $OUT"
  echo "$OUT"
  exit 0
fi

mkdir -p "$OUT" "$WORK"
started=$(date +%s)
elapsed() { echo "$(( $(date +%s) - started ))s"; }

# --- Kubernetes: a wrapper module that pins every staging module to its published v0.N.P tag.
say "resolving k8s.io/kubernetes v$KUBE_VERSION ($(go version | cut -d' ' -f3))"
kube_mod_json=$(go mod download -json "k8s.io/kubernetes@v$KUBE_VERSION") \
  || die "could not download k8s.io/kubernetes@v$KUBE_VERSION from the Go module proxy ($(go env GOPROXY)). Check the network, or set KUBEBUILDER_ASSETS to prebuilt binaries."
kube_gomod=$(printf '%s' "$kube_mod_json" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')
etcd_version=${FLUXION_ETCD_VERSION:-$(sed -n 's#^\s*go.etcd.io/etcd/server/v3 \(v[0-9.]*\).*#\1#p' "$kube_gomod" | head -1)}
[ -n "$etcd_version" ] || die "could not read etcd's version from $kube_gomod"

staging=$(sed -n '/^replace (/,/^)/p' "$kube_gomod" | sed -n 's#^\s*\(k8s.io/[a-z0-9-]*\) => ./staging/.*#\1#p')
[ -n "$staging" ] || die "no staging modules found in $kube_gomod"

kube_dir="$WORK/kubernetes"
mkdir -p "$kube_dir"
{
  echo "module fluxion.local/kube-binaries"
  echo
  echo "go 1.26.0"
  echo
  echo "require k8s.io/kubernetes v$KUBE_VERSION"
  echo
  echo "replace ("
  for m in $staging; do echo "	$m => $m v0.$KUBE_MINOR.${KUBE_VERSION##*.}"; done
  echo ")"
} > "$kube_dir/go.mod"

commands="kube-apiserver kube-controller-manager kube-scheduler"
$node_binaries && commands="kubelet kube-proxy"
cd "$kube_dir"
say "downloading modules for $commands (first time: a few minutes)"
for c in $commands; do
  go get "k8s.io/kubernetes/cmd/$c@v$KUBE_VERSION" >/dev/null 2>"$WORK/go-get-$c.log" \
    || { cat "$WORK/go-get-$c.log" >&2; die "go get k8s.io/kubernetes/cmd/$c failed (log above)"; }
done

ldflags="-s -w -X k8s.io/component-base/version.gitVersion=v$KUBE_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$KUBE_MINOR -X k8s.io/component-base/version.gitTreeState=clean"
for c in $commands; do
  if [ -x "$OUT/$c" ]; then say "$c: cached"; continue; fi
  say "building $c v$KUBE_VERSION ($(elapsed) so far)"
  go build -trimpath -ldflags "$ldflags" -o "$OUT/$c.tmp" "k8s.io/kubernetes/cmd/$c" \
    || die "go build of $c failed"
  mv "$OUT/$c.tmp" "$OUT/$c"
done

# --- CoreDNS, for a real node's Service names.
COREDNS_VERSION=${FLUXION_COREDNS_VERSION:-1.15.0}
if $node_binaries && [ ! -x "$OUT/coredns" ]; then
  say "building coredns v$COREDNS_VERSION ($(elapsed) so far)"
  GOBIN="$OUT" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@v$COREDNS_VERSION" || die "go install of coredns failed"
fi

# --- etcd: its server module has relative replaces, so it is built from a wrapper module too.
if ! $node_binaries && [ ! -x "$OUT/etcd" ]; then
  etcd_dir="$WORK/etcd"
  mkdir -p "$etcd_dir"
  cd "$etcd_dir"
  printf 'module fluxion.local/etcd-binary\n\ngo 1.26.0\n' > go.mod
  say "building etcd $etcd_version ($(elapsed) so far)"
  go get "go.etcd.io/etcd/server/v3@$etcd_version" >/dev/null 2>"$WORK/go-get-etcd.log" \
    || { cat "$WORK/go-get-etcd.log" >&2; die "go get go.etcd.io/etcd/server/v3@$etcd_version failed"; }
  go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3 || die "go build of etcd failed"
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi

# --- kwok: plays the kubelet for one fake node, so pods become Ready without a container runtime.
if ! $node_binaries && [ ! -x "$OUT/kwok" ]; then
  say "building kwok v$KWOK_VERSION ($(elapsed) so far)"
  GOBIN="$OUT" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" || die "go install of kwok failed"
fi

# kwok needs Stage objects; take kwok's own fast node/pod lifecycle stages from the module we built.
if ! $node_binaries && [ ! -f "$OUT/kwok-stages.yaml" ]; then
  kwok_dir=$(go mod download -json "sigs.k8s.io/kwok@v$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",*/\1/p')
  for f in "$kwok_dir"/kustomize/stage/node/fast/*.yaml "$kwok_dir"/kustomize/stage/node/heartbeat/*.yaml "$kwok_dir"/kustomize/stage/pod/fast/*.yaml; do
    case "$f" in */kustomization.yaml) continue ;; esac
    printf -- '---\n'; cat "$f"
  done > "$OUT/kwok-stages.yaml.tmp"
  mv "$OUT/kwok-stages.yaml.tmp" "$OUT/kwok-stages.yaml"
fi

all_present || die "some binaries are missing from $OUT after the build"
say "done in $(elapsed): $OUT"
echo "$OUT"

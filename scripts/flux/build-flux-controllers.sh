#!/usr/bin/env bash
# Builds Flux's controllers once from their Go modules into a cache outside the repository, keyed by name and version,
# for bench-vs-flux (Fluxion and Flux side by side on one control plane). Safe to re-run: an existing binary is kept.
# Prints one line per controller: "<name> <binary path> <module dir>" (the module dir holds config/crd/bases/).
# Usage: build-flux-controllers.sh [name...]   (default: kustomize-controller source-controller)
set -euo pipefail

FLUX_CONTROLLERS_VERSION=${FLUXION_FLUX_CONTROLLERS_VERSION:-1.9.6}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(kustomize-controller source-controller)

say() { printf '[build-flux-controllers] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put the binaries under $CACHE_ROOT/flux-controllers/<name>/v$FLUX_CONTROLLERS_VERSION/"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
go_version=$(go env GOVERSION | sed 's/^go//')

module_dir() { go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p'; }

build_one() {
  local name=$1 version=v$FLUX_CONTROLLERS_VERSION
  local module="github.com/fluxcd/$name" out="$CACHE_ROOT/flux-controllers/$name/$version"
  local bin="$out/$name" src
  src=$(module_dir "$module@$version") && [ -n "$src" ] && [ -d "$src" ] \
    || die "could not download $module@$version from the Go module proxy ($(go env GOPROXY)). Versions: go list -m -versions $module"
  if [ -x "$bin" ]; then
    say "$name $version already in $out"
    echo "$name $bin $src"
    return
  fi
  mkdir -p "$out"
  local work started
  work=$(mktemp -d "$out/.build.XXXXXX")
  started=$(date +%s)
  # The module's go.mod carries replace directives (one local), so `go install module@version` refuses it: a wrapper
  # module requires it and repeats the replaces that point at other modules (a local path has no meaning here).
  local replaces
  replaces=$(go mod edit -json "$src/go.mod" | node -e '
    const mod = JSON.parse(require("fs").readFileSync(0, "utf8"));
    for (const r of mod.Replace ?? []) {
      if (!r.New.Version) continue; // a local path
      const from = r.Old.Version ? `${r.Old.Path} ${r.Old.Version}` : r.Old.Path;
      console.log(`replace ${from} => ${r.New.Path} ${r.New.Version}`);
    }')
  # Versions the module proxy does not serve, swapped for the nearest it does (FLUXION_FLUX_EXTRA_REPLACES adds more,
  # one "replace a vX => b vY" per line); each is printed, as the binary is then not exactly upstream's.
  local extra="${FLUXION_FLUX_EXTRA_REPLACES:-}"
  [ "$name" = source-controller ] \
    && extra+=$'\n''replace github.com/fluxcd/pkg/artifact v0.18.3 => github.com/fluxcd/pkg/artifact v0.18.0'
  [ -n "${extra//[[:space:]]/}" ] && say "$name: replacing what the proxy lacks:$(printf '%s' "$extra" | sed 's/^/ /')"
  printf 'module fluxion.local/flux-%s\n\ngo %s\n\nrequire %s %s\n\n%s\n%s\n' \
    "$name" "$go_version" "$module" "$version" "$replaces" "$extra" > "$work/go.mod"
  # tools.go keeps the requirement through `go mod tidy`; its build tag keeps it out of the build itself.
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$module" > "$work/tools.go"
  say "building $name $version with $(go version | cut -d' ' -f3); the first time this downloads modules and compiles for minutes"
  ( while sleep 60; do say "still building $name ($(( $(date +%s) - started ))s so far)"; done ) &
  local heartbeat=$!
  local ok=1
  # tidy -e: test-only dependencies of the controller's own packages need not resolve for the binary to build
  ( cd "$work" && nice -n 10 go mod tidy -e >&2 \
      && nice -n 10 go build -trimpath -ldflags "-s -w" -o "$work/$name" "$module" >&2 ) || ok=0
  kill "$heartbeat" 2>/dev/null || true
  if [ $ok = 0 ]; then
    say "wrapper go.mod was:"; sed 's/^/  /' "$work/go.mod" >&2
    rm -rf "$work"
    die "go build of $module@$version failed (output above)"
  fi
  mv "$work/$name" "$bin"
  rm -rf "$work"
  say "built $name $version in $(( $(date +%s) - started ))s: $bin"
  echo "$name $bin $src"
}

for name in "${names[@]}"; do build_one "$name"; done

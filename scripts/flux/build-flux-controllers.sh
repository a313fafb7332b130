#!/usr/bin/env bash
# Builds Flux's controllers once from their Go modules into a cache outside the repository, keyed by name and version,
# for bench-vs-flux (Fluxion and Flux side by side on one control plane). Safe to re-run: an existing binary is kept;
# two runs at once wait for each other per controller. One that cannot be had (a version the Go module proxy refuses,
# a failed build) is named with the reason and skipped; the others still build, and the exit status is then 1.
# Prints one line per controller built: "<name> <binary path> <module dir>" (the module dir holds config/crd/bases/).
# Usage: build-flux-controllers.sh [name...]   (default: every controller below)
set -euo pipefail

# The versions that pair with flux2 v2.9.5 (its go.mod lists their api modules), newest that build with Go 1.26:
# kustomize- and source-controller v1.10.x need Go 1.27. FLUXION_FLUX_<NAME>_VERSION overrides one (e.g.
# FLUXION_FLUX_HELM_CONTROLLER_VERSION=1.6.4), FLUXION_FLUX_CONTROLLERS_VERSION the kustomize/source pair.
default_version() {
  case $1 in
    kustomize-controller | source-controller) echo "${FLUXION_FLUX_CONTROLLERS_VERSION:-1.9.6}" ;;
    helm-controller) echo 1.6.4 ;;
    notification-controller) echo 1.9.4 ;;
    image-reflector-controller | image-automation-controller) echo 1.2.5 ;;
    *) return 1 ;;
  esac
}
ALL=(kustomize-controller source-controller helm-controller notification-controller image-reflector-controller
  image-automation-controller)
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${ALL[@]}")

say() { printf '[build-flux-controllers] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

if ! command -v go >/dev/null 2>&1; then
  [ -x /usr/local/go/bin/go ] && PATH="/usr/local/go/bin:$PATH" \
    || die "no Go toolchain found. Install Go 1.26+ (https://go.dev/dl), or put the binaries under $CACHE_ROOT/flux-controllers/<name>/v<version>/"
fi
export GOTOOLCHAIN=local CGO_ENABLED=0
go_version=$(go env GOVERSION | sed 's/^go//')

version_of() {
  local override="FLUXION_FLUX_$(printf '%s' "$1" | tr 'a-z-' 'A-Z_')_VERSION"
  echo "${!override:-$(default_version "$1")}"
}

# Sets `src` to the module's directory, or `reason` to the proxy's own words ("This module version is not available").
download_module() {
  local json
  json=$(go mod download -json "$1" 2>&1) || true
  src=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p')
  [ -n "$src" ] && [ -d "$src" ] && return
  # the proxy's words without its address (a report or a doc made from them names no host)
  reason=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Error": "\(.*\)",*$/\1/p' \
    | sed -E 's/\\n\\t*/ /g; s#^.*reading https?://[^ ]*: ##; s/server response: //')
  reason=${reason:-$(printf '%s' "$json" | tr '\n' ' ')}
  return 1
}

# Returns non-zero (after saying why) when this controller cannot be had; the caller goes on with the next.
build_one() {
  local name=$1 version module out bin src reason
  version=v$(version_of "$name") || { say "skipped $name: not one of Flux's controllers (${ALL[*]})"; return 1; }
  module="github.com/fluxcd/$name" out="$CACHE_ROOT/flux-controllers/$name/$version"
  bin="$out/$name"
  if ! download_module "$module@$version"; then
    say "skipped $name: the Go module proxy did not serve $module@$version: $reason"
    return 1
  fi
  mkdir -p "$out"
  # one build per controller at a time: a second run waits here, then finds the binary
  exec {lock}>"$out/.lock"
  flock "$lock"
  if [ -x "$bin" ]; then
    say "$name $version already in $out"
    echo "$name $bin $src"
    exec {lock}>&-
    return
  fi
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
    exec {lock}>&-
    say "skipped $name: go build of $module@$version failed (output above)"
    return 1
  fi
  mv "$work/$name" "$bin"
  rm -rf "$work"
  exec {lock}>&-
  say "built $name $version in $(( $(date +%s) - started ))s: $bin"
  echo "$name $bin $src"
}

failed=()
for name in "${names[@]}"; do build_one "$name" || failed+=("$name"); done
if [ ${#failed[@]} -gt 0 ]; then
  say "not built: ${failed[*]} (reasons above); the bench runs Fluxion's side alone for those"
  exit 1
fi

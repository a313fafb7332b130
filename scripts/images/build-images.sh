#!/usr/bin/env bash
# `make images`: one image per controller that has a Dockerfile, built with podman from the two base images
# (build-base.sh) and the controller's bundles (scripts/bundle: no node_modules, sources, tests or benches).
# Usage: build-images.sh [controller ...]   (default: every packages/*-controller with a Dockerfile).
# Prints one line per image: name, size.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/podman.sh"
export PATH="$FLUXION_CACHE/toolchain/bin:$PATH"

version=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$root/charts/fluxion/Chart.yaml")
mapfile -t bases < <(bash "$here/build-base.sh")
base_image() { printf '%s\n' "${bases[@]}" | grep "/$1:"; }

tool_path() {
  case "$1" in
    helm) echo "$FLUXION_CACHE/helm/v$(tr -d '[:space:]' < "$root/charts/fluxion/scripts/helm-version")/helm" ;;
    fluxion-helm-helper) bash "$root/packages/helm-controller/helper/build.sh" ;;
    *) die "unknown tool '$1' in a Dockerfile's fluxion-tools line" ;;
  esac
}

controllers=("$@")
if [ ${#controllers[@]} -eq 0 ]; then
  for dockerfile in "$root"/packages/*-controller/Dockerfile; do controllers+=("$(basename "$(dirname "$dockerfile")")"); done
fi

for controller in "${controllers[@]}"; do
  dockerfile="$root/packages/$controller/Dockerfile"
  [ -f "$dockerfile" ] || die "no Dockerfile for $controller at $dockerfile"
  base=$(sed -n 's/^# fluxion-base: *//p' "$dockerfile")
  context="$root/.cache/images/$controller"
  rm -rf "$context"
  # the controller's bundles (one ESM file per program, every dependency inside) and the files they read at run time
  node "$root/scripts/bundle/image-app.ts" "$controller" "$context/app" >&2
  # binaries the controller runs besides git (helm), from the cache the Makefile fills, into the context's tools/
  for tool in $(sed -n 's/^# fluxion-tools: *//p' "$dockerfile"); do
    mkdir -p "$context/tools"
    cp "$(tool_path "$tool")" "$context/tools/$tool"
  done
  image="localhost/fluxion/$controller:$version"
  say "building $image on $(base_image "${base:-base}")"
  pod build --quiet --layers=false -f "$dockerfile" --build-arg "BASE=$(base_image "${base:-base}")" -t "$image" "$context" >/dev/null
  printf '%s %s\n' "$image" "$(pod image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0fMB", $1 / 1e6 }')"
done

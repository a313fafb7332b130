#!/usr/bin/env bash
# `make images`: one image per controller that has a Dockerfile, built with podman from the two base images
# (build-base.sh) and the controller's production tree (`pnpm deploy --prod`: no dev dependencies, tests or benches).
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

# Node strips TypeScript types only outside node_modules, so the workspace packages (our sources) move out of it into
# /app/workspace, leaving symlinks (Node follows them to the real path); third-party dependencies resolve from
# /app/node_modules, flat (hoisted). Tests, benches and scripts stay in the repository.
arrange_context() {
  local context=$1 pkg name
  mkdir -p "$context/workspace"
  for pkg in "$context"/node_modules/@fluxion/* "$context/node_modules/kustomize-ts"; do
    [ -d "$pkg" ] && [ ! -L "$pkg" ] || continue
    name=$(basename "$pkg")
    mv "$pkg" "$context/workspace/$name"
    ln -s "$(realpath --relative-to="$(dirname "$pkg")" "$context/workspace/$name")" "$pkg"
  done
  for pkg in "$context" "$context"/workspace/*; do rm -rf "$pkg"/{test,bench,scripts,README.md,Dockerfile}; done
  rm -f "$context"/{pnpm-lock.yaml,pnpm-workspace.yaml}
  find "$context" -name '*.test.ts' -delete
}

for controller in "${controllers[@]}"; do
  dockerfile="$root/packages/$controller/Dockerfile"
  [ -f "$dockerfile" ] || die "no Dockerfile for $controller at $dockerfile"
  base=$(sed -n 's/^# fluxion-base: *//p' "$dockerfile")
  context="$root/.cache/images/$controller"
  rm -rf "$context"
  (cd "$root" && pnpm --filter "@fluxion/$controller" deploy --prod --config.node-linker=hoisted --reporter=silent "$context/app" >&2)
  arrange_context "$context/app"
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

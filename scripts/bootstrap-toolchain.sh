#!/usr/bin/env bash
# Installs the project's Node.js and pnpm from the npm registry into a cache outside the repo.
# The machine's own Node (20, end of life) is used only to run `npm pack`; everything else runs on Node 24.
set -euo pipefail

NODE_VERSION=${FLUXION_NODE_VERSION:-24.21.0}
PNPM_VERSION=${FLUXION_PNPM_VERSION:-12.21.0}
CACHE_ROOT=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
TOOLS="$CACHE_ROOT/toolchain"
BIN="$TOOLS/bin"

say() { printf '[toolchain] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) die "unsupported CPU $(uname -m)" ;;
esac

have_version() { [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "$2" ]; }

# Fetches one npm package tarball and unpacks it into $2, without running any install script.
unpack_npm_package() {
  local spec=$1 dest=$2 tmp
  command -v npm >/dev/null 2>&1 || die "npm is needed once to fetch $spec from the npm registry; install Debian's npm (apt-get install npm)."
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null 2>"$tmp/err") \
    || { cat "$tmp/err" >&2; rm -rf "$tmp"; die "could not fetch $spec from the npm registry"; }
  rm -rf "$dest" && mkdir -p "$dest"
  tar xzf "$tmp"/*.tgz -C "$dest" --strip-components=1
  rm -rf "$tmp"
}

mkdir -p "$BIN"
if ! have_version "$BIN/node" "v$NODE_VERSION"; then
  say "installing Node.js $NODE_VERSION (node-linux-$arch from the npm registry)"
  unpack_npm_package "node-linux-$arch@$NODE_VERSION" "$TOOLS/node-v$NODE_VERSION"
  ln -sf "$TOOLS/node-v$NODE_VERSION/bin/node" "$BIN/node"
fi
if ! have_version "$BIN/pnpm" "$PNPM_VERSION"; then
  say "installing pnpm $PNPM_VERSION (@pnpm/exe.linux-$arch from the npm registry)"
  unpack_npm_package "@pnpm/exe.linux-$arch@$PNPM_VERSION" "$TOOLS/pnpm-v$PNPM_VERSION"
  ln -sf "$TOOLS/pnpm-v$PNPM_VERSION/pnpm" "$BIN/pnpm"
fi
echo "$BIN"

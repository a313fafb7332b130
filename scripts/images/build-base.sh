#!/usr/bin/env bash
# Builds the two base images every controller image starts from, from Debian's packages and the toolchain's Node 24
# (no registry serves base images here): `base` (glibc, libstdc++, CA certificates, node, user 65534) and `base-git`
# (Debian's minimal root plus git, openssh-client and gnupg, for the controllers that run git). Prints both names.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/podman.sh"

node_bin=$(readlink -f "$FLUXION_CACHE/toolchain/bin/node")
node_version=$("$node_bin" --version)
sources=${FLUXION_APT_SOURCES:-/etc/apt/sources.list.d/debian.sources}
[ -f "$sources" ] || sources=/etc/apt/sources.list
# the tag changes with this script, so a changed package list makes a new base
tag="${node_version#v}-bookworm-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-8)"

# Adds node (symbols stripped: 127 -> 108 MB), the user 65534 and a writable /tmp to the root in $1, and drops docs.
customize_root() {
  local root=$1
  install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
  strip --strip-all "$root/usr/local/bin/node"
  mkdir -p "$root/etc" "$root/tmp" && chmod 1777 "$root/tmp"
  grep -qs '^nobody:' "$root/etc/passwd" || echo 'nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin' >> "$root/etc/passwd"
  grep -qs '^nogroup:' "$root/etc/group" || echo 'nogroup:x:65534:' >> "$root/etc/group"
  rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/lintian
  find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} + 2>/dev/null || true
}

# The extract variant unpacks without maintainer scripts, so the CA bundle is assembled as update-ca-certificates does.
ca_bundle() {
  mkdir -p "$1/etc/ssl/certs"
  cat "$1"/usr/share/ca-certificates/mozilla/*.crt > "$1/etc/ssl/certs/ca-certificates.crt"
  # a POSIX shell (dash, 120 kB) for the few scripts a controller runs, e.g. helm's post-renderer plugin
  ln -sf dash "$1/bin/sh"
}

build_base() {
  local name=$1 variant=$2 packages=$3 extra_step=$4
  local image="localhost/fluxion/$name:$tag"
  if pod image exists "$image"; then echo "$image"; return; fi
  trap 'pod tag "'"$image"'" "localhost/fluxion/'"$name"':latest" 2>/dev/null || true' RETURN
  say "building $image from Debian ($packages)"
  local work; work=$(mktemp -d)
  mmdebstrap --quiet --variant="$variant" --include="$packages" bookworm "$work/root" "$sources" >&2
  customize_root "$work/root"
  [ -z "$extra_step" ] || "$extra_step" "$work/root"
  tar -C "$work/root" --numeric-owner -cf - . \
    | pod import --change 'USER 65534:65534' --change 'WORKDIR /app' --change 'ENV NODE_ENV=production TMPDIR=/tmp' \
      - "$image" >/dev/null
  rm -rf "$work"
  echo "$image"
}

build_base base extract libc6,libstdc++6,libgcc-s1,ca-certificates,dash ca_bundle
build_base base-git minbase ca-certificates,git,openssh-client,gnupg ''

# Sourced by the image scripts: podman with the settings this kind of sandbox needs (see containers.conf).
FLUXION_CACHE=${FLUXION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/fluxion}
export CONTAINERS_CONF=${CONTAINERS_CONF:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/containers.conf}
say() { printf '[images] %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
pod() { podman --storage-driver vfs --runtime runc --cgroup-manager cgroupfs "$@"; }
command -v podman >/dev/null && command -v mmdebstrap >/dev/null \
  || die "podman and mmdebstrap are needed: run \`bash scripts/install-system-packages.sh images\` (as root)"

#!/usr/bin/env bash
# Installs from Debian what the fixture servers and tests need (sshd, an OCI registry and htpasswd for it, NATS, git,
# gpg for the verify tests, podman and friends for the images); skips what is there.
set -euo pipefail

say() { printf '[system] %s\n' "$*" >&2; }

declare -A wanted=(
  [git]=git
  [sshd]=openssh-server
  [docker-registry]=docker-registry
  [nats-server]=nats-server
  [openssl]=openssl
  [gpg]=gnupg
  # make images: podman with runc, and mmdebstrap for the Debian base; strip (binutils) trims node's symbols
  [podman]=podman
  [runc]=runc
  [mmdebstrap]=mmdebstrap
  [strip]=binutils
  [htpasswd]=apache2-utils
  # a real node in testenv: containerd (with runc above), the CNI plugins and iptables for kube-proxy
  [containerd]=containerd
  [iptables]=iptables
  [conntrack]=conntrack
)
missing=()
for command in "${!wanted[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$command" ] && [ ! -x "/usr/bin/$command" ]; then
    missing+=("${wanted[$command]}")
  fi
done
# not a command: the bridge, host-local, portmap and loopback plugins the real node's containerd runs
[ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
  say "error: missing Debian packages: ${missing[*]}. Install them (apt-get install ${missing[*]}) as root."
  exit 1
fi
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
say "installing ${missing[*]} from Debian"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# Only the binaries are used: testenv runs each server itself on loopback, never as a system service.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
say "installed ${missing[*]}"

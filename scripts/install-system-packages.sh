#!/usr/bin/env bash
# Installs from Debian what the fixture servers need (sshd, an OCI registry and htpasswd for it, NATS, git); skips what is there.
set -euo pipefail

say() { printf '[system] %s\n' "$*" >&2; }

declare -A wanted=(
  [git]=git
  [sshd]=openssh-server
  [docker-registry]=docker-registry
  [nats-server]=nats-server
  [openssl]=openssl
  [htpasswd]=apache2-utils
)
missing=()
for command in "${!wanted[@]}"; do
  if ! command -v "$command" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$command" ] && [ ! -x "/usr/bin/$command" ]; then
    missing+=("${wanted[$command]}")
  fi
done
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

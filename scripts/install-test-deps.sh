#!/usr/bin/env bash
# Installs the Debian packages the tests drive (the real peers: registry,
# skopeo, podman, …) when they are missing. Safe to run again; does nothing
# when everything is there. Needs root (or sudo) and Debian's package lists.
set -euo pipefail

# command-to-look-for:debian-package
wanted=(
  podman:podman
  skopeo:skopeo
  umoci:umoci
  docker-registry:docker-registry
  htpasswd:apache2-utils
  openssl:openssl
  script:bsdutils
  gpg:gpg
  gpgconf:gpgconf
  zstd:zstd
)

missing=()
for pair in "${wanted[@]+"${wanted[@]}"}"; do
  cmd=${pair%%:*}
  pkg=${pair#*:}
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing test dependencies: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

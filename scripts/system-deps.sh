#!/usr/bin/env bash
# Install the Debian packages Ardh needs, only those that are missing.
# Safe to run again: with everything present it does nothing and prints nothing.
set -euo pipefail

packages=(
  postgresql-15 postgresql-15-postgis-3 postgresql-contrib
  gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data
  python3-venv nodejs npm
  docker-compose
  chromium fonts-noto-core time gettext
  fonts-dejavu-core  # map label glyphs (tiles/glyphs.py)
  wrk  # the HTTP load generator of make bench-tiles
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# python3-venv is irrelevant when the interpreter already has venv (e.g. pyenv builds)
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=("${missing[@]/python3-venv}")
fi
# node/npm may come from elsewhere (nvm, nodesource); accept any on PATH
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
((${#missing[@]})) || exit 0

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

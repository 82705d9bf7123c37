#!/usr/bin/env bash
# Install the Debian packages Ardh needs, only those that are missing.
# Safe to run again: with everything present it does nothing and prints nothing.
set -euo pipefail

packages=(
  postgresql-15 postgresql-15-postgis-3 postgresql-contrib
  postgresql-15-pgrouting  # the street network: travel times for the inspectors' routes (licensing/routing.py)
  gdal-bin libgdal32 libgeos-c1v5 libproj25 proj-data
  python3-venv nodejs npm
  docker-compose
  chromium fonts-noto-core time gettext
  fonts-dejavu-core  # map label glyphs (tiles/glyphs.py)
  wrk  # the HTTP load generator of make bench-tiles
  python3-qgis  # QGIS 3.22 as a client of the OGC API, tiles, WMS and WMTS (tests/ogc/test_qgis_client.py)
  nginx  # the reverse proxy of production (deploy/nginx.conf), run by tests/test_proxy.py
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0  # WeasyPrint: issued documents as PDF (fonts-noto-core: Arabic)
  poppler-utils zbar-tools  # tests read issued PDFs back (pdftotext, pdftoppm) and decode their QR codes (zbarimg)
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

# Another apt or dpkg process (unattended-upgrades, another checkout's `make`) may hold apt's locks: wait for it,
# at most ARDH_APT_LOCK_WAIT_S seconds (default 600) in all, then fail saying so.
lock_wait=${ARDH_APT_LOCK_WAIT_S:-600}
# In milliseconds: bash's SECONDS counts whole seconds from an unknown fraction, so a 3 s wait could end at 2.1 s.
now_ms() { date +%s%3N; }
deadline=$(($(now_ms) + lock_wait * 1000))
apt_get() {
  local out status
  while true; do
    status=0
    out=$($SUDO apt-get "$@" 2>&1) || status=$?
    if ((status == 0)); then
      return 0
    fi
    if grep -qiE 'could not (get|open) lock|unable to acquire the dpkg frontend lock|is another process using it' <<<"$out" \
       && (($(now_ms) < deadline)); then
      echo "apt is busy (another apt or dpkg process holds its lock); waiting..." >&2
      sleep 2
      continue
    fi
    echo "$out" >&2
    if grep -qiE 'could not (get|open) lock|unable to acquire' <<<"$out"; then
      echo "error: apt's lock was still held after ${lock_wait} s (ARDH_APT_LOCK_WAIT_S)" >&2
    fi
    return "$status"
  done
}
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

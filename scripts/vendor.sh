#!/usr/bin/env bash
# Install the front-end libraries from the npm lock and copy the files we serve
# into .data/vendor (served as /static/vendor/...). No CDN at run time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
mkdir -p .data/vendor/ol
cp -u node_modules/ol/dist/ol.js node_modules/ol/ol.css .data/vendor/ol/
# MapLibre's right-to-left text plugin (Arabic labels), loaded by maps from /static/vendor/rtl-text/.
mkdir -p .data/vendor/rtl-text
cp -u node_modules/@mapbox/mapbox-gl-rtl-text/dist/mapbox-gl-rtl-text.js .data/vendor/rtl-text/
# MapLibre GL JS for the planners' web map (/map/).
mkdir -p .data/vendor/maplibre-gl
cp -u node_modules/maplibre-gl/dist/maplibre-gl.js node_modules/maplibre-gl/dist/maplibre-gl.css \
  node_modules/maplibre-gl/LICENSE.txt .data/vendor/maplibre-gl/

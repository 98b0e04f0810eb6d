#!/usr/bin/env bash
# One-shot, idempotent set-up used by `make run` and `make test` on a fresh Debian machine.
# Assumes only python3.11 and Node/npm; installs uv, the Python packages, the npm assets and Debian packages.
set -euo pipefail
cd "$(dirname "$0")/.."
want_browser="${1:-}"

export UV_PYTHON_DOWNLOADS=never
export PATH="$HOME/.local/bin:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  echo "== installing uv from PyPI"
  python3.11 -m pip install --quiet --user uv 2>/dev/null || python3.11 -m pip install --quiet uv
fi

debs=(fonts-noto-cjk libmagic1)
[ "$want_browser" = "--browser" ] && debs+=(chromium)
missing=()
for p in "${debs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ]; then
    echo "== apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! Missing Debian packages. Run this once, then try again:"
    echo "   sudo apt-get update && sudo apt-get install -y ${missing[*]}"
    exit 1
  fi
fi

uv sync --frozen --python python3.11 --quiet

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund --silent
fi
mkdir -p static/vendor
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/
cp node_modules/echarts/dist/echarts.min.js static/vendor/
mkdir -p var/staticfiles var/media

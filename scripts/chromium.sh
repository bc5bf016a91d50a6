#!/usr/bin/env bash
# Make sure Debian's Chromium (for the browser tests, driven by Playwright) and CJK fonts (so
# that Chinese renders in screenshots) are installed; print the browser's path. Installs the
# missing packages as root with apt-get (running apt-get update first when the package lists
# are missing or stale). Playwright never downloads a browser here. Exits non-zero with a
# message on stderr when Chromium is missing and cannot be installed.
set -euo pipefail

BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

missing=()
[ -x "$BROWSER" ] || missing+=(chromium)
installed fonts-noto-cjk || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "Not installed: ${missing[*]}; this user cannot install them (not root):" \
         "sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    [ -x "$BROWSER" ] || exit 1
  else
    echo "Installing ${missing[*]} from Debian's packages..." >&2
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2; then
      apt-get update -qq >&2
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
    fi
  fi
fi

[ -x "$BROWSER" ] || { echo "Chromium is not at $BROWSER after installing it." >&2; exit 1; }
# Debian's launcher script prints a harmless shell warning on some machines: keep stderr quiet.
echo "$("$BROWSER" --version 2>/dev/null || echo "Chromium at $BROWSER")" >&2
echo "$BROWSER"

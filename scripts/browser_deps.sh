#!/usr/bin/env bash
# What the browser and translation tests need besides Chromium:
#
#   ./scripts/browser_deps.sh
#
# 1. axe-core (accessibility rules) from the npm registry: the pinned version into var/node/ (ignored by git,
#    never packaged), unless that exact version is there already; prints the path of axe.min.js. The browser
#    tests inject that file into the real pages (tests/browser/support.py); they look for it at
#    var/node/node_modules/axe-core/axe.min.js, or at CERT_MANAGER_AXE_JS when set.
# 2. GNU gettext (xgettext), which tests/test_translations.py needs to run makemessages (apt-get, as root).
# Without npm or apt-get it warns and exits 0: those tests then skip (or fail under CI).
#
# Environment: AXE_CORE_VERSION (default below), CERT_MANAGER_NODE_DIR (default var/node).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${AXE_CORE_VERSION:-4.14.1}"
PREFIX="${CERT_MANAGER_NODE_DIR:-$ROOT/var/node}"
AXE="$PREFIX/node_modules/axe-core/axe.min.js"

apt_install() { # package...
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
        echo "installing $* (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q "$@" >/dev/null
        return 0
    fi
    return 1
}

if ! command -v xgettext >/dev/null; then
    apt_install gettext || echo "warning: xgettext missing (apt-get install gettext); the makemessages check will skip" >&2
fi

installed_version() {
    node -e "process.stdout.write(require(process.argv[1]).version)" "$PREFIX/node_modules/axe-core/package.json" \
        2>/dev/null || true
}

if [[ -f "$AXE" ]] && command -v node >/dev/null && [[ "$(installed_version)" == "$VERSION" ]]; then
    echo "axe-core $VERSION already in $PREFIX"
    echo "$AXE"
    exit 0
fi

if ! command -v npm >/dev/null; then
    if ! apt_install npm; then
        echo "warning: npm is missing (apt-get install npm); the axe-core checks will skip, or fail under CI" >&2
        exit 0
    fi
fi

mkdir -p "$PREFIX"
[[ -f "$PREFIX/package.json" ]] || echo '{"private": true, "name": "cert-manager-browser-deps"}' >"$PREFIX/package.json"
echo "installing axe-core@$VERSION into $PREFIX (npm)"
npm install --prefix "$PREFIX" --no-audit --no-fund --loglevel=error --save-exact "axe-core@$VERSION" >/dev/null
if [[ ! -f "$AXE" ]]; then
    echo "error: npm finished but $AXE is missing" >&2
    exit 1
fi
echo "$AXE"

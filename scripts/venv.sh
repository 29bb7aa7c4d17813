# Shared by scripts/demo.sh and scripts/test.sh (sourced, not run): the project's .venv with pinned
# requirements, reinstalled only when a requirements file, setup.py or base.in changed.
# Expects ROOT and PYTHON; sets VENV and defines say, quiet_pip and ensure_venv.

VENV="$ROOT/.venv"

say() { printf '\n==> %s\n' "$*"; }
# pip warns once per package about index locations configured on some machines but absent: drop that noise.
quiet_pip() { grep -v "is ignored: it is neither a file nor a directory" || true; }

# ensure_venv NAME REQUIREMENTS...: create .venv (Python 3.11+), activate it, install the requirements
# files and the package (-e .) unless the stamp named NAME says they are installed already.
ensure_venv() {
    local name="$1"
    shift
    if ! "$VENV/bin/python" -c "import sys" >/dev/null 2>&1; then
        "$PYTHON" -c "import sys; sys.exit(sys.version_info < (3, 11))" || {
            echo "Python 3.11+ is needed ($PYTHON is $("$PYTHON" --version 2>&1))." >&2
            exit 2
        }
        say "creating $VENV"
        "$PYTHON" -m venv "$VENV"
    fi
    # shellcheck disable=SC1091
    source "$VENV/bin/activate"

    local stamp="$VENV/.cert-manager-$name-requirements" want requirement
    local args=()
    want="$(cat "$@" setup.py requirements/base.in | sha256sum | cut -d' ' -f1)"
    if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
        say "installing $* and the package"
        for requirement in "$@"; do args+=(-r "$requirement"); done
        python -m pip install -q "${args[@]}" 2>&1 | quiet_pip
        python -m pip install -q -e . 2>&1 | quiet_pip
        echo "$want" >"$stamp"
    else
        say "requirements already installed in $VENV"
    fi
}

# The compiled message catalogs (.mo, ignored by git) that Django reads: `pip install -e .` builds them (setup.py,
# with Babel); a catalog changed since is compiled again here (GNU msgfmt when installed, else that same pip build).
compile_catalogs() {
    local po stale=""
    for po in cert_manager_plugin/locale/*/LC_MESSAGES/*.po; do
        [[ "${po%.po}.mo" -nt "$po" ]] || stale=1
    done
    [[ -n "$stale" ]] || return 0
    say "compiling the message catalogs (cert_manager_plugin/locale)"
    if command -v msgfmt >/dev/null; then
        python setup.py -q compile_catalogs
    else
        python -m pip install -q --no-deps -e . 2>&1 | quiet_pip
    fi
}

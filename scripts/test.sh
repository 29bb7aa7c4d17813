#!/usr/bin/env bash
# The whole test suite, as CI runs it (.ci/run calls exactly this script).
#
#   ./scripts/test.sh
#
# 1. installs libmariadb-dev + pkg-config when missing (mysqlclient, the LMS's MariaDB driver, builds against them),
#    creates .venv (if missing) and installs requirements/test.txt + quality.txt and the package (-e .);
# 2. installs Debian's chromium + chromium-driver (browser tests), poppler-utils + zbar-tools (QR scan) when missing;
# 3. starts PostgreSQL, Redis and MariaDB when they are installed but not listening;
# 4. runs ruff check, ruff format --check, lint-imports (.importlinter: layers, no cycles), makemigrations --check,
#    then pytest five times:
#    SQLite (no integration/browser), PostgreSQL (everything), MariaDB (no browser), and in the LMS-shaped host
#    (lms_host/) on MariaDB: the LMS's eager test settings, then its production settings with a real worker.
#    The pytest runs go in two lanes at once (see lane_a / lane_b below).
# Prints one summary line per phase and exits non-zero if any phase failed.
#
# Environment: PYTHON (interpreter for the venv, default python3), CERT_MANAGER_TEST_DB_NAME (private test
# database name on PostgreSQL/MariaDB), PYTEST_ARGS (extra pytest arguments for every run),
# CERT_MANAGER_TEST_LANES (1: the pytest runs one after another; default 2).
set -euo pipefail
exec </dev/null

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
LOGS="$ROOT/var/test-logs"
mkdir -p "$LOGS"

# Phases may run in two lanes at once (below): each records its line and counts in files, not shell variables.
SUMMARY_FILE="$LOGS/summary.txt"
COUNTS_FILE="$LOGS/counts.txt"
FAILED_FILE="$LOGS/failed.txt"
: >"$SUMMARY_FILE"
: >"$COUNTS_FILE"
: >"$FAILED_FILE"

record() { # name status seconds detail
    printf '%-26s %-4s %4ss  %s\n' "$1" "$2" "$3" "$4" >>"$SUMMARY_FILE"
    [[ "$2" != "FAIL" ]] || echo "$1" >>"$FAILED_FILE"
}

# --- 1. virtualenv and requirements -------------------------------------------------------------------
PHASE_START=$SECONDS
if ! command -v pkg-config >/dev/null || ! { pkg-config --exists mariadb || pkg-config --exists mysqlclient; }; then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
        say "installing libmariadb-dev and pkg-config (apt-get), which mysqlclient builds against"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q libmariadb-dev pkg-config >/dev/null
    else
        echo "warning: libmariadb-dev/pkg-config missing and apt-get unavailable (not root): mysqlclient will not build" >&2
    fi
fi
ensure_venv test requirements/test.txt requirements/quality.txt

# --- 2. browser -------------------------------------------------------------------------------------------
# pdftoppm (poppler-utils) and zbarimg (zbar-tools) let a test scan the QR code printed on a PDF.
if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver || ! -x /usr/bin/pdftoppm || ! -x /usr/bin/zbarimg ]]; then
    if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
        say "installing chromium, chromium-driver, poppler-utils and zbar-tools (apt-get)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q >/dev/null
        apt-get install -y -q chromium chromium-driver poppler-utils zbar-tools >/dev/null
    else
        echo "warning: chromium/chromedriver/pdftoppm/zbarimg missing and apt-get unavailable (not root)" >&2
    fi
fi
# axe-core (npm, into var/node/) for the accessibility checks, gettext for the catalog check
"$ROOT/scripts/browser_deps.sh" || echo "warning: scripts/browser_deps.sh failed; axe-core checks will skip (fail under CI)" >&2

compile_catalogs

record "install (venv, browser)" ok $((SECONDS - PHASE_START)) "$VENV"

# --- 3. local services --------------------------------------------------------------------------------------
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1; }

wait_for() { # port seconds
    local i
    for ((i = 0; i < $2 * 2; i++)); do
        listening "$1" && return 0
        sleep 0.5
    done
    return 1
}

start_service() { # name port command...
    local name="$1" port="$2"
    shift 2
    if listening "$port"; then
        echo "$name: listening on $port"
        return 0
    fi
    echo "$name: starting"
    if "$@" >>"$LOGS/services.log" 2>&1 && wait_for "$port" 30; then
        echo "$name: listening on $port"
    else
        echo "warning: $name did not start (see $LOGS/services.log); its tests will skip or fail" >&2
    fi
}

say "local services"
PHASE_START=$SECONDS
if [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null; then
    start_service PostgreSQL 5432 \
        bash -c 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start'
else
    echo "PostgreSQL: not installed here"
fi
if command -v redis-server >/dev/null; then
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    start_service Redis 6379 \
        redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
else
    echo "Redis: not installed here"
fi
if [[ -x /usr/sbin/mariadbd ]]; then
    if ! listening 3306; then
        mkdir -p /run/mysqld 2>/dev/null || true
        chown mysql:mysql /run/mysqld 2>/dev/null || true
    fi
    start_service MariaDB 3306 start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
else
    echo "MariaDB: not installed here"
fi

record "services" ok $((SECONDS - PHASE_START)) "PostgreSQL, Redis, MariaDB"

# --- 4. checks and test runs ---------------------------------------------------------------------------------
check() { # name command...
    local name="$1" start rc
    shift
    say "$name: $*"
    start=$SECONDS
    set +e
    "$@"
    rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then
        record "$name" ok $((SECONDS - start)) ""
    else
        record "$name" FAIL $((SECONDS - start)) "exit $rc"
    fi
}

junit_counts() { # junit.xml -> "passed failed skipped"
    python - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 0 0")
    sys.exit()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = failures = skipped = 0
for suite in suites:
    tests += int(suite.get("tests", 0))
    failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
    skipped += int(suite.get("skipped", 0))
print(tests - failures - skipped, failures, skipped)
PY
}

run_pytest() { # name db port markexpr [settings-module [paths...]]
    local name="$1" db="$2" port="$3" markexpr="$4" settings_module="${5:-devsite.test_settings}" start rc counts
    local passed failed skipped detail
    shift 5 2>/dev/null || shift $#
    local paths=("$@")
    local xml="$LOGS/pytest-${name// /-}.xml"
    local args=(-q -p no:cacheprovider --timeout=600 --junitxml="$xml")
    [[ -n "$markexpr" ]] && args+=(-m "$markexpr")
    # the demo host's runs leave the LMS-shaped host's tests to the runs below (they need its settings)
    [[ ${#paths[@]} -eq 0 ]] && args+=(--ignore=tests/lms_host)
    # shellcheck disable=SC2206
    [[ -n "${PYTEST_ARGS:-}" ]] && args+=(${PYTEST_ARGS})
    say "$name: CERT_MANAGER_DB=$db pytest ${args[*]}"
    if [[ -n "$port" ]] && ! listening "$port"; then
        if [[ "${CI:-}" == "true" || "${CERT_MANAGER_REQUIRE_SERVICES:-}" == "1" ]]; then
            echo "error: nothing listens on 127.0.0.1:$port and services are required (CI)" >&2
            record "$name" FAIL 0 "database not reachable on port $port"
        else
            echo "warning: nothing listens on 127.0.0.1:$port; skipping the $name run" >&2
            record "$name" skip 0 "database not reachable on port $port (set CI=true to make this a failure)"
        fi
        return 0
    fi
    rm -f "$xml"
    start=$SECONDS
    set +e
    if [[ "$settings_module" == lms.envs.* ]]; then
        # the LMS-shaped host: its stand-ins on sys.path, its own settings modules (LMS_CFG for production)
        PYTHONPATH="$ROOT/lms_host:$ROOT" DJANGO_SETTINGS_MODULE="$settings_module" LMS_CFG="$ROOT/lms_host/lms.yml" \
            CERT_MANAGER_DB="$db" CERT_MANAGER_TEST_DB_NAME="${CERT_MANAGER_TEST_DB_NAME:-test_cert_manager}_lms" \
            python -m pytest "${args[@]}" "${paths[@]}"
    else
        # SQLite: a file test database, so threads share it as a server's requests do (tests/test_concurrency.py)
        rm -f "$LOGS/test-sqlite.sqlite3"*
        CERT_MANAGER_DB="$db" DJANGO_SETTINGS_MODULE="$settings_module" \
            CERT_MANAGER_SQLITE_TEST_PATH="$LOGS/test-sqlite.sqlite3" python -m pytest "${args[@]}"
    fi
    rc=$?
    set -e
    read -r passed failed skipped <<<"$(junit_counts "$xml")"
    echo "$passed $failed $skipped" >>"$COUNTS_FILE"
    detail="$passed passed, $failed failed, $skipped skipped"
    if [[ $rc -eq 0 ]]; then
        record "$name" ok $((SECONDS - start)) "$detail"
    elif [[ $rc -eq 5 ]]; then
        echo "error: pytest collected no tests for the $name run (exit 5): the suite is missing or mis-marked" >&2
        record "$name" FAIL $((SECONDS - start)) "no tests collected (pytest exit 5)"
    else
        record "$name" FAIL $((SECONDS - start)) "pytest exit $rc; $detail"
    fi
}

export DJANGO_SETTINGS_MODULE=devsite.test_settings
check "ruff check" ruff check .
check "ruff format --check" ruff format --check .
check "lint-imports (.importlinter layers)" lint-imports --no-cache
check "makemigrations --check" python manage.py makemigrations --check --dry-run
# Inside the LMS-shaped host (lms_host/) on MariaDB: the LMS's eager test settings run the REST, job, event and
# temporary-score suites and the host's own; its production settings (a Redis broker) run the real-worker tests.
LMS_SUITES=(tests/lms_host tests/test_rest_api_views.py tests/test_rest_api_queries.py tests/test_rest_api_schema.py
    tests/test_permissions.py tests/test_jobs.py tests/test_tasks.py tests/test_events.py tests/test_temporary_score.py
    tests/test_services.py tests/test_dashboard.py tests/test_retirement.py tests/test_bulk_exceptions.py
    tests/test_rendering_export.py tests/test_reconcile.py tests/test_concurrency.py tests/test_fingerprints.py
    tests/test_rest_api_credentials.py tests/test_credentials_*.py tests/test_rest_api_designs.py tests/test_designs_*.py
    tests/test_rendering_design_html.py tests/test_sql.py)

# Two lanes share the two cores: lane A is PostgreSQL (everything: Chromium walks, real workers on Redis), then the
# LMS host's real worker (Redis too, so never beside lane A's workers); lane B is SQLite, MariaDB and the LMS host's
# eager run, whose databases lane A does not touch. Most of lane A's time is spent waiting on Chromium and the
# database, so the two together take little longer than lane A alone. CERT_MANAGER_TEST_LANES=1 runs them in turn.
lane_a() {
    run_pytest "pytest postgresql" postgresql 5432 ""
    run_pytest "pytest lms host worker" mysql 3306 "integration" lms.envs.production tests/lms_host/test_lms_worker.py
}
lane_b() {
    run_pytest "pytest sqlite" sqlite "" "not integration and not browser"
    run_pytest "pytest mariadb" mysql 3306 "not browser"
    run_pytest "pytest lms host mariadb" mysql 3306 "not integration and not browser" lms.envs.test "${LMS_SUITES[@]}"
}
if [[ "${CERT_MANAGER_TEST_LANES:-2}" == "1" ]]; then
    lane_b
    lane_a
else
    say "two lanes at once: lane B (SQLite, MariaDB, LMS host) writes to $LOGS/lane-b.log, printed when it ends"
    lane_b >"$LOGS/lane-b.log" 2>&1 &
    LANE_B=$!
    lane_a
    wait "$LANE_B" || true
    say "lane B output ($LOGS/lane-b.log)"
    cat "$LOGS/lane-b.log"
fi

say "summary"
cat "$SUMMARY_FILE"
FAILED=0
[[ ! -s "$FAILED_FILE" ]] || FAILED=1
read -r TOTAL_PASSED TOTAL_FAILED TOTAL_SKIPPED <<<"$(awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}' "$COUNTS_FILE")"
if [[ $FAILED -ne 0 ]]; then
    echo "FAILED: see the output above (junit files in $LOGS)"
fi
echo "wall time: $((SECONDS / 60))m$((SECONDS % 60))s"
echo "total: $TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
exit "$FAILED"

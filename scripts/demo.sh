#!/usr/bin/env bash
# The demo in one command, on a machine with only Python 3.11+:
#
#   ./scripts/demo.sh
#
# creates .venv, installs the pinned requirements and the package (-e .), migrates SQLite
# (var/demo.sqlite3), seeds course-v1:DemoX+CERT101+2026 through real openedx-events
# (python manage.py seed_demo), then serves the demo LMS on http://127.0.0.1:8000 and prints the logins.
# Running it again reuses the venv and the database and duplicates nothing.
#
# Environment: PYTHON (interpreter for the venv, default python3), DEMO_PORT (default 8000).
set -euo pipefail
exec </dev/null

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
PORT="${DEMO_PORT:-8000}"
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
ensure_venv demo requirements/base.txt

export DJANGO_SETTINGS_MODULE=devsite.settings
export CERT_MANAGER_DB=sqlite
export CERT_MANAGER_SQLITE_PATH="$ROOT/var/demo.sqlite3"
mkdir -p "$ROOT/var"

say "migrating $CERT_MANAGER_SQLITE_PATH"
python manage.py migrate --noinput -v 0

say "seeding the demo course (real openedx-events; a second run adds nothing)"
python manage.py seed_demo

cat <<INFO

==> serving the demo LMS on http://127.0.0.1:$PORT/  (Ctrl-C stops it)
    instructor panel: http://127.0.0.1:$PORT/cert_manager/instructor/course-v1:DemoX+CERT101+2026/
    learner dashboard: http://127.0.0.1:$PORT/cert_manager/dashboard/
    REST API schema:  http://127.0.0.1:$PORT/api/cert_manager/v1/schema/
    Django admin:     http://127.0.0.1:$PORT/admin/
    sign in as instructor / demo-instructor (more logins above)
INFO
exec python manage.py runserver "127.0.0.1:$PORT" --noreload

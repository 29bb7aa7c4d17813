#!/usr/bin/env bash
# The demo in one command, on a machine with only Python 3.11+:
#
#   ./scripts/demo.sh
#
# creates .venv, installs the pinned requirements and the package (-e .), migrates SQLite
# (var/demo.sqlite3), seeds course-v1:DemoX+CERT101+2026 through real openedx-events
# (python manage.py seed_demo), then starts a real Celery worker and serves the demo LMS on
# http://127.0.0.1:8000, printing the logins. Running it again reuses the venv and the database and
# duplicates nothing; Ctrl-C stops the server and the worker.
#
# Background jobs are real: the web process publishes them to kombu's filesystem broker (message files in
# var/celery/, no server to install) and one worker (with Celery beat inside it, for the stale-job sweep)
# runs them, chunk by chunk, so the panel's progress bars move and Cancel stops a job. The worker pauses
# DEMO_CHUNK_DELAY seconds before each chunk of DEMO_BATCH_SIZE learners, so a job on the demo's 240 learners
# lasts long enough to watch.
#
# Environment: PYTHON (interpreter for the venv, default python3), DEMO_PORT (default 8000),
# DEMO_BATCH_SIZE (learners per chunk, default 20), DEMO_CHUNK_DELAY (seconds, default 0.5; 0 for full speed).
set -euo pipefail
exec </dev/null

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
PORT="${DEMO_PORT:-8000}"
# shellcheck source=scripts/venv.sh
source "$ROOT/scripts/venv.sh"
ensure_venv demo requirements/base.txt

compile_catalogs

export DJANGO_SETTINGS_MODULE=devsite.settings
export CERT_MANAGER_DB=sqlite
export CERT_MANAGER_SQLITE_PATH="$ROOT/var/demo.sqlite3"
mkdir -p "$ROOT/var"

say "migrating $CERT_MANAGER_SQLITE_PATH"
python manage.py migrate --noinput -v 0

say "seeding the demo course (real openedx-events; a second run adds nothing)"
# The seed runs its one "generate all" job in-process (the eager memory:// broker), before any worker exists.
CERT_MANAGER_BROKER_URL=memory:// python manage.py seed_demo

# From here on, jobs go through a real broker to a real worker: both processes read these.
export CERT_MANAGER_BROKER_URL=filesystem://
export CERT_MANAGER_BROKER_DIR="$ROOT/var/celery"
# The demo signs credentials with a key it keeps in its database, and names itself by its own address (did:web).
export DEVSITE_EXTRA_SETTINGS="{\"CERT_MANAGER_BATCH_SIZE\": ${DEMO_BATCH_SIZE:-20}, \"CERT_MANAGER_VC_DEMO_KEY\": true, \"CERT_MANAGER_BASE_URL\": \"http://127.0.0.1:${PORT}\"}"
mkdir -p "$CERT_MANAGER_BROKER_DIR"

say "starting the Celery worker (filesystem broker in $CERT_MANAGER_BROKER_DIR; log: var/celery/worker.log)"
WORKER_LOG="$CERT_MANAGER_BROKER_DIR/worker.log"
: >"$WORKER_LOG"
CERT_MANAGER_DEMO_CHUNK_DELAY="${DEMO_CHUNK_DELAY:-0.5}" python -m celery -A devsite.celery worker \
    --pool=solo -n "demo@%h" --without-gossip --without-mingle -l info \
    --beat --schedule "$CERT_MANAGER_BROKER_DIR/beat-schedule" >>"$WORKER_LOG" 2>&1 &
WORKER_PID=$!
stop_worker() {
    if kill -0 "$WORKER_PID" 2>/dev/null; then
        echo "stopping the Celery worker ($WORKER_PID)"
        kill -TERM "$WORKER_PID" 2>/dev/null || true
        wait "$WORKER_PID" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'exit 130' INT TERM

for _ in $(seq 1 60); do
    grep -q " ready." "$WORKER_LOG" && break
    if ! kill -0 "$WORKER_PID" 2>/dev/null; then
        echo "the Celery worker did not start:" >&2
        tail -n 30 "$WORKER_LOG" >&2
        exit 1
    fi
    sleep 0.5
done
grep -q " ready." "$WORKER_LOG" || echo "warning: the worker is not ready yet (see $WORKER_LOG)" >&2
# A job left running by a previous demo that was stopped mid-way: fail it and resume its unfinished chunks.
python manage.py resume_stale_jobs

cat <<INFO

==> serving the demo LMS on http://127.0.0.1:$PORT/  (Ctrl-C stops it and the worker)
    instructor panel: http://127.0.0.1:$PORT/cert_manager/instructor/course-v1:DemoX+CERT101+2026/
    learner dashboard: http://127.0.0.1:$PORT/cert_manager/dashboard/
    REST API schema:  http://127.0.0.1:$PORT/api/cert_manager/v1/schema/
    Django admin:     http://127.0.0.1:$PORT/admin/
    sign in as instructor / demo-instructor (more logins above)
    jobs run on the Celery worker (pid $WORKER_PID): "Generate all" shows live progress and can be cancelled
INFO
python manage.py runserver "127.0.0.1:$PORT" --noreload

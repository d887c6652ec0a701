#!/bin/sh
# Production: migrate once, then gunicorn (the web workers) and WORKERS background workers
# (`flask worker`: reminders + push dispatch, safe to run several). SIGTERM/SIGINT stops them all;
# if any process ends by itself the others are stopped too, so a supervisor (systemd, Docker) restarts the set.
# Configuration comes only from the environment (README: Configuration; gunicorn.conf.py).
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
WORKERS=${WORKERS:-2}
DISPATCH_PROCESSES=${DISPATCH_PROCESSES:-1}  # each worker's dispatcher processes during a backlog
export FLASK_APP=${FLASK_APP:-app}
# glibc gives each thread its own malloc arena and keeps freed memory in it: with gthread workers that bloats
# RSS (measured with benchmarks/load.py: ~330 MiB per worker at 100 members vs ~200 MiB with 2 arenas).
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}

"$BIN/flask" db upgrade || { echo "flask db upgrade failed; not starting." >&2; exit 1; }

PIDS=""
"$BIN/gunicorn" -c gunicorn.conf.py app:app &
PIDS="$!"
i=0
while [ "$i" -lt "$WORKERS" ]; do
  "$BIN/flask" worker --processes "$DISPATCH_PROCESSES" &
  PIDS="$PIDS $!"
  i=$((i + 1))
done

STOPPING=0
STATUS=0
stop() {
  STOPPING=1
  for pid in $PIDS; do kill -TERM "$pid" 2>/dev/null; done
}
trap stop INT TERM HUP

# Wait until a child ends (or a signal arrives), then stop all and wait for each.
while [ "$STOPPING" -eq 0 ]; do
  for pid in $PIDS; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "process $pid ended; stopping the others." >&2
      STATUS=1
      stop
      break
    fi
  done
  [ "$STOPPING" -eq 0 ] && sleep 1
done
for pid in $PIDS; do wait "$pid" 2>/dev/null; done
exit "$STATUS"

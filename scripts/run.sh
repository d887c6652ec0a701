#!/bin/sh
# `make run`: the web server and the background worker (reminders + push dispatcher) side by side.
# Ctrl+C (or either process ending) stops both.
set -u
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}

"$BIN/flask" worker &
WORKER=$!
"$BIN/flask" run --host "$HOST" --port "$PORT" &
SERVER=$!

stop() {
  kill -TERM "$SERVER" "$WORKER" 2>/dev/null
}
trap stop INT TERM HUP
wait "$SERVER"
stop
wait "$SERVER" "$WORKER" 2>/dev/null

#!/usr/bin/env bash
# `make run`: the site under uvicorn (an ASGI server, reloading when the code changes) and, beside
# it, the background worker (`manage.py worker`: the periodic jobs and the tasks queue, so an
# order's e-mail prints on this console within seconds of its placement). Both stop together: on
# Ctrl-C, on SIGTERM, or when either exits (its exit status is the script's); nothing is left running.
#
# ASGI, not `manage.py runserver`: the live updates are server-sent events from an async view,
# which a WSGI server (runserver is one) would buffer until the stream ends. WhiteNoise serves the
# static files from the app folders (DEBUG: its finders and autorefresh are on).
#
#   scripts/run.sh PYTHON ADDRESS          e.g. scripts/run.sh .venv/bin/python 127.0.0.1:8000
#
# Both run in the background of this shell, which forwards one SIGTERM to each: a background
# process ignores the terminal's Ctrl-C (SIGINT), so the worker hears one signal and finishes
# the task in hand. Bash 3.2 (macOS) is enough: no `wait -n`.
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 PYTHON ADDRESS" >&2
  exit 64
fi
python=$1
address=$2
host=${address%:*}
port=${address##*:}
host=${host#[}
host=${host%]}
cd "$(dirname "$0")/.." || exit 1
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}

server=
worker=
pause=

stop() {
  trap - INT TERM
  for pid in $server $worker $pause; do
    kill -TERM "$pid" 2>/dev/null
  done
  # The worker finishes the task in hand (seconds); uvicorn closes the open streams (2 s at most).
  for pid in $server $worker; do
    wait "$pid" 2>/dev/null
  done
}

trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

"$python" manage.py worker &
worker=$!
# Open streams would hold a reload or a stop for as long as they last: 2 seconds at most.
"$python" -m uvicorn config.asgi:application --host "$host" --port "$port" \
  --reload --reload-dir littlelemon --reload-dir config --timeout-graceful-shutdown 2 &
server=$!

# Until one of them exits (a busy port, a crash): then the other is stopped too.
while kill -0 "$server" 2>/dev/null && kill -0 "$worker" 2>/dev/null; do
  sleep 1 &
  pause=$!
  wait "$pause" 2>/dev/null
done
if kill -0 "$server" 2>/dev/null; then
  wait "$worker"
  status=$?
  echo "run.sh: the worker exited ($status); stopping the server" >&2
else
  wait "$server"
  status=$?
  echo "run.sh: the server exited ($status); stopping the worker" >&2
fi
stop
exit "$status"

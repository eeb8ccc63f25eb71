#!/usr/bin/env bash
# `make fuzz`: property-based testing of the whole API with schemathesis, against a real server.
#
# Starts gunicorn on loopback with production settings on a throwaway database (a temporary
# SQLite file, or FUZZ_DATABASE_URL: CI points it at its PostgreSQL), loads the demo
# restaurant, creates one user per role with a real JWT (fuzz/accounts.py), then runs
# schemathesis on every operation of /api/schema/ (fetched once) anonymously and as each role, the roles in
# parallel. Operations come from the schema, so endpoints added later are fuzzed without
# touching this script.
#
# Checks (fuzz/schemathesis.toml): no 5xx, every status code and content type documented,
# bodies match the schema. Depth: the manager, who passes every permission check, gets all of
# schemathesis' phases (boundary "coverage" cases, random "fuzzing" cases, "stateful" sequences
# following the schema's links: create, then read, change, delete); every other role gets
# FUZZ_EXAMPLES random cases per operation; the admin only on what only an admin may do.
#
# Knobs (environment): FUZZ_EXAMPLES (per operation and phase, default 50), FUZZ_SEED (replay
# a run), FUZZ_ROLES (default: anonymous customer kitchen delivery-crew manager admin),
# FUZZ_ARGS (more schemathesis options), FUZZ_VERBOSE=1 (print every role's full report).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-.venv/bin}
EXAMPLES=${FUZZ_EXAMPLES:-50}
ROLES=${FUZZ_ROLES:-anonymous customer kitchen delivery-crew manager admin}
SEED=${FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}

work=$(mktemp -d /tmp/littlelemon-fuzz.XXXXXX)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Production settings (config.settings.fuzz: only the password hasher is cheaper), served over
# plain HTTP on loopback; no throttling (the fuzzer would only meet 429s: throttling has its
# own tests); access tokens that outlive the run.
export DJANGO_SETTINGS_MODULE=config.settings.fuzz DEBUG=false
export SECRET_KEY="fuzz-$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SECURE_COOKIES=false
export DATABASE_URL=${FUZZ_DATABASE_URL:-sqlite:///$work/db.sqlite3}
export JWT_ACCESS_MINUTES=240 LOG_LEVEL=WARNING
export THROTTLE_ANON_RATE=off THROTTLE_USER_RATE=off THROTTLE_LOGIN_RATE=off THROTTLE_SIGNUP_RATE=off
export THROTTLE_ORDER_RATE=off THROTTLE_LOGIN_USERNAME_RATE=off

started=$SECONDS
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py seed_demo --force --quiet-logins >/dev/null
"$BIN/python" fuzz/accounts.py >"$work/tokens"

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The front server's own URL limit (414) is not the application's: lift it for the fuzzer.
"$BIN/gunicorn" config.wsgi -b "127.0.0.1:$port" -w 3 --limit-request-line 0 --limit-request-field_size 0 \
  --timeout 120 --no-control-socket --access-logfile /dev/null --error-logfile "$work/server.log" 2>>"$work/server.log" &
server_pid=$!
"$BIN/python" - "http://127.0.0.1:$port/health" <<'PY'
import sys, time, urllib.request
for _ in range(300):  # up to a minute for gunicorn to start
    try:
        urllib.request.urlopen(sys.argv[1], timeout=5)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("gunicorn did not start")
PY
# The schema, fetched once for every role: six schemathesis processes asking the server to
# generate it at the same moment timed out (10 s) on a loaded machine.
"$BIN/python" - "http://127.0.0.1:$port/api/schema/?format=json" "$work/schema.json" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=120) as response, open(sys.argv[2], "wb") as schema:
    schema.write(response.read())
PY

fuzz_role() {
  local role=$1 args=(--phases fuzzing)
  case $role in
    manager) args=(--phases coverage,fuzzing,stateful) ;;
    admin) args=(--phases fuzzing --include-path-regex '^/api/v1/groups/manager/') ;;
  esac
  if [ "$role" != anonymous ]; then
    args+=(-H "Authorization: Bearer $(awk -v role="$role" '$1 == role {print $2}' "$work/tokens")")
  fi
  # One schemathesis worker: generation is CPU-bound under the GIL, and hypothesis' lambda
  # introspection is not thread-safe on Python 3.11 (a rare SystemError with several).
  # shellcheck disable=SC2086
  "$BIN/schemathesis" --config-file fuzz/schemathesis.toml run "$work/schema.json" --url "http://127.0.0.1:$port" \
    "${args[@]}" --max-examples "$EXAMPLES" --seed "$SEED" --workers 1 --no-color ${FUZZ_ARGS:-} \
    >"$work/$role.log" 2>&1
}

echo "schemathesis: $EXAMPLES examples per operation, seed $SEED, database ${DATABASE_URL%%:*}, roles: $ROLES"
declare -A jobs
for role in $ROLES; do
  fuzz_role "$role" &
  jobs[$role]=$!
done

failed=0
for role in $ROLES; do
  if wait "${jobs[$role]}"; then
    summary=$(grep -E "^  [0-9]+ generated" "$work/$role.log" | tr -s ' ')
    echo "  as $role:$summary (phases: $(grep -E '^  (✅|❌) ' "$work/$role.log" | awk '{print $2}' | paste -sd, -))"
    [ -n "${FUZZ_VERBOSE:-}" ] && cat "$work/$role.log"
  else
    failed=1
    echo "=== as $role: FAILED"
    cat "$work/$role.log"
  fi
done
echo "schemathesis took $((SECONDS - started))s"

if [ "$failed" = 1 ]; then
  echo "schemathesis found failures (replay with FUZZ_SEED=$SEED make fuzz). The server's log:"
  grep -v '^\s*$' "$work/server.log" | tail -n 80
  exit 1
fi
echo "schemathesis: no failures"

# Source this file: `pg_start` starts a throwaway PostgreSQL cluster on a free loopback port and
# exports DATABASE_URL (and PG_BIN, PG_DATA, PG_ROOT, PG_PORT); `pg_stop` stops it and removes
# its files. `pg_pause` stops the server and `pg_resume` starts it again with the same data and
# port (the database-outage tests). Used by .ci/run, the outage tests and `make bench-postgres`.
#
# initdb refuses to run as root, so as root the cluster runs as the `postgres` user.

pg__as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
  if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
    echo "PostgreSQL binaries not found: installing postgresql with apt-get" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql postgresql-contrib >&2
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  PG_ROOT=$(mktemp -d /tmp/littlelemon-pg.XXXXXX)
  chmod 755 "$PG_ROOT"
  [ "$(id -u)" = 0 ] && chown postgres: "$PG_ROOT"
  PG_DATA="$PG_ROOT/data"
  PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg__as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 --no-sync >"$PG_ROOT/initdb.log"
  export PG_BIN PG_DATA PG_ROOT PG_PORT
  pg_resume
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/littlelemon"
  pg__as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres littlelemon
  echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_DATA)"
}

pg_resume() {
  # A disposable cluster: durability off for speed, sockets in our own folder.
  pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_ROOT/server.log" -w -t 60 \
    -o "-p $PG_PORT -k $PG_ROOT -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null
}

pg_pause() {
  pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
}

pg_stop() {
  [ -n "${PG_DATA:-}" ] || return 0
  pg__as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_ROOT"
  unset PG_DATA DATABASE_URL
}

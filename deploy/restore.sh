#!/usr/bin/env bash
# Restore a deploy/backup.sh dump into DATABASE_URL, replacing what is there, in one transaction
# (a failed restore leaves the database as it was).
#
#   DATABASE_URL=postgres://user:password@host:5432/littlelemon deploy/restore.sh FILE --yes
#
# Stop the web processes first (docs/deploy.md, "Backups and restores"); run
# `deploy/entrypoint.sh migrate` after restoring a dump older than the code.
set -euo pipefail

usage() {
  echo "usage: DATABASE_URL=postgres://... $0 FILE --yes" >&2
  exit 64
}

[ $# -eq 2 ] && [ "$2" = "--yes" ] || usage
file=$1
: "${DATABASE_URL:?set DATABASE_URL to the database to restore into (postgres://...)}"
[ -r "$file" ] || { echo "$file: not a readable file" >&2; exit 66; }
pg_restore --list "$file" >/dev/null || { echo "$file: not a pg_dump custom-format archive" >&2; exit 65; }

pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error \
  --dbname="$DATABASE_URL" "$file"
echo "restored $file"

#!/usr/bin/env bash
# A PostgreSQL backup of Little Lemon: pg_dump's custom format (compressed, restorable table by
# table with deploy/restore.sh), written beside its older ones and checked readable.
#
#   DATABASE_URL=postgres://user:password@host:5432/littlelemon deploy/backup.sh [FILE]
#
# FILE defaults to $BACKUP_DIR/littlelemon-<UTC date and time>.dump (BACKUP_DIR: ./backups).
# BACKUP_KEEP_DAYS (default 14; 0 keeps everything) removes that folder's littlelemon-*.dump files
# older than that many days, once the new one is safely written. Prints the new file's path.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL to the database to back up (postgres://...)}"
backup_dir=${BACKUP_DIR:-./backups}
keep_days=${BACKUP_KEEP_DAYS:-14}
file=${1:-$backup_dir/littlelemon-$(date -u +%Y%m%dT%H%M%SZ).dump}

mkdir -p "$(dirname "$file")"
partial="$file.partial"
trap 'rm -f "$partial"' EXIT

pg_dump --format=custom --compress=6 --no-owner --no-privileges --dbname="$DATABASE_URL" --file="$partial"
# A dump that pg_restore cannot list is no backup: fail now, not on the day it is needed.
pg_restore --list "$partial" >/dev/null
mv "$partial" "$file"

if [ "$keep_days" -gt 0 ] && [ -z "${1:-}" ]; then
  find "$backup_dir" -maxdepth 1 -name 'littlelemon-*.dump' -type f -mtime "+$keep_days" -print -delete >&2
fi
echo "$file"

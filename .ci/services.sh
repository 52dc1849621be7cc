#!/usr/bin/env bash
# Installs (Debian packages) what the test suite needs and starts its servers, on loopback only:
# PostgreSQL on 127.0.0.1:55432 and Redis on 127.0.0.1:56379. Prints the two test URLs as
# shell exports. Idempotent: servers already running are left alone.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PG_PORT=55432
REDIS_PORT=56379
PG_DIR=/tmp/tandem-ci-pg

# PostgreSQL and Redis for the suites; Chromium for the browser tests; python3-caldav, vdirsyncer
# and litmus are the real CalDAV clients the DAV suite drives (with /usr/bin/python3).
PACKAGES="postgresql redis-server chromium python3-caldav vdirsyncer litmus"
need=0
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need=1
for cmd in redis-server chromium vdirsyncer litmus; do command -v "$cmd" >/dev/null 2>&1 || need=1; done
/usr/bin/python3 -c 'import caldav' >/dev/null 2>&1 || need=1
if [ "$need" = 1 ]; then
  apt-get update -qq >&2
  apt-get install -y -qq $PACKAGES >&2
fi
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

if ! "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q 2>/dev/null; then
  rm -rf "$PG_DIR"
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  # PostgreSQL refuses to run as root: initialise and start it as the postgres user.
  su postgres -s /bin/sh -c "'$PG_BIN/initdb' -D '$PG_DIR/data' -U postgres --auth=trust -E UTF8 >/dev/null"
  su postgres -s /bin/sh -c "'$PG_BIN/pg_ctl' -D '$PG_DIR/data' -l '$PG_DIR/log' -w start -o \"-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300\" >/dev/null"
fi

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes >/dev/null
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

echo "export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT"

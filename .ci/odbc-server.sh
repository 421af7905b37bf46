# A PostgreSQL server for the tests of database sources (tests/it/odbc.rs), reached over ODBC
# through Debian's psqlODBC driver. Sourced by .ci/run, or by hand before a test run:
#
#   source .ci/odbc-server.sh && cargo test --locked --test it odbc; odbc_server_stop
#
# The server runs from a temporary folder on a local socket only (no TCP port), as the
# `postgres` user when run as root (PostgreSQL refuses to run as root), else as the user.
# The driver and the DSN `uppfolj_test` are registered in that folder (ODBCSYSINI, ODBCINI):
# no system file is changed. Exports UPPFOLJ_TEST_ODBC, the connection string the tests use.

odbc_server_start() {
  local pg_bin driver pw
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  driver="$(find /usr/lib /usr/local/lib -name psqlodbcw.so -print -quit 2>/dev/null || true)"
  if [ ! -x "$pg_bin/initdb" ] || [ -z "$driver" ]; then
    echo "odbc-server: PostgreSQL or psqlODBC is not installed (apt-get install postgresql odbc-postgresql)" >&2
    return 1
  fi
  ODBC_SERVER_DIR="$(mktemp -d /tmp/uppfolj-odbc.XXXXXX)"
  chmod 755 "$ODBC_SERVER_DIR"
  mkdir "$ODBC_SERVER_DIR/pg"
  pw="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$pw" >"$ODBC_SERVER_DIR/pg/pwfile"
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres "$ODBC_SERVER_DIR/pg"
    ODBC_SERVER_AS=(runuser -u postgres --)
  else
    ODBC_SERVER_AS=()
  fi
  "${ODBC_SERVER_AS[@]}" "$pg_bin/initdb" -D "$ODBC_SERVER_DIR/pg/data" -U uppfolj \
    --pwfile="$ODBC_SERVER_DIR/pg/pwfile" --auth=scram-sha-256 -E UTF8 --locale=C >/dev/null
  rm -f "$ODBC_SERVER_DIR/pg/pwfile"
  "${ODBC_SERVER_AS[@]}" "$pg_bin/pg_ctl" -D "$ODBC_SERVER_DIR/pg/data" -l "$ODBC_SERVER_DIR/pg/log" \
    -o "-k $ODBC_SERVER_DIR/pg -c listen_addresses='' -p 5432" -w start >/dev/null
  ODBC_SERVER_PG_BIN="$pg_bin"
  PGPASSWORD="$pw" "$pg_bin/createdb" -h "$ODBC_SERVER_DIR/pg" -U uppfolj uppfolj
  cat >"$ODBC_SERVER_DIR/odbcinst.ini" <<EOF
[PostgreSQL Unicode]
Description=PostgreSQL ODBC driver (Unicode)
Driver=$driver
EOF
  cat >"$ODBC_SERVER_DIR/odbc.ini" <<EOF
[uppfolj_test]
Driver=PostgreSQL Unicode
Servername=$ODBC_SERVER_DIR/pg
Port=5432
Database=uppfolj
# Rows come from the server 10 000 at a time (a cursor), not the whole result at once.
UseDeclareFetch=1
Fetch=10000
EOF
  export ODBCSYSINI="$ODBC_SERVER_DIR" ODBCINI="$ODBC_SERVER_DIR/odbc.ini"
  export UPPFOLJ_TEST_ODBC="DSN=uppfolj_test;UID=uppfolj;PWD=$pw"
  echo "odbc-server: PostgreSQL on $ODBC_SERVER_DIR/pg, DSN uppfolj_test"
}

odbc_server_stop() {
  if [ -n "${ODBC_SERVER_DIR:-}" ] && [ -d "$ODBC_SERVER_DIR/pg/data" ]; then
    "${ODBC_SERVER_AS[@]}" "$ODBC_SERVER_PG_BIN/pg_ctl" -D "$ODBC_SERVER_DIR/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$ODBC_SERVER_DIR"
  fi
}

odbc_server_start

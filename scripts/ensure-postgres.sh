#!/usr/bin/env bash
# Make sure PostgreSQL server binaries exist for the test suite (ecomdsl.testing.postgres).
#
# Quiet and idempotent when /usr/lib/postgresql/*/bin has initdb and pg_ctl. Otherwise, as root
# on Debian, installs Debian's `postgresql` package (the server is never started here: tests
# start their own throwaway cluster). Does nothing when ECOMDSL_TEST_PG_DSN points the tests at
# an existing server. When it cannot install, it says what to do; under CI=true it then fails,
# as the PostgreSQL tests would.
set -euo pipefail

have_server_binaries() {
  local bin
  for bin in /usr/lib/postgresql/*/bin; do
    if [[ -x $bin/initdb && -x $bin/pg_ctl ]]; then
      return 0
    fi
  done
  return 1
}

cannot_install() {
  {
    echo "ensure-postgres: PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin/initdb)."
    echo "ensure-postgres: $1"
    echo "ensure-postgres: fix: run 'sudo apt-get install postgresql' (Debian/Ubuntu), or set"
    echo "ensure-postgres: ECOMDSL_TEST_PG_DSN to the DSN of a server the tests may use."
  } >&2
  case "${CI:-}" in
    true | TRUE | True | 1 | yes) exit 1 ;;
    *) exit 0 ;;  # outside CI the PostgreSQL tests are skipped with a reason
  esac
}

if have_server_binaries; then
  exit 0
fi
if [[ -n ${ECOMDSL_TEST_PG_DSN:-} ]]; then
  echo "ensure-postgres: ECOMDSL_TEST_PG_DSN is set; the tests use that server, not installing PostgreSQL" >&2
  exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
  cannot_install "Not running as root, so not installing it."
fi
if ! command -v apt-get >/dev/null 2>&1; then
  cannot_install "apt-get not found: not a Debian-like system, install PostgreSQL's server yourself."
fi

echo "ensure-postgres: installing Debian's postgresql (apt-get; can take a minute)..." >&2
log=$(mktemp /tmp/ensure-postgres.XXXXXX.log)
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql; } >"$log" 2>&1; then
  echo "ensure-postgres: apt-get failed; its output:" >&2
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
if ! have_server_binaries; then
  echo "ensure-postgres: 'postgresql' is installed but /usr/lib/postgresql/*/bin/initdb is still missing;" >&2
  echo "ensure-postgres: see which server package is installed: dpkg -l 'postgresql-[0-9]*'" >&2
  exit 1
fi
echo "ensure-postgres: installed $(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)" >&2

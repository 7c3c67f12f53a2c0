#!/usr/bin/env bash
# Inventory benchmark (issue 14): builds the extension if needed, starts PostgreSQL (Debian's postgresql
# package) and ONE production-mode Keycloak 26.7.3 on it, seeds 100,000 users with 5 app passwords each in
# SQL, times first pages with each filter and search, deep pages (first= and the after= cursor) and the CSV
# of everything, and prints the query plans. About 10 minutes on 2 cores.
#   bench/inventory.sh                          # the issue's scale
#   bench/inventory.sh -Dbench.users=2000       # any -D option of InventoryBenchmark (see its Javadoc)
# The report is also written to target/bench/inventory.md. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "PostgreSQL is missing: apt-get install postgresql" >&2
  exit 2
fi

. bench/prepare.sh
java -version 2>&1 | head -1

exec java \
  -Dkeycloak.home=target/keycloak-dist/keycloak-26.7.3 \
  -Dapp-passwords.jar=target/keycloak-app-passwords.jar \
  -Dkeycloak.start.timeout=600 \
  "$@" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.apppasswords.keycloak.bench.InventoryBenchmark

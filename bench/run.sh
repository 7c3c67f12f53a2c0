#!/usr/bin/env bash
# Login benchmark: builds the extension if needed, starts ONE Keycloak 26.7.3 (H2, start-dev, 127.0.0.1)
# with it, seeds users and app passwords, measures the grants side by side with wrk, counts sessions and
# SQL writes (a second, SQL-logging start), and prints a table with the targets of issue #5.
#   bench/run.sh                       # everything (5 rounds), about 15 minutes
#   bench/run.sh -Dbench.duration=5    # any -D option of LoginBenchmark (see its Javadoc)
# The report is also written to target/bench/results.md. Not part of CI. BENCH_CLASS picks another
# benchmark of the same kind (bench/throttle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
  echo "wrk is missing: apt-get install wrk" >&2
  exit 2
fi

. bench/prepare.sh
java -version 2>&1 | head -1

keycloak_home="target/keycloak-dist/keycloak-26.7.3"
exec java \
  -Dkeycloak.home="$keycloak_home" \
  -Dapp-passwords.jar=target/keycloak-app-passwords.jar \
  -Dkeycloak.server.log=target/bench/keycloak-server.log \
  -Dbench.lua=bench/token.lua \
  -Dkeycloak.start.timeout=600 \
  "$@" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  "${BENCH_CLASS:-io.apppasswords.keycloak.bench.LoginBenchmark}"

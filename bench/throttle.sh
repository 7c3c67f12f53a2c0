#!/usr/bin/env bash
# Throttle benchmark (issue 23): what the per-source throttle's bookkeeping costs a successful app-password
# grant. Builds the extension if needed, starts ONE Keycloak 26.7.3 (H2, start-dev, 127.0.0.1), and measures
# the same grants from one forwarded address with the throttle on and off, alternating, side by side.
#   bench/throttle.sh                       # 6 rounds, about 5 minutes
#   bench/throttle.sh -Dbench.rounds=10     # any -D option of ThrottleBenchmark (see its Javadoc)
# The report is also written to target/bench/throttle.md. Not part of CI.
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
  io.apppasswords.keycloak.bench.ThrottleBenchmark

#!/usr/bin/env bash
# Throttle benchmark (issue 23): what the per-source throttle's bookkeeping costs a successful app-password
# grant. One Keycloak 26.7.3 (H2, start-dev, 127.0.0.1), the same grants from one forwarded address with the
# throttle on and off, alternating, side by side (io.apppasswords.keycloak.bench.ThrottleBenchmark).
#   bench/throttle.sh                       # 6 rounds, about 5 minutes after Keycloak's start
#   bench/throttle.sh -Dbench.rounds=10     # any -D option of ThrottleBenchmark (see its Javadoc)
# The report is also written to target/bench/throttle.md. Not part of CI.
BENCH_CLASS=io.apppasswords.keycloak.bench.ThrottleBenchmark exec "$(dirname "$0")/run.sh" "$@"

#!/usr/bin/env bash
# Live revocation benchmark (issue 21; BENCHMARKS.md, "Live revocation"): one Keycloak 26.7.3 (H2, start-dev,
# 127.0.0.1) and, on loopback, Dovecot 2.3 and (when .ci/dovecot24-root.sh has made its root) 2.4 with the shipped
# Lua passdb and the doveadm HTTP API. The time from the revoke's HTTP answer to the device's IMAP IDLE connection
# closing, p50/p95 over 20 revocations per case: one app password revoked, all of a user's revoked
# (io.apppasswords.keycloak.bench.RevocationBenchmark). About 5 minutes after Keycloak's start.
#   bench/revocation.sh                          # 20 revocations per case and line
#   bench/revocation.sh -Dbench.revocations=50   # any -D option of RevocationBenchmark (see its Javadoc)
# Runs as root. The table also goes to target/bench/revocation-results.md. Not part of CI.
BENCH_CLASS=io.apppasswords.keycloak.bench.RevocationBenchmark BENCH_NAME=revocation \
  exec "$(dirname "$0")/imap.sh" "$@"

#!/usr/bin/env bash
# IMAP logins with Dovecot's auth cache off and on (issue 21; BENCHMARKS.md, "Dovecot's auth cache"): one
# Keycloak 26.7.3 (H2, start-dev, 127.0.0.1) and, on loopback, Dovecot 2.3 with the shipped Lua passdb twice, its
# auth part as shipped but for the cache (off; auth_cache_size 10M, ttl 5 mins, negative ttl 0), plus 2.4 the
# same way when the shipped Lua script defines auth_passdb_get_cache_key(). IMAP LOGIN + LOGOUT per second with
# 4 and 16 concurrent clients (bench/imap.sh's rounds), and a reconnect storm of 20 devices, side by side
# (io.apppasswords.keycloak.bench.ImapCacheBenchmark). About 6 minutes after Keycloak's start.
#   bench/imap-cache.sh                          # 2 rounds, 15 s per measurement, 10 storms
#   bench/imap-cache.sh -Dbench.storms=20        # any -D option of ImapCacheBenchmark (see its Javadoc)
# Runs as root. The table also goes to target/bench/imap-cache-results.md. Not part of CI.
BENCH_CLASS=io.apppasswords.keycloak.bench.ImapCacheBenchmark BENCH_NAME=imap-cache \
  exec "$(dirname "$0")/imap.sh" "$@"

#!/usr/bin/env bash
# IMAP login benchmark (BENCHMARKS.md, "IMAP logins through Dovecot"): one Keycloak 26.7.3 (H2, start-dev,
# 127.0.0.1) and, on loopback, Dovecot 2.3 with the shipped Lua passdb, with its built-in oauth2 passdb and
# with a passwd-file passdb (the floor), plus Dovecot 2.4 with the Lua passdb when .ci/dovecot24-root.sh has
# made its root. IMAP LOGIN + LOGOUT per second with 4 and 16 concurrent clients; every login must succeed.
#   bench/imap.sh                          # 2 rounds, 15 s per measurement: about 8 minutes
#   bench/imap.sh -Dbench.duration=5       # any -D option of ImapBenchmark (see its Javadoc)
# Runs as root (Dovecot's mail user is nobody). The table also goes to target/bench/imap-results.md.
# BENCH_CLASS picks another benchmark through Dovecot (bench/revocation.sh, bench/imap-cache.sh), BENCH_NAME
# names its Keycloak log.
set -euo pipefail
cd "$(dirname "$0")/.."

for need in /usr/sbin/dovecot /usr/lib/dovecot/modules/auth/libauthdb_lua.so; do
  [ -e "$need" ] || { echo "$need is missing: apt-get install dovecot-imapd dovecot-submissiond dovecot-auth-lua" >&2; exit 2; }
done

. bench/prepare.sh
/usr/sbin/dovecot --version

exec java \
  -Dkeycloak.home=target/keycloak-dist/keycloak-26.7.3 \
  -Dapp-passwords.jar=target/keycloak-app-passwords.jar \
  -Dkeycloak.server.log="target/bench/keycloak-server-${BENCH_NAME:-imap}.log" \
  -Dkeycloak.start.timeout=600 \
  "$@" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  "${BENCH_CLASS:-io.apppasswords.keycloak.bench.ImapBenchmark}"

#!/usr/bin/env bash
# Forward-auth benchmark (BENCHMARKS.md, "Forward-auth checks"): one Keycloak 26.7.3 (H2, start-dev,
# 127.0.0.1) and Debian's nginx with docker/http/nginx-separate.conf on loopback. Side by side, in rounds that
# each start one scenario later: the app-password grant at the token endpoint, the forward-auth check asked
# directly, and a small file of nginx's WebDAV share fetched through nginx (one check each). wrk -t4 -c4.
#   bench/forward-auth.sh                        # 3 rounds, 15 s per measurement: about 4 minutes
#   bench/forward-auth.sh -Dbench.duration=5     # any -D option of ForwardAuthBenchmark (see its Javadoc)
# The table also goes to target/bench/forward-auth-results.md.
set -euo pipefail
cd "$(dirname "$0")/.."

for need in wrk /usr/sbin/nginx /usr/bin/radicale /usr/lib/nginx/modules/ngx_http_dav_ext_module.so; do
  command -v "$need" >/dev/null 2>&1 || [ -e "$need" ] || {
    echo "$need is missing: apt-get install wrk nginx radicale libnginx-mod-http-dav-ext" >&2; exit 2; }
done

. bench/prepare.sh

exec java \
  -Dkeycloak.home=target/keycloak-dist/keycloak-26.7.3 \
  -Dapp-passwords.jar=target/keycloak-app-passwords.jar \
  -Dkeycloak.server.log=target/bench/keycloak-server-forward-auth.log \
  -Dkeycloak.start.timeout=600 \
  "$@" \
  -cp "target/test-classes:target/classes:$(cat target/bench/classpath.txt)" \
  io.apppasswords.keycloak.bench.ForwardAuthBenchmark

#!/bin/bash
# Renders the config templates (the files MailServerIT tests) from environment variables, then runs Dovecot
# or Postfix in the foreground. A placeholder without a value stops the container with a clear message.
set -euo pipefail

templates=/usr/local/share/app-passwords

render() { # template target [mode]
  local vars missing=()
  vars=$(grep -o '\${[A-Z0-9_]*}' "$1" | sort -u | tr '\n' ' ' || true)
  for v in $vars; do
    v=${v#\$\{}; v=${v%\}}
    [ -n "${!v:-}" ] || missing+=("$v")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "entrypoint: $1 needs these environment variables: ${missing[*]}" >&2
    exit 64
  fi
  envsubst "$vars" < "$1" > "$2"
  chmod "${3:-0644}" "$2"
}

# A self-signed certificate for a first start; mount a real one at TLS_CERT / TLS_KEY for anything else.
tls() {
  if [ ! -s "$TLS_CERT" ] || [ ! -s "$TLS_KEY" ]; then
    echo "entrypoint: no certificate at $TLS_CERT, creating a self-signed one for ${MAIL_HOSTNAME:-localhost}" >&2
    mkdir -p "$(dirname "$TLS_CERT")" "$(dirname "$TLS_KEY")"
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=${MAIL_HOSTNAME:-localhost}" \
      -addext "subjectAltName=DNS:${MAIL_HOSTNAME:-localhost},DNS:localhost,IP:127.0.0.1" \
      -keyout "$TLS_KEY" -out "$TLS_CERT" 2>/dev/null
    chmod 0600 "$TLS_KEY"
  fi
}

case "${1:-}" in
  dovecot)
    tls
    render "$templates/dovecot/dovecot.conf" "$DOVECOT_CONF_DIR/dovecot.conf"
    # holds the client secret
    render "$templates/dovecot/dovecot-oauth2.conf.ext" "$DOVECOT_CONF_DIR/dovecot-oauth2.conf.ext" 0600
    # The shipped Lua passdb next to it: `!include auth-keycloak-2.3.conf` in place of the oauth2 passdb (README)
    install -m 0644 "$templates/dovecot/keycloak-app-passwords.lua" "$DOVECOT_CONF_DIR/keycloak-app-passwords.lua"
    render "$templates/dovecot/auth-keycloak-2.3.conf" "$DOVECOT_CONF_DIR/auth-keycloak-2.3.conf"
    # The auth cache, for a Dovecot that Keycloak tells when an app password ends (docs/LIVE-REVOCATION.md).
    # This setup gives Keycloak no doveadm listener to tell, so dovecot.conf leaves it out: the cache stays off.
    render "$templates/dovecot/auth-cache.conf" "$DOVECOT_CONF_DIR/auth-cache.conf"
    # holds the client secret
    render "$templates/dovecot/keycloak-app-passwords.conf.ext" "$DOVECOT_CONF_DIR/keycloak-app-passwords.conf.ext" 0640
    chgrp dovecot "$DOVECOT_CONF_DIR/keycloak-app-passwords.conf.ext"
    exec dovecot -F -c "$DOVECOT_CONF_DIR/dovecot.conf"
    ;;
  postfix)
    tls
    render "$templates/postfix/main.cf" /etc/postfix/main.cf
    render "$templates/postfix/master.cf" /etc/postfix/master.cf
    exec postfix start-fg
    ;;
  *)
    exec "$@"
    ;;
esac

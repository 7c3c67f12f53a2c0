#!/usr/bin/env bash
# Makes a Debian 13 root holding Dovecot 2.4 with dovecot-auth-lua, for the tests that run the shipped Lua
# passdb on both Dovecot lines (Debian 12's archive has only 2.3). The tests start it with
# `chroot ROOT dovecot -F -c CONF`: it shares this machine's network namespace, so loopback works.
# A root that was finished before is reused (its marker file is written last). Prints the root's path.
#   .ci/dovecot24-root.sh [ROOT]      default: $DOVECOT24_ROOT, else ~/.cache/keycloak-app-passwords/debian13-dovecot
set -euo pipefail

root=${1:-${DOVECOT24_ROOT:-$HOME/.cache/keycloak-app-passwords/debian13-dovecot}}
# The marker names what the root holds: a root made for an older list is made again.
marker="$root/.app-passwords-root-complete-v2"
if [ -e "$marker" ] && [ -x "$root/usr/sbin/dovecot" ]; then
  echo "$root"
  exit 0
fi

command -v debootstrap >/dev/null 2>&1 || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
}

# The Debian mirror this machine already uses (deb822 or one-line sources), so no other host is asked.
mirror=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
  | awk '/^URIs:/ {uri=$2} /^Suites:/ && uri ~ /\/debian\/?$/ && $0 !~ /security/ {print uri; exit}')
if [ -z "$mirror" ]; then
  mirror=$(grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
    | awk '$2 ~ /\/debian\/?$/ {print $2; exit}')
fi
mirror=${mirror:-http://deb.debian.org/debian}

# A half-made root from an interrupted run is started over.
rm -rf "$root"
mkdir -p "$(dirname "$root")"
debootstrap --variant=minbase \
  --include=dovecot-imapd,dovecot-submissiond,dovecot-lmtpd,dovecot-auth-lua,postfix,ca-certificates \
  trixie "$root" "$mirror" >&2
# minbase leaves no hosts file: "localhost" in a token URL must resolve inside the root too
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
touch "$marker"
echo "$root"

#!/bin/sh
# setup-debian.sh: puts the Dovecot of Debian 12/13 or Ubuntu 22.04/24.04 (packages dovecot-core and
# dovecot-auth-lua) behind Keycloak app passwords, with no other way in. Run as root.
#
#   setup-debian.sh --token-url URL --client-id ID --client-secret-file FILE
#                   [--ca-dir DIR] [--etc DIR] [--dovecot-version 2.3|2.4] [--mail-user NAME]
#                   [--disable-other-passdbs] [--dry-run]
#
# It writes, next to dovecot.conf (--etc, default /etc/dovecot):
#   keycloak-app-passwords.lua        the shipped Lua passdb (beside this script)
#   keycloak-app-passwords.conf.ext   its settings, with the client secret (root:dovecot 0640)
#   conf.d/95-keycloak-app-passwords.conf   the passdb, the mail user's userdb, TLS to Keycloak
# and makes FILE root-only (0600). It refuses (exit 2), naming each file and line, while any other passdb is
# active: PAM (Debian's auth-system.conf.ext), LDAP, SQL... would let a main password in past Keycloak's 2FA.
# --disable-other-passdbs comments those blocks out instead, after a backup of each file it touches.
# Userdbs stay: Debian's `userdb passwd` keeps serving system users' mailboxes. Users who exist only in
# Keycloak get a static userdb (allow_all_users, so LMTP and `doveadm user` never ask the passdb) running as
# --mail-user, default `vmail` if that account exists; the script creates no account. A second run with the
# same options changes nothing. --dry-run prints the diff and changes nothing. Then `doveconf -n` checks the
# result. Exit: 0 done, 1 usage or environment error, 2 refused (other passdbs active).
set -eu

ME=setup-debian.sh
NAME=keycloak-app-passwords
MARK="#[$NAME] "
DROP_IN_NAME=95-$NAME.conf

usage() {
  sed -n '5,7p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 1
}
fail() {
  echo "$ME: $*" >&2
  exit 1
}
say() {
  echo "$ME: $*"
}

token_url= client_id= secret_file= ca_dir=/etc/ssl/certs etc=/etc/dovecot version= mail_user=
disable_others=no dry_run=no
while [ $# -gt 0 ]; do
  case $1 in
    --token-url|--client-id|--client-secret-file|--ca-dir|--etc|--dovecot-version|--mail-user)
      [ $# -ge 2 ] || fail "$1 needs a value"
      case $1 in
        --token-url) token_url=$2 ;;
        --client-id) client_id=$2 ;;
        --client-secret-file) secret_file=$2 ;;
        --ca-dir) ca_dir=$2 ;;
        --etc) etc=$2 ;;
        --dovecot-version) version=$2 ;;
        --mail-user) mail_user=$2 ;;
      esac
      shift 2 ;;
    --disable-other-passdbs) disable_others=yes; shift ;;
    --dry-run) dry_run=yes; shift ;;
    -h|--help) usage ;;
    *) echo "$ME: unknown option $1" >&2; usage ;;
  esac
done

[ -n "$token_url" ] && [ -n "$client_id" ] && [ -n "$secret_file" ] || usage
case $token_url in
  https://*) ;;
  http://*) say "warning: $token_url is plain HTTP: every login sends a password over it (only for a Keycloak on this host)" ;;
  *) fail "--token-url must be an http(s) URL" ;;
esac
# Values end up in `name = value` lines: nothing that could break a line or start a comment.
for value in "$token_url" "$client_id" "$ca_dir" "$etc" "$mail_user"; do
  case $value in
    *[[:space:]]*|*'#'*) fail "'$value' contains white space or '#'" ;;
  esac
done
[ "$(id -u)" = 0 ] || fail "run as root (it sets owners and modes)"
[ -f "$etc/dovecot.conf" ] || fail "no $etc/dovecot.conf (--etc names Dovecot's configuration directory)"
[ -d "$etc/conf.d" ] || fail "no $etc/conf.d: the script writes a drop-in there"
[ -d "$ca_dir" ] || fail "--ca-dir $ca_dir is not a directory"
[ -f "$secret_file" ] || fail "--client-secret-file $secret_file is not a file"
secret=$(head -n 1 "$secret_file" | tr -d '\r')
[ -n "$secret" ] || fail "$secret_file is empty: it holds the client secret on its first line"
case $secret in
  *[[:space:]]*) fail "$secret_file: the secret's line holds white space" ;;
esac
script_dir=$(cd "$(dirname "$0")" && pwd)
[ -f "$script_dir/$NAME.lua" ] || fail "$script_dir/$NAME.lua is missing: run the script from the project's docker/mail/dovecot/"
getent group dovecot >/dev/null || fail "no group dovecot: install Debian's dovecot-core first"
[ -e /usr/lib/dovecot/modules/auth/libauthdb_lua.so ] || fail "the Lua passdb module is missing: apt-get install dovecot-auth-lua"

if [ -z "$version" ]; then
  version=$(dovecot --version 2>/dev/null | sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p')
fi
case $version in
  2.3|2.4) ;;
  *) fail "Dovecot ${version:-(not found)} is not supported: 2.3 or 2.4 (--dovecot-version)" ;;
esac

drop_in=$etc/conf.d/$DROP_IN_NAME
# 2.3 hands Lua no settings: they go to a file next to the script; 2.4's drop-in holds them (lua_settings)
if [ "$version" = 2.3 ]; then
  template=dovecot/auth-keycloak-2.3.conf
  secret_holder=$etc/$NAME.conf.ext
else
  template=dovecot-2.4/auth-keycloak.conf
  secret_holder=$drop_in
fi
[ -f "$script_dir/../$template" ] || fail "$script_dir/../$template is missing: run the script from the project's docker/mail/dovecot/"
grep -Eq '^[[:space:]]*!include(_try)?[[:space:]]+conf\.d/\*\.conf' "$etc/dovecot.conf" \
  || fail "$etc/dovecot.conf does not include conf.d/*.conf, so $drop_in would not be read"

# --- The configuration as Dovecot reads it: dovecot.conf and everything it includes, in include order.
# For each file: its active passdb and userdb blocks ("passdb FILE START END WHAT DENY") and its includes.
scan_one() {
  awk -v file="$1" '
    function strip(s) { sub(/(^|[ \t])#.*$/, "", s); return s }
    {
      line = strip($0)
      if (depth == 0 && match(line, /^[ \t]*(passdb|userdb)([ \t]+[^ \t{]+)?[ \t]*\{/)) {
        head = line; sub(/^[ \t]*/, "", head); sub(/[ \t]*\{.*$/, "", head)
        split(head, part, /[ \t]+/)
        kind = part[1]; what = (part[2] != "" ? part[2] : ""); start = NR; deny = "no"; inblock = 1
      }
      if (inblock) {
        if (match(line, /^[ \t]*driver[ \t]*=/)) { d = line; sub(/^[^=]*=[ \t]*/, "", d); sub(/[ \t]*$/, "", d); what = d }
        if (match(line, /^[ \t]*deny[ \t]*=[ \t]*yes/)) deny = "yes"
      }
      opens = gsub(/\{/, "{", line); closes = gsub(/\}/, "}", line)
      depth += opens - closes
      if (inblock && depth == 0) {
        print kind "\t" file "\t" start "\t" NR "\t" (what == "" ? "?" : what) "\t" deny
        inblock = 0
      }
      if (depth == 0 && match(line, /^[ \t]*first_valid_uid[ \t]*=/)) {
        v = line; sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t]*$/, "", v)
        print "first_valid_uid\t" file "\t" NR "\t" v
      }
      if (match(line, /^[ \t]*!include(_try)?[ \t]+/)) {
        target = line; sub(/^[ \t]*!include(_try)?[ \t]+/, "", target); sub(/[ \t]*$/, "", target)
        print "include\t" file "\t" NR "\t" target
      }
    }' "$1"
}

# Prints the scan of every file reachable from dovecot.conf (includes resolved relative to the including file).
scan_all() {
  _queue=$1
  while [ -n "$_queue" ]; do
    _file=${_queue%%
*}
    case $_queue in *'
'*) _queue=${_queue#*
} ;; *) _queue= ;; esac
    [ "$_file" = "$drop_in" ] && continue
    _scan=$(scan_one "$_file")
    printf '%s\n' "$_scan" | grep -v '^include' | grep -v '^$' || true
    _dir=$(dirname "$_file")
    _includes=$(printf '%s\n' "$_scan" | awk -F '\t' '$1 == "include" { print $4 }')
    _found=
    for _pattern in $_includes; do
      case $_pattern in /*) ;; *) _pattern=$_dir/$_pattern ;; esac
      for _f in $_pattern; do
        [ -f "$_f" ] && _found="$_found$_f
"
      done
    done
    _queue="$_found$_queue"
  done
}

# --- What the drop-in says, per line.
mail_uid=
if [ -z "$mail_user" ] && getent passwd vmail >/dev/null; then
  mail_user=vmail
fi
if [ -n "$mail_user" ]; then
  entry=$(getent passwd "$mail_user") || fail "--mail-user $mail_user: no such account (create it, e.g. adduser --system --group --home /var/mail/vhosts $mail_user)"
  mail_uid=$(echo "$entry" | cut -d: -f3)
  mail_gid=$(echo "$entry" | cut -d: -f4)
  mail_home=$(echo "$entry" | cut -d: -f6)
  mail_group=$(getent group "$mail_gid" | cut -d: -f1)
  [ -n "$mail_home" ] && [ "$mail_home" != / ] || fail "--mail-user $mail_user has no home directory to keep mailboxes under"
fi

# The drop-in and (2.3) the settings file are the templates of docker/mail/ the tests run and the docs show,
# filled in: `${NAME}` from the environment, the CA directory from --ca-dir, the userdb left out without a mail
# user, first_valid_uid added when the mail user's uid is below it.
render() { # template
  awk -v ca_dir="$ca_dir" -v keep_userdb="${mail_uid:+yes}" '
    /^userdb/ && keep_userdb != "yes" { skip = 1 }
    skip { if ($0 ~ /^}/) skip = 0; next }
    /^ssl_client_ca_dir[ \t]*=/ { print "ssl_client_ca_dir = " ca_dir; next }
    {
      line = $0; out = ""
      while (match(line, /\$\{[A-Z_]+\}/)) {
        name = substr(line, RSTART + 2, RLENGTH - 3)
        if (!(name in ENVIRON)) { print "no value for ${" name "}" > "/dev/stderr"; exit 1 }
        out = out substr(line, 1, RSTART - 1) ENVIRON[name]; line = substr(line, RSTART + RLENGTH)
      }
      print out line
    }' "$1"
}
export DOVECOT_CONF_DIR="$etc" KEYCLOAK_TOKEN_URL="$token_url" MAIL_CLIENT_ID="$client_id"
export MAIL_CLIENT_SECRET="$secret" MAIL_UID="${mail_uid:-}" MAIL_GID="${mail_gid:-}" MAIL_ROOT="${mail_home:-}"

render_drop_in() {
  echo "# Written by $ME from docker/mail/$template; rerun the script rather than editing this file."
  render "$script_dir/../$template"
  if [ -n "$mail_uid" ] && [ "$mail_uid" -lt "$first_valid_uid" ]; then
    echo "# $mail_user's uid is below Dovecot's first_valid_uid ($first_valid_uid)"
    echo "first_valid_uid = $mail_uid"
  fi
}

# --- Stage every change in a scratch directory, then diff, refuse or apply.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
conf="$etc/dovecot.conf"
scan=$(scan_all "$conf")
# first_valid_uid as the configuration sets it without the drop-in (Dovecot's default: 500)
first_valid_uid=$(printf '%s\n' "$scan" | awk -F '\t' '$1 == "first_valid_uid" { v = $4 } END { print (v == "" ? 500 : v) }')
case $first_valid_uid in *[!0-9]*) first_valid_uid=500 ;; esac
others=$(printf '%s\n' "$scan" | awk -F '\t' '$1 == "passdb" && $6 != "yes"')
userdbs=$(printf '%s\n' "$scan" | awk -F '\t' '$1 == "userdb"')

if [ -n "$others" ] && [ "$disable_others" = no ]; then
  echo "$ME: refused: these passdbs are active, and each would let a password in without Keycloak (main passwords past 2FA):" >&2
  printf '%s\n' "$others" | awk -F '\t' '{ printf "  %s line %s-%s: passdb %s\n", $2, $3, $4, $5 }' >&2
  echo "$ME: rerun with --disable-other-passdbs to comment them out (each file is backed up first)," >&2
  echo "$ME: or remove them yourself. deny = yes passdbs (block lists) are kept." >&2
  exit 2
fi
if [ -z "$userdbs" ] && [ -z "$mail_uid" ]; then
  fail "no userdb is active and no mail user is known: pass --mail-user NAME (an existing account that owns the mailboxes)"
fi

# new content for each file to change: "$work/N.new" for target "$work/N.target" (stage runs in pipelines,
# so the number comes from the files staged so far, not from a variable)
stage() { # stage TARGET (content on stdin)
  _n=$(($(find "$work" -name '*.target' | wc -l) + 1))
  printf '%s\n' "$1" > "$work/$_n.target"
  cat > "$work/$_n.new"
}
printf '%s\n' "$others" | awk -F '\t' 'NF { print $2 }' | sort -u > "$work/touched"
while IFS= read -r file; do
  [ -n "$file" ] || continue
  ranges=$(printf '%s\n' "$others" | awk -F '\t' -v f="$file" '$2 == f { print $3 "-" $4 }' | tr '\n' ' ')
  awk -v ranges="$ranges" -v mark="$MARK" '
    BEGIN { n = split(ranges, r, " "); for (i = 1; i <= n; i++) { split(r[i], b, "-"); from[i] = b[1]; to[i] = b[2] } }
    { out = $0; for (i = 1; i <= n; i++) if (NR >= from[i] && NR <= to[i]) out = mark $0; print out }' "$file" \
    | stage "$file"
done < "$work/touched"
cat "$script_dir/$NAME.lua" | stage "$etc/$NAME.lua"
if [ "$version" = 2.3 ]; then
  { echo "# Written by $ME from docker/mail/dovecot/$NAME.conf.ext."; render "$script_dir/$NAME.conf.ext"; } \
    | stage "$etc/$NAME.conf.ext"
fi
render_drop_in | stage "$drop_in"

changed=0
count=$(find "$work" -name '*.target' | wc -l)
i=0
while [ $i -lt $count ]; do
  i=$((i + 1))
  target=$(cat "$work/$i.target")
  if [ -f "$target" ] && cmp -s "$target" "$work/$i.new"; then
    continue
  fi
  changed=$((changed + 1))
  echo "$i" >> "$work/changed"
done

owner_mode() {
  stat -c '%U:%G %a' "$1" 2>/dev/null || echo none
}
modes_ok() {
  [ "$(owner_mode "$secret_holder")" = "root:dovecot 640" ] && [ "$(owner_mode "$secret_file")" = "root:root 600" ]
}

if [ "$dry_run" = yes ]; then
  if [ "$changed" = 0 ]; then
    say "dry run: nothing to change"
  else
    for i in $(cat "$work/changed"); do
      target=$(cat "$work/$i.target")
      old=$target
      [ -f "$old" ] || old=/dev/null
      if [ "$old" = /dev/null ] && [ "$target" = "$etc/$NAME.lua" ]; then
        echo "+++ $target: new, the shipped script ($(wc -l < "$work/$i.new") lines)"
        continue
      fi
      # never print the secret
      diff -u --label "$target" --label "$target" "$old" "$work/$i.new" \
        | sed "s|^\([-+ ] *client_secret = \).*|\1(the secret of $secret_file)|" || true
    done
  fi
  modes_ok || say "dry run: would set $secret_holder to root:dovecot 0640 and $secret_file to root:root 0600"
  exit 0
fi

stamp=$(date +%Y%m%d%H%M%S)
if [ "$changed" != 0 ]; then
  for i in $(cat "$work/changed"); do
    target=$(cat "$work/$i.target")
    if [ -f "$target" ]; then
      # the backup's name does not end in .conf: conf.d/*.conf must not include it
      cp -p "$target" "$target.backup-$stamp"
      say "backed up $target to $target.backup-$stamp"
    fi
    cat "$work/$i.new" > "$target.tmp-$NAME"
    mv "$target.tmp-$NAME" "$target"
    say "wrote $target"
  done
fi
if ! modes_ok; then
  chown root:dovecot "$secret_holder" && chmod 0640 "$secret_holder"
  chown root:root "$secret_file" && chmod 0600 "$secret_file"
  say "set $secret_holder to root:dovecot 0640, $secret_file to root:root 0600"
  changed=$((changed + 1))
fi
chmod 0644 "$etc/$NAME.lua"
[ "$changed" = 0 ] && say "nothing to change: already set up"

# --- What Dovecot makes of it.
if ! doveconf -c "$conf" -n > "$work/doveconf" 2> "$work/doveconf.err"; then
  cat "$work/doveconf.err" >&2
  fail "doveconf -n refuses the result (above); the backups named *.backup-$stamp hold the files as they were"
fi
say "doveconf -n accepts the configuration:"
awk '/^(passdb|userdb)( |\{)/ { block = 1 } block { print "  " $0 } block && /^}/ { block = 0 }' "$work/doveconf" \
  | sed 's/^\( *client_secret = \).*/\1(hidden)/'
if [ -n "$mail_uid" ]; then
  say "users known only to Keycloak: mailboxes as $mail_user ($mail_uid:$mail_gid${mail_group:+ $mail_group}) under $mail_home/<user>"
else
  say "users known only to Keycloak have no mailbox (LMTP: user doesn't exist): rerun with --mail-user NAME to give them one"
fi
if [ -n "$userdbs" ]; then
  printf '%s\n' "$userdbs" | awk -F '\t' '{ printf "'"$ME"': kept userdb %s (%s line %s) for the users it knows\n", $5, $2, $3 }'
fi
if [ "$changed" != 0 ]; then
  say "reload Dovecot to apply (systemctl reload dovecot), then: doveadm auth test USER APP-PASSWORD"
fi

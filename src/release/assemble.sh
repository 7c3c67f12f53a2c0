#!/bin/sh
# Puts a release together in TARGET/release: the extension JAR and its sources JAR named with the version,
# the docs as a tarball, and SHA256SUMS over all three (check a download with `sha256sum -c SHA256SUMS`).
# Run by `./mvnw -Prelease verify` after every test passed.
#   src/release/assemble.sh VERSION TARGET
set -eu
version=$1
target=$2
name=keycloak-app-passwords
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$target/release

rm -rf "$out"
mkdir -p "$out"
cp "$target/$name.jar" "$out/$name-$version.jar"
cp "$target/$name-sources.jar" "$out/$name-$version-sources.jar"
# what an admin reads and copies: the docs and the mail-server files (templates, Lua passdb, setup script)
tar -C "$root" --owner=0 --group=0 --transform "s,^,$name-$version/," -czf "$out/$name-$version-docs.tar.gz" \
  README.md CHANGELOG.md SECURITY.md LICENSE BENCHMARKS.md docs docker/mail
(cd "$out" && sha256sum "$name-$version.jar" "$name-$version-sources.jar" "$name-$version-docs.tar.gz" > SHA256SUMS)
echo "release $version in $out:"
ls -l "$out"

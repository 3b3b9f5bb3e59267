#!/usr/bin/env bash
# Prints the path of a FerretDB v1.24.2 binary (the MongoDB-wire server the store's MongoDB tests run against),
# building it once into a per-user cache outside the repository.
#
# Not `go install …@v1.24.2`: the module omits the generated build/version/version.txt the binary embeds
# (it panics at start without it), so the source is copied, that file written, and the build done there.
set -euo pipefail

version=v1.24.2
module=github.com/FerretDB/FerretDB
cache="${XDG_CACHE_HOME:-$HOME/.cache}/cloudevents-gateway/ferretdb-${version}"
bin="$cache/bin/ferretdb"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

command -v go >/dev/null || { echo "ferretdb.sh: Go is needed to build FerretDB" >&2; exit 1; }
export GOTOOLCHAIN=local GOFLAGS=-buildvcs=false

src_dir=$(cd "$(mktemp -d)" && go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[[ -n "$src_dir" ]] || { echo "ferretdb.sh: could not download $module@$version" >&2; exit 1; }

work=$(mktemp -d)
trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
cp -R "$src_dir/." "$work/"
chmod -R u+w "$work"
echo "$version" >"$work/build/version/version.txt"

echo "ferretdb.sh: building FerretDB $version into $cache (one-time, a few minutes)" >&2
mkdir -p "$cache/bin"
(cd "$work" && go build -trimpath -o "$bin.tmp" ./cmd/ferretdb >&2)
mv "$bin.tmp" "$bin"
echo "$bin"

#!/usr/bin/env bash
# Builds toxiproxy-server $TOXIPROXY_VERSION (the TCP proxy whose latency, bandwidth
# and cuts the chaos runner injects between each service and Kafka or Postgres) from
# the Go module proxy.
#
# Installs into ${ORDERFLOW_CACHE_DIR:-~/.cache/orderflow}/toxiproxy-<version>/ and
# prints the binary's path on stdout. A binary already there is reused: it is built
# again only when the pinned version changes (the directory name carries it). Progress
# goes to stderr; the first build takes a minute or two of CPU.
set -euo pipefail

TOXIPROXY_VERSION=v2.5.0

CACHE="${ORDERFLOW_CACHE_DIR:-$HOME/.cache/orderflow}"
DEST="$CACHE/toxiproxy-$TOXIPROXY_VERSION"
BINARY="$DEST/bin/toxiproxy-server"
# The module's server command; go install names its binary `server`.
PACKAGE=github.com/Shopify/toxiproxy/v2/cmd/server

say() { echo "toxiproxy build: $*" >&2; }

if [ -x "$BINARY" ]; then
  echo "$BINARY"
  exit 0
fi

command -v go > /dev/null || {
  say "Go is needed (https://go.dev/doc/install)"
  exit 1
}
mkdir -p "$DEST/partial"
# Builds on a shared machine leave a core to everyone else unless told otherwise.
export GOFLAGS="-trimpath ${GOFLAGS:-}"
export GOMAXPROCS="${GOMAXPROCS:-2}"
log="$DEST/build.log"
say "building toxiproxy-server $TOXIPROXY_VERSION from the Go module proxy into $DEST ..."
started=$SECONDS
# go install -v names each package it compiles: their count is the progress shown.
GOBIN="$DEST/partial" go install -v -ldflags "-s -w" "$PACKAGE@$TOXIPROXY_VERSION" > "$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2> /dev/null; do
  for _ in $(seq 15); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 1
  done
  kill -0 "$pid" 2> /dev/null && say "  $(wc -l < "$log") packages compiled, $((SECONDS - started)) s"
done
if ! wait "$pid"; then
  tail -n 40 "$log" >&2
  say "building toxiproxy-server failed (full log: $log)"
  exit 1
fi
mkdir -p "$DEST/bin"
mv "$DEST/partial/server" "$BINARY"
rmdir "$DEST/partial"
say "built in $((SECONDS - started)) s: $BINARY"
echo "$BINARY"

#!/usr/bin/env bash
# Builds the local Kubernetes control plane the Helm chart's cluster test runs on:
# kube-apiserver, kube-controller-manager, kube-scheduler and kubectl (Kubernetes
# $KUBERNETES_VERSION), etcd $ETCD_VERSION and kwok $KWOK_VERSION (a node that runs
# pods without containers), from the Go module proxy through the wrapper modules
# beside this script.
#
# Installs into ${ORDERFLOW_CACHE_DIR:-~/.cache/orderflow}/kube-<versions>/ and prints
# that directory on stdout. What is already there is reused: a binary is built again
# only when a pinned version changes (the directory name carries them all). Progress
# goes to stderr. The first build takes about fifteen minutes of CPU on two cores
# (kube-apiserver alone about five) and up to 2.5 GB of memory.
set -euo pipefail

KUBERNETES_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
KWOK_VERSION=v0.8.0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${ORDERFLOW_CACHE_DIR:-$HOME/.cache/orderflow}"
DEST="$CACHE/kube-$KUBERNETES_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
BINARIES=(etcd kwok kube-apiserver kube-controller-manager kube-scheduler kubectl)

say() { echo "kube build: $*" >&2; }
fail() {
  say "$*"
  exit 1
}

complete() {
  local name
  for name in "${BINARIES[@]}"; do [ -x "$DEST/bin/$name" ] || return 1; done
  [ -f "$DEST/kwok-stages/.complete" ]
}
if complete; then
  echo "$DEST"
  exit 0
fi

command -v go > /dev/null || fail "Go 1.26+ is needed (https://go.dev/doc/install)"
mkdir -p "$DEST/bin" "$DEST/logs"
# Builds on a shared machine leave a core to everyone else unless told otherwise.
export GOFLAGS="-mod=mod -trimpath ${GOFLAGS:-}"
export GOMAXPROCS="${GOMAXPROCS:-2}"
started=$SECONDS

# Runs `go build -v` for one binary with its package list in a log, printing how many
# packages have been compiled every 30 seconds so a long build shows its progress.
build() {
  local name=$1 module=$2 package=$3 ldflags=${4:-}
  local log="$DEST/logs/build-$name.log" begun=$SECONDS
  [ -x "$DEST/bin/$name" ] && return
  # go build -v names each package it compiles (not those already in Go's cache).
  local total
  total=$(cd "$HERE/$module" && go list -deps "$package" | wc -l)
  say "building $name ($package, $total packages) ..."
  (cd "$HERE/$module" && go build -v -ldflags "$ldflags" -o "$DEST/bin/$name.partial" "$package") > "$log" 2>&1 &
  local pid=$!
  while ! wait_for "$pid" 30; do
    say "  $name: $(wc -l < "$log") of up to $total packages compiled, $((SECONDS - begun)) s"
  done
  if ! wait "$pid"; then
    tail -n 40 "$log" >&2
    fail "building $name failed (full log: $log)"
  fi
  mv "$DEST/bin/$name.partial" "$DEST/bin/$name"
  say "  $name built in $((SECONDS - begun)) s"
}

# True once process $1 has exited; false if it is still running after $2 seconds.
wait_for() {
  local pid=$1 i
  for ((i = 0; i < $2; i++)); do
    kill -0 "$pid" 2> /dev/null || return 0
    sleep 1
  done
  ! kill -0 "$pid" 2> /dev/null
}

say "building into $DEST (first run only; about fifteen minutes of CPU)"
# The binaries report the release they are built from: the chart's kubeVersion
# constraint, and Helm's, read it from the API server's /version.
minor=${KUBERNETES_VERSION#v1.}
minor=${minor%%.*}
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
build etcd etcd go.etcd.io/etcd/server/v3 "-s -w"
build kwok kwok sigs.k8s.io/kwok/cmd/kwok "-s -w"
build kube-apiserver control-plane k8s.io/kubernetes/cmd/kube-apiserver "-s -w$version_flags"
build kube-controller-manager control-plane k8s.io/kubernetes/cmd/kube-controller-manager "-s -w$version_flags"
build kube-scheduler control-plane k8s.io/kubernetes/cmd/kube-scheduler "-s -w$version_flags"
build kubectl control-plane k8s.io/kubernetes/cmd/kubectl "-s -w$version_flags"

# kwok reads how pods and nodes move through their lifecycle from stage files that
# ship in its module source, not in the binary.
kwok_src="$(cd "$HERE/kwok" && go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)"
rm -rf "$DEST/kwok-stages"
mkdir -p "$DEST/kwok-stages"
for stage in node/fast node/heartbeat-with-lease pod/fast; do
  cp "$kwok_src/kustomize/stage/$stage"/*.yaml "$DEST/kwok-stages/"
done
chmod -R u+w "$DEST/kwok-stages"
rm -f "$DEST/kwok-stages/kustomization.yaml"
touch "$DEST/kwok-stages/.complete"
say "done in $((SECONDS - started)) s: $DEST"
echo "$DEST"

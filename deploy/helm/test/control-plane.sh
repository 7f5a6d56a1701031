# A throwaway Kubernetes control plane on loopback, for the chart's cluster test.
# Sourced by cluster.sh: `control_plane_start DIR BIN` starts etcd, kube-apiserver,
# kube-controller-manager, kube-scheduler and kwok (one fake node that runs every pod
# scheduled to it without containers) from the binaries in BIN (tools/kube/build.sh),
# with all state, certificates and logs in DIR, on free ports, and waits until each
# is ready. It exports KUBECONFIG and sets KUBECTL (BIN's kubectl).
# `control_plane_stop` stops every process it started (cluster.sh calls it on exit,
# also after a failure).
#
# Authentication is a static bearer token (system:masters) in DIR; the API server's
# certificate is self-signed for 127.0.0.1. Nothing listens beyond loopback.

CONTROL_PLANE_PIDS=()
CONTROL_PLANE_NAMES=()

cp_say() { echo "cluster: $*" >&2; }

# Prints $1 free TCP ports on 127.0.0.1, one a line (all bound at once, so distinct).
free_ports() {
  python3 - "$1" << 'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

# Starts a daemon with its output in DIR/logs/NAME.log and remembers its pid.
cp_spawn() {
  local name=$1
  shift
  "$@" > "$CP_DIR/logs/$name.log" 2>&1 &
  CONTROL_PLANE_PIDS+=("$!")
  CONTROL_PLANE_NAMES+=("$name")
}

# Fails with the tail of a component's log.
cp_fail() {
  local name=$1
  shift
  cp_say "$*"
  [ -f "$CP_DIR/logs/$name.log" ] && tail -n 30 "$CP_DIR/logs/$name.log" >&2
  return 1
}

# Polls `$@` every half second until it succeeds; fails when the component's process
# has exited or after $CP_READY_SECONDS (a bound for a stuck start, not a wait).
cp_wait() {
  local name=$1 pid=$2 what=$3
  shift 3
  local deadline=$((SECONDS + CP_READY_SECONDS))
  until "$@" > /dev/null 2>&1; do
    kill -0 "$pid" 2> /dev/null || cp_fail "$name" "$name exited before it was ready" || return 1
    ((SECONDS < deadline)) || cp_fail "$name" "$name: not $what within ${CP_READY_SECONDS}s" || return 1
    sleep 0.5
  done
}

last_pid() { echo "${CONTROL_PLANE_PIDS[-1]}"; }

# True when an HTTPS health endpoint of a component answers "ok".
https_ok() {
  [ "$(curl -fsS --max-time 5 --cacert "$CP_DIR/pki/apiserver.crt" "$@")" = ok ]
}

write_pki() {
  local pki=$CP_DIR/pki
  mkdir -p "$pki"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=orderflow-test-apiserver" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -keyout "$pki/apiserver.key" -out "$pki/apiserver.crt" 2> "$CP_DIR/logs/openssl.log"
  openssl genrsa -out "$pki/sa.key" 2048 2>> "$CP_DIR/logs/openssl.log"
  openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>> "$CP_DIR/logs/openssl.log"
  CP_TOKEN=$(openssl rand -hex 24)
  echo "$CP_TOKEN,orderflow-test-admin,orderflow-test-admin,system:masters" > "$pki/tokens.csv"
  chmod 600 "$pki"/*
}

write_kubeconfig() {
  cat > "$CP_DIR/kubeconfig" << EOF
apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster:
      server: https://127.0.0.1:$CP_API_PORT
      certificate-authority: $CP_DIR/pki/apiserver.crt
users:
  - name: admin
    user:
      token: $CP_TOKEN
contexts:
  - name: test
    context: { cluster: test, user: admin }
current-context: test
EOF
  chmod 600 "$CP_DIR/kubeconfig"
}

# The node kwok plays: allocatable enough for every pod of the chart's largest install.
write_node() {
  cat > "$CP_DIR/node.yaml" << 'EOF'
apiVersion: v1
kind: Node
metadata:
  name: kwok-node
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: '0'
  labels:
    kubernetes.io/hostname: kwok-node
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-a
    type: kwok
status:
  allocatable: { cpu: '32', memory: 128Gi, pods: '110' }
  capacity: { cpu: '32', memory: 128Gi, pods: '110' }
EOF
}

control_plane_start() {
  CP_DIR=$1
  local bin=$2/bin stages=$2/kwok-stages
  KUBECTL=$bin/kubectl
  CP_READY_SECONDS=${CP_READY_SECONDS:-120}
  mkdir -p "$CP_DIR/logs"
  local ports
  mapfile -t ports < <(free_ports 7)
  local etcd_port=${ports[0]} peer_port=${ports[1]} kcm_port=${ports[3]} sched_port=${ports[4]}
  local kwok_port=${ports[5]}
  CP_API_PORT=${ports[2]}
  write_pki
  write_kubeconfig
  export KUBECONFIG=$CP_DIR/kubeconfig

  cp_spawn etcd "$bin/etcd" --name=test --data-dir="$CP_DIR/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$peer_port" \
    --initial-cluster="test=http://127.0.0.1:$peer_port" --unsafe-no-fsync --log-level=warn
  cp_wait etcd "$(last_pid)" healthy \
    sh -c "curl -fsS --max-time 5 http://127.0.0.1:$etcd_port/health | grep -q '\"health\":\"true\"'"

  local pki=$CP_DIR/pki
  cp_spawn kube-apiserver "$bin/kube-apiserver" --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$CP_API_PORT" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
    --cert-dir="$CP_DIR/apiserver" --token-auth-file="$pki/tokens.csv" --anonymous-auth=false \
    --authorization-mode=RBAC --allow-privileged=false --profiling=false \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none
  cp_wait kube-apiserver "$(last_pid)" ready \
    https_ok -H "Authorization: Bearer $CP_TOKEN" "https://127.0.0.1:$CP_API_PORT/readyz"

  cp_spawn kube-controller-manager "$bin/kube-controller-manager" --kubeconfig="$KUBECONFIG" \
    --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --cert-dir="$CP_DIR/kcm" --leader-elect=false \
    --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/apiserver.crt" \
    --service-cluster-ip-range=10.96.0.0/16 --profiling=false
  cp_wait kube-controller-manager "$(last_pid)" healthy https_ok -k "https://127.0.0.1:$kcm_port/healthz"

  cp_spawn kube-scheduler "$bin/kube-scheduler" --kubeconfig="$KUBECONFIG" \
    --authentication-kubeconfig="$KUBECONFIG" --authorization-kubeconfig="$KUBECONFIG" \
    --bind-address=127.0.0.1 --secure-port="$sched_port" --cert-dir="$CP_DIR/scheduler" \
    --leader-elect=false --profiling=false
  cp_wait kube-scheduler "$(last_pid)" healthy https_ok -k "https://127.0.0.1:$sched_port/healthz"

  local configs=()
  for f in "$stages"/*.yaml; do configs+=(--config="$f"); done
  cp_spawn kwok "$bin/kwok" --kubeconfig="$KUBECONFIG" "${configs[@]}" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --server-address="127.0.0.1:$kwok_port" --cidr=10.244.0.1/24 --node-ip=127.0.0.1 \
    --node-lease-duration-seconds=40
  write_node
  "$KUBECTL" create -f "$CP_DIR/node.yaml" > /dev/null
  cp_wait kwok "$(last_pid)" "running node kwok-node" \
    "$KUBECTL" wait --for=condition=Ready node/kwok-node --timeout=5s
  cp_say "control plane up (API server https://127.0.0.1:$CP_API_PORT, state in $CP_DIR)"
}

# Stops the processes in reverse start order: TERM, then KILL for one still there
# after 20 seconds.
control_plane_stop() {
  local i pid deadline
  for ((i = ${#CONTROL_PLANE_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${CONTROL_PLANE_PIDS[i]}
    kill -0 "$pid" 2> /dev/null || continue
    kill -TERM "$pid" 2> /dev/null || true
    deadline=$((SECONDS + 20))
    while kill -0 "$pid" 2> /dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2> /dev/null; then
      cp_say "${CONTROL_PLANE_NAMES[i]} (pid $pid) ignored SIGTERM; killing it"
      kill -KILL "$pid" 2> /dev/null || true
    fi
    wait "$pid" 2> /dev/null || true
  done
  CONTROL_PLANE_PIDS=()
  CONTROL_PLANE_NAMES=()
}

#!/usr/bin/env bash
# Installs the chart deploy/helm/orderflow on a real, throwaway Kubernetes control
# plane (control-plane.sh: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and a kwok node, on loopback), each install in its own namespace
# that enforces Pod Security `restricted`:
#   - default values (external infrastructure, with the Secrets they name): every
#     rendered object exists, no console among them (console.enabled is false by
#     default), every Deployment is Available, the topics hook Job
#     completed; `helm upgrade` with a changed value rolls every Deployment (new
#     ReplicaSets), `helm rollback` brings the old ones back, `helm uninstall` leaves
#     nothing of the release behind;
#   - dev values (console.enabled=true): the bundled infrastructure, the services and
#     the console Available, the topics Job complete; an upgrade keeps the generated
#     passwords;
#   - production values without the Prometheus Operator's CRDs: no ServiceMonitor or
#     PrometheusRule rendered, the install succeeds and its notes say why; the
#     HorizontalPodAutoscalers scale each service to its minimum and the
#     PodDisruptionBudgets allow one disruption; with the CRDs applied
#     (fixtures/prometheus-operator-crds.yaml), `helm upgrade` creates them.
# kwok runs no containers: images, probes, the services themselves and NetworkPolicy
# enforcement are not exercised (see the chart's README).
#
# Builds the control plane on first use (tools/kube/build.sh, cached), and uses the
# helm that deploy/checks/helm.sh installs. Quiet on success apart from progress lines
# and one summary; exits non-zero on failure, with the failing component's log.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
# shellcheck source=deploy/helm/test/control-plane.sh
source deploy/helm/test/control-plane.sh

# One helm pin for the offline checks and this test.
HELM_VERSION=$(sed -n 's/^HELM_VERSION=//p' deploy/checks/helm.sh)
CHART=deploy/helm/orderflow
FIXTURES=deploy/helm/test/fixtures
CACHE="${ORDERFLOW_CACHE_DIR:-$HOME/.cache/orderflow}"
HELM="$CACHE/helm-$HELM_VERSION/helm"
WAIT=180s
WORK="$(mktemp -d "${TMPDIR:-/tmp}/orderflow-helm-cluster.XXXXXX")"
KEEP_WORK=false

say() { echo "cluster.sh: $*" >&2; }
fail() {
  say "FAILED: $*"
  KEEP_WORK=true
  exit 1
}

cleanup() {
  local status=$?
  control_plane_stop
  if [ "$status" -ne 0 ] || $KEEP_WORK; then
    say "logs and state kept in $WORK"
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT

install_helm() {
  [ -x "$HELM" ] && return
  say "building helm $HELM_VERSION from the Go module proxy into ${HELM%/helm} (first run only)"
  mkdir -p "${HELM%/helm}"
  GOBIN="${HELM%/helm}" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" || fail "go install helm failed"
}

# Runs a command with its output in a log that is shown only when it fails.
quietly() {
  local what=$1
  shift
  if ! "$@" > "$WORK/log" 2>&1; then
    cat "$WORK/log" >&2
    fail "$what"
  fi
}

k() { "$KUBECTL" "$@"; }
helm() { "$HELM" "$@"; }

# A namespace that enforces Pod Security `restricted`, once the controller manager has
# given it its default ServiceAccount.
namespace() {
  local ns=$1
  quietly "create namespace $ns" k create namespace "$ns"
  quietly "label namespace $ns" k label namespace "$ns" \
    pod-security.kubernetes.io/enforce=restricted pod-security.kubernetes.io/enforce-version=latest
  quietly "default ServiceAccount in $ns" \
    k wait -n "$ns" --for=create serviceaccount/default --timeout=60s
}

# The Secrets the default and production values refer to (the chart never holds them).
secrets() {
  local ns=$1 s
  for s in orders payments shipping notifications; do
    quietly "secret orderflow-$s-db" k -n "$ns" create secret generic "orderflow-$s-db" \
      --from-literal=DATABASE_URL="postgres://${s}_app:test-only@postgres.invalid:5432/$s" \
      --from-literal=DATABASE_MIGRATION_URL="postgres://$s:test-only@postgres.invalid:5432/$s"
  done
  quietly "secret orderflow-notifications-smtp" k -n "$ns" create secret generic orderflow-notifications-smtp \
    --from-literal=SMTP_URL='smtps://test:test-only@smtp.invalid:465'
}

# `helm install|upgrade` that waits for every Deployment and Job; the notes are kept.
release() {
  local verb=$1 name=$2 ns=$3
  shift 3
  helm "$verb" "$name" "$CHART" -n "$ns" --wait --wait-for-jobs --timeout "$WAIT" "$@" \
    > "$WORK/$name-$verb.out" 2> "$WORK/log" || {
    cat "$WORK/$name-$verb.out" "$WORK/log" >&2
    fail "helm $verb $name ($*)"
  }
}

# Every object of the release's manifest exists; prints how many there are.
assert_objects_exist() {
  local name=$1 ns=$2
  helm get manifest "$name" -n "$ns" > "$WORK/$name.manifest.yaml"
  k get -n "$ns" -f "$WORK/$name.manifest.yaml" -o name > "$WORK/$name.objects" 2> "$WORK/log" || {
    cat "$WORK/log" >&2
    fail "$name: objects of the manifest are missing"
  }
  local count
  count=$(wc -l < "$WORK/$name.objects")
  [ "$count" -gt 0 ] || fail "$name: empty manifest"
  echo "$count"
}

# Every Deployment of the release is Available with all its replicas updated and ready.
assert_deployments_available() {
  local name=$1 ns=$2 deploy
  quietly "$name: Deployments Available" \
    k -n "$ns" wait --for=condition=Available deployment -l "app.kubernetes.io/instance=$name" --timeout=$WAIT
  for deploy in $(k -n "$ns" get deployment -l "app.kubernetes.io/instance=$name" -o name); do
    quietly "$name: rollout of $deploy" k -n "$ns" rollout status "$deploy" --timeout=$WAIT
  done
}

# The ReplicaSets that run the release's pods, one name a line, sorted.
active_replicasets() {
  k -n "$2" get replicaset -l "app.kubernetes.io/instance=$1" \
    -o jsonpath='{range .items[?(@.spec.replicas>0)]}{.metadata.name}{"\n"}{end}' | sort
}

config_value() {
  k -n "$2" get configmap -l "app.kubernetes.io/instance=$1" \
    -o jsonpath="{.items[*].data.$3}"
}

kinds_in() { grep -c "^kind: $1\$" "$2" || true; }

# Proves the namespace's Pod Security admission rejects what the chart must not do, so
# that the installs below passing it means something.
check_pod_security_enforced() {
  local ns=$1
  if k -n "$ns" run pod-security-probe --image=registry.invalid/probe --restart=Never \
    --dry-run=server > "$WORK/log" 2>&1; then
    fail "$ns: a pod without restricted settings was admitted: Pod Security is not enforced"
  fi
  grep -q 'violates PodSecurity "restricted:latest"' "$WORK/log" ||
    { cat "$WORK/log" >&2; fail "$ns: the probe pod was rejected, but not by Pod Security"; }
}

# --- default values: install, upgrade, rollback, uninstall ---------------------------
check_default() {
  local ns=of-default name=orderflow
  namespace "$ns"
  check_pod_security_enforced "$ns"
  secrets "$ns"
  release install "$name" "$ns"
  local objects
  objects=$(assert_objects_exist "$name" "$ns")
  ! grep -q 'app.kubernetes.io/component: console' "$WORK/$name.manifest.yaml" ||
    fail "$name: the default values install the console"
  [ -z "$(k -n "$ns" get all -l app.kubernetes.io/component=console -o name)" ] ||
    fail "$name: the default values left console objects in the namespace"
  assert_deployments_available "$name" "$ns"
  # The topics Job is a pre-install hook deleted once it succeeded (a failed one stays
  # and fails the install); the job controller's event records that it completed.
  helm get hooks "$name" -n "$ns" | grep -q '^kind: Job$' || fail "$name: the topics Job is not a hook"
  [ -z "$(k -n "$ns" get job -o name)" ] || fail "$name: the topics hook Job was not deleted after success"
  k -n "$ns" get events --field-selector involvedObject.kind=Job,reason=Completed -o name | grep -q . ||
    fail "$name: no Completed event of the topics hook Job"

  local before after
  before=$(active_replicasets "$name" "$ns")
  [ "$(wc -l <<< "$before")" -eq 4 ] || fail "$name: expected 4 active ReplicaSets, got: $before"
  [ "$(config_value "$name" "$ns" LOG_LEVEL)" = "info info info info" ] || fail "$name: LOG_LEVEL is not info"

  release upgrade "$name" "$ns" --reuse-values --set logLevel=debug
  assert_deployments_available "$name" "$ns"
  after=$(active_replicasets "$name" "$ns")
  [ "$(config_value "$name" "$ns" LOG_LEVEL)" = "debug debug debug debug" ] || fail "$name: upgrade did not set LOG_LEVEL"
  [ -z "$(comm -12 <(echo "$before") <(echo "$after"))" ] ||
    fail "$name: upgrade with a changed ConfigMap did not roll every Deployment (before: $before; after: $after)"
  [ "$(wc -l <<< "$after")" -eq 4 ] || fail "$name: expected 4 active ReplicaSets after upgrade, got: $after"

  quietly "helm rollback $name 1" helm rollback "$name" 1 -n "$ns" --wait --wait-for-jobs --timeout "$WAIT"
  assert_deployments_available "$name" "$ns"
  [ "$(active_replicasets "$name" "$ns")" = "$before" ] ||
    fail "$name: rollback did not bring the first ReplicaSets back (got: $(active_replicasets "$name" "$ns"))"
  [ "$(config_value "$name" "$ns" LOG_LEVEL)" = "info info info info" ] || fail "$name: rollback did not restore LOG_LEVEL"

  helm get manifest "$name" -n "$ns" > "$WORK/$name.final.yaml"
  quietly "helm uninstall $name" helm uninstall "$name" -n "$ns" --wait --timeout "$WAIT"
  check_nothing_left "$name" "$ns" "$WORK/$name.final.yaml"
  say "default values: $objects objects installed, 4 Deployments Available, hook Job completed; upgrade rolled 4 ReplicaSets, rollback restored them, uninstall left nothing"
}

# Nothing of the release remains: not its objects, nor the pods and ReplicaSets they
# owned, nor Helm's release records.
check_nothing_left() {
  local name=$1 ns=$2 manifest=$3 left
  left=$(k get -n "$ns" -f "$manifest" --ignore-not-found -o name 2>&1)
  [ -z "$left" ] || fail "$name: uninstall left objects of its manifest: $left"
  quietly "$name: pods gone" \
    k -n "$ns" wait --for=delete pod -l "app.kubernetes.io/instance=$name" --timeout=$WAIT
  left=$(k -n "$ns" get all,configmap,secret,serviceaccount,networkpolicy,poddisruptionbudget,ingress \
    -l "app.kubernetes.io/instance=$name" -o name)
  [ -z "$left" ] || fail "$name: uninstall left labelled objects: $left"
  left=$(k -n "$ns" get secret -l "owner=helm,name=$name" -o name)
  [ -z "$left" ] || fail "$name: uninstall left Helm release records: $left"
}

# --- dev values: the bundled infrastructure ------------------------------------------
check_dev() {
  local ns=of-dev name=orderflow-dev
  namespace "$ns"
  release install "$name" "$ns" -f "$CHART/ci/dev-values.yaml"
  local objects deployments
  objects=$(assert_objects_exist "$name" "$ns")
  assert_deployments_available "$name" "$ns"
  deployments=$(kinds_in Deployment "$WORK/$name.manifest.yaml")
  [ "$deployments" -eq 10 ] ||
    fail "$name: expected 10 Deployments (4 services, the console, 5 infrastructure), got $deployments"
  quietly "$name: the console Deployment Available" \
    k -n "$ns" wait --for=condition=Available deployment/"$name-console" --timeout=$WAIT
  [ "$(k -n "$ns" get deployment "$name-console" -o jsonpath='{.status.availableReplicas}')" = 1 ] ||
    fail "$name: the console has no available replica"
  quietly "$name: topics Job complete" \
    k -n "$ns" wait --for=condition=Complete job -l "app.kubernetes.io/instance=$name" --timeout=$WAIT

  local secret password
  secret=$(k -n "$ns" get secret -l "app.kubernetes.io/instance=$name" -o name | grep dev-credentials) ||
    fail "$name: no dev credentials Secret"
  password=$(k -n "$ns" get "$secret" -o jsonpath='{.data.postgres-password}')
  release upgrade "$name" "$ns" --reuse-values --set logLevel=debug
  assert_deployments_available "$name" "$ns"
  [ "$(k -n "$ns" get "$secret" -o jsonpath='{.data.postgres-password}')" = "$password" ] ||
    fail "$name: upgrade changed the generated Postgres password"
  quietly "$name: topics Job of revision 2 complete" \
    k -n "$ns" wait --for=condition=Complete "job/$name-topics-r2" --timeout=$WAIT
  say "dev values: $objects objects installed, $deployments Deployments Available (the console's too), topics Job complete; upgrade kept the generated passwords"
}

# --- production values, without and then with the Prometheus Operator's CRDs --------
check_production() {
  local ns=of-production name=orderflow-prod
  namespace "$ns"
  secrets "$ns"
  release install "$name" "$ns" -f "$CHART/ci/production-values.yaml"
  local objects
  objects=$(assert_objects_exist "$name" "$ns")
  local monitors rules
  monitors=$(kinds_in ServiceMonitor "$WORK/$name.manifest.yaml")
  rules=$(kinds_in PrometheusRule "$WORK/$name.manifest.yaml")
  [ "$monitors$rules" = 00 ] || fail "$name: rendered $monitors ServiceMonitors, $rules PrometheusRules without their CRDs"
  grep -q 'monitoring.coreos.com/v1 ServiceMonitor API, so none was created' "$WORK/$name-install.out" ||
    fail "$name: the notes do not say that no ServiceMonitor was created"

  # autoscaling/v2 without a metrics API: the HPA controller still raises each
  # Deployment (no replicas of its own) to minReplicas, and says it can scale.
  local hpas pdbs
  hpas=$(kinds_in HorizontalPodAutoscaler "$WORK/$name.manifest.yaml")
  pdbs=$(kinds_in PodDisruptionBudget "$WORK/$name.manifest.yaml")
  [ "$hpas" -eq 4 ] && [ "$pdbs" -eq 4 ] || fail "$name: expected 4 HPAs and 4 PDBs, got $hpas and $pdbs"
  quietly "$name: HPAs AbleToScale" \
    k -n "$ns" wait --for=condition=AbleToScale hpa -l "app.kubernetes.io/instance=$name" --timeout=$WAIT
  quietly "$name: Deployments at the HPAs' minReplicas" \
    k -n "$ns" wait --for=jsonpath='{.status.readyReplicas}'=2 deployment -l "app.kubernetes.io/instance=$name" --timeout=$WAIT
  assert_deployments_available "$name" "$ns"
  # The disruption controller counts the healthy pods against minAvailable 1.
  quietly "$name: PDBs allow one disruption" \
    k -n "$ns" wait --for=jsonpath='{.status.disruptionsAllowed}'=1 pdb -l "app.kubernetes.io/instance=$name" --timeout=$WAIT

  quietly "apply the Prometheus Operator CRDs" k apply -f "$FIXTURES/prometheus-operator-crds.yaml"
  quietly "CRDs established" k wait --for=condition=Established --timeout=60s \
    crd/servicemonitors.monitoring.coreos.com crd/prometheusrules.monitoring.coreos.com
  release upgrade "$name" "$ns" -f "$CHART/ci/production-values.yaml"
  objects=$(assert_objects_exist "$name" "$ns")
  monitors=$(k -n "$ns" get servicemonitors.monitoring.coreos.com -l "app.kubernetes.io/instance=$name" -o name | wc -l)
  rules=$(k -n "$ns" get prometheusrules.monitoring.coreos.com -l "app.kubernetes.io/instance=$name" -o name | wc -l)
  [ "$monitors" -eq 4 ] && [ "$rules" -eq 1 ] ||
    fail "$name: with the CRDs, expected 4 ServiceMonitors and 1 PrometheusRule, got $monitors and $rules"
  ! grep -q 'WARNING' "$WORK/$name-upgrade.out" || fail "$name: the notes still warn about missing CRDs"
  assert_deployments_available "$name" "$ns"
  say "production values: installed without the monitoring CRDs (none rendered, notes warn); 4 HPAs scaled to 2, 4 PDBs allow 1 disruption; with the CRDs, upgrade created 4 ServiceMonitors and 1 PrometheusRule ($objects objects)"
}

install_helm
KUBE=$(bash tools/kube/build.sh)
started=$SECONDS
control_plane_start "$WORK" "$KUBE"
# Helm's caches and settings stay in the private directory too.
export HELM_CACHE_HOME=$WORK/helm/cache HELM_CONFIG_HOME=$WORK/helm/config HELM_DATA_HOME=$WORK/helm/data
export KUBECACHEDIR=$WORK/kube-cache
version=$(k version -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["serverVersion"]["gitVersion"])')
say "Kubernetes $version up in $((SECONDS - started)) s"

check_default
check_dev
check_production
say "ok: helm ${HELM_VERSION#v} on Kubernetes $version (kwok node) in $((SECONDS - started)) s"

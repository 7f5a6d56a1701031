#!/usr/bin/env bash
# Offline checks of the Helm chart deploy/helm/orderflow:
#   - the chart's copies of the Grafana dashboard and the Prometheus alert rules equal
#     deploy/observability/ (Helm can only read files inside the chart);
#   - helm lint --strict with the default, production and dev values;
#   - helm template of each, validated by kubernetes-validate against Kubernetes
#     $KUBE_VERSION (strict). Prometheus Operator objects (ServiceMonitor,
#     PrometheusRule) are CRDs it has no schema for: they are skipped, and counted;
#   - deploy/checks/pod_policy.py: restricted security settings and resources on every
#     pod template (the dev render may only use the exceptions documented in values);
#   - the values schema rejects a misspelt key, and external infra without a DB secret
#     fails to render.
# Installs helm (go install from the Go module proxy) and a Python venv with
# kubernetes-validate and PyYAML into ${ORDERFLOW_CACHE_DIR:-~/.cache/orderflow},
# reused on later runs. Quiet on success (one summary line); exits non-zero on failure.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

HELM_VERSION=v3.21.4
KUBERNETES_VALIDATE_VERSION=1.37.0
PYYAML_VERSION=6.0.3
KUBE_VERSION=1.33.0
CHART=deploy/helm/orderflow
CACHE="${ORDERFLOW_CACHE_DIR:-$HOME/.cache/orderflow}"
HELM_DIR="$CACHE/helm-$HELM_VERSION"
HELM="$HELM_DIR/helm"
VENV="$CACHE/helm-checks-venv"
SKIPPED_KINDS=ServiceMonitor,PrometheusRule
WORK="$(mktemp -d "${TMPDIR:-/tmp}/orderflow-helm-check.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

fail() {
  echo "helm.sh: $*" >&2
  exit 1
}

# Runs a command with its output in a log that is shown only when it fails.
quietly() {
  local what=$1
  shift
  if ! "$@" > "$WORK/log" 2>&1; then
    cat "$WORK/log" >&2
    fail "$what failed"
  fi
}

install_helm() {
  [ -x "$HELM" ] && return
  command -v go > /dev/null || fail "Go is needed to build helm (go install helm.sh/helm/v3/cmd/helm)"
  echo "helm.sh: building helm $HELM_VERSION from the Go module proxy into $HELM_DIR (first run only, takes a few minutes)" >&2
  mkdir -p "$HELM_DIR"
  GOBIN="$HELM_DIR" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" ||
    fail "go install helm.sh/helm/v3/cmd/helm@$HELM_VERSION failed"
}

install_venv() {
  local marker="$VENV/.installed-$KUBERNETES_VALIDATE_VERSION-$PYYAML_VERSION"
  [ -f "$marker" ] && return
  echo "helm.sh: installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION and PyYAML into $VENV (first run only)" >&2
  if ! python3 -m venv --clear "$VENV" > "$WORK/log" 2>&1; then
    # Debian ships ensurepip separately.
    if [ "$(id -u)" -eq 0 ] && command -v apt-get > /dev/null; then
      quietly "apt-get install python3-venv" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv'
      quietly "python3 -m venv" python3 -m venv --clear "$VENV"
    else
      cat "$WORK/log" >&2
      fail "python3 -m venv failed (Debian: apt-get install python3-venv)"
    fi
  fi
  quietly "pip install" "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" "pyyaml==$PYYAML_VERSION"
  touch "$marker"
}

check_copies() {
  cmp -s deploy/observability/prometheus/alerts.yml "$CHART/files/alerts.yml" ||
    fail "$CHART/files/alerts.yml differs from deploy/observability/prometheus/alerts.yml: cp deploy/observability/prometheus/alerts.yml $CHART/files/alerts.yml"
  cmp -s deploy/observability/grafana/dashboards/orderflow.json "$CHART/files/orderflow-dashboard.json" ||
    fail "$CHART/files/orderflow-dashboard.json differs from deploy/observability/grafana/dashboards/orderflow.json: cp deploy/observability/grafana/dashboards/orderflow.json $CHART/files/orderflow-dashboard.json"
}

# Writes the render without the kinds kubernetes-validate has no schema for; prints
# how many objects were skipped.
drop_unknown_kinds() {
  "$VENV/bin/python" - "$1" "$2" "$SKIPPED_KINDS" << 'PY'
import sys, yaml
source, target, kinds = sys.argv[1], sys.argv[2], set(sys.argv[3].split(","))
with open(source, encoding="utf-8") as f:
    docs = [d for d in yaml.safe_load_all(f) if d]
kept = [d for d in docs if d.get("kind") not in kinds]
with open(target, "w", encoding="utf-8") as f:
    yaml.safe_dump_all(kept, f, sort_keys=False)
print(len(docs) - len(kept), len(kept))
PY
}

objects=0
skipped=0
API_VERSIONS=()
check_values() {
  local label=$1 mode=$2
  shift 2
  local rendered="$WORK/$label.yaml"
  quietly "helm lint --strict ($label values)" "$HELM" lint --strict "$CHART" --kube-version "$KUBE_VERSION" "$@"
  if ! "$HELM" template orderflow "$CHART" --namespace orderflow --kube-version "$KUBE_VERSION" "$@" \
    "${API_VERSIONS[@]}" > "$rendered" 2> "$WORK/log"; then
    cat "$WORK/log" >&2
    fail "helm template ($label values) failed"
  fi
  local counts
  counts=$(drop_unknown_kinds "$rendered" "$WORK/$label-known.yaml")
  skipped=$((skipped + ${counts% *}))
  objects=$((objects + ${counts#* }))
  quietly "kubernetes-validate -k $KUBE_VERSION --strict ($label values)" \
    "$VENV/bin/kubernetes-validate" -k "$KUBE_VERSION" --strict --quiet "$WORK/$label-known.yaml"
  quietly "pod policy ($label values, $mode)" "$VENV/bin/python" deploy/checks/pod_policy.py --mode "$mode" "$rendered"
}

# The schema and the templates must refuse what they are meant to refuse.
expect_render_failure() {
  local what=$1 pattern=$2
  shift 2
  if "$HELM" template orderflow "$CHART" --kube-version "$KUBE_VERSION" "$@" > "$WORK/log" 2>&1; then
    fail "expected a render failure ($what), but it rendered"
  fi
  grep -q -- "$pattern" "$WORK/log" || {
    cat "$WORK/log" >&2
    fail "render failed ($what), but without \"$pattern\""
  }
}

check_copies
install_helm
install_venv
check_values default production
# With the Prometheus Operator's CRDs, as a cluster that runs it has them (helm
# template only: lint takes no API versions)...
API_VERSIONS=(--api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule)
check_values production production -f "$CHART/ci/production-values.yaml"
API_VERSIONS=()
# ...and without them: the chart leaves those objects out instead of failing the install.
"$HELM" template orderflow "$CHART" --kube-version "$KUBE_VERSION" -f "$CHART/ci/production-values.yaml" \
  > "$WORK/no-crds.yaml" 2> "$WORK/log" || { cat "$WORK/log" >&2; fail "helm template (production values, no CRDs) failed"; }
if grep -Eq '^kind: (ServiceMonitor|PrometheusRule)$' "$WORK/no-crds.yaml"; then
  fail "production values rendered a ServiceMonitor or PrometheusRule for a cluster without their CRDs"
fi
check_values dev dev -f "$CHART/ci/dev-values.yaml"
# Topics: created before the services with external Kafka (a pre-install hook); beside
# them with the bundled Kafka (no hook: helm install --wait would wait for services that
# wait for the hook's topics); by the services themselves without the job.
"$VENV/bin/python" - "$WORK/default.yaml" "$WORK/dev.yaml" <<'PY' || fail "topics job ordering"
import sys, yaml
def job(path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    return next(d for d in docs if d["kind"] == "Job" and "topics" in d["metadata"]["name"])
external, dev = job(sys.argv[1]), job(sys.argv[2])
hook = (external["metadata"].get("annotations") or {}).get("helm.sh/hook")
assert hook == "pre-install,pre-upgrade", f"external Kafka: topics job hook is {hook!r}"
assert "helm.sh/hook" not in (dev["metadata"].get("annotations") or {}), "dev: topics job is a hook"
PY
"$HELM" template orderflow "$CHART" --kube-version "$KUBE_VERSION" --set topics.create=false > "$WORK/no-job.yaml" 2> "$WORK/log" ||
  { cat "$WORK/log" >&2; fail "helm template (topics.create=false) failed"; }
grep -q 'KAFKA_ENSURE_TOPICS: "true"' "$WORK/no-job.yaml" ||
  fail "topics.create=false: the services must create the topics (KAFKA_ENSURE_TOPICS=true)"
expect_render_failure "misspelt key" "additional properties 'replica' not allowed" --set components.orders.replica=2
expect_render_failure "no database secret" "components.payments.database.existingSecret is required" \
  --set components.payments.database.existingSecret=
expect_render_failure "request without limit" "missing property 'memory'" \
  --set components.shipping.resources.limits.memory=null

echo "helm.sh: ok (helm ${HELM_VERSION#v}: lint --strict, template and kubernetes-validate $KUBE_VERSION --strict of $objects objects for default, production and dev values; skipped $skipped CRD objects ($SKIPPED_KINDS) unknown to kubernetes-validate; pod policy; chart copies of dashboard and alerts match)"

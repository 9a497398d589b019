# shellcheck shell=bash
# The integration-test environment: test images, a plain registry and a TLS +
# basic-auth registry, all on loopback, torn down on exit.
#
# testenv_setup needs a running dockerd (docker.sh: dockerd_ensure) and
# registers every undo on the exit stack (common.sh: on_exit), so that the
# registries, the certs.d entry, the registry tags and the temp dir are gone
# when the calling script exits, however it exits.
#
# Inputs (environment, optional):
#   CRI_SHIM_TEST_REGISTRY_PORT       plain registry port (default 5000; when the
#                                     default is taken, the next free port is used;
#                                     a port given explicitly must be free)
#   CRI_SHIM_TEST_AUTH_REGISTRY_PORT  TLS + auth registry port (default 5443; same rule)
#   CRI_SHIM_TEST_AUTH_USER           default cri-shim-test
#   CRI_SHIM_TEST_AUTH_PASSWORD       default: random for each run
#   CRI_SHIM_TEST_CERTS_D             dockerd's certs.d (default /etc/docker/certs.d)
#   CRI_SHIM_TEST_KEEP_TMP=1          keep the temp dir (registry logs, certs) at exit
#
# Outputs: the environment contract for the tests, exported; see
# scripts/README.md ("Environment contract") for what each variable means.

[[ -n "${_CRI_SHIM_TESTENV_SH:-}" ]] && return 0
_CRI_SHIM_TESTENV_SH=1
# shellcheck source=scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=scripts/lib/docker.sh
. "$(dirname "${BASH_SOURCE[0]}")/docker.sh"
# shellcheck source=scripts/lib/images.sh
. "$(dirname "${BASH_SOURCE[0]}")/images.sh"

readonly TESTENV_IMAGE=cri-shim-test/busybox:latest
# The ImageStatus uid/username fixtures: tag, then the image's USER.
readonly -a TESTENV_USER_IMAGES=(
  "cri-shim-test/user:uid1002|1002"
  "cri-shim-test/user:www-data|www-data"
  "cri-shim-test/user:uid-gid|1003:1004"
  "cri-shim-test/user:name-gid|www-data:1004"
)

# Sets up everything and exports the contract. Run it in the main shell (not
# in $(...)), after dockerd_ensure.
testenv_setup() {
  docker_ping || die "dockerd does not answer on $CRI_SHIM_DOCKER_ENDPOINT (call dockerd_ensure first)"
  local cmd
  for cmd in docker-registry openssl htpasswd busybox curl ss; do
    command -v "$cmd" >/dev/null 2>&1 || die "$cmd not found: run scripts/install-deps.sh"
  done

  TESTENV_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cri-shim-test.XXXXXX")
  on_exit _testenv_remove_tmp "$TESTENV_TMP"
  # The docker CLI's own config (login credentials) lives and dies here; the
  # user's ~/.docker is never touched.
  export DOCKER_CONFIG=$TESTENV_TMP/docker-config
  mkdir -p "$DOCKER_CONFIG"
  log "test environment in $TESTENV_TMP"

  # Ports first: a taken port fails the set-up before any work.
  TESTENV_PLAIN_PORT=$(_testenv_port CRI_SHIM_TEST_REGISTRY_PORT 5000)
  TESTENV_AUTH_PORT=$(_testenv_port CRI_SHIM_TEST_AUTH_REGISTRY_PORT 5443)
  ((TESTENV_PLAIN_PORT != TESTENV_AUTH_PORT)) || die "both registries would use port $TESTENV_PLAIN_PORT"

  # The name goes into /etc/hosts before anything else: dockerd (Go's
  # resolver) re-reads the file at most every 5 s, so the entry has to be
  # there a while before dockerd is asked to log in (see _testenv_push).
  _testenv_hosts_entry ::1 "$TESTENV_AUTH_HOST"
  TESTENV_HOSTS_WRITTEN=$SECONDS

  testenv_images
  _testenv_plain_registry
  _testenv_auth_registry
  _testenv_push

  export CRI_SHIM_TEST_DOCKER_ENDPOINT=$CRI_SHIM_DOCKER_ENDPOINT
  export CRI_SHIM_TEST_IMAGE=$TESTENV_IMAGE
  export CRI_SHIM_TEST_IMAGE_USER_UID=${TESTENV_USER_IMAGES[0]%%|*}
  export CRI_SHIM_TEST_IMAGE_USER_NAME=${TESTENV_USER_IMAGES[1]%%|*}
  export CRI_SHIM_TEST_IMAGE_USER_UID_GID=${TESTENV_USER_IMAGES[2]%%|*}
  export CRI_SHIM_TEST_IMAGE_USER_NAME_GID=${TESTENV_USER_IMAGES[3]%%|*}
  export CRI_SHIM_TEST_USER_IMAGES="$CRI_SHIM_TEST_IMAGE_USER_UID $CRI_SHIM_TEST_IMAGE_USER_NAME $CRI_SHIM_TEST_IMAGE_USER_UID_GID $CRI_SHIM_TEST_IMAGE_USER_NAME_GID"
  export CRI_SHIM_TEST_REGISTRY=127.0.0.1:$TESTENV_PLAIN_PORT
  export CRI_SHIM_TEST_AUTH_REGISTRY=$TESTENV_AUTH_HOST:$TESTENV_AUTH_PORT
  export CRI_SHIM_TEST_AUTH_REGISTRY_CA=$TESTENV_TMP/auth-registry/ca.crt
  export CRI_SHIM_TEST_AUTH_USER CRI_SHIM_TEST_AUTH_PASSWORD
  # Reserved: a pause image for sandboxes, set up by the sandbox issue.
  # export CRI_SHIM_TEST_PAUSE_IMAGE=...
  log "test environment ready:"
  testenv_print_env | sed 's/^/    /' >&2
}

# Prints the contract as shell assignments (the password included: it is a
# throw-away one for loopback registries).
testenv_print_env() {
  local var
  for var in CRI_SHIM_TEST_DOCKER_ENDPOINT CRI_SHIM_TEST_IMAGE CRI_SHIM_TEST_USER_IMAGES \
             CRI_SHIM_TEST_IMAGE_USER_UID CRI_SHIM_TEST_IMAGE_USER_NAME \
             CRI_SHIM_TEST_IMAGE_USER_UID_GID CRI_SHIM_TEST_IMAGE_USER_NAME_GID \
             CRI_SHIM_TEST_REGISTRY CRI_SHIM_TEST_AUTH_REGISTRY CRI_SHIM_TEST_AUTH_REGISTRY_CA \
             CRI_SHIM_TEST_AUTH_USER CRI_SHIM_TEST_AUTH_PASSWORD; do
    printf '%s=%q\n' "$var" "${!var-}"
  done
}

_testenv_remove_tmp() {
  if [[ "${CRI_SHIM_TEST_KEEP_TMP:-0}" == 1 ]]; then
    log "keeping $1 (CRI_SHIM_TEST_KEEP_TMP=1)"
  else
    rm -rf "$1"
  fi
}

# --- test images --------------------------------------------------------------

# Builds the busybox rootfs and imports it as the test images (images.sh).
# Idempotent: an image whose content label already matches is left as it is.
testenv_images() {
  local tar=$TESTENV_TMP/rootfs.tar
  images_busybox_tar "$TESTENV_TMP/rootfs" "$tar"
  images_import "$tar" "$TESTENV_IMAGE" ""
  local entry
  for entry in "${TESTENV_USER_IMAGES[@]}"; do
    images_import "$tar" "${entry%%|*}" "${entry#*|}"
  done
}

# --- registries ---------------------------------------------------------------

# Picks the registry port: the variable's value when set (must be free), else
# the default or the next free one after it. Prints the port.
_testenv_port() {
  local var=$1 default=$2 port
  if [[ -n "${!var:-}" ]]; then
    port=${!var}
    [[ "$port" =~ ^[0-9]+$ ]] || die "$var must be a port number, got '$port'"
    _port_in_use "$port" && die "$var=$port: that port is already in use on this machine"
    printf '%s\n' "$port"
    return 0
  fi
  for ((port = default; port < default + 100; port++)); do
    if ! _port_in_use "$port"; then
      ((port == default)) || log "port $default is taken: using $port"
      printf '%s\n' "$port"
      return 0
    fi
  done
  die "no free port in $default..$((default + 99)) (set $var)"
}

_port_in_use() {
  [[ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]]
}

# Starts `docker-registry serve CONFIG` in the background; registers its stop.
# Usage: _testenv_registry_start NAME CONFIG URL [CURL_ARGS...]
_testenv_registry_start() {
  local name=$1 config=$2 url=$3; shift 3
  local logfile=$TESTENV_TMP/$name.log
  docker-registry serve "$config" >"$logfile" 2>&1 </dev/null &
  local pid=$!
  on_exit stop_pid "$pid" "$name" 10
  if ! wait_until 30 _registry_answers_or_dead "$pid" "$url" "$@" || ! kill -0 "$pid" 2>/dev/null; then
    show_log_tail "$logfile"
    die "$name did not come up on $url (log above)"
  fi
  log "$name is up on $url (pid $pid)"
}

_registry_answers_or_dead() {
  local pid=$1 url=$2; shift 2
  ! kill -0 "$pid" 2>/dev/null && return 0
  [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null)" != 000 ]]
}

# Registry 2 configuration, filesystem storage under DIR. Extra YAML for the
# http section and top level is appended by the caller.
_testenv_registry_config() {
  local dir=$1 addr=$2
  cat <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $dir/storage
  delete:
    enabled: true
http:
  addr: "$addr"
  secret: $(openssl rand -hex 16)
EOF
}

# (a) plain HTTP, no auth.
_testenv_plain_registry() {
  local dir=$TESTENV_TMP/registry
  mkdir -p "$dir/storage"
  _testenv_registry_config "$dir" "127.0.0.1:$TESTENV_PLAIN_PORT" >"$dir/config.yml"
  _testenv_registry_start registry "$dir/config.yml" "http://127.0.0.1:$TESTENV_PLAIN_PORT/v2/"
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$TESTENV_PLAIN_PORT/v2/")
  [[ "$code" == 200 ]] || die "plain registry: GET /v2/ answered $code, want 200"
}

# (b) TLS with a throw-away CA, and htpasswd (bcrypt) basic auth; dockerd
# trusts the CA through certs.d, which it reads per connection (no restart).
#
# It listens on [::1] under a host name that resolves to ::1 only
# (TESTENV_AUTH_HOST, added to /etc/hosts for the run). dockerd treats every
# registry in 127.0.0.0/8 as insecure and, after a refused HTTPS attempt,
# retries over plain HTTP, so an authentication failure would surface as
# "connection reset by peer". A name outside that range makes it a secure
# registry like any real one: "no basic auth credentials" or "unauthorized".
# (Docker 20.10 cannot parse a bracketed IPv6 literal in a reference.)
TESTENV_AUTH_HOST=cri-shim-auth-registry.test
_testenv_auth_registry() {
  CRI_SHIM_TEST_AUTH_USER=${CRI_SHIM_TEST_AUTH_USER:-cri-shim-test}
  CRI_SHIM_TEST_AUTH_PASSWORD=${CRI_SHIM_TEST_AUTH_PASSWORD:-$(openssl rand -hex 16)}
  local dir=$TESTENV_TMP/auth-registry
  mkdir -p "$dir/storage"

  _testenv_certs "$dir"
  htpasswd -Bbn "$CRI_SHIM_TEST_AUTH_USER" "$CRI_SHIM_TEST_AUTH_PASSWORD" >"$dir/htpasswd" \
    || die "htpasswd failed"
  {
    _testenv_registry_config "$dir" "[::1]:$TESTENV_AUTH_PORT"
    cat <<EOF
  tls:
    certificate: $dir/server.crt
    key: $dir/server.key
auth:
  htpasswd:
    realm: cri-shim-test
    path: $dir/htpasswd
EOF
  } >"$dir/config.yml"

  local base=https://$TESTENV_AUTH_HOST:$TESTENV_AUTH_PORT
  _testenv_registry_start auth-registry "$dir/config.yml" "$base/v2/" --cacert "$dir/ca.crt"
  local anon authed
  anon=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$dir/ca.crt" "$base/v2/")
  authed=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$dir/ca.crt" \
    -u "$CRI_SHIM_TEST_AUTH_USER:$CRI_SHIM_TEST_AUTH_PASSWORD" "$base/v2/")
  [[ "$anon" == 401 && "$authed" == 200 ]] \
    || die "auth registry: GET /v2/ answered $anon without and $authed with credentials, want 401 and 200"

  _testenv_trust_ca "$dir/ca.crt" "$TESTENV_AUTH_HOST:$TESTENV_AUTH_PORT"
}

# Maps NAME to ADDRESS in /etc/hosts for the run (written in place: in a
# container /etc/hosts is a bind mount that cannot be replaced by a rename).
_testenv_hosts_entry() {
  local address=$1 name=$2
  if grep -Eq "^[[:space:]]*${address}[[:space:]]+${name}([[:space:]]|\$)" /etc/hosts; then
    return 0
  fi
  printf '%s %s\n' "$address" "$name" >>/etc/hosts
  on_exit _testenv_hosts_remove "$name"
  log "/etc/hosts: $name -> $address for this run"
}

_testenv_hosts_remove() {
  local name=$1 kept
  kept=$(grep -Ev "[[:space:]]$name([[:space:]]|\$)" /etc/hosts) || true
  printf '%s\n' "$kept" >/etc/hosts
}

# A self-signed CA and a server certificate for TESTENV_AUTH_HOST (and ::1)
# signed by it.
_testenv_certs() {
  local dir=$1
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 \
    -subj "/CN=cri-shim test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" 2>"$dir/openssl.log" \
    || { show_log_tail "$dir/openssl.log"; die "openssl: making the CA failed"; }
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$TESTENV_AUTH_HOST" \
    -keyout "$dir/server.key" -out "$dir/server.csr" 2>>"$dir/openssl.log" \
    || { show_log_tail "$dir/openssl.log"; die "openssl: making the server key failed"; }
  printf '%s\n' "subjectAltName=DNS:$TESTENV_AUTH_HOST,IP:::1" "basicConstraints=CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" "extendedKeyUsage=serverAuth" >"$dir/server.ext"
  openssl x509 -req -sha256 -days 2 -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -CAcreateserial -extfile "$dir/server.ext" -out "$dir/server.crt" 2>>"$dir/openssl.log" \
    || { show_log_tail "$dir/openssl.log"; die "openssl: signing the server certificate failed"; }
}

# Puts CA into certs.d/HOST:PORT/ca.crt and registers its removal.
_testenv_trust_ca() {
  local ca=$1 hostport=$2
  local certs_d=${CRI_SHIM_TEST_CERTS_D:-/etc/docker/certs.d}
  if [[ ! -d "$certs_d" ]]; then
    mkdir -p "$certs_d"
    on_exit rmdir --ignore-fail-on-non-empty "$certs_d"
  fi
  local dir=$certs_d/$hostport
  mkdir -p "$dir"
  on_exit rm -rf "$dir"
  cp "$ca" "$dir/ca.crt"
  log "dockerd trusts the test CA for $hostport ($dir/ca.crt)"
}

# Pushes the test images: all to the plain registry, busybox to the auth one
# (logged in through the throw-away DOCKER_CONFIG, logged out afterwards so
# no credentials are left anywhere).
_testenv_push() {
  local plain=127.0.0.1:$TESTENV_PLAIN_PORT auth=$TESTENV_AUTH_HOST:$TESTENV_AUTH_PORT
  on_exit _testenv_untag "$plain" "$auth"

  local ref
  for ref in "$TESTENV_IMAGE" "${TESTENV_USER_IMAGES[@]%%|*}"; do
    _testenv_push_one "$ref" "$plain/$ref"
  done

  # Go's resolver keeps /etc/hosts for 5 s after it last read it: a lookup
  # dockerd made just before the entry was written would hide the entry
  # ("no such host") until then. Wait that out, and retry a failed lookup.
  local since=$((SECONDS - TESTENV_HOSTS_WRITTEN)) attempt
  ((since >= 6)) || sleep $((6 - since))
  for attempt in 1 2 3; do
    printf '%s' "$CRI_SHIM_TEST_AUTH_PASSWORD" \
      | docker_cli login --username "$CRI_SHIM_TEST_AUTH_USER" --password-stdin "$auth" \
        >"$TESTENV_TMP/login.log" 2>&1 && break
    if ((attempt == 3)) || ! grep -q 'no such host' "$TESTENV_TMP/login.log"; then
      show_log_tail "$TESTENV_TMP/login.log"
      die "docker login $auth failed"
    fi
    log "docker login: $auth not resolved yet, retrying in 3 s"
    sleep 3
  done
  _testenv_push_one "$TESTENV_IMAGE" "$auth/$TESTENV_IMAGE"
  docker_cli logout "$auth" >/dev/null 2>&1 || true
}

_testenv_push_one() {
  local src=$1 dst=$2
  docker_cli tag "$src" "$dst"
  log "pushing $dst"
  docker_cli push "$dst" >"$TESTENV_TMP/push.log" 2>&1 \
    || { show_log_tail "$TESTENV_TMP/push.log"; die "docker push $dst failed"; }
}

# Removes every image reference into the test registries (the pushed tags, and
# whatever the tests pulled from them): they mean nothing once the registries
# are gone. Local images in use by a container stay.
_testenv_untag() {
  local prefix repo tag digest
  docker_ping || return 0
  for prefix in "$@"; do
    while read -r repo tag digest; do
      [[ "$repo" == "$prefix"/* ]] || continue
      if [[ "$tag" != "<none>" ]]; then
        docker_cli image rm "$repo:$tag" >/dev/null 2>&1 || true
      elif [[ "$digest" != "<none>" ]]; then
        docker_cli image rm "$repo@$digest" >/dev/null 2>&1 || true
      fi
    done < <(docker_cli image ls --digests --format '{{.Repository}} {{.Tag}} {{.Digest}}')
  done
}

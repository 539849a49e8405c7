#!/usr/bin/env bash
# Conformance: starts `khata sandbox` on a free loopback port and runs schemathesis (PyPI)
# against the contract (src-tauri/crates/lending/openapi.yaml) with every check enabled.
# Exit status is schemathesis's: 0 only with zero failures.
#
# Env: KHATA_BIN (a built `khata`; otherwise built here with cargo), CARGO_TARGET_DIR,
#      CONFORMANCE_MAX_EXAMPLES (default 30), CONFORMANCE_SEED (default 1).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
spec="$root/src-tauri/crates/lending/openapi.yaml"

# schemathesis 4.x from PyPI; its CLI is invoked through Python so a fresh install works even
# when pip's script directory is not on PATH.
if ! python3 -c 'import schemathesis.cli' >/dev/null 2>&1; then
  python3 -m pip install --quiet 'schemathesis>=4.3,<5' \
    || python3 -m pip install --quiet --user 'schemathesis>=4.3,<5'
fi
schemathesis() { python3 -c 'import sys; from schemathesis.cli import schemathesis as m; sys.argv[0] = "schemathesis"; m()' "$@"; }

khata="${KHATA_BIN:-}"
if [ -z "$khata" ]; then
  (cd "$root" && cargo build --quiet -p khata-cli)
  khata="${CARGO_TARGET_DIR:-$root/target}/debug/khata"
fi

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="conformance-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
state="$(mktemp -d)"
log="$state/sandbox.log"

KHATA_SANDBOX_DEV_TOKEN="$token" "$khata" sandbox --port "$port" --scenario salaried-good \
  --seed 1 --state "$state" >"$log" 2>&1 &
pid=$!
cleanup() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$state"; }
trap cleanup EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
      "$base/.well-known/khata-lender.json" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log" >&2; echo "sandbox died" >&2; exit 1; fi
  sleep 0.1
done

# Give the run real data to reach: decide the scenario's consent request (some signals denied),
# which creates a consent, an offer and disclosures for the links in the spec to follow.
python3 - "$base" "$token" <<'PY'
import json, sys, urllib.request, uuid
base, token = sys.argv[1:]
def call(method, path, body=None):
    req = urllib.request.Request(
        base + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                 "Idempotency-Key": str(uuid.uuid4())})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
r = call("GET", "/consent-requests")["items"][0]
decisions = [{"signal": s, "decision": "DENY" if i % 4 == 0 else "GRANT"}
             for i, s in enumerate(r["signals"])]
call("POST", f"/consent-requests/{r['requestId']}/decision", {"decisions": decisions})
PY


# Run from the throwaway state dir so schemathesis' caches (.hypothesis, .schemathesis) go with it.
cd "$state"
schemathesis --no-color --config-file "$here/schemathesis.toml" run "$spec" \
  --url "$base" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "${CONFORMANCE_MAX_EXAMPLES:-30}" \
  --seed "${CONFORMANCE_SEED:-1}" \
  --workers 1 \
  "$@"

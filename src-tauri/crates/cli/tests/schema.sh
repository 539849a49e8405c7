#!/usr/bin/env bash
# Validates real exports against docs/export.schema.json with an external validator
# (check-jsonschema from PyPI, installed with pip if missing). The exports come from the CLI
# test, which syncs the sandbox lender (over-collector and salaried-good) into a real vault;
# a version 2 export (synthetic, validly signed) has its line 1 checked against
# docs/export-v2.schema.json and its leaves against that schema's $defs/leaf.
#
#   src-tauri/crates/cli/tests/schema.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../../../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

if ! python3 -m check_jsonschema --version >/dev/null 2>&1; then
  python3 -m pip install --quiet check-jsonschema || python3 -m pip install --quiet --user check-jsonschema
fi

# The same package and feature selection as `make test`'s rust stage, so this reuses its build
# (with `-p khata-cli` alone, features resolve differently and ~100 crates build again).
KHATA_EXPORT_DIR="$out" cargo test --quiet --manifest-path "$root/Cargo.toml" --workspace --features e2e \
  --locked --test cli -- audit:: verify_v2:: >/dev/null
ls "$out"/*.json >/dev/null
python3 -m check_jsonschema --schemafile "$root/docs/export.schema.json" "$out"/*.json

# Version 2: line 1, then every leaf line.
v2="$out/v2/v2.khata.json"
head -n 1 "$v2" > "$out/v2/line1.json"
python3 - "$root/docs/export-v2.schema.json" "$out/v2/leaf.schema.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
json.dump({"$schema": s["$schema"], "$defs": s["$defs"], "$ref": "#/$defs/leaf"}, open(sys.argv[2], "w"))
PY
python3 -m check_jsonschema --schemafile "$root/docs/export-v2.schema.json" "$out/v2/line1.json"
tail -n +2 "$v2" | split -l 1 -a 4 --additional-suffix=.json - "$out/v2/leaf-"
python3 -m check_jsonschema --schemafile "$out/v2/leaf.schema.json" "$out"/v2/leaf-*.json

# The schema must also reject a broken export.
python3 - "$out/salaried-good.json" "$out/broken.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["ledger"]["entries"][0]["hash"] = "XYZ"
del d["disclosures"][0]["statement"]["signature"]
json.dump(d, open(sys.argv[2], "w"))
PY
if python3 -m check_jsonschema --schemafile "$root/docs/export.schema.json" "$out/broken.json" >/dev/null 2>&1; then
  echo "schema.sh: the schema accepted a broken export" >&2
  exit 1
fi
echo "schema.sh: real exports valid (v1 and v2), broken export rejected"

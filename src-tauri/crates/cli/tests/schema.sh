#!/usr/bin/env bash
# Validates real exports against the published schemas with an external validator
# (check-jsonschema from PyPI, installed with pip if missing). The exports come from the CLI
# test, which syncs the sandbox lender (over-collector, with its phone report imported, and
# salaried-good) into a real vault,
# plus a synthetic, validly signed one: all version 2, each line 1 checked against
# docs/export-v2.schema.json and its leaves against that schema's $defs/leaf; the kept real
# version 1 export (tests/fixtures) against docs/export.schema.json.
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

# Version 2 (the sandbox speaks contract 2.x, so its real exports are version 2, and the
# synthetic one): line 1 against docs/export-v2.schema.json, every leaf line against its
# $defs/leaf. Version 1 (the kept real v1 export): docs/export.schema.json.
python3 - "$root/docs/export-v2.schema.json" "$out/leaf.schema.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
json.dump({"$schema": s["$schema"], "$defs": s["$defs"], "$ref": "#/$defs/leaf"}, open(sys.argv[2], "w"))
PY
magic='{"format":"khata-export","version":2,'
checked_v2=0
for f in "$out"/*.json "$out"/v2/v2.khata.json; do
  case "$f" in "$out/leaf.schema.json") continue ;; esac
  if [ "$(head -c ${#magic} "$f")" = "$magic" ]; then
    dir="$(mktemp -d -p "$out")"
    head -n 1 "$f" > "$dir/line1.json"
    python3 -m check_jsonschema --schemafile "$root/docs/export-v2.schema.json" "$dir/line1.json"
    tail -n +2 "$f" | split -l 1 -a 5 --additional-suffix=.json - "$dir/leaf-"
    if ls "$dir"/leaf-*.json >/dev/null 2>&1; then
      python3 -m check_jsonschema --schemafile "$out/leaf.schema.json" "$dir"/leaf-*.json
    fi
    checked_v2=$((checked_v2 + 1))
  else
    python3 -m check_jsonschema --schemafile "$root/docs/export.schema.json" "$f"
  fi
done
[ "$checked_v2" -ge 3 ] || { echo "schema.sh: expected three version 2 exports, checked $checked_v2" >&2; exit 1; }
python3 -m check_jsonschema --schemafile "$root/docs/export.schema.json" "$root/tests/fixtures/export-v1.khata.json"

# The schema must also reject a broken export.
python3 - "$root/tests/fixtures/export-v1.khata.json" "$out/broken.json" <<'PY'
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
echo "schema.sh: real exports valid (version 2 and the kept version 1), broken export rejected"

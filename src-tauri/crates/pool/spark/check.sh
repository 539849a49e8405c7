#!/usr/bin/env bash
# The Spark check of the pool (`make test` stage `pool`; docs/pool.md, "On Apache Spark"):
# a generated pool, the standard report's raw results from the embedded engine and from
# pyspark in local mode over the same dataset and SQL files, and a check that they are equal.
#
#   1. run_sql.py's tables against src/schema.rs; the tests of compare.py and run_sql.py
#   2. khata pool generate --donors N --out D         real sandbox lenders and engines
#   3. khata-pool add D --pool P
#   4. khata-pool report --pool P --raw E.json        DataFusion
#   5. run_sql.py P sql/ S.json                       Spark, local[2]
#   6. compare.py E.json S.json; a planted difference must fail it
#   7. khata-pool report --format html|csv|json       the published report builds, and names
#                                                      no donation
# Any failing step stops the check with its name, and the working directory is kept.
#
# Env: KHATA_BIN, KHATA_POOL_BIN (built `khata` and `khata-pool`; otherwise built here),
#      KHATA_AFTER_RUST_STAGE=1 (build them as the rust stage of `make test` built, reusing its
#      build), CARGO_TARGET_DIR, POOL_CHECK_DONORS (default 40), POOL_CHECK_SEED (default 1).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
sql="$here/../sql"
donors="${POOL_CHECK_DONORS:-40}"
seed="${POOL_CHECK_SEED:-1}"
export PYTHONDONTWRITEBYTECODE=1

work="$(mktemp -d -t khata-pool-check.XXXXXX)"
current="set-up"
finish() {
  local rc=$?
  if [ $rc -eq 0 ]; then
    rm -rf "$work"
  else
    printf '\n\033[1;31mpool check FAILED at: %s (exit %s)\033[0m\n' "$current" "$rc" >&2
    echo "pool check: its files are kept in $work" >&2
  fi
}
trap finish EXIT
step() { current="$1"; printf '\n\033[1m-- pool check: %s\033[0m\n' "$1"; }
started=$SECONDS
took() { echo "   ($((SECONDS - $1)) s)"; }

# Spark 3.5 runs on Java 8, 11 or 17: prefer Debian's 17 when JAVA_HOME names none.
if [ -z "${JAVA_HOME:-}" ]; then
  for jvm in /usr/lib/jvm/java-17-openjdk-*; do
    [ -x "$jvm/bin/java" ] && export JAVA_HOME="$jvm" && break
  done
fi
if ! { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; } && ! command -v java >/dev/null; then
  echo "pool check: no Java for Spark; install openjdk-17-jre-headless (.ci/install-deps test)" >&2
  exit 1
fi
# pyspark at the pinned version (requirements.txt); .ci/install-deps test installs it, and so
# does this when it is missing, as the other stages do with their PyPI tools.
if ! python3 "$here/requirements_met.py" "$here/requirements.txt"; then
  python3 -m pip install --quiet -r "$here/requirements.txt" \
    || python3 -m pip install --quiet --user -r "$here/requirements.txt"
fi

step "run_sql.py's tables against schema.rs; tests of compare.py and run_sql.py"
t=$SECONDS
python3 "$here/schema_sync.py" "$root/src-tauri/crates/pool/src/schema.rs"
if (cd "$here" && python3 -m unittest discover -s tests) >"$work/unittest.txt" 2>&1; then
  tail -n 3 "$work/unittest.txt"
else
  cat "$work/unittest.txt" >&2
  exit 1
fi
took $t

step "build khata and khata-pool"
khata="${KHATA_BIN:-}"
khata_pool="${KHATA_POOL_BIN:-}"
if [ -z "$khata" ] || [ -z "$khata_pool" ]; then
  if [ "${KHATA_AFTER_RUST_STAGE:-}" = 1 ]; then
    # After the rust stage: its packages, features and test targets (the dev-dependencies add
    # features to shared dependencies), so its build is reused and at most the two binaries
    # link; without `--tests`, some dependencies would build again with fewer features.
    (cd "$root" && cargo build --quiet --locked --workspace --features e2e --tests --bin khata --bin khata-pool)
  else
    (cd "$root" && cargo build --quiet --locked -p khata-cli -p khata-pool --bin khata --bin khata-pool)
  fi
  bin_dir="${CARGO_TARGET_DIR:-$root/target}/debug"
  khata="$bin_dir/khata"
  khata_pool="$bin_dir/khata-pool"
fi
ls -l "$khata" "$khata_pool"

step "khata pool generate --donors $donors"
t=$SECONDS
"$khata" pool generate --donors "$donors" --seed "$seed" --out "$work/donations"
ls "$work"/donations/*.khata-donation.zip >/dev/null
echo "   $(ls "$work"/donations/*.khata-donation.zip | wc -l) donations"
took $t

step "khata-pool add"
t=$SECONDS
"$khata_pool" add "$work/donations" --pool "$work/pool"
took $t

step "khata-pool report --raw (the embedded engine)"
t=$SECONDS
"$khata_pool" report --pool "$work/pool" --raw "$work/embedded.json"
took $t

step "run_sql.py (Spark, local mode)"
t=$SECONDS
python3 "$here/run_sql.py" "$work/pool" "$sql" "$work/spark.json"
took $t

step "compare.py: the embedded engine's results against Spark's"
python3 "$here/compare.py" "$work/embedded.json" "$work/spark.json"
# Every SQL file has its result, and the pool gave the report something to count.
python3 - "$sql" "$work/embedded.json" <<'PY'
import json, os, re, sys
sql, raw = sys.argv[1:]
names = sorted(re.match(r"^[0-9]+_(.*)\.sql$", f).group(1) for f in os.listdir(sql) if f.endswith(".sql"))
results = json.load(open(raw))
missing = [n for n in names if n not in results]
if missing:
    sys.exit(f"pool check: no result for {missing} in {raw}")
if not any(r["rows"] for r in results.values()):
    sys.exit(f"pool check: every result in {raw} is empty: the generated pool gave nothing to compare")
print(f"   {len(names)} SQL files, each with its result")
PY
# The checker must catch a difference: a float off by 1e-6 (or an integer by one), and a row lost.
python3 - "$work/spark.json" "$work/planted-value.json" "$work/planted-row.json" <<'PY'
import json, sys
source, value_out, row_out = sys.argv[1:]
data = json.load(open(source))
def plant_value(d):
    for result in d.values():
        for row in result["rows"]:
            for i, v in enumerate(row):
                if isinstance(v, float) and v != 0.0:
                    row[i] = v * (1 + 1e-6); return
    for result in d.values():
        for row in result["rows"]:
            for i, v in enumerate(row):
                if isinstance(v, int) and not isinstance(v, bool):
                    row[i] = v + 1; return
    sys.exit("pool check: no number to plant a difference in")
plant_value(data)
json.dump(data, open(value_out, "w"))
data = json.load(open(source))
next(r for r in data.values() if r["rows"])["rows"].pop()
json.dump(data, open(row_out, "w"))
PY
for planted in planted-value planted-row; do
  if python3 "$here/compare.py" "$work/embedded.json" "$work/$planted.json" >/dev/null 2>&1; then
    echo "pool check: compare.py accepted a planted difference ($planted)" >&2
    exit 1
  fi
done
echo "   planted differences (a value, a lost row) are caught"

step "the published report (html, csv, json)"
t=$SECONDS
for format in html csv json; do
  "$khata_pool" report --pool "$work/pool" --format "$format" --out "$work/report.$format"
  # The CSV report is a directory of files; the others are one file each.
  if [ -d "$work/report.$format" ]; then
    [ -n "$(find "$work/report.$format" -type f -size +0)" ] ||
      { echo "pool check: report.$format holds no file" >&2; exit 1; }
  else
    [ -s "$work/report.$format" ] || { echo "pool check: report.$format is empty" >&2; exit 1; }
  fi
done
ls -lR "$work"/report.*
# No donation id in any published file (they are the donations' file names). grep exits 1
# only when it read everything and found nothing: a match (0) or an unreadable file (2) fails.
ls "$work/donations" | sed -n 's/\.khata-donation\.zip$//p' > "$work/donation-ids"
[ -s "$work/donation-ids" ] || { echo "pool check: no donation ids to look for" >&2; exit 1; }
found=0
grep -r -F -l -f "$work/donation-ids" "$work"/report.* || found=$?
if [ "$found" -ne 1 ]; then
  echo "pool check: a published report names a donation, or could not be read (grep: $found)" >&2
  exit 1
fi
took $t

current="done"
echo
echo "pool check: Spark and the embedded engine agree ($donors donors; $((SECONDS - started)) s)"

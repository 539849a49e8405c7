#!/usr/bin/env bash
# `khata-pool add` against `openssl dgst -sha256` over the same donation files, and its peak
# memory, at each donation directory given (docs/BENCHMARKS.md, "Advocates' pool").
# Needs the release binary (`cargo build --release -p khata-pool`), hyperfine and openssl. Make
# the directories first with `khata pool generate --donors N --out DIR --seed S`.
#   add.sh DIR…        results (hyperfine JSON, /usr/bin/time -v) go to $POOL_BENCH_DIR/results
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${KHATA_POOL:-${CARGO_TARGET_DIR:-$here/../../../../target}/release/khata-pool}
out=${POOL_BENCH_DIR:-/work/pool-bench}/results
mkdir -p "$out"
for dir in "$@"; do
  name=$(basename "$dir")
  pool=$(mktemp -d)/pool
  files=$(ls "$dir"/*.khata-donation.zip | wc -l)
  bytes=$(cat "$dir"/*.khata-donation.zip | wc -c)
  echo "$name: $files donations, $bytes bytes"
  # Warm the page cache, then both commands in one hyperfine run, each add into a fresh pool.
  cat "$dir"/*.khata-donation.zip > /dev/null
  hyperfine --warmup 1 --runs "${RUNS:-5}" --export-json "$out/add-$name.json" \
    --prepare "rm -rf $pool" \
    -n "khata-pool add $name" "$bin add $dir --pool $pool" \
    -n "openssl sha256 $name" "openssl dgst -sha256 $dir/*.khata-donation.zip"
  rm -rf "$pool"
  /usr/bin/time -v "$bin" add "$dir" --pool "$pool" > /dev/null 2> "$out/add-$name.time"
  grep -E "Maximum resident|Elapsed" "$out/add-$name.time"
  python3 - "$out/add-$name.json" "$bytes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
b = int(sys.argv[2])
add, ssl = r[0]["mean"], r[1]["mean"]
print(f"add {add:.3f}±{r[0]['stddev']:.3f} s = {b/add/1e6:.1f} MB/s; "
      f"openssl {ssl:.3f}±{r[1]['stddev']:.3f} s = {b/ssl/1e6:.1f} MB/s; ratio {ssl/add:.2f}")
PY
  rm -rf "$(dirname "$pool")"
done

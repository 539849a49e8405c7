#!/usr/bin/env bash
# The standard report against one full scan of `disclosures` grouped by lender and signal, on
# synthetic pools of 1M, 10M and 100M disclosures (docs/BENCHMARKS.md, "Advocates' pool").
# Needs the release binary (`cargo build --release -p khata-pool`) and hyperfine.
#   POOL_BENCH_DIR   where the pools are written (default /work/pool-bench; 100M needs ~2 GB)
#   SIZES            default "1000000 10000000 100000000"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${KHATA_POOL:-${CARGO_TARGET_DIR:-$here/../../../../target}/release/khata-pool}
dir=${POOL_BENCH_DIR:-/work/pool-bench}
sizes=${SIZES:-"1000000 10000000 100000000"}
mkdir -p "$dir/results"
for n in $sizes; do
  pool="$dir/pool-$n"
  if [ ! -f "$pool/_khata/pool.json" ]; then
    rm -rf "$pool"
    /usr/bin/time -v "$bin" synth --disclosures "$n" --pool "$pool" --seed 17 2> "$dir/results/synth-$n.time"
  fi
  du -sb "$pool" | cut -f1 > "$dir/results/bytes-$n"
  runs=$([ "$n" -ge 100000000 ] && echo 3 || echo 5)
  hyperfine --warmup 1 --runs "$runs" --export-json "$dir/results/hyperfine-$n.json" \
    -n "baseline $n" "$bin report --pool $pool --baseline-scan" \
    -n "report $n" "$bin report --pool $pool --format html --out $dir/report-$n.html"
  /usr/bin/time -v "$bin" report --pool "$pool" --format json --out "$dir/report-$n.json" \
    2> "$dir/results/report-$n.time"
done
python3 "$here/plot.py" "$dir/results" "$here/../../../../docs/pool-report-scaling.svg"

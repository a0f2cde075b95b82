#!/usr/bin/env bash
# The default run's metrics stage, two CLI builds side by side: each gets its own copy of a finished default run with
# cache/metrics removed, so synthesis and classification come from the cache and only the metrics stage runs. Alternating,
# N rounds; prints the stage's wall time from timings.json, the whole command's CPU time and the 1-minute load.
# The AFTER copy keeps cache/train-features between rounds: its first round is the cold one (the training split embedded).
# Usage: benchmarks/scripts/metrics-stage-side-by-side.sh RUN_DIR BEFORE_CLI_DIR AFTER_CLI_DIR [rounds=3] [work=/tmp/metrics-stage]
set -euo pipefail
cd "$(dirname "$0")/../.."
run=$1 before=$2 after=$3 rounds=${4:-3} work=${5:-/tmp/metrics-stage}
rm -rf "$work"; mkdir -p "$work"
cp -r "$run" "$work/before"; cp -r "$run" "$work/after"
rm -rf "$work/after/cache/train-features"
for i in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    out=$work/$side
    rm -rf "$out/cache/metrics"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%U %S" -o "$work/t" dotnet "$dir/onnxdiffusion.dll" reproduce --out "$out" > "$work/$side-$i.log" 2>&1
    read -r user sys < "$work/t"
    stage=$(python3 -c "import json; print(round([s['wall_seconds'] for s in json.load(open('$out/timings.json')) if s['stage'] == 'metrics'][0], 2))")
    echo "$i $side stage_wall $stage command_cpu $(python3 -c "print(round($user + $sys, 1))") load $load"
  done
done

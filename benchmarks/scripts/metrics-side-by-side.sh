#!/usr/bin/env bash
# `metrics` on 10,000 × 10,000 images (the test split against itself), two CLI builds side by side in one session,
# alternating, N rounds; prints each wall time, CPU time (user + sys), peak RSS and the 1-minute load, then the medians.
# On a machine shared with other jobs the wall time follows the load; the CPU time much less so.
# Usage: benchmarks/scripts/metrics-side-by-side.sh BEFORE_CLI_DIR AFTER_CLI_DIR [rounds=3] [extra metrics args for AFTER…]
# A CLI dir holds onnxdiffusion.dll (e.g. a copy of src/OnnxDiffusion.Cli/bin/Release/net10.0 made before a change).
set -euo pipefail
cd "$(dirname "$0")/../.."
before=$1 after=$2 rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 ))
args=(metrics --real data/fashion-mnist --real-split test --fake data/fashion-mnist --fake-split test --features models/fashion-mnist-features)
log=$(mktemp)
for i in $(seq 1 "$rounds"); do
  for side in before after; do
    dir=$before; extra=()
    if [ "$side" = after ]; then dir=$after; extra=("$@"); fi
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S %M" -o "$log.t" dotnet "$dir/onnxdiffusion.dll" "${args[@]}" "${extra[@]}" > "$log.out" 2>&1
    read -r wall user sys rss < "$log.t"
    cpu=$(python3 -c "print(round($user + $sys, 2))")
    echo "$i $side wall $wall cpu $cpu rss_kib $rss load $load" | tee -a "$log"
  done
done
python3 - "$log" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
for side in ("before", "after"):
    w = [float(r[3]) for r in rows if r[1] == side]
    c = [float(r[5]) for r in rows if r[1] == side]
    m = [int(r[7]) / 1024 for r in rows if r[1] == side]
    print(f"{side:6s} wall median {statistics.median(w):.1f} s of {', '.join(f'{x:.1f}' for x in w)}; "
          f"CPU median {statistics.median(c):.1f} s of {', '.join(f'{x:.1f}' for x in c)}; peak RSS median {statistics.median(m):.0f} MiB")
PY

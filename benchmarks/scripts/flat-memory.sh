#!/usr/bin/env bash
# Memory stays flat in the number of images: RSS of the CLI sampled from /proc while it writes 10,000 generated images
# and 60,000 reconstructions, with the manifest's size. Usage: benchmarks/scripts/flat-memory.sh [out-root]
set -euo pipefail
cd "$(dirname "$0")/../.."
root=${1:-$(mktemp -d)}
mkdir -p "$root"
dotnet build src/OnnxDiffusion.Cli -c Release -v q -nologo >/dev/null
cli=src/OnnxDiffusion.Cli/bin/Release/net10.0/onnxdiffusion.dll

# run NAME TOTAL ARGS…: runs the CLI, samples VmRSS and the manifest's line count every 0.25 s, prints a summary.
run() {
  local name=$1 total=$2; shift 2
  local out=$root/$name log=$root/$name.rss
  rm -rf "$out"; : > "$log"
  local start=$(date +%s.%N)
  dotnet "$cli" "$@" --out "$out" > "$root/$name.log" 2>&1 &
  local pid=$!
  while kill -0 $pid 2>/dev/null; do
    local rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || true)
    local n=$( [ -f "$out/manifest.jsonl" ] && wc -l < "$out/manifest.jsonl" || echo 0)
    [ -n "$rss" ] && echo "$n $rss" >> "$log"
    sleep 0.25
  done
  wait $pid
  local wall=$(python3 -c "print($(date +%s.%N) - $start)")
  python3 - "$log" "$total" "$name" "$wall" "$out/manifest.jsonl" <<'PY'
import sys, os
log, total, name, wall, manifest = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), sys.argv[5]
rows = [tuple(map(int, l.split())) for l in open(log) if l.strip()]
def rss_at(frac):
    target = frac * total
    cand = [r for n, r in rows if n >= target]
    return cand[0] if cand else rows[-1][1]
at20, at100 = rss_at(0.2), max(r for n, r in rows if n >= 0.99 * total) if any(n >= 0.99 * total for n, _ in rows) else rows[-1][1]
peak = max(r for _, r in rows)
print(f"{name}: {total} images in {wall:.1f} s; RSS at 20 % {at20/1024:.1f} MiB, at 100 % {at100/1024:.1f} MiB "
      f"(growth {(at100-at20)/1024:.1f} MiB), peak {peak/1024:.1f} MiB; manifest {os.path.getsize(manifest)/1e6:.2f} MB "
      f"({os.path.getsize(manifest)/total:.0f} B per image, appended once)")
PY
}

run generate-10k 10000 generate --per-class 1000 --steps 5
run reconstruct-60k 60000 reconstruct --per-class 6000 --steps 2 --strength 0.1

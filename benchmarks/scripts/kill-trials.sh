#!/usr/bin/env bash
# Kill -9 at random moments (PNG writes and manifest appends included), resume, compare with an uninterrupted run.
# Usage: benchmarks/scripts/kill-trials.sh [trials]   (default 10; uses the committed tiny model, a few seconds each)
set -euo pipefail
cd "$(dirname "$0")/../.."
trials=${1:-10}
root=$(mktemp -d)
dotnet build src/OnnxDiffusion.Cli -c Release -v q -nologo >/dev/null
cli=src/OnnxDiffusion.Cli/bin/Release/net10.0/onnxdiffusion.dll
python3 - "$root/data" <<'PY'
import sys, os, zlib, struct, random
root = sys.argv[1]; rnd = random.Random(5)
def png(px):
    raw = b''.join(b'\0' + bytes(px[y*4:(y+1)*4]) for y in range(4))
    def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 0, 0, 0, 0)) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')
for c in range(10):
    os.makedirs(f"{root}/c{c}", exist_ok=True)
    for i in range(60):
        open(f"{root}/c{c}/{c*100+i:06d}.png", "wb").write(png([rnd.randrange(256) for _ in range(16)]))
PY
args=(reconstruct --model tests/fixtures/tiny-denoiser --data "$root/data" --per-class 60 --strength 0.9 --steps 300 --batch 4 --seed 3 --device cpu)
dotnet "$cli" "${args[@]}" --out "$root/reference" > /dev/null 2>&1
start=$(date +%s.%N); dotnet "$cli" "${args[@]}" --out "$root/timing" > /dev/null 2>&1; full=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
same=0
for t in $(seq 1 "$trials"); do
  out=$root/trial$t
  delay=$(python3 -c "import random; print(round(random.uniform(0.5, $full), 2))")
  dotnet "$cli" "${args[@]}" --out "$out" > /dev/null 2>&1 & pid=$!
  sleep "$delay"; kill -9 $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  before=$( [ -f "$out/manifest.jsonl" ] && wc -l < "$out/manifest.jsonl" || echo 0)
  partial=$(find "$out" -name '*.partial' 2>/dev/null | wc -l)
  dotnet "$cli" "${args[@]}" --out "$out" > /dev/null 2>&1
  if diff -r -x grid.png "$root/reference" "$out" > /dev/null; then same=$((same + 1)); verdict=identical; else verdict=DIFFERENT; fi
  echo "trial $t: killed after ${delay} s of ${full} s with $before of 600 records and $partial .partial file(s); resumed: $verdict"
done
echo "$same of $trials resumed runs byte-identical to the uninterrupted one"

#!/bin/bash
# The sampler kernels on a lent NVIDIA GPU (no .NET there): see README.md beside this script.
#   benchmarks/gpu/run.sh publish      here: builds the self-contained, trimmed kernel check into benchmarks/gpu/publish
#                                      (and, with --full, an untrimmed fallback benchmarks/gpu/publish-full.tgz)
#   benchmarks/gpu/run.sh --dry-run    here: runs it; the CPU half runs, the CUDA half is skipped and says why (exit 0)
#   benchmarks/gpu/run.sh              on the GPU machine: everything; results in $OUT (or benchmarks/gpu/results) as kernel-check.txt
# Exit: 0 all passed, 1 a check failed, 3 no usable CUDA device outside --dry-run, 2 bad usage.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here/results}

if [ "${1:-}" = publish ]; then
  rm -rf "$here/publish"
  dotnet publish "$here/KernelCheck" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true \
    -p:DebugType=none -p:GenerateDocumentationFile=false -o "$here/publish" >/dev/null || { echo "publish failed"; exit 1; }
  echo "publish: $(du -sb "$here/publish" | cut -f1) bytes in $here/publish (carry benchmarks/gpu/publish)"
  if [ "${2:-}" = --full ]; then
    tmp=$(mktemp -d)
    dotnet publish "$here/KernelCheck" -c Release -r linux-x64 --self-contained -p:PublishTrimmed=false \
      -p:DebugType=none -o "$tmp/publish-full" >/dev/null || { echo "untrimmed publish failed"; rm -rf "$tmp"; exit 1; }
    tar czf "$here/publish-full.tgz" -C "$tmp" publish-full && rm -rf "$tmp"
    echo "publish: $(stat -c %s "$here/publish-full.tgz") bytes in $here/publish-full.tgz (untrimmed fallback)"
  fi
  exit 0
fi
dry=""
case "${1:-}" in
  "") ;;
  --dry-run) dry=--dry-run ;;
  *) echo "usage: run.sh [publish [--full] | --dry-run]"; exit 2 ;;
esac
mkdir -p "$out"

# What the machine has, for the record (nvidia-smi and PyTorch are on the lent machines; neither is needed).
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
else
  echo "gpu: no nvidia-smi on this machine"
fi

# ILGPU loads the driver as libcuda.so; driver-only installs may have libcuda.so.1 alone. Link it in a private folder.
if ! ldconfig -p 2>/dev/null | grep -q 'libcuda\.so '; then
  so1=$(ldconfig -p 2>/dev/null | sed -n 's/.*libcuda\.so\.1 .*=> \(.*\)$/\1/p' | head -1)
  if [ -n "$so1" ]; then
    links=$(mktemp -d)
    ln -s "$so1" "$links/libcuda.so"
    export LD_LIBRARY_PATH="$links${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "gpu: linked libcuda.so -> $so1 for ILGPU"
  fi
fi

run() { # the published folder
  "$1/KernelCheck" $dry --out "$out" 2>&1 | tee "$out/run.log"
  return "${PIPESTATUS[0]}"
}
if [ -x "$here/publish/KernelCheck" ]; then
  run "$here/publish"; rc=$?
elif command -v dotnet >/dev/null; then
  # Here, before publishing: the same program through the SDK.
  dotnet build "$here/KernelCheck" -c Release >/dev/null || { echo "build failed"; exit 1; }
  dotnet "$here/KernelCheck/bin/Release/net10.0/KernelCheck.dll" $dry --out "$out" 2>&1 | tee "$out/run.log"; rc=${PIPESTATUS[0]}
else
  echo "no benchmarks/gpu/publish/KernelCheck and no dotnet: run 'benchmarks/gpu/run.sh publish' where .NET is, and carry benchmarks/gpu/publish"
  exit 2
fi
# A crash (not a verdict) of the trimmed build may be the trimmer having removed something ILGPU finds by reflection:
# rerun the untrimmed fallback when it was carried.
if [ "$rc" -gt 3 ] && [ -f "$here/publish-full.tgz" ]; then
  echo "trimmed build crashed (exit $rc); running the untrimmed build"
  tmp=$(mktemp -d) && tar xzf "$here/publish-full.tgz" -C "$tmp" && { run "$tmp/publish-full"; rc=$?; }
fi
exit "$rc"

#!/bin/bash
# Assembles the PTX of every kernel the product launches with NVIDIA's ptxas, without a GPU: the PTX compile test
# (tests/OnnxDiffusion.Kernels.Tests, PtxCompileTests) leaves one file per kernel and architecture in its bin/…/ptx
# folder; each is assembled for its own architecture (StepKernel.sm_90.ptx with -arch=sm_90).
# ptxas comes from Debian's non-free nvidia-cuda-toolkit .deb (CUDA 11.8, PTX ISA ≤ 7.8), fetched with a private apt
# configuration (its own sources list naming non-free on this machine's Debian mirror, its own state and cache folders)
# and unpacked with dpkg -x: nothing is installed and the system's apt state is untouched. The unpacked ptxas is kept in
# $PTXAS_CACHE (default /tmp/onnxdiffusion-ptxas) so later runs skip the download. When ptxas cannot be had, that is a
# FAIL, never a skip.
# Prints "ptxas: PASS|FAIL …" per check and "ptxas: N passed, N failed" last; exit 0 only when all passed.
# Usage: tests/gpu-offline/ptxas-check.sh [PTX folder]
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
ptx_dir=${1:-$root/tests/OnnxDiffusion.Kernels.Tests/bin/Release/net10.0/ptx}
cache=${PTXAS_CACHE:-/tmp/onnxdiffusion-ptxas}
passed=0; failed=0
ok() { echo "ptxas: PASS $1"; passed=$((passed + 1)); }
bad() { echo "ptxas: FAIL $1"; failed=$((failed + 1)); }
finish() {
  echo "ptxas: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

# This machine's Debian mirror and release, from its own apt sources (deb822 or one-line format).
mirror_and_suite() {
  local f=/etc/apt/sources.list.d/debian.sources
  if [ -f "$f" ]; then
    local uri suite
    uri=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | grep -v -- '-security' | head -1)
    suite=$(sed -n 's/^Suites:[[:space:]]*\([^[:space:]]*\).*/\1/p' "$f" | head -1)
    [ -n "$uri" ] && [ -n "$suite" ] && { echo "$uri $suite"; return 0; }
  fi
  grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v -- '-security' | awk '{print $2, $3; exit}'
}

fetch_ptxas() {
  local work=$1 where
  where=$(mirror_and_suite)
  [ -n "$where" ] || { echo "no Debian apt source on this machine to take the mirror from"; return 1; }
  mkdir -p "$work/state/lists/partial" "$work/cache/archives/partial" "$work/etc" "$work/deb" || return 1
  : >"$work/state/status"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${where% *} ${where#* } non-free" >"$work/etc/sources.list"
  local apt=(-o "Dir::Etc::sourcelist=$work/etc/sources.list" -o "Dir::Etc::sourceparts=$work/etc/none"
             -o "Dir::State=$work/state" -o "Dir::State::status=$work/state/status" -o "Dir::Cache=$work/cache"
             -o "Debug::NoLocking=1" -qq)
  apt-get "${apt[@]}" update >"$work/apt.log" 2>&1 || { echo "apt-get update (private, non-free) failed: $(tail -1 "$work/apt.log")"; return 1; }
  (cd "$work/deb" && apt-get "${apt[@]}" download nvidia-cuda-toolkit) >>"$work/apt.log" 2>&1 \
    || { echo "apt-get download nvidia-cuda-toolkit failed: $(tail -1 "$work/apt.log")"; return 1; }
  local deb
  deb=$(ls "$work"/deb/nvidia-cuda-toolkit_*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { echo "no nvidia-cuda-toolkit .deb was downloaded"; return 1; }
  dpkg -x "$deb" "$work/x" || { echo "dpkg -x $deb failed"; return 1; }
  local found
  found=$(find "$work/x" -type f -name ptxas | head -1)
  [ -n "$found" ] || { echo "$(basename "$deb") holds no ptxas"; return 1; }
  mkdir -p "$cache" && cp "$found" "$cache/ptxas.partial" && chmod +x "$cache/ptxas.partial" && mv "$cache/ptxas.partial" "$cache/ptxas" \
    || { echo "could not keep ptxas in $cache"; return 1; }
  echo "$(basename "$deb")"
}

shopt -s nullglob
files=("$ptx_dir"/*.ptx)
if [ "${#files[@]}" -eq 0 ]; then bad "no PTX in $ptx_dir: run the kernel tests (PtxCompileTests) first"; finish; fi

ptxas=$cache/ptxas
if [ ! -x "$ptxas" ] || ! "$ptxas" --version >/dev/null 2>&1; then
  work=$(mktemp -d /tmp/ptxas-fetch.XXXX)
  start=$SECONDS
  if msg=$(fetch_ptxas "$work"); then
    ok "fetched ptxas from $msg without installing it ($((SECONDS - start)) s)"
  else
    bad "could not get ptxas: $msg"
    rm -rf "$work"
    finish
  fi
  rm -rf "$work"
fi
version=$("$ptxas" --version 2>&1 | sed -n 's/.*release \([0-9.]*\).*/\1/p' | head -1)

for f in "${files[@]}"; do
  name=$(basename "$f" .ptx)          # e.g. StepKernel.sm_90
  arch=${name##*.}
  out=$(mktemp /tmp/ptxas-out.XXXX)
  if log=$("$ptxas" -arch="$arch" -v -o "$out" "$f" 2>&1); then
    regs=$(sed -n 's/.*Used \([0-9]*\) registers.*/\1/p' <<<"$log" | head -1)
    ok "$name assembles for $arch (ptxas $version, ${regs:-?} registers, $(stat -c %s "$out") bytes of SASS)"
  else
    bad "$name does not assemble for $arch: $(tr '\n' ' ' <<<"$log" | cut -c1-300)"
  fi
  rm -f "$out"
done
finish

#!/usr/bin/env bash
# A long fuzz session: every fuzz target in a release build for SECONDS of CPU time each,
# JOBS targets at a time, at low priority. Each target appends its report (cases, CPU seconds,
# the slowest case) to REPORT; a target that fails leaves its log in target/fuzz/<target>.log.
#
#   tools/fuzz/long.sh [SECONDS=600] [JOBS=2] [TARGET...]
#
# REPORT: $HUBSIM_FUZZ_REPORT or target/fuzz/report.txt (progress lines every CPU minute, so a
# session stopped early still has its figures).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
jobs=${2:-2}
mkdir -p target/fuzz
export HUBSIM_FUZZ_REPORT=${HUBSIM_FUZZ_REPORT:-$PWD/target/fuzz/report.txt}
export HUBSIM_FUZZ_SECONDS=$seconds
# Optimized, but with the checks of a debug build: integer overflow panics, and debug
# assertions (the store checks every document it writes) hold.
export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS=true
# Every target by default; or those named after the two numbers (e.g. `codec_ec2 router`).
targets=(
  fuzz_wire:codec_rest_xml fuzz_wire:end_to_end fuzz_wire:codec_query fuzz_wire:codec_ec2
  fuzz_wire:router fuzz_wire:codec_json fuzz_wire:codec_rest_json
  fuzz_documents:scenario_loader fuzz_documents:policy_parser fuzz_documents:wildcard
)
if [ $# -gt 2 ]; then
  wanted=("${@:3}")
  selected=()
  for target in "${targets[@]}"; do
    for name in "${wanted[@]}"; do
      [ "${target##*:}" = "$name" ] && selected+=("$target")
    done
  done
  targets=("${selected[@]}")
fi
cargo test --release --test fuzz_wire --test fuzz_documents --no-run
status=0
run() {
  local file=${1%%:*} name=${1##*:}
  if nice -n 10 cargo test --release --quiet --test "$file" -- "$name" --exact --nocapture --test-threads=1 \
      >"target/fuzz/$name.log" 2>&1; then
    echo "ok     $name"
  else
    echo "FAILED $name (target/fuzz/$name.log)"
    return 1
  fi
}
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
    wait -n || status=1
  done
  run "$target" &
done
while [ "$(jobs -rp | wc -l)" -gt 0 ]; do
  wait -n || status=1
done
cat "$HUBSIM_FUZZ_REPORT"
exit $status

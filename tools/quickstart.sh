#!/usr/bin/env bash
# The README's main job: make hopper-medium from the shipped behaviour policy (once; ~1.5 min),
# train a minGRU decision model on it (configs/quickstart.yaml, ~15 min on 2 cores) and print its
# normalized D4RL score at DT's two hopper targets. Each run gets its own directory under runs/.
set -euo pipefail
cd "$(dirname "$0")/.."
mindt=build/mindt
[[ -x $mindt ]] || { echo "quickstart: $mindt is missing; run bash tools/setup.sh first" >&2; exit 1; }

"$mindt" data make hopper-medium --if-absent
run_dir="runs/quickstart-$(date +%Y%m%d-%H%M%S)"
"$mindt" train configs/quickstart.yaml --out "$run_dir"
echo
echo "quickstart: run directory $run_dir (log.jsonl, eval.json, checkpoint.pt)"
echo "  re-evaluate: $mindt eval $run_dir/checkpoint.pt --episodes 100"
echo "  full DT budget: $mindt train configs/hopper-medium-v2/mingru.yaml"

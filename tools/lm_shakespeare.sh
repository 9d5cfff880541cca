#!/usr/bin/env bash
# The minRNN paper's language-model experiment in one command: trains the character-level
# Shakespeare model with each of its four backbones (minGRU, minLSTM, Mamba, Transformer) for each
# seed, then prints `mindt lm report` over the runs. Resumable: run it again after an interruption
# and finished runs are skipped, stopped ones continue from their checkpoints.
#
#   tools/lm_shakespeare.sh [cpu|full] [SEEDS] [-- extra mindt lm train options]
#     cpu   configs/lm-shakespeare-cpu/ (default; nanoGPT's CPU setting, minutes a run)
#     full  configs/lm-shakespeare/     (nanoGPT's shakespeare_char setting; a GPU's work)
#     SEEDS comma-separated, default 0,1,2
# Runs go to $LM_RUNS/lm-shakespeare[-cpu]-<backbone>-seed<S> (LM_RUNS default: runs); MINDT (default
# build/mindt) is the binary. Another budget in its own folder, resumable the same way:
#   LM_RUNS=runs/lm-6000 tools/lm_shakespeare.sh cpu 0 -- --set train.steps=6000
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINDT=${MINDT:-$ROOT/build/mindt}
setting=${1:-cpu}
seeds=${2:-0,1,2}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
case $setting in
  cpu) presets=$ROOT/configs/lm-shakespeare-cpu ;;
  full) presets=$ROOT/configs/lm-shakespeare ;;
  *) echo "usage: $0 [cpu|full] [SEEDS] [-- options]" >&2; exit 2 ;;
esac

runs=()
for seed in ${seeds//,/ }; do
  for backbone in mingru minlstm mamba transformer; do
    run=${LM_RUNS:-runs}/$(basename "$presets")-$backbone-seed$seed
    runs+=("$run")
    if [ -e "$run" ]; then
      "$MINDT" lm train --resume "$run" "$@"
    else
      "$MINDT" lm train "$presets/$backbone.yaml" --set seed="$seed" --out "$run" "$@"
    fi
  done
done
"$MINDT" lm report "${runs[@]}"

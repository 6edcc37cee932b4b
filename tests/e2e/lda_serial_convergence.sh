#!/usr/bin/env bash
# usage: lda_serial_convergence.sh <lda> <data dir> <min gain> <min final>
# Runs the serial lda sample for 30 sweeps with 10 topics on <data dir>/lda_corpus.txt and
# fails unless it printed one CSV row per sweep, the per-token log-likelihood rose by at
# least <min gain> from the first sweep to the last, and the last is above <min final>.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lda=$1
data=$2
min_gain=$3
min_final=$4
epochs=30

csv=$("$lda" --corpus "$data/lda_corpus.txt" --topics 10 --epochs $epochs)
echo "$csv"

expect_csv_shape "$csv" epoch,seconds,log_likelihood,perplexity "$epochs"
first=$(sed -n 2p <<<"$csv" | cut -d, -f3)
last=$(last_csv_field "$csv" 3)
if awk -v a="$first" -v b="$last" -v g="$min_gain" -v f="$min_final" \
    'BEGIN { exit !(a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/ && b - a >= g + 0 && b + 0 > f + 0) }'; then
  echo "PASS: log-likelihood per token $first -> $last after $epochs sweeps (gain >= $min_gain, final > $min_final)"
else
  echo "FAIL: log-likelihood per token $first -> $last after $epochs sweeps: need a gain >= $min_gain and a final value > $min_final" >&2
  exit 1
fi

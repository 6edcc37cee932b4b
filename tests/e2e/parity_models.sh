#!/usr/bin/env bash
# usage: parity_models.sh <mlp> <parity> <dir>
# The models the parity tests share, small and quick: <dir>/base.bin (mlp, 1 epoch on 2000
# training images) and <dir>/parity.bin (its addition parity model for k = 2, 1 epoch on
# 6000 images).
set -euo pipefail
mlp=$1
parity=$2
rm -rf "$3"
mkdir -p "$3"
"$mlp" --epochs 1 --train-limit 2000 --save "$3/base.bin"
"$parity" --base "$3/base.bin" --epochs 1 --train-limit 6000 --validation 1000 --save "$3/parity.bin"

#!/usr/bin/env bash
# usage: generate_lda_data.sh <weft-datagen> <output dir>
# Writes the small LDA corpus of samples/lda/README.md's test recipe as <dir>/lda_corpus.txt
# (1000 documents of 50 to 150 tokens, 1000 words, 10 topics: about 100k tokens).
set -euo pipefail
datagen=$1
out=$2
mkdir -p "$out"
"$datagen" lda --docs 1000 --vocab 1000 --topics 10 --seed 1 --corpus "$out/lda_corpus.txt"

#!/usr/bin/env bash
# usage: mlp_pipeline_profile.sh <mlp_parallel> <mpiexec> <scratch dir>
# --weft-pipeline-profile writes the profile the pipeline plan comes from, in PipeDream's
# graph.txt form or as JSON: one node per layer group (the mlp's three layers) with its
# times and sizes; an unwritable path is an error every process reports alike (exit 1),
# not a hang; a second epoch reuses the first one's plan.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
mlp=$1
mpiexec=$2
enter_scratch_dir "$3"
run=("$mpiexec" --bind-to none -np 2)
[ "$(id -u)" = 0 ] && run+=(--allow-run-as-root --oversubscribe)

"${run[@]}" "$mlp" --epochs 1 --train-limit 3000 --weft-output=root \
  --weft-pipeline-profile="$PWD/mlp.graph.txt" >out.csv 2>err.log ||
  fail "graph.txt: exit status $?: $(cat err.log)"
nodes=$(grep -v -- "-- Input --" mlp.graph.txt | grep -c "forward_compute_time=.*backward_compute_time=.*activation_size=.*parameter_size=" || true)
edges=$(grep -c "^	node.* -- node" mlp.graph.txt || true)
# Three layers and the input: 3 layer nodes after the input node, 3 edges.
[ "$nodes" -eq 3 ] || fail "graph.txt: $nodes layer nodes, expected 3: $(cat mlp.graph.txt)"
[ "$edges" -eq 3 ] || fail "graph.txt: $edges edges, expected 3: $(cat mlp.graph.txt)"
# The second layer's weights: 100 x 200 floats and 100 biases (the default --layers).
grep -q "parameter_size=80400.000" mlp.graph.txt ||
  fail "graph.txt: no layer with the 80400 bytes of W2 and b2: $(cat mlp.graph.txt)"
echo "ok: graph.txt with 3 layer nodes and 3 edges"

"${run[@]}" "$mlp" --epochs 1 --train-limit 3000 --weft-output=root \
  --weft-pipeline-profile="$PWD/mlp.profile.json" >out.csv 2>err.log ||
  fail "json: exit status $?: $(cat err.log)"
layers=$(grep -c '"forward_ms"' mlp.profile.json || true)
[ "$layers" -eq 3 ] || fail "json: $layers layers, expected 3: $(cat mlp.profile.json)"
echo "ok: JSON with 3 layers"

# A loop that runs again (the next epoch) over the same arrays keeps its plan: the
# profile and the plan come once.
"${run[@]}" "$mlp" --epochs 2 --train-limit 3000 --weft-output=root --weft-pipeline-stats \
  >out.csv 2>err.log || fail "2 epochs: exit status $?: $(cat err.log)"
plans=$(grep -c "^weft pipeline: plan$" err.log || true)
[ "$plans" -eq 1 ] || fail "2 epochs: $plans plans chosen, expected 1: $(cat err.log)"
echo "ok: 2 epochs, one plan"

rc=0
timeout 120 "${run[@]}" "$mlp" --epochs 1 --train-limit 3000 --weft-output=root \
  --weft-pipeline-profile="$PWD/no-such-dir/p.json" >out.csv 2>err.log || rc=$?
[ "$rc" -eq 1 ] || fail "unwritable path: exit status $rc, expected 1: $(cat err.log)"
grep -q "no-such-dir/p.json" err.log || fail "unwritable path: the message lacks the path: $(cat err.log)"
echo "ok: unwritable path: $(grep -m1 "no-such-dir" err.log)"
finish "the pipeline profile in both forms, once per program, and an unwritable path"

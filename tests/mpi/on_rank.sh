#!/usr/bin/env bash
# usage: on_rank.sh <rank> <command for that rank...> -- <command for the others...>
# Started by mpirun for every process: runs the first command on the process of the given
# rank and the second everywhere else (a fault on one process only).
set -euo pipefail
rank=${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-${PMI_RANK:-0}}}
chosen=$1
shift
mine=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  mine+=("$1")
  shift
done
shift
if [ "$rank" = "$chosen" ]; then exec "${mine[@]}"; else exec "$@"; fi

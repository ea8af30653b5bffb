#!/usr/bin/env bash
# Benchmark PCA's eigen decomposition: LAPACK dsyevr in one call against
# the blocked, interruptible solver of src/engine/ae_pca.c, one thread
# (not part of the tests; needs no server).
#   test/bench/bench_eigen.sh [repeats] [d ...]      default: 3 repeats, d = 512 1024 2048 4096
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cc -O2 $(pkg-config --cflags openblas) -I"$root/src/engine" -o "$out/bench_eigen" \
  "$here/bench_eigen.c" "$root"/src/engine/*.c \
  $(pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm
OPENBLAS_NUM_THREADS=1 "$out/bench_eigen" "$@"

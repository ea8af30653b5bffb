#!/bin/sh
# Benchmark the autoencoder trainer against PyTorch (not part of the tests).
#   test/bench/bench_train.sh [CSV] [--repeats N] [--quick]
# Builds test/bench/out/bench_train with the engine sources, then runs
# bench_train.py, which prints the tables.  One thread each
# (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1)); OPENBLAS_CORETYPE is
# passed through if set.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
csv="$root/test/data/digits.csv"
case "$1" in
	--*|"") ;;
	*) csv=$1; shift ;;
esac
mkdir -p "$here/out"
CC=${CC:-cc}
$CC -O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	$(pkg-config --cflags openblas) -I"$root/src/engine" \
	-o "$here/out/bench_train" "$here/bench_train.c" "$root"/src/engine/*.c \
	$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm
export OPENBLAS_NUM_THREADS=1
exec /usr/bin/python3 "$here/bench_train.py" "$here/out/bench_train" "$csv" "$@"

#!/bin/sh
# Benchmark the autoencoder trainer against PyTorch (not part of the tests).
#   test/bench/bench_train.sh [CSV] [--repeats N] [--quick] [--no-quality]
#                             [--no-matrix] [--fashion-rows N]
# Installs what it needs when missing and run as root (python3-torch,
# python3-sklearn, and Debian's dataset-fashion-mnist for the wide network
# of the training matrix), builds test/bench/out/bench_train with the engine
# sources, writes the first N Fashion-MNIST training images (default 10000,
# 2000 with --quick) as a CSV, then runs bench_train.py, which prints the
# tables.  One thread each (OPENBLAS_NUM_THREADS=1, torch.set_num_threads(1));
# OPENBLAS_CORETYPE is passed through if set.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
csv="$root/test/data/digits.csv"
case "$1" in
	--*|"") ;;
	*) csv=$1; shift ;;
esac
fashion_rows=10000
for a in "$@"; do
	[ "$a" = --quick ] && fashion_rows=2000
done
args=
while [ $# -gt 0 ]; do
	case "$1" in
		--fashion-rows) fashion_rows=$2; shift 2 ;;
		*) args="$args $1"; shift ;;
	esac
done

. "$here/lib_train_prepare.sh"

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# shellcheck disable=SC2086
exec /usr/bin/python3 "$here/bench_train.py" "$here/out/bench_train" "$csv" \
	--fashion "$fashion" $args

#!/bin/sh
# Benchmark convolutional autoencoder training against PyTorch (not part of
# the tests): the Keras example's architecture on the first N Fashion-MNIST
# images (default 5000), one thread each; prints samples/s, their ratio,
# GFLOP/s and the last epoch's loss per batch size (bench_conv.py).
#   test/bench/bench_conv.sh [--rows N] [--repeats N] [--epochs N] [--batch N ...]
# Installs what it needs when missing and run as root (python3-torch,
# dataset-fashion-mnist), like bench_train.sh.
set -e
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
fashion_rows=5000
if [ "$1" = --rows ]; then
	fashion_rows=$2
	shift 2
fi
. "$here/lib_train_prepare.sh"
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
exec /usr/bin/python3 "$here/bench_conv.py" "$here/out/bench_train" "$fashion" "$@"

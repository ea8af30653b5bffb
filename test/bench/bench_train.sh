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

missing=
for p in python3-numpy python3-torch python3-sklearn dataset-fashion-mnist; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bench_train: missing Debian packages:$missing (run as root, or install them)" >&2
		exit 1
	fi
	echo "bench_train: installing$missing"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

mkdir -p "$here/out"
CC=${CC:-cc}
$CC -O2 -std=gnu11 -Wall -Wextra -Wno-unused-parameter \
	$(pkg-config --cflags openblas) -I"$root/src/engine" \
	-o "$here/out/bench_train" "$here/bench_train.c" "$root"/src/engine/*.c \
	$(pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm

fashion="$here/out/fashion_mnist_$fashion_rows.csv"
if [ ! -f "$fashion" ]; then
	/usr/bin/python3 - "$fashion_rows" "$fashion" <<'EOF'
import gzip, sys
import numpy as np
n, out = int(sys.argv[1]), sys.argv[2]
d = "/usr/share/datasets/fashion-mnist/"
with gzip.open(d + "train-images-idx3-ubyte.gz") as f:
    x = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)[:n]
with gzip.open(d + "train-labels-idx1-ubyte.gz") as f:
    y = np.frombuffer(f.read(), np.uint8, offset=8)[:n]
header = ",".join([f"p{i}" for i in range(784)] + ["label"])
np.savetxt(out, np.column_stack([x, y]), fmt="%d", delimiter=",",
           header=header, comments="")
EOF
fi

export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# shellcheck disable=SC2086
exec /usr/bin/python3 "$here/bench_train.py" "$here/out/bench_train" "$csv" \
	--fashion "$fashion" $args

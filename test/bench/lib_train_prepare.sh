# test/bench/lib_train_prepare.sh: sourced by bench_train.sh and
# bench_conv.sh (POSIX sh).  Needs $here (test/bench), $root and
# $fashion_rows; installs the Debian packages the training benchmarks need
# when missing (as root), builds $here/out/bench_train from the engine
# sources, writes the first $fashion_rows Fashion-MNIST training images as
# a CSV and sets $fashion to its path.
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

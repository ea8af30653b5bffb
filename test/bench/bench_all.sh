#!/usr/bin/env bash
# The whole benchmark suite, one command (not part of the tests):
#   test/bench/bench_all.sh [--quick] [--existing] [--repeats R]
# 1. bench_scan.sh: every per-row workload against a floor aggregate that
#    only reads the same arrays, measured in the same run (pca_train,
#    scoring PCA and autoencoder models passed TOASTed and inline,
#    ae_encode / ae_reconstruct, wide pca_train GFLOP/s, 2 parallel
#    workers, autoencoder_train time and peak memory);
# 2. bench_train.sh: the training matrix against PyTorch on the CPU, one
#    thread each (samples/s, GFLOP/s against the sgemm peak, losses).
# --quick: 10x fewer rows, fewer repeats; --existing: use the server the
# libpq variables name (with PG_CONFIG pointing at its installation) instead
# of a pg_virtualenv cluster.  Every figure is a median of repeats and every
# ratio is taken within one run: the machine may be shared, so compare
# ratios, not seconds.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scan=()
train=(--no-quality)
for a in "$@"; do
	case "$a" in
		--quick) scan+=("$a"); train+=("$a") ;;
		--existing) scan+=("$a") ;;
		*) scan+=("$a"); train+=("$a") ;;
	esac
done
echo "# autoencoder benchmark suite, $(date -u '+%Y-%m-%d %H:%M UTC'), $(git -C "$here" describe --always --dirty 2>/dev/null || echo 'no git')"
echo
bash "$here/bench_scan.sh" "${scan[@]}"
echo
echo "## Training matrix"
echo
sh "$here/bench_train.sh" "${train[@]}"

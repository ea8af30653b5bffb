#!/usr/bin/env bash
# Benchmark in-database PCA against a table scan and against exporting the
# table to scikit-learn (not part of the tests).
#   test/bench/bench_pca.sh [--quick] [--repeats N] [--rows N] [--features D]
#                           [--rows2 N] [--features2 D] [--ae-rows N]
# Builds and installs the extension (test/setup.sh), then runs bench_pca.py
# in a throwaway cluster made by pg_virtualenv, which prints the tables.
# OPENBLAS_CORETYPE is passed through if set.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/../setup.sh"
exec pg_virtualenv -t -o max_parallel_workers_per_gather=2 -o shared_buffers=1GB \
	/usr/bin/python3 "$here/bench_pca.py" "$@"

#!/usr/bin/env bash
# Benchmark every per-row workload (pca_train, scoring, encode/reconstruct,
# autoencoder_train's time and memory) against a floor aggregate that only
# reads the same arrays (not part of the tests).
#   test/bench/bench_scan.sh [--existing] [--quick] [--repeats R] [--rows N]
#                            [--features D] [--wide-rows N] [--wide-features D]
# Builds and installs the extension (test/setup.sh, which honours PG_CONFIG)
# and the floor extension in test/bench/floor/, then runs bench_scan.py in a
# throwaway cluster made by pg_virtualenv; with --existing, in the server
# the libpq variables (PGHOST, PGPORT, PGUSER, PGDATABASE) name instead,
# whose installation PG_CONFIG must point at.  Peak memory is read from
# /proc, so it is measured only when the server runs on this machine.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
existing=0
args=()
for a in "$@"; do
	case "$a" in
		--existing) existing=1 ;;
		*) args+=("$a") ;;
	esac
done
AE_EXTRA_PACKAGES="python3-numpy python3-psycopg2 python3-sklearn" \
	bash "$here/../setup.sh"
make -s -C "$here/floor" PG_CONFIG="$PG_CONFIG" >/dev/null
make -s -C "$here/floor" PG_CONFIG="$PG_CONFIG" install >/dev/null
if [ "$existing" = 1 ]; then
	exec /usr/bin/python3 "$here/bench_scan.py" "${args[@]}"
fi
exec pg_virtualenv -t -o max_parallel_workers_per_gather=2 -o shared_buffers=1GB \
	/usr/bin/python3 "$here/bench_scan.py" "${args[@]}"

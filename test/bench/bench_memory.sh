#!/usr/bin/env bash
# Peak resident memory (VmHWM) of the backend that runs autoencoder_train on
# 3 rows of d features, hidden [8], 1 epoch (not part of the tests).  0.1.0
# built a d x d matrix for the scaling: 970 MB at 11,000 features, and an
# allocation failure above 11,585.
#   test/bench/bench_memory.sh [d ...]      default: 1000 11000 12000 16000
# Builds and installs the extension (test/setup.sh), runs in a throwaway
# cluster made by pg_virtualenv (Linux: reads /proc/self/status of the backend).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/../setup.sh" >/dev/null
inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat > "$inner" <<'INNER'
psql -X -q -d postgres -c "CREATE EXTENSION autoencoder"
echo "| features | peak backend RSS (VmHWM) |"
echo "|---:|---:|"
for d in "$@"; do
  kb=$(psql -X -At -q -d postgres \
    -c "SELECT octet_length(autoencoder_train(x, '{\"hidden\": [8], \"epochs\": 1}')) > 0
        FROM (SELECT array_fill(i::float8, ARRAY[$d]) x FROM generate_series(1, 3) i) s" \
    -c "SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s*([0-9]+ kB)')" | tail -1)
  echo "| $d | $kb |"
done
INNER
[ $# -gt 0 ] || set -- 1000 11000 12000 16000
pg_virtualenv -t bash "$inner" "$@"

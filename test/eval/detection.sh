#!/usr/bin/env bash
# Detection quality with PyOD's benchmark protocol: for each labelled set in
# test/data/odds/ and each split seed 0..SPLITS-1, train on a random 60% of
# the rows (outliers included, as PyOD does), score the other 40% in SQL and
# compute ROC-AUC in SQL; print the mean per set and detector beside PyOD's
# published means.
#
#   bash test/eval/detection.sh                  # sets up, runs in a throwaway cluster
#   SPLITS=3 DETECTORS=pca,ae bash test/eval/detection.sh   # quicker
#   EVAL_IN_CLUSTER=1 bash test/eval/detection.sh           # use the libpq environment as is
#
# Detectors are the rows of the "detectors" table in test/eval/detection.sql.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
SPLITS=${SPLITS:-10}
DETECTORS=${DETECTORS:-}
SETS=${SETS:-cardio,satellite,pima,wbc,shuttle,vowels,letter,pendigits}

if [ -z "${EVAL_IN_CLUSTER:-}" ]; then
  bash test/setup.sh
  exec pg_virtualenv -t env EVAL_IN_CLUSTER=1 SPLITS="$SPLITS" DETECTORS="$DETECTORS" SETS="$SETS" \
    bash "$0"
fi

psql_q() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }
psql_q -c "CREATE EXTENSION IF NOT EXISTS autoencoder" 2>/dev/null || true

# each CSV (header, numeric columns, label last) becomes rows (set, id, label, x)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for s in ${SETS//,/ }; do
  awk -F, -v set="$s" 'NR > 1 { printf "%s\t%d\t%d\t{", set, NR - 1, $NF;
                                 for (i = 1; i < NF; i++) printf "%s%s", (i > 1 ? "," : ""), $i;
                                 print "}" }' "test/data/odds/$s.csv"
done > "$tmp/rows.tsv"

psql_q -v splits="$SPLITS" -v detectors="$DETECTORS" \
  -f test/eval/detection.sql < "$tmp/rows.tsv"

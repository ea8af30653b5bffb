#!/usr/bin/env bash
# The main job on an embedded default: set up, start a throwaway cluster,
# load the bundled breast-cancer data, train PCA in SQL and print the
# explained variance per component and the top anomalies, then train an
# autoencoder and compare how well each model's score finds malignant cells.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash test/setup.sh
pg_virtualenv -t -o max_parallel_workers_per_gather=2 \
  psql -X -q -v ON_ERROR_STOP=1 -f test/demo.sql

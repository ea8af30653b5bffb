#!/usr/bin/env bash
# The main job on an embedded default: set up, start a throwaway cluster,
# load the bundled breast-cancer data, train a PCA and an autoencoder
# detector in SQL, print the explained variance, the top anomalies with
# their percentile and the three features that contribute most, and how
# well each detector finds malignant cells (ROC-AUC); then draw the
# autoencoder's loss per epoch and a 2-D PCA embedding coloured by label
# with gnuplot, into PNG files whose paths it prints.
#
#   bash test/demo.sh                 # pictures go to ./demo-output/
#   DEMO_OUT=/tmp/pics bash test/demo.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
AE_EXTRA_PACKAGES="gnuplot-nox" bash test/setup.sh
out=$(mkdir -p "${DEMO_OUT:-demo-output}" && cd "${DEMO_OUT:-demo-output}" && pwd)
pg_virtualenv -t -o max_parallel_workers_per_gather=2 \
  psql -X -q -v ON_ERROR_STOP=1 -v out="$out" -f test/demo.sql

gnuplot <<GNUPLOT
set terminal pngcairo size 800,500 noenhanced
set output '$out/loss.png'
set title 'Autoencoder training on benign cells: loss per epoch'
set xlabel 'epoch'
set ylabel 'mean squared error (scaled features)'
set key top right
plot '$out/loss.dat' using 1:2 with lines lw 2 title 'training loss', \
     '' using 1:3 with lines lw 2 title 'validation loss (20% held out)'
set output '$out/embedding.png'
set title "All cells in the plane of the benign cells' first two principal components"
set xlabel 'component 1'
set ylabel 'component 2'
set key top right
plot '$out/embedding.dat' using 1:(\$3 == 0 ? \$2 : 1/0) with points pt 7 ps 0.6 lc rgb '#1f77b4' title 'benign', \
     '' using 1:(\$3 == 1 ? \$2 : 1/0) with points pt 7 ps 0.6 lc rgb '#d62728' title 'malignant'
GNUPLOT
echo
echo "Pictures:"
echo "  $out/loss.png        training and validation loss per epoch"
echo "  $out/embedding.png   2-D PCA embedding, coloured by label"

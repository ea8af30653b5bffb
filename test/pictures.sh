#!/usr/bin/env bash
# Pictures of what autoencoders learn, from SQL: trains a dense and two
# convolutional autoencoders (basic and denoising) on the bundled 8x8
# digits in a throwaway cluster (test/pictures.sql), then draws with
# gnuplot, into PNG files whose paths it prints:
#   digits.png   held-out digits: originals, with 30% of the pixels zeroed,
#                and each model's reconstruction of the noisy digit
#   filters.png  the first layer's weights: the dense network's 16 units as
#                8x8 images, the convolution's 16 filters as 3x3 images
#
#   bash test/pictures.sh                    # pictures go to ./pictures-output/
#   PICTURES_OUT=/tmp/pics bash test/pictures.sh
#   PICTURES_EXISTING=1 bash test/pictures.sh   # use the server psql reaches
#                                               # (PGHOST, PGDATABASE, ...)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=$(mkdir -p "${PICTURES_OUT:-pictures-output}" && cd "${PICTURES_OUT:-pictures-output}" && pwd)
if [ -n "${PICTURES_EXISTING:-}" ]; then
  command -v gnuplot >/dev/null || { echo "pictures: gnuplot is missing (Debian: gnuplot-nox)" >&2; exit 1; }
  psql -X -q -v ON_ERROR_STOP=1 -v out="$out" -f test/pictures.sql
else
  AE_EXTRA_PACKAGES="gnuplot-nox" bash test/setup.sh
  pg_virtualenv -t psql -X -q -v ON_ERROR_STOP=1 -v out="$out" -f test/pictures.sql
fi

gnuplot <<GNUPLOT
set terminal pngcairo size 960,430 noenhanced font ',11'
set output '$out/digits.png'
unset key
unset colorbox
unset xtics
unset ytics
set border 0
set size ratio -1
set palette gray negative
set cbrange [0:1]
set yrange [47.5:-0.5]
set xrange [-0.5:97.5]
set lmargin 30
set title 'Held-out digits: reconstructions of the noisy digit'
labels = "'original' 'noisy (30% zeroed)' 'dense [16], 2128 parameters' 'conv, 620 parameters' 'denoising conv, 620'"
do for [i=1:5] { set label i word(labels, i) at -2, 10 * (i - 1) + 3.5 right }
plot '$out/digits.dat' matrix with image
unset label
set output '$out/filters.png'
set terminal pngcairo size 900,420 noenhanced font ',11'
set palette defined (-1 '#2166ac', 0 'white', 1 '#b2182b')
set cbrange [-1:1]
set lmargin 3
set multiplot layout 2,1
set title 'Dense [16]: first-layer weights of each unit (8x8, blue negative, red positive)'
set yrange [17.5:-0.5]
set xrange [-0.5:77.5]
plot '$out/dense_weights.dat' matrix with image
set title 'Convolution: the 16 first-layer filters (3x3)'
set yrange [6.5:-0.5]
set xrange [-0.5:30.5]
plot '$out/conv_filters.dat' matrix with image
unset multiplot
GNUPLOT
echo
echo "Pictures:"
echo "  $out/digits.png    held-out digits: original, noisy, and each model's reconstruction"
echo "  $out/filters.png   first-layer weights of the dense network and filters of the convolution"

#!/usr/bin/env bash
# Fuzzes the model reader with libFuzzer (clang, AddressSanitizer, UBSan).
#   test/fuzz/run-fuzz.sh [seconds]      default 60
# Reproducible: every run starts from the committed corpus in
# test/fuzz/seeds/ (models that 0.1.0 wrote, plus the PCA and autoencoder
# models the target writes on start-up) with a fixed random seed
# (FUZZ_SEED, default 1), in a fresh working corpus; the same seed and
# build replay the same inputs, and a time limit only cuts the sequence
# short.  A failing input is kept in test/fuzz/out/ and the command that
# replays it is printed.  FUZZ_CORPUS=DIR keeps new inputs in DIR across
# runs (test/fuzz/corpus/ is ignored by git) for long explorations.
# Needs clang-14 and libclang-rt-14-dev.  Prints "N passed, N failed" (one test: the run).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
seed=${FUZZ_SEED:-1}
CLANG=${CLANG:-clang-14}
out="$here/out"
mkdir -p "$out"
if [ -n "${FUZZ_CORPUS:-}" ]; then
  work=$FUZZ_CORPUS
  mkdir -p "$work"
else
  work="$out/corpus.$$"
  rm -rf "$work"
  mkdir -p "$work"
fi
if ! $CLANG -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     $(pkg-config --cflags openblas) -I"$root/src/engine" \
     -o "$out/fuzz_model" "$here/fuzz_model.c" "$root"/src/engine/*.c \
     $(pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm; then
  echo "fuzz: build failed"
  echo "script: 0 passed, 1 failed"
  exit 1
fi
export AE_FUZZ_SEED_DIR="$work"
export OPENBLAS_NUM_THREADS=1
if "$out/fuzz_model" -seed="$seed" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
     -artifact_prefix="$out/" -print_final_stats=1 "$work" "$here/seeds" > "$out/fuzz.log" 2>&1; then
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/fuzz.log"
  echo "fuzz: model reader survived ${seconds}s (seed $seed)"
  [ -z "${FUZZ_CORPUS:-}" ] && rm -rf "$work"
  echo "script: 1 passed, 0 failed"
else
  tail -40 "$out/fuzz.log"
  echo "fuzz: failed with seed $seed; rerun: FUZZ_SEED=$seed bash test/fuzz/run-fuzz.sh $seconds"
  for a in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
    [ -f "$a" ] && echo "fuzz: replay the failing input: $out/fuzz_model $a"
  done
  echo "script: 0 passed, 1 failed"
  exit 1
fi

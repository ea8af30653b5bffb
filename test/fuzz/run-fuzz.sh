#!/usr/bin/env bash
# Fuzzes the model reader with libFuzzer (clang, AddressSanitizer, UBSan).
#   test/fuzz/run-fuzz.sh [seconds]      default 60; the corpus persists in test/fuzz/corpus
# Needs clang-14 and libclang-rt-14-dev.  Prints "N passed, N failed" (one test: the run).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=${1:-60}
CLANG=${CLANG:-clang-14}
out="$here/out"
mkdir -p "$out" "$here/corpus"
if ! $CLANG -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     $(pkg-config --cflags openblas) -I"$root/src/engine" \
     -o "$out/fuzz_model" "$here/fuzz_model.c" "$root"/src/engine/*.c \
     $(pkg-config --libs openblas 2>/dev/null || echo -lopenblas) -lm; then
  echo "fuzz: build failed"
  echo "script: 0 passed, 1 failed"
  exit 1
fi
export AE_FUZZ_SEED_DIR="$here/corpus"
export OPENBLAS_NUM_THREADS=1
if "$out/fuzz_model" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
     -print_final_stats=1 "$here/corpus" > "$out/fuzz.log" 2>&1; then
  grep -E "stat::number_of_executed_units|stat::new_units_added" "$out/fuzz.log"
  echo "fuzz: model reader survived ${seconds}s"
  echo "script: 1 passed, 0 failed"
else
  tail -40 "$out/fuzz.log"
  echo "script: 0 passed, 1 failed"
  exit 1
fi

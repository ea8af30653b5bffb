#!/usr/bin/env bash
# Runs every test: set-up, the engine's C unit tests, then pg_regress and
# the scripted tests in a throwaway cluster.  Ends with one line
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# test-only tools: valgrind for the unit tests, clang's libFuzzer for the fuzz run
AE_EXTRA_PACKAGES="valgrind clang-14 libclang-rt-14-dev" bash test/setup.sh ||
  { echo "0 passed, 1 failed"; exit 1; }
FUZZ_SECONDS=${FUZZ_SECONDS:-30}

passed=0
failed=0
log=$(mktemp -d)

# count "N passed, N failed" summary lines of a suite's output
tally() {
  local out=$1 line
  line=$(grep -E '^([a-z]+: )?[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1 | sed 's/^[a-z]*: //')
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    echo "run-tests: $2 printed no summary" >&2
    return
  fi
  passed=$((passed + $(echo "$line" | awk '{print $1}')))
  failed=$((failed + $(echo "$line" | awk '{print $3}')))
}

echo "== C unit tests (engine)"
make -s -C test/unit all >/dev/null || { echo "unit test build failed"; failed=$((failed + 1)); }
for t in test/unit/test_*; do
  [ -x "$t" ] || continue
  "$t" > "$log/unit.out" 2>&1
  cat "$log/unit.out"
  tally "$log/unit.out" "$t"
done

echo "== C unit tests under valgrind (memory errors and leaks)"
for t in test/unit/test_*; do
  [ -x "$t" ] || continue
  if valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
       "$t" > "$log/vg.out" 2>&1; then
    passed=$((passed + 1)); echo "ok     valgrind/$(basename "$t")"
  else
    failed=$((failed + 1)); echo "FAIL   valgrind/$(basename "$t")"; grep -E "==[0-9]+==" "$log/vg.out" | head -30
  fi
done

echo "== fuzzing the model reader for ${FUZZ_SECONDS}s (longer: test/fuzz/run-fuzz.sh SECONDS)"
bash test/fuzz/run-fuzz.sh "$FUZZ_SECONDS" > "$log/fuzz.out" 2>&1
cat "$log/fuzz.out"
tally "$log/fuzz.out" fuzz

echo "== pg_regress and scripted tests"
cat > "$log/in-cluster.sh" <<'INNER'
set -uo pipefail
rc=0
make -s installcheck PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}" > "$1/regress.out" 2>&1 || rc=1
cat "$1/regress.out"
[ -f regression.diffs ] && head -c 20000 regression.diffs
for s in test/scripts/*.sh; do
  [ -f "$s" ] || continue
  bash "$s" || rc=1
done
exit $rc
INNER
# -t: a temporary cluster directory even as root, so no other "regress"
# cluster on the machine can collide with this run
pg_virtualenv -t -o max_worker_processes=16 -o max_parallel_workers=8 \
  bash "$log/in-cluster.sh" "$log" | tee "$log/cluster.out"
cluster_rc=${PIPESTATUS[0]}
r_ok=0
r_fail=0
if [ -s "$log/regress.out" ]; then
  r_ok=$(grep -cE '\.\.\. ok' "$log/regress.out" || true)
  r_fail=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$log/regress.out" || true)
fi
passed=$((passed + r_ok))
failed=$((failed + r_fail))
if [ "$r_ok" -eq 0 ] && [ "$r_fail" -eq 0 ]; then
  echo "run-tests: pg_regress ran no test" >&2
  failed=$((failed + 1))
fi
if [ "$cluster_rc" -ne 0 ] && [ "$r_fail" -eq 0 ] &&
   ! grep -qE '^script: [0-9]+ passed, [1-9]' "$log/cluster.out"; then
  echo "run-tests: the cluster run failed (exit $cluster_rc)" >&2
  failed=$((failed + 1))
fi
# scripted tests print their own summary lines
while read -r line; do
  passed=$((passed + $(echo "$line" | awk '{print $2}')))
  failed=$((failed + $(echo "$line" | awk '{print $4}')))
done < <(grep -E '^script: [0-9]+ passed, [0-9]+ failed' "$log/cluster.out" || true)

rm -rf "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs every test: set-up, the engine's C unit tests, then pg_regress and
# the scripted tests in a throwaway cluster.  Ends with one line
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash test/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
log=$(mktemp -d)

# count "N passed, N failed" summary lines of a suite's output
tally() {
  local out=$1 line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
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
pg_virtualenv -o max_worker_processes=16 -o max_parallel_workers=8 \
  bash "$log/in-cluster.sh" "$log" | tee "$log/cluster.out"
r_ok=$(grep -cE '\.\.\. ok' "$log/regress.out" || true)
r_fail=$(grep -cE '\.\.\. FAILED|\.\.\. failed' "$log/regress.out" || true)
passed=$((passed + r_ok))
failed=$((failed + r_fail))
if [ "$r_ok" -eq 0 ] && [ "$r_fail" -eq 0 ]; then
  echo "run-tests: pg_regress ran no test" >&2
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

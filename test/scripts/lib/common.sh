# test/scripts/lib/common.sh: what every scripted test shares.  Sourced
# (never run) by test/scripts/*.sh: the pass/fail counters and the ok and
# fail reporters whose "script: N passed, N failed" line run-tests.sh adds up.
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok     script/$1"; }
fail() { failed=$((failed + 1)); echo "FAIL   script/$1"; [ -n "${2:-}" ] && echo "$2" | head -20; }

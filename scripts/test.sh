#!/usr/bin/env bash
# Runs every check, in the order CI runs them: bash scripts/test.sh
#
# typecheck, lint, contracts:check, then the unit, int and e2e vitest projects. Stops at the
# first failure. Needs PostgreSQL and NATS (JetStream); starts local ones when they are down.
# Test databases: TESSERA_TEST_DATABASE_URL (int, default .../test) and TESSERA_E2E_DATABASE_URL
# (e2e creates its own databases through it, default .../postgres); NATS: TESSERA_TEST_NATS_URL,
# TESSERA_E2E_NATS_URL.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$TESSERA_ROOT"

ensure_deps
ensure_postgres
ensure_nats
ensure_database test

nats_url="${NATS_URL:-$NATS_URL_DEFAULT}"
export TESSERA_TEST_DATABASE_URL="${TESSERA_TEST_DATABASE_URL:-postgres://$PG_USER@$PG_HOST:$PG_PORT/test}"
export TESSERA_TEST_NATS_URL="${TESSERA_TEST_NATS_URL:-$nats_url}"
export TESSERA_E2E_DATABASE_URL="${TESSERA_E2E_DATABASE_URL:-postgres://$PG_USER@$PG_HOST:$PG_PORT/postgres}"
export TESSERA_E2E_NATS_URL="${TESSERA_E2E_NATS_URL:-$nats_url}"

results=.tessera/test-results
rm -rf "$results"
mkdir -p "$results"

STEPS=(typecheck lint contracts:check unit int e2e)
declare -A outcome=() took=() counts=()
passed=0 failed=0 skipped=0
# microseconds since the epoch (bash 5's EPOCHREALTIME; whole seconds without it)
now_us() {
  if [ -n "${EPOCHREALTIME:-}" ]; then echo "${EPOCHREALTIME//[.,]/}"; else echo "$(date +%s)000000"; fi
}
secs() { awk -v us="$1" 'BEGIN { printf "%.1f s", us / 1000000 }'; }
run_started="$(now_us)"

# vitest's JSON report → "passed failed skipped files"
count_tests() {
  node -e '
    const r = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))
    console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests, r.testResults.length)
  ' "$1"
}

summary() {
  echo
  echo "==> summary"
  local step
  for step in "${STEPS[@]}"; do
    printf '  %-16s %-8s %9s   %s\n' "$step" "${outcome[$step]:-not run}" "${took[$step]:-}" "${counts[$step]:-}"
  done
  echo "$1"
  # the closing line CI reads: every test the three vitest projects ran
  echo "tests: $passed passed, $failed failed, $skipped skipped"
}

run_step() {
  local name="$1" index="$2"
  shift 2
  echo
  echo "==> [$index/${#STEPS[@]}] $name: ${*/#vitest_project/npx vitest run --project}"
  local start status=0
  start="$(now_us)"
  "$@" || status=$?
  took[$name]="$(secs $(($(now_us) - start)))"
  if [ "$name" = unit ] || [ "$name" = int ] || [ "$name" = e2e ]; then
    record_tests "$name"
  fi
  if [ "$status" -ne 0 ]; then
    outcome[$name]=FAILED
    echo "<== $name FAILED after ${took[$name]} (exit $status)"
    summary "test.sh: FAILED at $name after $(secs $(($(now_us) - run_started)))"
    exit "$status"
  fi
  outcome[$name]=passed
  echo "<== $name passed in ${took[$name]}"
}

record_tests() {
  local file="$results/$1.json" p f s files
  if [ ! -f "$file" ]; then
    counts[$1]="no report (vitest did not finish)"
    return
  fi
  if ! read -r p f s files < <(count_tests "$file") || [ -z "${files:-}" ]; then
    counts[$1]="unreadable report $file"
    return
  fi
  passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  if [ "$files" -eq 0 ]; then
    counts[$1]="WARNING: no test files in this project"
  else
    counts[$1]="$p passed, $f failed, $s skipped ($files files)"
  fi
}

# --passWithNoTests: a project without tests is reported (WARNING in the summary), not failed
vitest_project() {
  echo "    (JSON report: $results/$1.json)"
  npx vitest run --project "$1" --passWithNoTests \
    --reporter=default --reporter=json --outputFile.json="$results/$1.json"
}

run_step typecheck 1 npm run typecheck
run_step lint 2 npm run lint
run_step contracts:check 3 npm run contracts:check
run_step unit 4 vitest_project unit
run_step int 5 vitest_project int
run_step e2e 6 vitest_project e2e

summary "test.sh: all ${#STEPS[@]} steps passed in $(secs $(($(now_us) - run_started)))"

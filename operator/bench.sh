#!/usr/bin/env bash
# Planner benchmark (not a test): scale-up N -> N+1 for N = 6, 12, 30 (RF 3, unequal seeded sizes)
# and one plan over 200 brokers / 1,000,000 replicas. Prints "bench <case> key=value ..." lines.
# Usage: operator/bench.sh [--help]
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl operator -am test-compile
exec java -Xmx2g -XX:+UseParallelGC -cp operator/target/classes:operator/target/test-classes \
  dev.berth.operator.plan.PlannerBench

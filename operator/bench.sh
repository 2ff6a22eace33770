#!/usr/bin/env bash
# Planner benchmark (not a test): scale-up N -> N+1 for N = 6, 12, 30 (RF 3, unequal seeded sizes)
# and one plan over 200 brokers / 1,000,000 replicas. Prints "bench <case> key=value ..." lines.
# Usage: operator/bench.sh [--help]   (MVN_FLAGS="-B -ntp -q -o" stays offline)
set -euo pipefail
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
cd "$(dirname "$0")/.."
MVN_FLAGS=${MVN_FLAGS:--B -ntp -q}
mvn $MVN_FLAGS -pl operator -am test-compile
exec java -Xmx2g -XX:+UseParallelGC -cp operator/target/classes:operator/target/test-classes \
  dev.berth.operator.plan.PlannerBench

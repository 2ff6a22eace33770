#!/usr/bin/env bash
# Benchmark of the extender (not a test): filter + prioritize at 5,000 nodes for 100 broker pods,
# over real HTTP in one JVM, in names mode, full-Node mode, against an echo handler (the floor) and
# against the same extender decoding with client-java's V1NodeList.
# Prints: bench <case> p50_us=<n> p99_us=<n> ops_per_s=<n>
# Usage: extender/bench.sh            (builds what it needs; MVN_FLAGS="-B -ntp -q -o" stays offline)
#        BENCH_JAVA_OPTS="-Dbench.only=names,echo-names -Dbench.noLog=true" extender/bench.sh
#        BENCH_LOG=/dev/shm/bench-decisions.log extender/bench.sh   (decision log elsewhere)
#        extender/bench.sh heap   (the heap of the Kubernetes caches at 5,000 nodes: InformerHeapBench)
#        extender/bench.sh --help
set -euo pipefail
case "${1:-}" in
  --help|-h) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  ''|heap) ;;
  *) echo "bench.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
esac
cd "$(dirname "$0")/.."
MVN_FLAGS=${MVN_FLAGS:--B -ntp -q}
mvn $MVN_FLAGS -pl extender -am test-compile
mvn $MVN_FLAGS -pl extender dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
CP="extender/target/classes:extender/target/test-classes:$(cat extender/target/bench.classpath)"
if [ "${1:-}" = heap ]; then
  exec java ${BENCH_JAVA_OPTS:-} -Xmx1g -XX:+UseParallelGC -cp "$CP" dev.berth.extender.bench.InformerHeapBench
fi
exec java ${BENCH_JAVA_OPTS:-} -Xms2g -Xmx2g -XX:+UseParallelGC -cp "$CP" \
  dev.berth.extender.bench.ExtenderBench "${BENCH_LOG:-extender/target/bench-decisions.log}"

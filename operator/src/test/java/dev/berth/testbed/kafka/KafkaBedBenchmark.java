package dev.berth.testbed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Prints the bed's costs; not part of {@code mvn verify} (Surefire's default includes do not match
 * the name). Run it with
 * {@code mvn -B -ntp -pl operator -am test -Dtest=KafkaBedBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class KafkaBedBenchmark {

    @Test
    void inProcessCosts() {
        long rssBefore = ForkedKafkaCluster.rssKib(ProcessHandle.current().pid());
        int threadsBefore = Thread.activeCount();
        for (int round = 1; round <= 3; round++) {
            long t0 = System.nanoTime();
            KafkaTestCluster kafka = KafkaTestCluster.builder()
                    .broker(0, "a").broker(1, "b").broker(2, "c").start();
            long closed;
            long started;
            long restarted;
            long added;
            long unregistered;
            long rss;
            try {
                started = System.nanoTime();
                kafka.restartBroker(1);
                restarted = System.nanoTime();
                kafka.addBroker(3, "a");
                added = System.nanoTime();
                kafka.stopAndUnregister(3);
                unregistered = System.nanoTime();
                rss = ForkedKafkaCluster.rssKib(ProcessHandle.current().pid());
                assertThat(kafka.fatalExits()).isEmpty();
            } finally {
                kafka.close();
            }
            closed = System.nanoTime();
            System.out.printf("in-process round %d: start %d ms, restart %d ms, add %d ms, "
                            + "stop+unregister %d ms, close %d ms, test JVM RSS %d MiB (before: %d MiB), "
                            + "live threads after close %d (before: %d)%n",
                    round, ms(started - t0), ms(restarted - started), ms(added - restarted),
                    ms(unregistered - added), ms(closed - unregistered), rss / 1024, rssBefore / 1024,
                    Thread.activeCount(), threadsBefore);
        }
    }

    @Test
    void forkedCosts() {
        long t0 = System.nanoTime();
        try (ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
                .broker(0, "a").broker(1, "b").broker(2, "c").startForked()) {
            long started = System.nanoTime();
            long rss = kafka.rssKib(0);
            kafka.kill(1);
            long killed = System.nanoTime();
            kafka.startBroker(1);
            long restarted = System.nanoTime();
            System.out.printf("forked: start %d ms (1 controller + 3 brokers), SIGKILL %d ms, restart %d ms, "
                            + "broker RSS %d MiB, controller RSS %d MiB%n",
                    ms(started - t0), ms(killed - started), ms(restarted - killed), rss / 1024,
                    kafka.controllerRssKib() / 1024);
        }
    }

    private static long ms(long nanos) {
        return nanos / 1_000_000;
    }
}

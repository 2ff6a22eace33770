package dev.berth.testbed.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LoopbackPortsTest {

    static Stream<Arguments> bindFailures() {
        return Stream.of(
                Arguments.of(new BindException("Address already in use"), true),
                Arguments.of(new KafkaException("Socket server failed to bind to 127.0.0.1:21000: Address already in use."),
                        true), // Kafka's own wording when its acceptor cannot bind
                Arguments.of(new IllegalStateException("startup failed",
                        new KafkaException("wrapped", new BindException("x"))), true), // found deep in the cause chain
                Arguments.of(new IllegalStateException("log directory failed"), false), // another failure: no retry
                Arguments.of(new IllegalStateException((String) null), false)); // no message at all must not throw
    }

    @ParameterizedTest
    @MethodSource
    void bindFailures(Throwable failure, boolean isBindFailure) {
        assertThat(LoopbackPorts.isBindFailure(failure)).isEqualTo(isBindFailure);
    }

    @Test
    void portsAreBelowTheEphemeralRangeAndNeverHandedOutTwice() {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = LoopbackPorts.next();
            assertThat(port).isBetween(20_000, 31_999);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
    }

    @Test
    void aListeningPortIsNotFreeAndBecomesFreeWhenClosed() throws Exception {
        int port = LoopbackPorts.next();
        try (ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress("127.0.0.1", port));
            assertThat(LoopbackPorts.isFree(port)).isFalse();
        }
        assertThat(LoopbackPorts.isFree(port)).isTrue();
    }
}

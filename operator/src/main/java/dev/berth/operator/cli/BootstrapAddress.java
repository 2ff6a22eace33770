package dev.berth.operator.cli;

/**
 * Checks a {@code --bootstrap} value before any client is built: {@code HOST:PORT[,HOST:PORT...]}, a
 * port from 1 to 65535, the port after the last colon (so an IPv6 host may be bracketed or not, as
 * Kafka's client reads it), blank entries skipped as Kafka skips them. Kafka's own check fails later
 * inside {@code Admin.create}, where the message that reached the user was "Failed to create new
 * KafkaAdminClient" with exit 1, as if the cluster were down. A usage error is exit 2 and says which
 * entry is wrong. Examples: {@code kafka:9092}, {@code [::1]:9092,b:9093} and {@code a:9092,} pass;
 * {@code foo} (no port), {@code a:9092x}, {@code a:0} and {@code ,} do not.
 */
final class BootstrapAddress {
    private BootstrapAddress() {}

    /** What is wrong with {@code value}, or null when every entry is HOST:PORT. */
    static String problem(String value) {
        int entries = 0;
        for (String entry : value.split(",", -1)) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            entries++;
            int colon = e.lastIndexOf(':');
            String host = colon < 0 ? "" : e.substring(0, colon);
            String port = colon < 0 ? "" : e.substring(colon + 1);
            if (host.isEmpty() || host.equals("[]") || !port.matches("[0-9]{1,5}")
                    || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return "--bootstrap entry \"" + e + "\" is not HOST:PORT (a port from 1 to 65535)";
            }
        }
        return entries == 0 ? "--bootstrap names no HOST:PORT" : null;
    }
}

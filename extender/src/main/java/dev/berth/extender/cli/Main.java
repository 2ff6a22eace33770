package dev.berth.extender.cli;

/** Entry point of {@code berth-extender.jar}: dispatches to a sub-command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            berth-extender: kube-scheduler extender that places Kafka brokers by rack, disk and leadership load.

            Usage: java -jar berth-extender.jar <command> [flags]

            Commands:
              serve      run the extender HTTP service
              what-if    place one pod against a cluster file, without a cluster
              --help     print this help
            """;

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        System.err.println("unknown command: " + args[0]);
        System.err.print(USAGE);
        System.exit(2);
    }
}

package dev.berth.operator.cli;

/** Entry point of {@code berth-operator.jar}: dispatches to a sub-command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            berth-operator: reconciles KafkaCluster resources (berth.dev/v1alpha1).

            Usage: java -jar berth-operator.jar <command> [flags]

            Commands:
              run        reconcile KafkaClusters until stopped (run --help for flags)
              snapshot   dump a live cluster's brokers, racks, partitions and sizes as JSON
              plan       dry run: print the reassignment plan for a snapshot file (plan --help)
              --help     print this help
            """;

    public static void main(String[] args) throws Exception {
        dev.berth.extender.cli.JavaUtilLogging.routeToSlf4j();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            // asked for: stdout, exit 0; no command at all is a usage error: stderr, exit 2 (as the extender)
            (args.length == 0 ? System.err : System.out).print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "run" -> System.exit(RunCommand.run(rest, System.out, System.err));
                case "plan" -> System.exit(new PlanCommand().run(rest, System.out, System.err));
                case "snapshot" -> System.exit(new SnapshotCommand().run(rest, System.out, System.err));
                default -> {
                    System.err.println("unknown command: " + args[0]);
                    System.err.print(USAGE);
                    System.exit(2);
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("berth-operator " + args[0] + ": " + e.getMessage());
            System.exit(2);
        }
    }
}

package dev.berth.operator.cli;

/** Entry point of {@code berth-operator.jar}: dispatches to a sub-command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            berth-operator: reconciles KafkaCluster resources (berth.dev/v1alpha1).

            Usage: java -jar berth-operator.jar <command> [flags]

            Commands:
              run        reconcile KafkaClusters until stopped (run --help for flags)
              --help     print this help
            """;

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        try {
            switch (args[0]) {
                case "run" -> System.exit(RunCommand.run(args));
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

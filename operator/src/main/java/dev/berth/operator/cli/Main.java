package dev.berth.operator.cli;

/** Entry point of {@code berth-operator.jar}: dispatches to a sub-command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            berth-operator: reconciles KafkaCluster resources (berth.dev/v1alpha1).

            Usage: java -jar berth-operator.jar <command> [flags]

            Commands:
              --help     print this help
              plan       dry run: print the reassignment plan for a snapshot file (plan --help)
            """;

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.print(USAGE);
            System.exit(args.length == 0 ? 2 : 0);
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("plan")) {
            System.exit(new PlanCommand().run(rest, System.out, System.err));
        }
        System.err.println("unknown command: " + args[0]);
        System.err.print(USAGE);
        System.exit(2);
    }
}

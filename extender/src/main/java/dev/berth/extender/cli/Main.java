package dev.berth.extender.cli;

import dev.berth.extender.state.StateBackendFactory;
import java.io.PrintStream;
import java.util.ServiceLoader;

/** Entry point of {@code berth-extender.jar}: dispatches to a sub-command. */
public final class Main {
    private Main() {}

    static final String USAGE = """
            berth-extender: kube-scheduler extender that places Kafka brokers by rack, disk and leadership load.

            Usage: java -jar berth-extender.jar <command> [flags]

            Commands:
              serve      run the extender HTTP service (serve --help)
              what-if    place one pod against a cluster file, without a cluster (what-if --help)
              --help     print this help
            """;

    public static void main(String[] args) {
        JavaUtilLogging.routeToSlf4j();
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs a command and returns its exit code (0 ok, 1 failure, 2 usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).print(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        switch (args[0]) {
            case "serve":
                return ServeCommand.run(args, out, err, () -> ServiceLoader.load(StateBackendFactory.class));
            case "what-if":
                return WhatIfCommand.run(args, out, err);
            default:
                err.println("unknown command: " + args[0]);
                err.print(USAGE);
                return 2;
        }
    }
}

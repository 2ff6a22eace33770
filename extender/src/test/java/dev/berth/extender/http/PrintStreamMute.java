package dev.berth.extender.http;

import java.io.OutputStream;
import java.io.PrintStream;

/** Silences stderr while a noisy block runs (every 400 is logged there on purpose). */
final class PrintStreamMute {
    private PrintStreamMute() {}

    interface Block {
        void run() throws Exception;
    }

    static synchronized void run(Block block) throws Exception {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            block.run();
        } finally {
            System.setErr(err);
        }
    }
}

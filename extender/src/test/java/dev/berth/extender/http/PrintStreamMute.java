package dev.berth.extender.http;

import java.io.OutputStream;
import java.io.PrintStream;

/** Silences or captures stderr while a block runs (every 400 is logged there on purpose). */
final class PrintStreamMute {
    private PrintStreamMute() {}

    interface Block {
        void run() throws Exception;
    }

    static void run(Block block) throws Exception {
        redirect(OutputStream.nullOutputStream(), block);
    }

    /** What the block wrote on stderr (the server logs there from its own threads, before it replies). */
    static String capture(Block block) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        redirect(out, block);
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static synchronized void redirect(OutputStream to, Block block) throws Exception {
        PrintStream err = System.err;
        System.setErr(new PrintStream(to, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            block.run();
        } finally {
            System.setErr(err);
        }
    }
}

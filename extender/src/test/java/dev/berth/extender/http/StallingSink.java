package dev.berth.extender.http;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A decision-log sink that holds every write until {@link #release}: the writer thread stuck in a
 * slow disk or a full pipe. {@link #stuck} opens at the first write. Lines are written in one call
 * each, so a single-byte write is a test bug.
 */
final class StallingSink extends FilterOutputStream {
    final CountDownLatch stuck = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    /** Writes through to {@code out} once released. */
    StallingSink(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) {
        throw new UnsupportedOperationException("lines are written in one call");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        stuck.countDown();
        try {
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IOException("the test never released the sink");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        out.write(b, off, len);
    }
}

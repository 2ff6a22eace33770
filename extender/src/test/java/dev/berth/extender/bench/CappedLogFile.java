package dev.berth.extender.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bench's decision-log file, emptied whenever it passes a size cap, as a rotated log would be.
 *
 * <p>Why: the bench logs about 100 MB/s, a thousand times what a real scheduler makes berth write.
 * Left to grow, the file's page cache takes gigabytes of memory the machine has not touched for a
 * while, and on this virtual machine such memory is several times dearer per page ({@code dd} of
 * 1 GB chunks, to a file or to {@code /dev/shm}: 0.3 s of system time each for the first two,
 * then 1.2 s and 2.2 to 2.6 s). The runs that went past it measured the machine's memory, not
 * berth: the log writer took 350 µs of CPU per op instead of about 140. Truncating frees the pages,
 * and the next lines reuse them. Each {@code write} call gets whole lines (the server's writer writes
 * line by line through a buffer that never splits a call), so the file always holds whole lines.
 *
 * <p>Truncating up to 512 MB takes 45-75 ms of system time on this VM, on whichever thread writes. So
 * {@link CaseRun} empties the file just before a case's measured ops and holds the cap during
 * them ({@link #emptyAndHoldCap}). Before that, a names run's 1,000 measured ops (about 1.1 s)
 * overlapped a truncation (one every 5-6 s) in roughly one run of five: a burst of 3-13 ms ops.
 */
final class CappedLogFile extends OutputStream {
    private final FileChannel channel;
    private final long cap;
    private long written;
    private int truncations;
    private boolean capHeld;

    /** {@code cap} in bytes; 0 or less keeps every byte. */
    CappedLogFile(Path file, long cap) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.cap = cap;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        if (cap > 0 && !capHeld && channel.position() + len > cap) {
            empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += len;
    }

    /**
     * Empties a capped file now, between two writes (so between whole lines), and lets it grow past
     * the cap until {@link #releaseCap}: the bench calls this right before measured ops, which then
     * never wait for a truncation's system time.
     */
    synchronized void emptyAndHoldCap() throws IOException {
        if (cap > 0) {
            empty();
        }
        capHeld = true;
    }

    synchronized void releaseCap() {
        capHeld = false;
    }

    private void empty() throws IOException {
        channel.truncate(0);
        channel.position(0);
        truncations++;
    }

    /** Every byte written, including those truncated away. */
    synchronized long written() {
        return written;
    }

    synchronized int truncations() {
        return truncations;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

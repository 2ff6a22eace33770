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
 * Left to grow, the file piles up gigabytes of dirty page cache, and past about 2.3 GB on this 24 GiB
 * machine the kernel's writeback makes every {@code write()} several times dearer in system time
 * ({@code dd} of 1 GB chunks: 0.3 s of system time each for the first two, then 1.1 and 2.2 s). The
 * runs that crossed it measured the kernel's writeback, not berth. Truncating drops the dirty pages
 * unwritten. Each {@code write} call gets whole lines (the server's writer writes line by line
 * through a buffer that never splits a call), so the file always holds whole lines.
 */
final class CappedLogFile extends OutputStream {
    private final FileChannel channel;
    private final long cap;
    private long written;
    private int truncations;

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
    public void write(byte[] b, int off, int len) throws IOException {
        if (cap > 0 && channel.position() + len > cap) {
            channel.truncate(0);
            channel.position(0);
            truncations++;
        }
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        written += len;
    }

    /** Every byte written, including those truncated away. */
    long written() {
        return written;
    }

    int truncations() {
        return truncations;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}

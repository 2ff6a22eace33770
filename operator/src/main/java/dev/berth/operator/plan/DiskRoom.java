package dev.berth.operator.plan;

import dev.berth.operator.model.DiskSpace;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Safety rule: a data move never gives a broker more bytes than its disk can take while keeping a
 * reserve free.
 *
 * <p><b>Goal.</b> A scale-up's reshuffle, a scale-down's drain and a hot-replica move never fill a
 * disk. Kafka takes a full log dir offline: the broker stops serving every partition on it, the very
 * loss of availability (and, for a partition of RF 1, of data) that moving brokers carefully avoids.
 * Kafka itself accepts a reassignment onto a disk that cannot hold it.
 *
 * <p><b>Constraints.</b>
 * <ul>
 *   <li>What a broker gains counts, what it gives away does not: Kafka deletes a replaced replica only
 *       once its move ends, so until then both copies are on disk.
 *   <li>The reserve is {@code minFreePercent} of the broker's disk: producers keep writing while a
 *       throttled move runs for hours.
 *   <li>A broker whose disk the snapshot does not know (it did not answer describeLogDirs, or runs a
 *       Kafka before 3.3) is trusted. The rule cannot judge it, and refusing every move of such a
 *       cluster would stop its scale-downs for good.
 * </ul>
 *
 * <p><b>Algorithm.</b> gain(b) = the sum of {@code sizeBytes} over the moves that add a replica on b;
 * room(b) = usable(b) − ⌈total(b) × minFreePercent ÷ 100⌉. Every broker with gain(b) &gt; room(b) is a
 * problem ({@link RefusalReason#NOT_ENOUGH_DISK}), reported with its numbers; a broker that gains 0
 * bytes (empty partitions only) never is.
 *
 * <p><b>Example</b>, minFreePercent 10: broker 2 has a 100 GiB disk with 30 GiB usable, so its room is
 * 30 − 10 = 20 GiB. A drain adding two 12.5 GiB partitions to it (25 GiB) is refused: "broker 2 would
 * receive 25.0 GiB but has room for 20.0 GiB (30.0 GiB free, keeping 10.0 GiB: 10 % of 100.0 GiB)".
 * Adding one of them (12.5 GiB) is fine.
 */
public final class DiskRoom {
    private DiskRoom() {}

    /** Bytes {@code disk} may still take with {@code minFreePercent} of it kept free; negative when over. */
    public static long room(DiskSpace disk, int minFreePercent) {
        long reserve = (long) Math.ceil(disk.totalBytes() * (minFreePercent / 100.0));
        return disk.usableBytes() - reserve;
    }

    /** Bytes each broker would copy in: the sizes of the partitions whose new list adds it, by id. */
    public static Map<Integer, Long> gains(List<Move> moves) {
        Map<Integer, Long> out = new TreeMap<>();
        for (Move m : moves) {
            for (int b : m.adding()) {
                out.merge(b, m.sizeBytes(), Long::sum);
            }
        }
        return out;
    }

    /** Problems that forbid executing {@code moves}; empty means every receiving disk has room. */
    public static List<Problem> problems(List<Move> moves, Map<Integer, DiskSpace> disks, int minFreePercent) {
        List<Problem> out = new ArrayList<>();
        gains(moves).forEach((id, gain) -> {
            DiskSpace disk = disks.get(id);
            if (disk == null || gain <= 0) {
                return;
            }
            long room = room(disk, minFreePercent);
            if (gain > room) {
                long reserve = disk.usableBytes() - room;
                out.add(new Problem(RefusalReason.NOT_ENOUGH_DISK, "broker " + id + " would receive "
                        + size(gain) + " but has room for " + size(Math.max(0, room)) + " ("
                        + size(disk.usableBytes()) + " free, keeping " + size(reserve) + ": "
                        + minFreePercent + " % of " + size(disk.totalBytes()) + ")"));
            }
        });
        return out;
    }

    /** Bytes for people, in binary units: "950 B", "12.5 KiB", "3.0 MiB", "20.0 GiB", "1.5 TiB". */
    public static String size(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

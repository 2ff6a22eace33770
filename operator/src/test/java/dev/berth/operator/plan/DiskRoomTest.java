package dev.berth.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.operator.model.DiskSpace;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DiskRoomTest {
    private static final long GIB = 1L << 30;

    private static Move move(String topic, List<Integer> from, List<Integer> to, long size) {
        return new Move(topic, 0, from, to, MoveReason.DRAIN, size);
    }

    record Row(String why, List<Move> moves, Map<Integer, DiskSpace> disks, int percent, List<String> problems) {}

    @Test
    void aBrokerMayReceiveNoMoreThanItsRoomWithTheReserveKept() {
        Map<Integer, DiskSpace> small = Map.of(2, new DiskSpace(100 * GIB, 30 * GIB));
        Move a = move("a", List.of(1, 3), List.of(2, 3), 25 * GIB / 2);
        Move b = move("b", List.of(1, 4), List.of(2, 4), 25 * GIB / 2);
        Row[] rows = {
            new Row("the class comment's example: two 12.5 GiB partitions onto 20 GiB of room", List.of(a, b), small, 10,
                    List.of("NOT_ENOUGH_DISK: broker 2 would receive 25.0 GiB but has room for 20.0 GiB (30.0 GiB free,"
                            + " keeping 10.0 GiB: 10 % of 100.0 GiB)")),
            new Row("one of them fits", List.of(a), small, 10, List.of()),
            new Row("exactly the room fits", List.of(move("c", List.of(1), List.of(2), 20 * GIB)), small, 10, List.of()),
            new Row("one byte over does not", List.of(move("c", List.of(1), List.of(2), 20 * GIB + 1)), small, 10,
                    List.of("NOT_ENOUGH_DISK: broker 2 would receive 20.0 GiB but has room for 20.0 GiB (30.0 GiB free,"
                            + " keeping 10.0 GiB: 10 % of 100.0 GiB)")),
            new Row("a reserve of 0 lets the whole free space be used", List.of(a, b), small, 0, List.of()),
            new Row("a broker whose disk is not known is trusted", List.of(a, b), Map.of(), 10, List.of()),
            new Row("what a broker gives away does not count: 3 keeps its replica, 1 only loses",
                    List.of(move("d", List.of(1, 3), List.of(3, 1), 90 * GIB)),
                    Map.of(1, new DiskSpace(100 * GIB, 0), 3, new DiskSpace(100 * GIB, 0)), 10, List.of()),
            new Row("empty partitions never fill a disk, even a full one", List.of(move("e", List.of(1), List.of(2), 0)),
                    Map.of(2, new DiskSpace(100 * GIB, 0)), 10, List.of()),
            new Row("a disk already past its reserve shows room 0", List.of(move("f", List.of(1), List.of(2), 1024)),
                    Map.of(2, new DiskSpace(100 * GIB, 5 * GIB)), 10,
                    List.of("NOT_ENOUGH_DISK: broker 2 would receive 1.0 KiB but has room for 0 B (5.0 GiB free,"
                            + " keeping 10.0 GiB: 10 % of 100.0 GiB)")),
            new Row("every broker short of room is named, by id", List.of(move("g", List.of(1), List.of(5, 4), GIB)),
                    Map.of(4, new DiskSpace(10 * GIB, GIB), 5, new DiskSpace(10 * GIB, GIB)), 10,
                    List.of("NOT_ENOUGH_DISK: broker 4 would receive 1.0 GiB but has room for 0 B (1.0 GiB free,"
                            + " keeping 1.0 GiB: 10 % of 10.0 GiB)",
                            "NOT_ENOUGH_DISK: broker 5 would receive 1.0 GiB but has room for 0 B (1.0 GiB free,"
                            + " keeping 1.0 GiB: 10 % of 10.0 GiB)")),
        };
        for (Row r : rows) {
            assertThat(DiskRoom.problems(r.moves(), r.disks(), r.percent())).as(r.why())
                    .extracting(Problem::toString).containsExactlyElementsOf(r.problems());
        }
    }

    @Test
    void roomIsWhatIsUsableLessTheReserveRoundedUp() {
        assertThat(DiskRoom.room(new DiskSpace(1000, 300), 10)).isEqualTo(200);
        assertThat(DiskRoom.room(new DiskSpace(1001, 300), 10)).as("a reserve of 100.1 bytes keeps 101").isEqualTo(199);
        assertThat(DiskRoom.room(new DiskSpace(1000, 50), 10)).isEqualTo(-50);
        assertThat(DiskRoom.room(new DiskSpace(1000, 300), 0)).isEqualTo(300);
    }

    @Test
    void gainsAddUpPerBroker() {
        assertThat(DiskRoom.gains(List.of(move("a", List.of(1, 2), List.of(3, 2), 5), move("b", List.of(1), List.of(3), 7),
                move("c", List.of(2), List.of(4, 2), 11)))).isEqualTo(Map.of(3, 12L, 4, 11L));
    }

    @Test
    void sizesReadAsPeopleWriteThem() {
        assertThat(List.of(0L, 950L, 1023L, 1024L, 12_800L, 1L << 20, 3L << 20, 20 * GIB, 3 * (1L << 40) / 2, Long.MAX_VALUE))
                .extracting(DiskRoom::size)
                .containsExactly("0 B", "950 B", "1023 B", "1.0 KiB", "12.5 KiB", "1.0 MiB", "3.0 MiB", "20.0 GiB",
                        "1.5 TiB", "8192.0 PiB"); // PiB is the largest unit: a sum of sizes gone wrong still prints
    }
}

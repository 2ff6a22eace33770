package dev.berth.extender.protocol;

import dev.berth.extender.placement.NameIndex;
import dev.berth.extender.placement.NodeTable;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The {@code NodeNames} of a request, as an immutable list that also carries, per name, its row in
 * the {@link NodeTable} the request was decoded against (-1 when the table does not know it).
 *
 * <p>Known names are not copied out of the body at all: {@link #get} returns the table's String,
 * and {@link #appendQuoted} copies the table's bytes into a reply. Only names the table does not
 * know are kept as decoded Strings, and escaped again when written.
 */
public final class NameList extends AbstractList<String> implements RandomAccess {
    private final NodeTable table;
    private final int[] ids;
    private final String[] names;

    /**
     * {@code ids} has exactly the list's length; {@code names} too, with {@code names[i]} set where
     * {@code ids[i] < 0}, or is null when every name is known.
     */
    NameList(NodeTable table, int[] ids, String[] names) {
        this.table = table;
        this.ids = ids;
        this.names = names;
    }

    /** The list naming rows {@code rows} of {@code table} (all known), in that order. */
    public static NameList ofRows(NodeTable table, int[] rows) {
        return new NameList(table, rows.clone(), null);
    }

    /** True when the list names exactly rows {@code rows} of its table, in that order. */
    public boolean namesRows(int[] rows) {
        return java.util.Arrays.equals(ids, rows);
    }

    /** The table the ids refer to, or null when the request was decoded without one. */
    public NodeTable table() {
        return table;
    }

    /** A copy of the rows, aligned with the list; -1 where the table does not know the name. */
    public int[] ids() {
        return ids.clone();
    }

    /** Row of name {@code index} in {@link #table()}, or -1. */
    public int id(int index) {
        return ids[index];
    }

    @Override
    public String get(int index) {
        int id = ids[index];
        return id >= 0 ? table.name(id) : names[index];
    }

    /**
     * Appends name {@code index} as a quoted JSON string, after a comma when {@code comma}. A name
     * the table's byte index holds is word-copied from it with one capacity check
     * ({@link NameIndex#putQuotedName}): replies and decision lines do this once per node.
     */
    public void appendQuoted(int index, ByteBuilder out, boolean comma) {
        int id = ids[index];
        NameIndex bytes = id < 0 ? null : table.names();
        int length = bytes == null ? 0 : bytes.indexedLength(id);
        if (length > 0) {
            int at = out.reserve(length + 1 + NameIndex.WORD_SLACK);
            byte[] array = out.array();
            if (comma) {
                array[at++] = ',';
            }
            out.advanceTo(bytes.putQuotedName(id, array, at));
            return;
        }
        if (comma) {
            out.ascii(',');
        }
        out.jsonString(get(index));
    }

    @Override
    public int size() {
        return ids.length;
    }
}

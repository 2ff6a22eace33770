package dev.berth.extender.protocol;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * The {@code NodeNames} of a request, as an immutable list that also knows whether every name is
 * plain: no character that JSON output would escape (control characters, {@code "}, {@code \},
 * U+2028, U+2029). Replies and decision lines then copy the names between quotes without scanning
 * each one again ({@link Json#string(StringBuilder, String, boolean)}). Real node names are DNS
 * subdomains, so in practice every list is plain; an odd name only turns the flag off.
 */
public final class NameList extends AbstractList<String> implements RandomAccess {
    private final String[] names;
    private final int size;
    private final boolean plain;

    NameList(String[] names, int size, boolean plain) {
        this.names = names;
        this.size = size;
        this.plain = plain;
    }

    /** True when {@code list} is a NameList whose names need no JSON escaping. */
    public static boolean plain(java.util.List<String> list) {
        return list instanceof NameList n && n.plain;
    }

    @Override
    public String get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return names[index];
    }

    @Override
    public int size() {
        return size;
    }
}

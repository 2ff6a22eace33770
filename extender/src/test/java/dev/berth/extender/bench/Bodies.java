package dev.berth.extender.bench;

import java.util.List;

/** The two request bodies of op {@code i}, built before its clock starts. */
interface Bodies {
    byte[] filter(int i);

    byte[] prioritize(int i);

    /** Op {@code i} sends pod {@code i % ExtenderBench.PODS}'s bodies, made in setup. */
    static Bodies cycling(List<byte[]> filters, List<byte[]> prioritizes) {
        return new Bodies() {
            @Override
            public byte[] filter(int i) {
                return filters.get(i % ExtenderBench.PODS);
            }

            @Override
            public byte[] prioritize(int i) {
                return prioritizes.get(i % ExtenderBench.PODS);
            }
        };
    }
}

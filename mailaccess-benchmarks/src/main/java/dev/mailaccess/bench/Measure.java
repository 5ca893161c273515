package dev.mailaccess.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/** Warm-up runs, then counted runs, of one tool. */
final class Measure {
    /** One run of a tool; returns what it measured. */
    @FunctionalInterface
    interface Run {
        Sample run() throws Exception;
    }

    private static final com.sun.management.ThreadMXBean THREADS = threads();

    private Measure() {
    }

    /**
     * Runs {@code warmups} uncounted and {@code runs} counted times; every run must produce {@code expectedItems}
     * (when not negative), so a tool that silently did less work cannot look fast.
     */
    static Stats repeat(String what, int warmups, int runs, long expectedItems, Run run) throws Exception {
        for (int i = 0; i < warmups; i++) {
            check(what, expectedItems, run.run());
        }
        Collector c = new Collector();
        for (int i = 0; i < runs; i++) {
            c.add(what, expectedItems, run);
        }
        return c.stats();
    }

    /**
     * Like {@link #repeat} for two tools, their runs taken in turns (A, B, A, B, …) so that both see the same machine:
     * a disk still writing back what an earlier run wrote, say, slows both alike rather than whichever came second.
     */
    static Stats[] alternate(String whatA, Run a, String whatB, Run b, int warmups, int runs, long expectedItems)
            throws Exception {
        for (int i = 0; i < warmups; i++) {
            check(whatA, expectedItems, a.run());
            check(whatB, expectedItems, b.run());
        }
        Collector ca = new Collector();
        Collector cb = new Collector();
        for (int i = 0; i < runs; i++) {
            ca.add(whatA, expectedItems, a);
            cb.add(whatB, expectedItems, b);
        }
        return new Stats[] {ca.stats(), cb.stats()};
    }

    /** The counted runs of one tool. */
    private static final class Collector {
        private final List<Double> seconds = new ArrayList<>();
        private final List<Long> commands = new ArrayList<>();
        private final List<Long> allocated = new ArrayList<>();

        void add(String what, long expectedItems, Run run) throws Exception {
            long before = allocated();
            Sample s = run.run();
            long after = allocated();
            check(what, expectedItems, s);
            seconds.add(s.seconds());
            commands.add(s.commands());
            allocated.add(before < 0 || after < 0 ? -1 : after - before);
        }

        Stats stats() {
            return new Stats(seconds, commands, allocated);
        }
    }

    private static void check(String what, long expected, Sample s) {
        if (expected >= 0 && s.items() != expected) {
            throw new IllegalStateException(what + ": expected " + expected + " items, the run produced " + s.items());
        }
    }

    /** Bytes allocated so far by the current thread, or -1 where the JVM cannot tell. */
    static long allocated() {
        if (THREADS == null) {
            return -1;
        }
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static com.sun.management.ThreadMXBean threads() {
        try {
            java.lang.management.ThreadMXBean t = ManagementFactory.getThreadMXBean();
            if (t instanceof com.sun.management.ThreadMXBean sun && sun.isThreadAllocatedMemorySupported()) {
                sun.setThreadAllocatedMemoryEnabled(true);
                return sun;
            }
        } catch (RuntimeException | LinkageError e) {
            // not a HotSpot-like JVM
        }
        return null;
    }

    static double since(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

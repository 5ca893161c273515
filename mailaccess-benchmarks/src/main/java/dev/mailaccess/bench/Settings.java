package dev.mailaccess.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Sizes and repetitions of one benchmark run.
 *
 * @param listSize       messages in the folder listed by scenarios 1 and 2 (and searched by 6)
 * @param naiveSize      messages for naive Angus (one round trip per message and field)
 * @param popCount       messages downloaded over POP3 in scenario 3
 * @param popMessageSize approximate size of each of them in bytes
 * @param bigMessage     size of the message streamed in scenario 7, bytes
 * @param warmups        uncounted runs per tool
 * @param runs           counted runs per tool
 * @param latency        added round-trip time in scenario 2
 * @param childHeap      -Xmx of the child JVMs in scenario 7
 * @param externalTools  whether to run fetchmail, getmail6 and mbsync when installed
 * @param json           where the JSON goes
 * @param syncSize       messages downloaded by the initial disconnected sync of scenario 4
 * @param syncMessageSize approximate size of each message of scenarios 4 and 5, bytes
 * @param syncFsync      the fsync settings scenario 4 runs with (true, false or both), the same for every tool
 * @param resyncSizes    folder sizes of the no-change resync of scenario 5 (default 10,000 and 100,000; each tool
 *                       first syncs the folder once, untimed, which at 100,000 takes minutes: {@code
 *                       --resync-sizes 10000} leaves it out)
 */
public record Settings(int listSize, int naiveSize, int popCount, int popMessageSize, int bigMessage, int warmups,
                       int runs, Duration latency, String childHeap, boolean externalTools, Path json,
                       int syncSize, int syncMessageSize, List<Boolean> syncFsync, List<Integer> resyncSizes) {

    public Settings {
        syncFsync = List.copyOf(syncFsync);
        resyncSizes = List.copyOf(resyncSizes);
    }

    /** The full benchmark as the issue defines it. */
    public static Settings full() {
        return new Settings(10_000, 500, 2_000, 2_000, 100 * 1024 * 1024, 1, 5, Duration.ofMillis(20), "64m", true,
                Path.of("target/benchmarks.json"), 10_000, 2_000, List.of(true, false), List.of(10_000, 100_000));
    }

    /** Every scenario once, on tiny sizes: for the smoke test, a few seconds. */
    public static Settings smoke(Path json) {
        return new Settings(20, 10, 20, 2_000, 2 * 1024 * 1024, 0, 1, Duration.ofMillis(2), "64m", true, json,
                20, 2_000, List.of(true, false), List.of(20, 40));
    }

    public Settings withRuns(int warmups, int runs) {
        return new Settings(listSize, naiveSize, popCount, popMessageSize, bigMessage, warmups, runs, latency,
                childHeap, externalTools, json, syncSize, syncMessageSize, syncFsync, resyncSizes);
    }

    public Settings withExternalTools(boolean on) {
        return new Settings(listSize, naiveSize, popCount, popMessageSize, bigMessage, warmups, runs, latency,
                childHeap, on, json, syncSize, syncMessageSize, syncFsync, resyncSizes);
    }

    public Settings withJson(Path file) {
        return new Settings(listSize, naiveSize, popCount, popMessageSize, bigMessage, warmups, runs, latency,
                childHeap, externalTools, file, syncSize, syncMessageSize, syncFsync, resyncSizes);
    }

    public Settings withSync(int size, List<Boolean> fsync, List<Integer> resync) {
        return new Settings(listSize, naiveSize, popCount, popMessageSize, bigMessage, warmups, runs, latency,
                childHeap, externalTools, json, size, syncMessageSize, fsync, resync);
    }
}

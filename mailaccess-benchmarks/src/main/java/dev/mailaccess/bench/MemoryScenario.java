package dev.mailaccess.bench;

import dev.mailaccess.testkit.LoopbackProxy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Scenario 7: stream one big message to disk in a child JVM with a small heap; peak heap and throughput. */
final class MemoryScenario {
    private final Bench b;
    private final String user;
    private final long messageSize;

    MemoryScenario(Bench b, String user, long messageSize) {
        this.b = b;
        this.user = user;
        this.messageSize = messageSize;
    }

    /** One child run. */
    record ChildResult(long bytes, double seconds, long peakHeap, long maxHeap, double wallSeconds,
                       double transferSeconds) {
    }

    void run() throws Exception {
        String scenario = "7 memory";
        String size = "1 msg × " + Bench.mib(messageSize) + ", child -Xmx" + b.settings.childHeap();
        List<ChildResult> imapFloor = runs("imap-floor", "imap");
        List<ChildResult> show = runs("imap-show", "imap");
        List<ChildResult> popFloor = runs("pop-floor", "pop3");
        List<ChildResult> offline = runs("pop-offline", "pop3");
        add(scenario, size, "floor: raw IMAP BODY.PEEK[] to a file", imapFloor, imapFloor, false);
        add(scenario, size, "mailaccess CLI show (IMAP) to a file", show, imapFloor, true);
        add(scenario, size, "floor: raw POP3 RETR, tmp/ + fsync + rename", popFloor, popFloor, false);
        add(scenario, size, "mailaccess OfflineFetch (POP3, fsync)", offline, popFloor, true);
    }

    private void add(String scenario, String size, String tool, List<ChildResult> rs, List<ChildResult> floor,
                     boolean target) {
        Stats st = stats(rs);
        Stats fl = stats(floor);
        long peak = rs.stream().mapToLong(ChildResult::peakHeap).max().orElse(-1);
        long max = rs.get(0).maxHeap();
        double transfer = Stats.median(rs.stream().map(ChildResult::transferSeconds).toList());
        double floorTransfer = Stats.median(floor.stream().map(ChildResult::transferSeconds).toList());
        double mbps = messageSize / 1048576.0 / transfer;
        double share = floorTransfer / transfer; // this tool's throughput as a share of the floor's
        double wall = Stats.median(rs.stream().map(ChildResult::wallSeconds).toList());
        b.report.add(new Row(scenario, size, tool, st, fl.median(), "", "peak heap ≤ " + Bench.mib(peak)
                + " of " + Bench.mib(max), target ? "streams within -Xmx" + b.settings.childHeap()
                + "; ≥ 50% of the floor's throughput" : "",
                target ? Bench.met(share >= 0.5) : "",
                Bench.fmt("%.0f MiB/s over the transfer%s; the whole run %.2f s, child JVM wall time incl. start "
                        + "%.2f s", mbps, target ? Bench.fmt(" (%.0f%% of the floor's)", 100 * share) : "",
                        st.median(), wall)));
    }

    private static Stats stats(List<ChildResult> rs) {
        List<Double> secs = rs.stream().map(ChildResult::seconds).toList();
        List<Long> none = rs.stream().map(r -> -1L).toList();
        return new Stats(secs, none, none);
    }

    private List<ChildResult> runs(String mode, String protocol) throws Exception {
        b.log("7 " + mode + " (" + Bench.mib(messageSize) + ")");
        List<ChildResult> out = new ArrayList<>();
        try (LoopbackProxy proxy = b.proxy(protocol, Duration.ZERO)) {
            for (int i = 0; i < b.settings.warmups() + b.settings.runs(); i++) {
                ChildResult r = child(mode, proxy.port());
                if (r.bytes() < messageSize) {
                    throw new IllegalStateException(mode + " wrote " + r.bytes() + " bytes, expected at least "
                            + messageSize);
                }
                if (i >= b.settings.warmups()) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private ChildResult child(String mode, int port) throws Exception {
        Path dir = b.freshDir("memory");
        Path target = mode.startsWith("imap") ? dir.resolve("message.eml") : dir.resolve("Maildir");
        Path log = dir.resolve("child.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + b.settings.childHeap(), "-cp", classpath(),
                MemoryChild.class.getName(), mode, b.dovecot.host(), Integer.toString(port), user, target.toString());
        pb.environment().put("BENCH_PASSWORD", b.dovecot.password(user));
        pb.redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        long t0 = System.nanoTime();
        Process p = pb.start();
        try {
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException("child JVM " + mode + " did not finish in 600 s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        double wall = Measure.since(t0);
        String text = Files.readString(log, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IllegalStateException("child JVM " + mode + " exited with " + p.exitValue() + ": "
                    + tail(text));
        }
        for (String line : text.split("\n")) {
            if (line.startsWith("RESULT ")) {
                long bytes = 0;
                double secs = 0;
                double transfer = -1;
                long peak = 0;
                long max = 0;
                for (String kv : line.substring(7).trim().split(" ")) {
                    String[] p2 = kv.split("=", 2);
                    switch (p2[0]) {
                        case "bytes" -> bytes = Long.parseLong(p2[1]);
                        case "seconds" -> secs = Double.parseDouble(p2[1]);
                        case "peakHeap" -> peak = Long.parseLong(p2[1]);
                        case "maxHeap" -> max = Long.parseLong(p2[1]);
                        case "transferSeconds" -> transfer = Double.parseDouble(p2[1]);
                        default -> { }
                    }
                }
                return new ChildResult(bytes, secs, peak, max, wall, transfer);
            }
        }
        throw new IllegalStateException("child JVM " + mode + " printed no RESULT: " + tail(text));
    }

    private static String tail(String text) {
        return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    }

    /** The class path of this JVM as a child can use it (surefire's real one when under test). */
    static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) {
            cp = System.getProperty("java.class.path");
        }
        return cp;
    }
}

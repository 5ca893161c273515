package dev.mailaccess.bench;

import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.SyncReport;
import dev.mailaccess.testkit.LoopbackProxy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scenarios 4 and 5: a disconnected replica of INBOX, mailaccess {@link Replica} against mbsync (isync), both through
 * the counting proxy, with the same fsync setting.
 *
 * <ul>
 *   <li>4: the initial sync into a fresh, empty directory (every run a new one).</li>
 *   <li>5: after one initial sync per tool (not timed), a sync with nothing changed on either side, repeated on the
 *       same replica.</li>
 * </ul>
 * A mailaccess run is {@code Replica.open(dir, fsync)}, {@code mirror("INBOX")}, {@code sync(config)},
 * {@code close()}: what a program that syncs on start does, so it pays for loading its state as mbsync (a new
 * process every run) does. mbsync runs with {@code Sync Pull} (the initial download is the same work either way),
 * {@code Create Near}, {@code SyncState *} and {@code FSync yes|no}.
 */
final class SyncScenario {
    static final String INITIAL = "4 initial disconnected sync";
    static final String RESYNC = "5 no-change resync";

    private final Bench b;

    SyncScenario(Bench b) {
        this.b = b;
    }

    // ------------------------------------------------------------------------------------------------- scenario 4

    void initial(String user, int n, long averageSize, boolean fsync) throws Exception {
        String size = n + " msgs × " + Bench.fmt("%.1f", averageSize / 1000.0) + " kB, fsync " + (fsync ? "on" : "off");
        String why = mbsyncMissing();
        Stats mbsync = null;
        List<String> mbsyncCommands = new ArrayList<>();
        List<String> mineCommands = new ArrayList<>();
        List<Double> syncOnly = new ArrayList<>();
        Tool mineTool = new Tool(INITIAL + " mailaccess", () -> {
            Path dir = b.freshDir("replica-initial");
            return new Dirs(dir, null);
        }, (proxy, d) -> {
            SyncReport r = mailaccess(proxy, user, d.home, fsync);
            syncOnly.add(r.elapsed().toNanos() / 1e9);
            if (r.downloaded() != n) {
                throw new IllegalStateException("Replica downloaded " + r.downloaded() + " of " + n);
            }
        }, mineCommands);
        Stats mine;
        if (why == null) {
            // in turns: both write (and with fsync on, flush) 10,000 files, so both depend on the disk's backlog
            Tool mbsyncTool = new Tool(INITIAL + " mbsync", () -> {
                Path dir = b.freshDir("mbsync-initial");
                return new Dirs(dir, dir.resolve("mail").resolve("INBOX"));
            }, (proxy, d) -> mbsync(proxy, user, d.home, fsync), mbsyncCommands);
            Stats[] pair = measurePair(n, mbsyncTool, mineTool);
            mbsync = pair[0];
            mine = pair[1];
        } else {
            mine = measure(n, mineTool);
        }

        String target = "≤ 1.0× mbsync";
        if (mbsync != null) {
            double ratio = mine.median() / mbsync.median();
            b.report.add(new Row(INITIAL, size, "mbsync " + mbsyncVersion() + " (Sync Pull, FSync "
                    + (fsync ? "yes" : "no") + ")", mbsync, mbsync.median(), mbsync.commandsText(), "", "", "",
                    "baseline; commands: " + Bench.commandsSummary(mbsyncCommands)));
            b.report.add(new Row(INITIAL, size, "mailaccess Replica (open, mirror, sync, close)", mine,
                    mbsync.median(), mine.commandsText(), "", target, Bench.met(ratio <= 1.0),
                    syncNote(syncOnly) + "; commands: " + Bench.commandsSummary(mineCommands)));
        } else {
            b.report.add(new Row(INITIAL, size, "mailaccess Replica (open, mirror, sync, close)", mine, Double.NaN,
                    mine.commandsText(), "", target, "", syncNote(syncOnly) + "; no baseline ran; commands: "
                    + Bench.commandsSummary(mineCommands)));
            b.report.add(Row.skipped(INITIAL, size, "mbsync", "", why));
        }
    }

    // ------------------------------------------------------------------------------------------------- scenario 5

    void resync(String user, int n, boolean fsync) throws Exception {
        String size = n + " msgs, fsync " + (fsync ? "on" : "off");
        String why = mbsyncMissing();
        Stats mbsync = null;
        List<String> mbsyncCommands = new ArrayList<>();
        Path mbsyncHome = b.freshDir("mbsync-resync-" + n);
        Path replica = b.freshDir("replica-resync-" + n);
        try {
            if (why == null) {
                long t0 = System.nanoTime();
                try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
                    mbsync(proxy, user, mbsyncHome, fsync);
                    b.log(Bench.fmt("  mbsync initial sync of %d messages (not timed): %.1f s, %d commands", n,
                            Measure.since(t0), proxy.commandCount()));
                }
                checkCount("mbsync initial", n, mbsyncHome.resolve("mail").resolve("INBOX"));
            }
            long t0 = System.nanoTime();
            try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
                SyncReport r = mailaccess(proxy, user, replica, fsync);
                b.log(Bench.fmt("  mailaccess initial sync of %d messages (not timed): %.1f s (sync() %.1f s), "
                                + "%d commands", n, Measure.since(t0), r.elapsed().toNanos() / 1e9,
                        proxy.commandCount()));
            }
            List<String> mineCommands = new ArrayList<>();
            List<Double> syncOnly = new ArrayList<>();
            Tool mineTool = new Tool(RESYNC + " mailaccess", () -> new Dirs(replica, null), (proxy, d) -> {
                SyncReport r = mailaccess(proxy, user, d.home, fsync);
                syncOnly.add(r.elapsed().toNanos() / 1e9);
                if (r.down() != 0 || r.up() != 0) {
                    throw new IllegalStateException("a no-change resync moved messages: " + r);
                }
            }, mineCommands);
            Stats mine;
            if (why == null) {
                Path md = mbsyncHome.resolve("mail").resolve("INBOX");
                Stats[] pair = measurePair(n, new Tool(RESYNC + " mbsync", () -> new Dirs(mbsyncHome, md),
                        (proxy, d) -> mbsync(proxy, user, d.home, fsync), mbsyncCommands), mineTool);
                mbsync = pair[0];
                mine = pair[1];
            } else {
                mine = measure(n, mineTool);
            }

            String target = n >= 100_000 ? "faster than mbsync" : "≤ 1.0× mbsync";
            if (mbsync != null) {
                double ratio = mine.median() / mbsync.median();
                b.report.add(new Row(RESYNC, size, "mbsync " + mbsyncVersion() + " no-op (Sync Pull)", mbsync,
                        mbsync.median(), mbsync.commandsText(), "", "", "",
                        "baseline; commands: " + Bench.commandsSummary(mbsyncCommands)));
                b.report.add(new Row(RESYNC, size, "mailaccess Replica no-op (open, mirror, sync, close)", mine,
                        mbsync.median(), mine.commandsText(), "", target,
                        Bench.met(n >= 100_000 ? ratio < 1.0 : ratio <= 1.0),
                        syncNote(syncOnly) + "; commands: " + Bench.commandsSummary(mineCommands)));
            } else {
                b.report.add(new Row(RESYNC, size, "mailaccess Replica no-op (open, mirror, sync, close)", mine,
                        Double.NaN, mine.commandsText(), "", target, "", syncNote(syncOnly)
                        + "; no baseline ran; commands: " + Bench.commandsSummary(mineCommands)));
                b.report.add(Row.skipped(RESYNC, size, "mbsync", "", why));
            }
        } finally {
            Bench.deleteTree(mbsyncHome);
            Bench.deleteTree(replica);
        }
    }

    // ---------------------------------------------------------------------------------------------------- common

    private static String syncNote(List<Double> syncOnly) {
        return Bench.fmt("of which Replica.sync() %s s (median; the rest is open/scan and close)",
                Report.secs(Stats.median(syncOnly)));
    }

    /** Where a run works: the directory it owns, and the Maildir the messages land in (null: the replica's). */
    private record Dirs(Path home, Path maildir) {
    }

    @FunctionalInterface
    interface Prepare {
        Dirs dirs() throws Exception;
    }

    @FunctionalInterface
    interface Sync {
        void run(LoopbackProxy proxy, Dirs dirs) throws Exception;
    }

    /** One tool of a scenario: how it prepares a run, what it times, where the last run's commands go. */
    private record Tool(String what, Prepare prepare, Sync sync, List<String> lastCommands) {
    }

    /** {@link #measure} for two tools, their runs in turns. */
    private Stats[] measurePair(int n, Tool a, Tool c) throws Exception {
        b.log(a.what + " and " + c.what + ", in turns, on " + n + " messages");
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            return Measure.alternate(a.what, () -> timed(proxy, a),
                    c.what, () -> timed(proxy, c),
                    b.settings.warmups(), b.settings.runs(), n);
        } finally {
            b.log(Bench.fmt("  commands of the last runs: %s; %s", Bench.commandsSummary(a.lastCommands),
                    Bench.commandsSummary(c.lastCommands)));
        }
    }

    private Sample timed(LoopbackProxy proxy, Tool t) throws Exception {
        Dirs d = t.prepare.dirs();
        proxy.resetCounts();
        long t0 = System.nanoTime();
        t.sync.run(proxy, d);
        double secs = Measure.since(t0);
        t.lastCommands.clear();
        t.lastCommands.addAll(proxy.commands());
        Path md = d.maildir != null ? d.maildir : replicaInbox(d.home);
        return new Sample(secs, proxy.commandCount(), count(md));
    }

    /** Times a tool's sync only (the directory is prepared before the clock starts); items = messages stored. */
    private Stats measure(int n, Tool t) throws Exception {
        b.log(t.what + " on " + n + " messages");
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            return Measure.repeat(t.what, b.settings.warmups(), b.settings.runs(), n,
                    () -> timed(proxy, t));
        } finally {
            b.log(Bench.fmt("  commands of the last run (%d): %s", t.lastCommands.size(),
                    Bench.commandsSummary(t.lastCommands)));
        }
    }

    private SyncReport mailaccess(LoopbackProxy proxy, String user, Path dir, boolean fsync) {
        try (Replica r = Replica.open(dir, fsync)) {
            r.mirror("INBOX");
            return r.sync(b.config("imap", user, proxy));
        }
    }

    private static Path replicaInbox(Path dir) {
        return dir.resolve("mail").resolve(Replica.localName("INBOX"));
    }

    private void checkCount(String what, int n, Path maildir) throws IOException {
        long got = count(maildir);
        if (got != n) {
            throw new IllegalStateException(what + ": expected " + n + " messages, found " + got);
        }
    }

    static long count(Path maildir) throws IOException {
        long n = 0;
        for (String sub : new String[] {"new", "cur"}) {
            Path d = maildir.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    n += s.count();
                }
            }
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------- mbsync

    static Path mbsyncPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, "mbsync");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Null when mbsync can run, else why not. */
    String mbsyncMissing() {
        if (!b.settings.externalTools()) {
            return "skipped: external tools off (--no-external)";
        }
        return mbsyncPath() != null ? null : "skipped: mbsync not installed (Debian: apt-get install isync)";
    }

    private static String version;

    static synchronized String mbsyncVersion() {
        if (version == null) {
            try {
                Process p = new ProcessBuilder(mbsyncPath().toString(), "--version").redirectErrorStream(true).start();
                String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                p.waitFor();
                version = v.startsWith("isync ") ? v.substring(6) : v;
            } catch (Exception e) {
                version = "(version unknown)";
            }
        }
        return version;
    }

    /**
     * One mbsync run of the channel INBOX into {@code home/mail/INBOX}; the configuration is written into
     * {@code home} (the state lives in the Maildir: SyncState *).
     */
    void mbsync(LoopbackProxy proxy, String user, Path home, boolean fsync) throws Exception {
        Path rc = home.resolve("mbsyncrc");
        Path mail = Files.createDirectories(home.resolve("mail")); // mbsync creates the folder, not the store
        Files.writeString(rc, "FSync " + (fsync ? "yes" : "no") + "\n"
                + "\n"
                + "IMAPAccount far\n"
                + "Host " + b.dovecot.host() + "\n"
                + "Port " + proxy.port() + "\n"
                + "User " + user + "\n"
                + "Pass " + b.dovecot.password(user) + "\n"
                + "SSLType None\n"
                + "AuthMechs LOGIN\n"
                + "Timeout 120\n"
                + "\n"
                + "IMAPStore far\n"
                + "Account far\n"
                + "\n"
                + "MaildirStore near\n"
                + "Path " + mail + "/\n"
                + "Inbox " + mail.resolve("INBOX") + "\n"
                + "\n"
                + "Channel bench\n"
                + "Far :far:\n"
                + "Near :near:\n"
                + "Patterns INBOX\n"
                + "Create Near\n"
                + "SyncState *\n"
                + "Sync Pull\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        Path out = home.resolve("mbsync.out");
        ProcessBuilder pb = new ProcessBuilder(mbsyncPath().toString(), "-c", rc.toString(), "-q", "bench")
                .redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        try {
            if (!p.waitFor(1800, TimeUnit.SECONDS)) {
                throw new IllegalStateException("mbsync did not finish within 1800 s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("mbsync exited with " + p.exitValue() + ": "
                    + Files.readString(out, StandardCharsets.UTF_8).strip());
        }
    }
}

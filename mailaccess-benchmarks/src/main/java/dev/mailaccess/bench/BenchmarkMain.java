package dev.mailaccess.bench;

import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.TestMessages;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Runs every benchmark scenario against its own Dovecot and prints one markdown table (stdout) and a JSON file.
 * Progress goes to stderr.
 *
 * <pre>
 * java -cp ... dev.mailaccess.bench.BenchmarkMain [--runs N] [--warmups N] [--only 1,3,7] [--no-external]
 *                                                [--smoke] [--json FILE] [--sync-size N]
 *                                                [--sync-fsync on,off] [--resync-sizes 10000,100000]
 * </pre>
 * Exit code 0 when everything ran (targets missed or not), 1 when a scenario failed, 2 when Dovecot is missing.
 */
public final class BenchmarkMain {
    /** Every scenario this harness knows, in order. */
    static final List<String> ALL = List.of("1", "2", "3", "4", "5", "6", "7", "8", "9");

    private BenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = Settings.full();
        Set<String> only = new LinkedHashSet<>(ALL);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> settings = settings.withRuns(settings.warmups(), Integer.parseInt(args[++i]));
                case "--warmups" -> settings = settings.withRuns(Integer.parseInt(args[++i]), settings.runs());
                case "--smoke" -> settings = Settings.smoke(settings.json());
                case "--no-external" -> settings = settings.withExternalTools(false);
                case "--json" -> settings = settings.withJson(Path.of(args[++i]));
                case "--only" -> only = new LinkedHashSet<>(List.of(args[++i].split(",")));
                case "--sync-size" -> settings = settings.withSync(Integer.parseInt(args[++i]),
                        settings.syncFsync(), settings.resyncSizes());
                case "--sync-fsync" -> settings = settings.withSync(settings.syncSize(),
                        Arrays.stream(args[++i].split(",")).map(v -> switch (v) {
                            case "on", "yes", "true" -> true;
                            case "off", "no", "false" -> false;
                            default -> throw new IllegalArgumentException("--sync-fsync takes on, off or on,off");
                        }).toList(), settings.resyncSizes());
                case "--resync-sizes" -> settings = settings.withSync(settings.syncSize(), settings.syncFsync(),
                        Arrays.stream(args[++i].split(",")).map(Integer::valueOf).toList());
                default -> {
                    System.err.println("unknown argument " + args[i]
                            + "; usage: [--runs N] [--warmups N] [--only 1,3,7] [--no-external] [--smoke] [--json F]"
                            + " [--sync-size N] [--sync-fsync on,off] [--resync-sizes 10000,100000]");
                    System.exit(64);
                }
            }
        }
        if (settings.runs() < 1 || settings.warmups() < 0) {
            System.err.println("--runs must be at least 1 and --warmups not negative");
            System.exit(64);
        }
        if (!DovecotFixture.isAvailable()) {
            System.err.println("cannot run the benchmarks: " + DovecotFixture.NOT_INSTALLED + " (looked for "
                    + DovecotFixture.DOVECOT + ")");
            System.exit(2);
        }
        Report report = run(settings, only, System.out);
        boolean failed = report.rows().stream().anyMatch(r -> r.met().equals("FAILED"));
        System.exit(failed ? 1 : 0);
    }

    /** Runs the chosen scenarios, prints the table to {@code out}, writes the JSON; returns the report. */
    public static Report run(Settings settings, Set<String> only, PrintStream out) throws Exception {
        Report report = new Report(settings);
        // readable by all: getmail, run as root, delivers as nobody into a Maildir under it
        Path work = Files.createTempDirectory("mailaccess-bench-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        try (DovecotFixture dovecot = DovecotFixture.start(DovecotFixture.Options.defaults().tls(false))) {
            Bench b = new Bench(dovecot, settings, report, work);
            report.machine("server", "Dovecot " + dovecotVersion() + " (own instance, cleartext on 127.0.0.1), "
                    + "every client through the testkit's LoopbackProxy, which counts command lines");
            long t0 = System.nanoTime();
            String listUser = dovecot.newUser();
            String smallUser = dovecot.newUser();
            String popUser = dovecot.newUser();
            String bigUser = dovecot.newUser();
            String syncUser = dovecot.newUser();
            if (only.contains("1") || only.contains("2") || only.contains("6") || only.contains("8")
                    || only.contains("9")) {
                dovecot.deliverMany(listUser, "INBOX", numbered(settings.listSize()));
            }
            if (only.contains("1") || only.contains("2")) {
                dovecot.deliverMany(smallUser, "INBOX", numbered(settings.naiveSize()));
            }
            long popBytes = 0;
            if (only.contains("3") || only.contains("9")) {
                List<byte[]> pop = new ArrayList<>();
                for (int i = 1; i <= settings.popCount(); i++) {
                    byte[] m = sized(i, settings.popMessageSize());
                    popBytes += m.length;
                    pop.add(m);
                }
                dovecot.deliverMany(popUser, "INBOX", pop);
            }
            long syncBytes = only.contains("4")
                    ? seedSized(dovecot, syncUser, settings.syncSize(), settings.syncMessageSize()) : 0;
            byte[] big = null;
            if (only.contains("7")) {
                big = bigMessage(settings.bigMessage());
                dovecot.deliverMany(bigUser, "INBOX", List.of(big));
            }
            b.log(Bench.fmt("seeded the Maildirs in %.1f s", Measure.since(t0)));

            if (only.contains("1")) {
                scenario(b, "1 list summaries", () -> new ListScenario(b, listUser, smallUser)
                        .run("1 list summaries", Duration.ZERO, 1.5));
                scenario(b, CompressionScenario.SCENARIO, () -> new CompressionScenario(b).run());
            }
            if (only.contains("2")) {
                scenario(b, "2 list, latency", () -> new ListScenario(b, listUser, smallUser)
                        .run("2 list, latency", settings.latency(), 1.2));
            }
            if (only.contains("3")) {
                long avg = popBytes / Math.max(1, settings.popCount());
                scenario(b, "3 offline POP3", () -> new PopScenario(b, popUser, avg).run());
            }
            if (only.contains("4")) {
                for (boolean fsync : settings.syncFsync()) {
                    scenario(b, SyncScenario.INITIAL, () -> new SyncScenario(b)
                            .initial(syncUser, settings.syncSize(), syncBytes / settings.syncSize(), fsync));
                }
            }
            if (only.contains("5")) {
                for (int n : settings.resyncSizes()) {
                    scenario(b, SyncScenario.RESYNC, () -> {
                        String user = dovecot.newUser();
                        long t1 = System.nanoTime();
                        seedSized(dovecot, user, n, settings.syncMessageSize());
                        b.log(Bench.fmt("seeded %d messages in %.1f s", n, Measure.since(t1)));
                        new SyncScenario(b).resync(user, n, true);
                    });
                }
            }
            if (only.contains("6")) {
                scenario(b, "6 search subject", () -> new SearchScenario(b, listUser).run());
            }
            if (only.contains("7")) {
                long size = big.length;
                big = null;
                scenario(b, "7 memory", () -> new MemoryScenario(b, bigUser, size).run());
            }
            if (only.contains("8")) {
                scenario(b, SummaryPathsScenario.SCENARIO, () -> new SummaryPathsScenario(b, listUser).run());
            }
            if (only.contains("9")) {
                scenario(b, CliScenario.SCENARIO, () -> {
                    String cliSyncUser = dovecot.newUser();
                    int n = settings.resyncSizes().get(0);
                    seedSized(dovecot, cliSyncUser, n, settings.syncMessageSize());
                    new CliScenario(b).run(listUser, popUser, cliSyncUser, n);
                });
            }
            report.note("Ratios are to the floor measured in the same run; absolute seconds depend on the machine, "
                    + "which may be shared and noisy.");
            report.note("commands: client command lines counted by the proxy per run, login included.");
            if (only.contains("5") && settings.resyncSizes().stream().noneMatch(n -> n >= 100_000)) {
                report.note("Scenario 5 ran without its 100,000-message size (--resync-sizes): its target, "
                        + "faster than mbsync at 100,000, is not measured in this run.");
            }
        } finally {
            Bench.deleteTree(work);
        }
        out.print(report.markdown());
        out.flush();
        report.writeJson(settings.json());
        System.err.println("JSON written to " + settings.json().toAbsolutePath());
        return report;
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private static void scenario(Bench b, String name, Body body) {
        try {
            body.run();
        } catch (Exception | Error e) {
            b.log(name + " FAILED: " + e);
            e.printStackTrace();
            String why = e.toString();
            b.report.add(new Row(name, "", "(scenario failed)", null, Double.NaN, "", "", "", "FAILED",
                    why.length() > 400 ? why.substring(0, 400) + "…" : why));
        }
    }

    /** Delivers {@code n} messages of about {@code size} bytes in chunks; returns their total size. */
    static long seedSized(DovecotFixture dovecot, String user, int n, int size) {
        long bytes = 0;
        List<byte[]> chunk = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            byte[] m = sized(i, size);
            bytes += m.length;
            chunk.add(m);
            if (chunk.size() == 5_000 || i == n) {
                dovecot.deliverMany(user, "INBOX", chunk);
                chunk.clear();
            }
        }
        return bytes;
    }

    static List<byte[]> numbered(int n) {
        List<byte[]> list = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            list.add(TestMessages.numbered(i));
        }
        return list;
    }

    /** A plain text message of about {@code size} bytes. */
    static byte[] sized(int n, int size) {
        StringBuilder body = new StringBuilder();
        Random r = new Random(n);
        int bodySize = Math.max(0, size - 420);
        while (body.length() < bodySize) {
            for (int i = 0; i < 72; i++) {
                body.append((char) ('a' + r.nextInt(26)));
            }
            body.append("\r\n");
        }
        return TestMessages.plain("Sender " + n + " <sender" + n + "@example.test>", "rcpt@example.test",
                "Offline " + n, body.toString());
    }

    /** A 7-bit message of exactly {@code size} bytes, random printable lines, built without intermediate copies. */
    static byte[] bigMessage(int size) {
        byte[] head = ("From: Big <big@example.test>\r\nTo: bob@example.test\r\nSubject: Large message\r\n"
                + "Date: Fri, 15 Mar 2024 10:15:30 +0000\r\nMessage-ID: <big-" + size + "@example.test>\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=US-ASCII\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] m = new byte[Math.max(size, head.length + 2)];
        System.arraycopy(head, 0, m, 0, head.length);
        Random r = new Random(size);
        int i = head.length;
        while (i < m.length) {
            int remaining = m.length - i;
            int line = remaining - 2 <= 76 ? remaining - 2 : (remaining - 2 - 76 < 3 ? 70 : 76);
            for (int k = 0; k < line; k++) {
                m[i++] = (byte) ('!' + r.nextInt(94));
            }
            m[i++] = '\r';
            m[i++] = '\n';
        }
        return m;
    }

    private static String dovecotVersion() {
        try {
            Process p = new ProcessBuilder(DovecotFixture.DOVECOT.toString(), "--version").redirectErrorStream(true)
                    .start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (Exception e) {
            return "(version unknown)";
        }
    }
}

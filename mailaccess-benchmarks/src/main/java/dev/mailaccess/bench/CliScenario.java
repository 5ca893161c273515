package dev.mailaccess.bench;

import dev.mailaccess.testkit.LoopbackProxy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Scenario 9: the command-line tool as users run it, each run a new process through the installed launcher
 * ({@code bin/mailaccess} of the distribution, its class-data archive made by the warm-up run), against the same work
 * done by a minimal raw-socket script (Python: no JVM to start) or by mbsync as a process:
 * <ul>
 *   <li>{@code list URL --limit N --json}: the script logs in, EXAMINEs and FETCHes the same N messages;</li>
 *   <li>{@code sync URL --replica DIR} with nothing changed: mbsync's no-op;</li>
 *   <li>{@code fetch pop3://... --maildir DIR --keep}: the script pipelines RETR into tmp/, fsyncs and renames;</li>
 *   <li>{@code capabilities}: no network at all, against {@code java -version}.</li>
 * </ul>
 * Peak RSS comes from {@code /usr/bin/time} where installed. Rows are skipped, with the reason, where the
 * distribution is not built, or python3 or mbsync is missing.
 */
final class CliScenario {
    static final String SCENARIO = "9 CLI, cold process";

    private final Bench b;
    private Path home;
    private Path cache;
    /** The median of {@code capabilities}: JVM start, CLI start, no network; NaN until measured. */
    private double startSeconds = Double.NaN;

    CliScenario(Bench b) {
        this.b = b;
    }

    /** One run of a process: its wall time, and its peak RSS in bytes (-1 unknown). */
    private record Ran(double seconds, long rss) {
    }

    void run(String listUser, String popUser, String syncUser, int syncSize) throws Exception {
        String missing = distribution();
        String python = which("python3") == null ? "skipped: python3 not installed (the raw-socket floors)" : null;
        int n = b.settings.listSize();
        if (missing != null) {
            for (String tool : List.of("list", "sync", "fetch", "capabilities")) {
                b.report.add(Row.skipped(SCENARIO, "", "mailaccess " + tool, "", missing));
            }
            return;
        }
        capabilities(); // first: the other rows say how much of their time is this start-up
        list(listUser, n, python);
        sync(syncUser, syncSize);
        fetch(popUser, python);
    }

    /** The note of a row that missed its target: how much of it the tool's start-up alone costs. */
    private String startUpShare(Stats mine, double ratio, double target) {
        if (ratio <= target || Double.isNaN(startSeconds)) {
            return "the installed launcher";
        }
        return Bench.fmt("the installed launcher; profile: start-up without network (capabilities) %.2f s of the "
                + "%.2f s median, the work %.2f s", startSeconds, mine.median(), mine.median() - startSeconds);
    }

    // ---------------------------------------------------------------- the four commands

    private void list(String user, int n, String python) throws Exception {
        String size = n + " msgs";
        String target = "≤ 3× floor; ≤ 150 MiB peak RSS";
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            String url = "imap://" + user + "@" + b.dovecot.host() + ":" + proxy.port();
            Path out = b.work.resolve("cli-list.json");
            List<Long> rss = new ArrayList<>();
            Measure.Run mine = () -> {
                proxy.resetCounts();
                Ran r = tool(List.of("list", url, "--limit", Integer.toString(n), "--json", "--tls", "none"), user,
                        out);
                rss.add(r.rss());
                return new Sample(r.seconds(), proxy.commandCount(), lines(out));
            };
            if (python != null) {
                Stats st = Measure.repeat(SCENARIO + " list", b.settings.warmups(), b.settings.runs(), n, mine);
                b.report.add(Row.skipped(SCENARIO, size, "floor: raw-socket script", "", python));
                b.report.add(new Row(SCENARIO, size, "mailaccess list --limit " + n + " --json", st, Double.NaN,
                        st.commandsText(), rssText(rss), target, "", "no floor ran"));
                return;
            }
            Path script = script("imap_list.py", IMAP_LIST);
            Stats[] pair = Measure.alternate(SCENARIO + " floor list", () -> {
                proxy.resetCounts();
                Ran r = process(List.of("python3", script.toString(), b.dovecot.host(),
                        Integer.toString(proxy.port()), user, b.dovecot.password(user), Integer.toString(n)),
                        out, null);
                return new Sample(r.seconds(), proxy.commandCount(), lines(out));
            }, SCENARIO + " list", mine, b.settings.warmups(), b.settings.runs(), n);
            double ratio = pair[1].median() / pair[0].median();
            long peak = rss.stream().mapToLong(Long::longValue).max().orElse(-1);
            b.report.add(new Row(SCENARIO, size, "floor: raw-socket script (LOGIN, EXAMINE, FETCH 1:" + n + ")",
                    pair[0], pair[0].median(), pair[0].commandsText(), "", "", "", "python3, as a process"));
            b.report.add(new Row(SCENARIO, size, "mailaccess list --limit " + n + " --json", pair[1],
                    pair[0].median(), pair[1].commandsText(), rssText(rss), target,
                    Bench.met(ratio <= 3 && peak >= 0 && peak <= (150L << 20)), startUpShare(pair[1], ratio, 3)));
        }
    }

    private void sync(String user, int n) throws Exception {
        String size = n + " msgs, nothing changed";
        SyncScenario mbsync = new SyncScenario(b);
        String why = mbsync.mbsyncMissing();
        Path replica = b.freshDir("cli-replica");
        Path mbsyncHome = b.freshDir("cli-mbsync");
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            String url = "imap://" + user + "@" + b.dovecot.host() + ":" + proxy.port();
            List<String> args = List.of("sync", url, "--replica", replica.toString(), "--folder", "INBOX", "--tls",
                    "none");
            Path out = b.work.resolve("cli-sync.out");
            tool(args, user, out); // the initial sync: not timed
            List<Long> rss = new ArrayList<>();
            Measure.Run mine = () -> {
                proxy.resetCounts();
                Ran r = tool(args, user, out);
                rss.add(r.rss());
                return new Sample(r.seconds(), proxy.commandCount(), -1);
            };
            if (why != null) {
                Stats st = Measure.repeat(SCENARIO + " sync", b.settings.warmups(), b.settings.runs(), -1, mine);
                b.report.add(Row.skipped(SCENARIO, size, "mbsync no-op", "", why));
                b.report.add(new Row(SCENARIO, size, "mailaccess sync (no change)", st, Double.NaN,
                        st.commandsText(), rssText(rss), "≤ 5× mbsync", "", "no baseline ran"));
                return;
            }
            mbsync.mbsync(proxy, user, mbsyncHome, true); // its initial sync: not timed
            Stats[] pair = Measure.alternate(SCENARIO + " mbsync no-op", () -> {
                proxy.resetCounts();
                long t0 = System.nanoTime();
                mbsync.mbsync(proxy, user, mbsyncHome, true);
                return new Sample(Measure.since(t0), proxy.commandCount(), -1);
            }, SCENARIO + " sync", mine, b.settings.warmups(), b.settings.runs(), -1);
            double ratio = pair[1].median() / pair[0].median();
            b.report.add(new Row(SCENARIO, size, "mbsync " + SyncScenario.mbsyncVersion() + " no-op (Sync Pull)",
                    pair[0], pair[0].median(), pair[0].commandsText(), "", "", "", "baseline, a process"));
            b.report.add(new Row(SCENARIO, size, "mailaccess sync --replica (no change)", pair[1], pair[0].median(),
                    pair[1].commandsText(), rssText(rss), "≤ 5× mbsync", Bench.met(ratio <= 5),
                    startUpShare(pair[1], ratio, 5)));
        }
    }

    private void fetch(String user, String python) throws Exception {
        int n = b.settings.popCount();
        String size = n + " msgs";
        String target = "≤ 1.5× floor";
        try (LoopbackProxy proxy = b.proxy("pop3", Duration.ZERO)) {
            String url = "pop3://" + user + "@" + b.dovecot.host() + ":" + proxy.port();
            Path out = b.work.resolve("cli-fetch.out");
            List<Long> rss = new ArrayList<>();
            Measure.Run mine = () -> {
                Path md = b.freshDir("cli-fetch-maildir");
                proxy.resetCounts();
                Ran r = tool(List.of("fetch", url, "--maildir", md.toString(), "--keep", "--tls", "none"), user, out);
                rss.add(r.rss());
                return new Sample(r.seconds(), proxy.commandCount(), count(md.resolve("new")));
            };
            if (python != null) {
                Stats st = Measure.repeat(SCENARIO + " fetch", b.settings.warmups(), b.settings.runs(), n, mine);
                b.report.add(Row.skipped(SCENARIO, size, "floor: raw POP3 script", "", python));
                b.report.add(new Row(SCENARIO, size, "mailaccess fetch --keep (POP3)", st, Double.NaN,
                        st.commandsText(), rssText(rss), target, "", "no floor ran"));
                return;
            }
            Path script = script("pop_fetch.py", POP_FETCH);
            Stats[] pair = Measure.alternate(SCENARIO + " floor fetch", () -> {
                Path md = b.freshDir("cli-fetch-floor");
                proxy.resetCounts();
                Ran r = process(List.of("python3", script.toString(), b.dovecot.host(),
                        Integer.toString(proxy.port()), user, b.dovecot.password(user), md.toString()), out, null);
                return new Sample(r.seconds(), proxy.commandCount(), count(md.resolve("new")));
            }, SCENARIO + " fetch", mine, b.settings.warmups(), b.settings.runs(), n);
            double ratio = pair[1].median() / pair[0].median();
            b.report.add(new Row(SCENARIO, size, "floor: raw POP3 script (pipelined RETR, tmp/ + fsync + rename)",
                    pair[0], pair[0].median(), pair[0].commandsText(), "", "", "", "python3, as a process"));
            b.report.add(new Row(SCENARIO, size, "mailaccess fetch --keep (POP3)", pair[1], pair[0].median(),
                    pair[1].commandsText(), rssText(rss), target, Bench.met(ratio <= 1.5),
                    startUpShare(pair[1], ratio, 1.5)));
        }
    }

    private void capabilities() throws Exception {
        Path out = b.work.resolve("cli-capabilities.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Long> rss = new ArrayList<>();
        Stats[] pair = Measure.alternate(SCENARIO + " java -version", () -> {
            Ran r = process(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-version"),
                    out, null);
            return new Sample(r.seconds(), -1, -1);
        }, SCENARIO + " capabilities", () -> {
            Ran r = tool(List.of("capabilities"), null, out);
            rss.add(r.rss());
            return new Sample(r.seconds(), -1, -1);
        }, b.settings.warmups(), b.settings.runs(), -1);
        b.report.add(new Row(SCENARIO, "no network", "java -version (JVM start, CDS on)", pair[0], pair[0].median(),
                "", "", "", "", "reference: the least a JVM tool can cost"));
        b.report.add(new Row(SCENARIO, "no network", "mailaccess capabilities", pair[1], pair[0].median(), "",
                rssText(rss), "", "", "the installed launcher"));
        startSeconds = pair[1].median();
    }

    // ---------------------------------------------------------------- processes

    /** Unpacks the distribution the build made, once; the reason when there is none. */
    private String distribution() throws Exception {
        String property = System.getProperty("mailaccess.distribution");
        Path tarball = property == null ? null : Path.of(property);
        if (tarball == null || !Files.isRegularFile(tarball)) {
            return "skipped: no distribution (build it first: mvn -B -ntp -q install -DskipTests; looked for "
                    + tarball + ")";
        }
        Path into = b.freshDir("cli-distribution");
        Ran r = process(List.of("tar", "xzf", tarball.toString(), "-C", into.toString()), into.resolve("tar.out"),
                null);
        if (r.seconds() < 0) {
            return "skipped: cannot unpack " + tarball;
        }
        try (Stream<Path> s = Files.list(into)) {
            home = s.filter(p -> p.getFileName().toString().startsWith("mailaccess-")).findFirst().orElse(null);
        }
        cache = Files.createDirectories(b.work.resolve("cli-cache"));
        return home == null ? "skipped: " + tarball + " holds no mailaccess-*/ folder" : null;
    }

    /** {@code bin/mailaccess args}, stdout to {@code out}, the user's password in the environment. */
    private Ran tool(List<String> args, String user, Path out) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("bin").resolve("mailaccess").toString());
        cmd.addAll(args);
        return process(cmd, out, user == null ? null : b.dovecot.password(user));
    }

    /** Runs a process to its end (failing on a non-zero exit), under /usr/bin/time where there is one. */
    private Ran process(List<String> cmd, Path out, String password) throws Exception {
        Path time = Path.of("/usr/bin/time");
        Path rssFile = b.work.resolve("rss.txt");
        Files.deleteIfExists(rssFile);
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(time)) {
            full.addAll(List.of(time.toString(), "-f", "%M", "-o", rssFile.toString()));
        }
        full.addAll(cmd);
        Path err = b.work.resolve("process.err");
        ProcessBuilder pb = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("XDG_CACHE_HOME", cache == null ? b.work.toString() : cache.toString());
        pb.environment().remove("MAILACCESS_JAVA_OPTS");
        if (password != null) {
            pb.environment().put("MAILACCESS_PASSWORD", password);
        }
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 600 s");
        }
        double seconds = Measure.since(t0);
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited with " + p.exitValue() + ": "
                    + Files.readString(err, StandardCharsets.UTF_8).strip());
        }
        long rss = -1;
        if (Files.exists(rssFile)) {
            String kb = Files.readString(rssFile).strip();
            rss = kb.matches("\\d+") ? Long.parseLong(kb) * 1024 : -1;
        }
        return new Ran(seconds, rss);
    }

    private Path script(String name, String text) throws IOException {
        Path p = b.work.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static Path which(String tool) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static long lines(Path file) throws IOException {
        try (Stream<String> s = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            return s.filter(l -> !l.isBlank()).count();
        }
    }

    private static long count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private static String rssText(List<Long> rss) {
        long peak = rss.stream().mapToLong(Long::longValue).max().orElse(-1);
        return peak < 0 ? "" : "peak RSS " + Bench.mib(peak);
    }

    /** The list floor: LOGIN, EXAMINE INBOX, FETCH 1:n of the summary items; each answer a line on stdout. */
    private static final String IMAP_LIST = """
            import socket, sys
            host, port, user, password, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
            s = socket.create_connection((host, port))
            f = s.makefile("rb", buffering=65536)
            out = sys.stdout.buffer
            f.readline()
            def command(tag, text, echo):
                s.sendall((tag + " " + text + "\\r\\n").encode())
                while True:
                    line = f.readline()
                    while line.endswith(b"}\\r\\n"):
                        size = int(line[line.rindex(b"{") + 1:-3])
                        line = line + f.read(size) + f.readline()
                    if line.startswith(tag.encode() + b" "):
                        if b" OK" not in line[:len(tag) + 4]:
                            raise SystemExit(line)
                        return
                    if echo:
                        out.write(line)
            command("a1", 'LOGIN "%s" "%s"' % (user, password), False)
            command("a2", "EXAMINE INBOX", False)
            command("a3", "FETCH 1:%s (UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE)" % n, True)
            command("a4", "LOGOUT", False)
            """;

    /** The fetch floor: USER/PASS, STAT, pipelined RETR of all, each to tmp/ + fsync + rename into new/. */
    private static final String POP_FETCH = """
            import os, socket, sys
            host, port, user, password, md = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
            for d in ("tmp", "new", "cur"):
                os.makedirs(os.path.join(md, d), exist_ok=True)
            s = socket.create_connection((host, port))
            f = s.makefile("rb", buffering=65536)
            def ok():
                line = f.readline()
                if not line.startswith(b"+OK"):
                    raise SystemExit(line)
                return line
            ok()
            s.sendall(("USER %s\\r\\nPASS %s\\r\\n" % (user, password)).encode())
            ok(); ok()
            s.sendall(b"STAT\\r\\n")
            count = int(ok().split()[1])
            s.sendall(b"".join(b"RETR %d\\r\\n" % i for i in range(1, count + 1)))
            for i in range(1, count + 1):
                ok()
                tmp = os.path.join(md, "tmp", "%d.floor" % i)
                with open(tmp, "wb") as out:
                    while True:
                        line = f.readline()
                        if line == b".\\r\\n":
                            break
                        out.write(line[1:] if line.startswith(b"..") else line)
                    out.flush()
                    os.fsync(out.fileno())
                os.rename(tmp, os.path.join(md, "new", "%d.floor" % i))
            dfd = os.open(os.path.join(md, "new"), os.O_RDONLY)
            os.fsync(dfd)
            os.close(dfd)
            s.sendall(b"QUIT\\r\\n")
            ok()
            """;
}

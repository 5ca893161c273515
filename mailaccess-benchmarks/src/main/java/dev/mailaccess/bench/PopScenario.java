package dev.mailaccess.bench;

import dev.mailaccess.offline.OfflineFetch;
import dev.mailaccess.testkit.LoopbackProxy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Scenario 3: offline download over POP3 into a Maildir with fsync, keeping the mail on the server. */
final class PopScenario {
    private final Bench b;
    private final String user;
    private final long averageSize;

    PopScenario(Bench b, String user, long averageSize) {
        this.b = b;
        this.user = user;
        this.averageSize = averageSize;
    }

    void run() throws Exception {
        Settings s = b.settings;
        int n = s.popCount();
        String scenario = "3 offline POP3";
        String size = n + " msgs × " + Bench.fmt("%.1f", averageSize / 1000.0) + " kB";
        // the floor and mailaccess in turns: both fsync, so both depend on how busy the disk is
        Stats[] pair = measurePair(n, s.warmups());
        Stats floor = pair[0];
        Stats mine = pair[1];
        double ratio = mine.median() / floor.median();
        b.report.add(new Row(scenario, size, "floor: raw POP3, pipelined RETR, fsync", floor, floor.median(),
                floor.commandsText(), "", "", "",
                "each file fsynced before its rename; new/ fsynced once at the end"));

        Stats fetchmail = null;
        Stats getmail = null;
        String fetchmailWhy = external("fetchmail");
        String getmailWhy = external("getmail");
        if (fetchmailWhy == null) {
            // a process per run and an MDA process per message: seconds each, no warm-up needed
            fetchmail = measure("3 fetchmail", n, 0, this::fetchmail);
        }
        if (getmailWhy == null) {
            getmail = measure("3 getmail6", n, 0, this::getmail);
        }
        StringBuilder vs = new StringBuilder();
        boolean fast = true;
        for (Stats other : new Stats[] {fetchmail, getmail}) {
            if (other != null) {
                double x = other.median() / mine.median();
                vs.append(vs.length() == 0 ? "" : ", ").append(other == fetchmail ? "fetchmail " : "getmail6 ")
                        .append(Bench.fmt("%.1f×", x)).append(" slower");
                fast &= x >= 10;
            }
        }
        b.report.add(new Row(scenario, size, "mailaccess OfflineFetch (Keep, fsync)", mine, floor.median(),
                mine.commandsText(), "", "≤ 1.3× floor; ≥ 10× faster than fetchmail, getmail6",
                Bench.met(ratio <= 1.3 && fast), vs.length() == 0 ? "no external tool ran" : vs.toString()));
        if (fetchmail != null) {
            b.report.add(new Row(scenario, size, "fetchmail (keep, shell MDA)", fetchmail, floor.median(),
                    fetchmail.commandsText(), "", "", "",
                    "MDA: sh script, cat to tmp/ + mv to new/, NO fsync; a process per run and per message"));
        } else {
            b.report.add(Row.skipped(scenario, size, "fetchmail", "", fetchmailWhy));
        }
        if (getmail != null) {
            b.report.add(new Row(scenario, size, "getmail6 (Maildir, delete = false)", getmail, floor.median(),
                    getmail.commandsText(), "", "", "", "its Maildir destination fsyncs each message; run with a plain waitpid instead of its racy SIGCHLD wait (see PopScenario)"));
        } else {
            b.report.add(Row.skipped(scenario, size, "getmail6", "", getmailWhy));
        }
    }

    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The interpreter on a script's #! line (getmail's own Python, which has getmailcore on its path). */
    private static String interpreter(Path script) throws IOException {
        String first;
        try (java.io.BufferedReader r = Files.newBufferedReader(script, StandardCharsets.ISO_8859_1)) {
            first = r.readLine();
        }
        if (first == null || !first.startsWith("#!")) {
            return "python3";
        }
        String[] parts = first.substring(2).trim().split("\\s+");
        return parts[0].endsWith("/env") && parts.length > 1 ? parts[1] : parts[0];
    }

    /** Null when the tool can run, else why not. */
    private String external(String tool) {
        if (!b.settings.externalTools()) {
            return "skipped: external tools off (--no-external)";
        }
        if (which(tool) != null) {
            return null;
        }
        return "skipped: " + tool + " not installed (Debian: apt-get install " + ("getmail".equals(tool)
                ? "getmail6" : tool) + ")";
    }

    @FunctionalInterface
    interface Download {
        /** Downloads into the fresh Maildir {@code md} through the proxy; returns the messages stored. */
        long into(LoopbackProxy proxy, Path md) throws Exception;
    }

    private Stats measure(String what, int expected, int warmups, Download d) throws Exception {
        b.log(what + " on " + expected + " messages");
        try (LoopbackProxy proxy = b.proxy("pop3", Duration.ZERO)) {
            return Measure.repeat(what, warmups, b.settings.runs(), expected, () -> timed(proxy, d));
        }
    }

    private Stats[] measurePair(int expected, int warmups) throws Exception {
        b.log("3 floor and mailaccess, in turns, on " + expected + " messages");
        try (LoopbackProxy proxy = b.proxy("pop3", Duration.ZERO)) {
            return Measure.alternate("3 floor", () -> timed(proxy, this::floor),
                    "3 mailaccess", () -> timed(proxy, this::mailaccess), warmups, b.settings.runs(), expected);
        }
    }

    private Sample timed(LoopbackProxy proxy, Download d) throws Exception {
        Path md = b.freshDir("pop-maildir");
        for (String sub : new String[] {"tmp", "new", "cur"}) {
            Files.createDirectories(md.resolve(sub));
        }
        proxy.resetCounts();
        long t0 = System.nanoTime();
        d.into(proxy, md);
        double secs = Measure.since(t0);
        long stored = count(md.resolve("new")) + count(md.resolve("cur"));
        return new Sample(secs, proxy.commandCount(), stored);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    private long floor(LoopbackProxy proxy, Path md) throws IOException {
        try (RawPop3 pop = new RawPop3(b.dovecot.host(), proxy.port())) {
            pop.login(user, b.dovecot.password(user));
            List<RawPop3.Entry> entries = pop.uidl();
            pop.retrieveAll(entries, md, true);
            return entries.size();
        }
    }

    private long mailaccess(LoopbackProxy proxy, Path md) {
        OfflineFetch.Result r = OfflineFetch.builder(b.config("pop3", user, proxy), md)
                .retention(new OfflineFetch.Retention.Keep())
                .fsync(true)
                .build()
                .run();
        return r.downloaded();
    }

    private long fetchmail(LoopbackProxy proxy, Path md) throws Exception {
        Path dir = b.freshDir("fetchmail");
        Path mda = dir.resolve("mda.sh");
        Files.writeString(mda, "#!/bin/sh\n"
                + "# benchmark MDA: the message on stdin into the Maildir $1, tmp/ then new/, no fsync\n"
                + "n=\"$(date +%s.%N).$$\"\n"
                + "cat > \"$1/tmp/$n\" && mv \"$1/tmp/$n\" \"$1/new/$n\"\n");
        Files.setPosixFilePermissions(mda, PosixFilePermissions.fromString("rwx------"));
        Path rc = dir.resolve("fetchmailrc");
        Files.writeString(rc, "set no bouncemail\n"
                + "poll " + b.dovecot.host() + " protocol pop3 port " + proxy.port() + " auth password timeout 60\n"
                + "  user \"" + user + "\" password \"" + b.dovecot.password(user) + "\"\n"
                + "  keep fetchall no rewrite sslproto ''\n"
                + "  mda \"" + mda + " " + md + "\"\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        ProcessBuilder pb = new ProcessBuilder("fetchmail", "-f", rc.toString(), "-i", dir.resolve("ids").toString(),
                "--nosyslog", "--nodetach", "-s");
        pb.environment().put("FETCHMAILHOME", dir.toString());
        pb.environment().put("HOME", dir.toString());
        return exec(pb, dir, "fetchmail", 0, 1);
    }

    private long getmail(LoopbackProxy proxy, Path md) throws Exception {
        Path dir = b.freshDir("getmail");
        Path rc = dir.resolve("getmailrc");
        // getmail refuses to deliver as root: as root, it delivers as nobody into a Maildir nobody may write
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            for (Path p : new Path[] {dir, md, md.resolve("tmp"), md.resolve("new"), md.resolve("cur")}) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
        }
        Files.writeString(rc, "[retriever]\n"
                + "type = SimplePOP3Retriever\n"
                + "server = " + b.dovecot.host() + "\n"
                + "port = " + proxy.port() + "\n"
                + "username = " + user + "\n"
                + "password = " + b.dovecot.password(user) + "\n"
                + "\n[destination]\n"
                + "type = Maildir\n"
                + "path = " + md + "/\n"
                + (root ? "user = nobody\n" : "")
                + "\n[options]\n"
                + "read_all = true\n"
                + "delete = false\n"
                + "verbose = 0\n"
                + "message_log_syslog = false\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        Path wrapper = dir.resolve("getmail-run.py");
        Files.writeString(wrapper, GETMAIL_WRAPPER);
        ProcessBuilder pb = new ProcessBuilder(interpreter(which("getmail")), wrapper.toString(),
                which("getmail").toString(), "--getmaildir=" + dir,
                "--rcfile=" + rc);
        pb.environment().put("HOME", dir.toString());
        return exec(pb, dir, "getmail", 0);
    }

    /**
     * getmail6 (seen with 6.18.11) waits for its per-message delivery child through a SIGCHLD handler that it
     * installs after the fork: a child that exits at once either runs the handler before getmail stored the previous
     * one (AttributeError {@code _ForkingBase__orig_handler}) or is reaped by no one (getmail waits 60 s, then fails).
     * This runs /usr/bin/getmail unchanged except that it waits for that child with a plain {@code waitpid}.
     */
    static final String GETMAIL_WRAPPER = String.join("\n",
            "import os, runpy, sys",
            "import getmailcore.baseclasses as bc",
            "def _prepare_child(self):",
            "    pass",
            "def _wait_for_child(self, childpid):",
            "    pid, status = os.waitpid(childpid, 0)",
            "    if not os.WIFEXITED(status):",
            "        raise RuntimeError('delivery child %d ended abnormally: %d' % (pid, status))",
            "    return os.WEXITSTATUS(status)",
            "bc.ForkingBase._prepare_child = _prepare_child",
            "bc.ForkingBase._wait_for_child = _wait_for_child",
            "sys.argv = sys.argv[1:]",
            "runpy.run_path(sys.argv[0], run_name='__main__')",
            "");

    private static long exec(ProcessBuilder pb, Path dir, String name, int... okCodes) throws Exception {
        Path out = dir.resolve(name + ".out");
        pb.redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        try {
            if (!p.waitFor(600, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not finish within 600 s");
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
        int rc = p.exitValue();
        for (int ok : okCodes) {
            if (rc == ok) {
                return 0;
            }
        }
        throw new IllegalStateException(name + " exited with " + rc + ": "
                + Files.readString(out, StandardCharsets.UTF_8).strip());
    }
}

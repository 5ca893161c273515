package dev.mailaccess.cli;

import dev.mailaccess.testkit.DovecotFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety of {@code mailaccess fetch}: a child JVM running the tool against a real Dovecot is killed with SIGKILL
 * at a random moment (seeded), then the tool is run again to completion; afterwards every message the server held is
 * in the Maildir exactly once, byte for byte, and the server is empty. Runs alternate between POP3 and IMAP. The
 * number of runs is the system property {@code mailaccess.killRuns} (default 20), the seed
 * {@code mailaccess.killSeed}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class FetchKillTest {
    private static final long POLL_MILLIS = 3;
    private static DovecotFixture server;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        server = DovecotFixture.startOrSkip();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Where a run was when it was killed. */
    enum Phase {
        /** JVM start-up, connect, login, listing: nothing stored yet. */
        STARTUP_OR_CONNECT,
        /** Some messages stored, some not. */
        DOWNLOAD,
        /** Every message stored, some still on the server: the last commit, DELE/EXPUNGE or QUIT. */
        COMMIT_OR_DELETE,
        /** Not killed in time: the run finished. */
        FINISHED
    }

    private record Run(String user, Path passwordFile, Map<String, String> before) {
    }

    private Run prepare(int i, Random random) throws IOException {
        String user = server.newUser();
        FetchCommandTest.seed(server, user, 30 + random.nextInt(31), 1000L + i);
        Map<String, String> before = FetchCommandTest.hashes(server.messages(user, "INBOX"));
        Path pw = tmp.resolve("pw-" + user);
        Files.writeString(pw, server.password(user) + "\n", StandardCharsets.UTF_8);
        return new Run(user, pw, before);
    }

    private String url(String protocol, String user) {
        return protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
    }

    private List<String> fetchArgs(String protocol, Run run, Path md, int commitEvery) {
        return List.of("fetch", url(protocol, run.user()), "--tls=none", "--password-file",
                run.passwordFile().toString(), "--maildir", md.toString(), "--commit-every",
                Integer.toString(commitEvery));
    }

    /** Message files in Dovecot's own Maildir for the user's INBOX (what the server still holds). */
    private long onServerFiles(String user) throws IOException {
        Path m = server.maildir(user, "INBOX");
        long n = 0;
        for (String sub : new String[] {"cur", "new"}) {
            try (Stream<Path> s = Files.list(m.resolve(sub))) {
                n += s.count();
            }
        }
        return n;
    }

    private static long storedFiles(Path md) throws IOException {
        long n = 0;
        for (String sub : new String[] {"cur", "new"}) {
            Path d = md.resolve(sub);
            if (Files.isDirectory(d)) {
                try (Stream<Path> s = Files.list(d)) {
                    n += s.count();
                }
            }
        }
        return n;
    }

    @Test
    void sigkillAtRandomMomentsThenARerunStoresEveryMessageExactlyOnce() throws Exception {
        int runs = Integer.getInteger("mailaccess.killRuns", 20);
        long seed = Long.getLong("mailaccess.killSeed", 20261127L);
        Random random = new Random(seed);
        long testStart = System.nanoTime();

        // calibration: one run to completion per protocol in a child JVM (which also shows the child works at
        // all); kills are then spread uniformly over [50 ms, that run's duration]
        Map<String, Long> fullRunMillis = new TreeMap<>();
        Map<String, Long> firstStoredMillis = new TreeMap<>();
        for (String protocol : List.of("pop3", "imap")) {
            Run calibration = prepare(0, random);
            Path calMd = tmp.resolve("calibration-" + protocol);
            Path calErr = tmp.resolve("calibration-" + protocol + ".err");
            long t0 = System.nanoTime();
            Process cal = ChildCli.builder(List.of(), fetchArgs(protocol, calibration, calMd, 5),
                    tmp.resolve("calibration-" + protocol + ".out"), calErr, tmp).start();
            long first = -1;
            while (cal.isAlive() && first < 0) {
                if (storedFiles(calMd) > 0) {
                    first = (System.nanoTime() - t0) / 1_000_000;
                }
                Thread.sleep(POLL_MILLIS);
            }
            int calExit = ChildCli.await(cal, 60);
            firstStoredMillis.put(protocol, first);
            fullRunMillis.put(protocol, (System.nanoTime() - t0) / 1_000_000);
            assertThat(calExit).as(Files.readString(calErr)).isZero();
            assertThat(FetchCommandTest.inMaildir(calMd)).isEqualTo(calibration.before());
            assertThat(server.messages(calibration.user(), "INBOX")).isEmpty();
        }

        Map<Phase, Integer> phases = new TreeMap<>();
        Map<String, Integer> perProtocol = new TreeMap<>();
        int storedNotDeleted = 0;
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= runs; i++) {
            String protocol = i % 2 == 0 ? "imap" : "pop3";
            Run run = prepare(i, random);
            int total = run.before().size();
            Path md = tmp.resolve("run-" + i);
            int commitEvery = 1 + random.nextInt(10);
            // a quarter of the kills at a random time before the first message is stored (JVM start, connect,
            // login, listing); the rest when a random number of messages is stored, plus a few random milliseconds
            // (inside a download, between store and commit, in a commit's DELE/EXPUNGE/QUIT)
            int strategy = random.nextInt(20);
            boolean early = strategy < 5;
            long delay = 50 + random.nextInt((int) Math.max(50, firstStoredMillis.get(protocol) * 11 / 10 - 50));
            // a fifth when the last message is stored: the final state commit, DELE/EXPUNGE, QUIT/LOGOUT
            int target = strategy >= 16 ? total : 1 + random.nextInt(total);
            int extraMillis = random.nextInt(25);
            String when = early ? "at " + delay + " ms" : "after " + target + " stored +" + extraMillis + " ms";
            Path out = tmp.resolve("run-" + i + ".out");
            Path err = tmp.resolve("run-" + i + ".err");
            long started = System.nanoTime();
            Process p = ChildCli.builder(List.of(), fetchArgs(protocol, run, md, commitEvery), out, err, tmp).start();
            Phase phase;
            long stored;
            long left;
            long killedAt;
            try {
                boolean finished;
                if (early) {
                    finished = p.waitFor(delay, TimeUnit.MILLISECONDS);
                } else {
                    while (p.isAlive() && storedFiles(md) < target) {
                        Thread.sleep(POLL_MILLIS);
                    }
                    finished = p.waitFor(extraMillis, TimeUnit.MILLISECONDS);
                }
                if (!finished) {
                    p.destroyForcibly(); // SIGKILL
                }
                killedAt = (System.nanoTime() - started) / 1_000_000;
                p.waitFor(30, TimeUnit.SECONDS);
                stored = storedFiles(md);
                left = onServerFiles(run.user());
                if (finished) {
                    assertThat(p.exitValue()).as(Files.readString(err)).isZero();
                    phase = Phase.FINISHED;
                } else if (stored == 0) {
                    phase = Phase.STARTUP_OR_CONNECT;
                } else if (stored < total) {
                    phase = Phase.DOWNLOAD;
                } else {
                    phase = left > 0 ? Phase.COMMIT_OR_DELETE : Phase.FINISHED;
                }
            } finally {
                ChildCli.kill(p);
            }
            phases.merge(phase, 1, Integer::sum);
            if (stored + left > total) {
                storedNotDeleted++; // killed with a message stored locally and still on the server
            }
            perProtocol.merge(protocol + " " + phase, 1, Integer::sum);

            // the rerun, in a child JVM too (its class path is a private snapshot, immune to concurrent
            // reinstalls of the modules' jars), to completion
            Path rerunOut = tmp.resolve("rerun-" + i + ".out");
            Path rerunErr = tmp.resolve("rerun-" + i + ".err");
            int rerunExit = ChildCli.await(ChildCli.builder(List.of(), fetchArgs(protocol, run, md, commitEvery),
                    rerunOut, rerunErr, tmp).start(), 60);
            String rerun = Files.readString(rerunOut).strip();
            assertThat(rerunExit).as("run " + i + " (" + protocol + ", killed " + when + " in " + phase
                    + "): " + rerun + "\n" + Files.readString(rerunErr)).isZero();
            assertThat(FetchCommandTest.inMaildir(md)).as("run %d (%s, killed %s in %s)", i, protocol, when, phase).isEqualTo(run.before());
            assertThat(server.messages(run.user(), "INBOX")).as("server after run %d", i).isEmpty();
            log.append(String.format("run %2d %-4s %2d msgs commit-every %2d killed %-26s (%4d ms): %-18s "
                            + "stored %2d, server %2d -> rerun: %s%n", i, protocol, total, commitEvery, when, killedAt,
                    phase, stored, left, rerun.replaceFirst("; Maildir .*", "")));
        }
        long seconds = (System.nanoTime() - testStart) / 1_000_000_000L;
        System.out.println("FetchKillTest: " + runs + " kill runs (seed " + seed + ") in " + seconds
                + " s; child run (ms): first message stored " + firstStoredMillis + ", full " + fullRunMillis
                + "; phases " + phases + "; " + perProtocol
                + "; killed with a message both stored and still on the server: " + storedNotDeleted);
        System.out.print(log);
        assertThat(phases.getOrDefault(Phase.DOWNLOAD, 0)).as("kills during download " + phases).isPositive();
    }
}

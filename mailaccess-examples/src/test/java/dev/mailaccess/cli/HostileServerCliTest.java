package dev.mailaccess.cli;

import dev.mailaccess.testkit.HostileServer;
import dev.mailaccess.testkit.ServerTranscripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command-line tool as a user runs it ({@code mailaccess list URL --limit 5 --json}, default settings, a child
 * JVM with {@code -Xmx256m}) against each broken server of the hardening issue: it ends within 100 s with the
 * documented exit code and one line on stderr, never an OutOfMemoryError, a hang or a stack trace. The cases run at
 * once, so the whole test takes about one default read timeout (60 s) plus a JVM start.
 */
@Timeout(value = 200, unit = TimeUnit.SECONDS)
class HostileServerCliTest {
    private static final long WITHIN_SECONDS = 100;

    @TempDir
    Path tmp;

    /** One broken server, the tool's arguments, and what must come of it. */
    private record Case(String name, HostileServer server, String protocol, int exit, Consumer<Result> check) {
    }

    private record Result(int exit, String out, String err, double seconds) {
    }

    private static HostileServer.Imap threeMessages() {
        return HostileServer.imap().message(11, HostileServer.mail().subject("one"))
                .message(12, HostileServer.mail().subject("two")).message(13, HostileServer.mail().subject("three"));
    }

    private static HostileServer.Pop3 threePop3Messages() {
        return HostileServer.pop3().message("u1", HostileServer.mail().subject("one"))
                .message("u2", HostileServer.mail().subject("two")).message("u3", HostileServer.mail().subject("three"));
    }

    private static Consumer<Result> errSays(String... words) {
        return r -> {
            assertThat(r.err().lines().filter(l -> !l.isBlank()).toList()).as("one line on stderr").hasSize(1);
            for (String w : words) {
                assertThat(r.err()).contains(w);
            }
            assertThat(r.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
        };
    }

    private List<Case> cases() throws Exception {
        List<Case> cases = new ArrayList<>();
        String select = "* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 14] n\r\n";
        cases.add(new Case("imap-endless-greeting", HostileServer.imap()
                .greeting(c -> c.endless("* OK " + "x".repeat(8000), Duration.ZERO)).start(), "imap", 1,
                errSays("maxLineBytes")));
        cases.add(new Case("imap-endless-line-in-fetch", threeMessages().on("FETCH", (c, tag, line) -> {
            c.send("* 1 FETCH (UID 11 ENVELOPE (NIL \"");
            c.endless("subject ".repeat(1000), Duration.ZERO);
        }).start(), "imap", 1, errSays("maxLineBytes")));
        cases.add(new Case("imap-exists-flood-on-select", threeMessages() // the tool lists read-only: EXAMINE
                .on("EXAMINE", (c, tag, line) -> c.endless("* 3 EXISTS\r\n".repeat(1000), Duration.ZERO)).start(),
                "imap", 1, errSays("maxResponsesPerCommand")));
        cases.add(new Case("imap-exists-flood-on-noop", threeMessages()
                .on("NOOP", (c, tag, line) -> c.endless("* 3 EXISTS\r\n".repeat(1000), Duration.ZERO)).start(),
                "imap", 1, errSays("maxResponsesPerCommand")));
        cases.add(new Case("imap-claims-a-billion", threeMessages().on("EXAMINE", (c, tag, line) ->
                c.send("* 1000000000 EXISTS\r\n" + tag + " OK [READ-WRITE] done\r\n")).start(), "imap", 1,
                errSays("maxMessages")));
        cases.add(new Case("imap-silent-after-login", threeMessages()
                .on("LOGIN", (c, tag, line) -> c.silent()).start(), "imap", 4, errSays("timed out")));
        cases.add(new Case("imap-silent-after-examine", threeMessages()
                .on("EXAMINE", (c, tag, line) -> c.silent()).start(), "imap", 4, errSays("timed out")));
        cases.add(new Case("imap-tag-never-sent", threeMessages()
                .on("LOGIN", (c, tag, line) -> c.sendLine("X999 OK done")).start(), "imap", 1, errSays("tag")));
        cases.add(new Case("imap-drip", threeMessages().on("EXAMINE", (c, tag, line) ->
                c.drip(select.repeat(20) + tag + " OK [READ-WRITE] done\r\n", Duration.ofMillis(200))).start(),
                "imap", 4, errSays("bytes in")));
        cases.add(new Case("imap-growing-line", threeMessages().on("FETCH", (c, tag, line) -> {
            c.send("* 1 FETCH (UID 11 ENVELOPE (NIL \"");
            c.endless("a", Duration.ofMillis(200));
        }).start(), "imap", 4, errSays("bytes in")));
        cases.add(new Case("imap-limit", threeMessages().on("LOGIN", (c, tag, line) -> c.sendLine(tag
                + " NO [LIMIT] Maximum number of connections from user+IP exceeded")).start(), "imap", 4,
                errSays("refused for now", "Maximum number of connections")));
        cases.add(new Case("imap-missing-items", threeMessages().on("FETCH", (c, tag, line) -> c.send(
                "* 1 FETCH (UID 11 FLAGS (\\Seen))\r\n* 2 FETCH (UID 12 FLAGS ())\r\n* 3 FETCH (UID 13 FLAGS ())\r\n"
                        + tag + " OK done\r\n")).start(), "imap", 0,
                r -> assertThat(r.out().lines().filter(l -> l.startsWith("{"))).hasSize(3)));
        if (ServerTranscripts.find().isPresent()) {
            String domino = new String(Files.readAllBytes(ServerTranscripts.file("domino/fetch-extra-parens.txt")),
                    StandardCharsets.ISO_8859_1);
            cases.add(new Case("imap-domino", threeMessages().on("FETCH", (c, tag, line) ->
                    c.send(domino.replace("A########", tag))).start(), "imap", 0,
                    r -> assertThat(r.out().lines().filter(l -> l.startsWith("{"))).hasSize(29)));
            String gmail = new String(Files.readAllBytes(ServerTranscripts.file("gmail/search-summary.txt")),
                    StandardCharsets.ISO_8859_1);
            cases.add(new Case("imap-gmail-address-without-domain", threeMessages().on("FETCH", (c, tag, line) ->
                    c.send(gmail.replace("A########", tag))).start(), "imap", 0,
                    r -> assertThat(r.out()).contains("Nathaniel Borenstein <nsb>").doesNotContain("nsb:;")));
        }
        cases.add(new Case("pop3-endless-greeting", HostileServer.pop3()
                .greeting(c -> c.endless("+OK " + "x".repeat(8000), Duration.ZERO)).start(), "pop3", 1,
                errSays("maxLineBytes")));
        cases.add(new Case("pop3-claims-a-billion", threePop3Messages()
                .on("STAT", (c, tag, line) -> c.sendLine("+OK 1000000000 5000000000")).start(), "pop3", 1,
                errSays("maxMessages")));
        cases.add(new Case("pop3-endless-list", threePop3Messages().on("LIST", (c, tag, line) -> {
            c.sendLine("+OK");
            c.endless("1 1000\r\n".repeat(1000), Duration.ZERO);
        }).start(), "pop3", 1, errSays("ServerLimits")));
        cases.add(new Case("pop3-silent-after-greeting", HostileServer.pop3()
                .greeting(HostileServer.Conversation::silent).start(), "pop3", 4, errSays("timed out")));
        cases.add(new Case("pop3-in-use", threePop3Messages().on("PASS", (c, tag, line) ->
                c.sendLine("-ERR [IN-USE] Mailbox is locked by another POP3 session")).start(), "pop3", 4,
                errSays("refused for now")));
        return cases;
    }

    @Test
    void everyBrokenServerEndsInItsDocumentedWayWithinTheBound() throws Exception {
        List<Case> cases = cases();
        List<Process> processes = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        try {
            for (Case k : cases) {
                String url = k.protocol() + "://u@" + k.server().host() + ":" + k.server().port();
                ProcessBuilder pb = ChildCli.builder(List.of("-Xmx256m"),
                        List.of("list", url, "--tls", "none", "--limit", "5", "--json"),
                        tmp.resolve(k.name() + ".out"), tmp.resolve(k.name() + ".err"), tmp);
                pb.environment().put(ConnectionOptions.PASSWORD_VARIABLE, "hostile-secret");
                starts.add(System.nanoTime());
                processes.add(pb.start());
            }
            List<String> failures = new ArrayList<>();
            StringBuilder report = new StringBuilder();
            for (int i = 0; i < cases.size(); i++) {
                Case k = cases.get(i);
                Process p = processes.get(i);
                long left = WITHIN_SECONDS * 1_000_000_000L - (System.nanoTime() - starts.get(i));
                boolean ended = p.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
                double seconds = (System.nanoTime() - starts.get(i)) / 1e9;
                if (!ended) {
                    failures.add(k.name() + ": still running after " + WITHIN_SECONDS + " s");
                    continue;
                }
                Result r = new Result(p.exitValue(), Files.readString(tmp.resolve(k.name() + ".out")),
                        Files.readString(tmp.resolve(k.name() + ".err")), seconds);
                report.append(String.format(Locale.ROOT, "%-36s exit %d after %5.1f s  %s%n", k.name(), r.exit(),
                        seconds, r.err().strip()));
                try {
                    assertThat(r.exit()).as("exit code").isEqualTo(k.exit());
                    k.check().accept(r);
                } catch (AssertionError e) {
                    failures.add(k.name() + ": " + e.getMessage() + "\n" + r);
                }
            }
            System.out.print(report);
            assertThat(failures).isEmpty();
        } finally {
            for (Process p : processes) {
                ChildCli.kill(p);
            }
            cases.forEach(k -> k.server().close());
        }
    }
}

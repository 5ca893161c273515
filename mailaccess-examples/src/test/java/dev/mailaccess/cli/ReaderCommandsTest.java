package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flags;
import dev.mailaccess.internal.PreviewText;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code list --preview} and {@code threads} against GreenMail and Dovecot, IMAP and POP3, and
 * {@code replica DIR threads} offline: a reply chain, an unrelated HTML message and two replies to a message that is
 * not in the folder.
 */
class ReaderCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** Oldest first: root, reply, reply to the reply, unrelated (HTML), two replies to a missing message. */
    private static List<byte[]> messages() {
        return List.of(
                message(1, "Plan for the trip", "10:00", "", "text/plain", "Let us plan the trip.\r\n\r\nAnna"),
                message(2, "Re: Plan for the trip", "11:00", "In-Reply-To: <t1@reader.test>\r\n"
                        + "References: <t1@reader.test>\r\n", "text/plain", "Count me in.\r\n> Let us plan"),
                message(3, "Re: Plan for the trip", "12:00", "In-Reply-To: <t2@reader.test>\r\n"
                        + "References: <t1@reader.test> <t2@reader.test>\r\n", "text/plain", "Me too!"),
                message(4, "Unrelated", "13:00", "", "text/html; charset=utf-8",
                        "<p>Nothing <b>to</b> see &amp; read</p>"),
                message(5, "Re: Lost thread", "14:00", "References: <gone@reader.test>\r\n", "text/plain",
                        "First answer"),
                message(6, "Re: Lost thread", "15:00", "References: <gone@reader.test>\r\n", "text/plain",
                        "Second answer"));
    }

    private static byte[] message(int n, String subject, String time, String threading, String type, String body) {
        return ("From: Sender " + n + " <s" + n + "@reader.test>\r\nTo: r@reader.test\r\nSubject: " + subject
                + "\r\nDate: Mon, 4 Mar 2024 " + time + ":00 +0000\r\nMessage-ID: <t" + n + "@reader.test>\r\n"
                + threading + "MIME-Version: 1.0\r\nContent-Type: " + type + "\r\n\r\n" + body + "\r\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private record Account(MailServerFixture server, String user, Map<String, String> env) {
        String url(String protocol) {
            return protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
        }

        Cli.Result run(String command, String protocol, String... more) {
            List<String> args = new ArrayList<>(List.of(command, url(protocol), "--tls=none"));
            args.addAll(List.of(more));
            return Cli.run(env, args.toArray(String[]::new));
        }
    }

    private static Account seeded(String server) {
        MailServerFixture s = server.equals("dovecot") ? SharedServers.dovecot() : SharedServers.greenMail();
        String user = s.newUser();
        for (byte[] m : messages()) {
            s.deliver(user, "INBOX", m, Flags.NONE);
        }
        return new Account(s, user, Map.of(ConnectionOptions.PASSWORD_VARIABLE, s.password(user)));
    }

    private static List<JsonNode> json(Cli.Result r) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : r.outLines()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    // ------------------------------------------------------------------ list --preview

    @ParameterizedTest
    @CsvSource({"dovecot,imap", "dovecot,pop3", "greenmail,imap", "greenmail,pop3"})
    void listPreviewJsonGivesEachMessagesPreviewByTheSameRules(String server, String protocol) throws IOException {
        Account a = seeded(server);
        Cli.Result r = a.run("list", protocol, "--json", "--preview", "--emulate");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<JsonNode> nodes = json(r);
        List<byte[]> raws = messages();
        assertThat(nodes).hasSize(raws.size());
        for (int i = 0; i < nodes.size(); i++) {
            assertThat(iterable(nodes.get(i).fieldNames())).containsExactly("ref", "from", "subject", "date", "size",
                    "flags", "preview");
            // newest first
            assertThat(nodes.get(i).get("preview").asText()).as(r.toString())
                    .isEqualTo(PreviewText.ofMessage(raws.get(raws.size() - 1 - i)));
        }
        assertThat(nodes.get(raws.size() - 1).get("preview").asText()).isEqualTo("Let us plan the trip. Anna");
        assertThat(nodes.get(raws.size() - 2).get("preview").asText()).isEqualTo("Count me in.");
        assertThat(nodes.get(2).get("preview").asText()).isEqualTo("Nothing to see & read");
    }

    @Test
    void listPreviewIsNativeOnDovecotImapAndShownUnderTheSubject() {
        Account a = seeded("dovecot");
        Cli.Result r = a.run("list", "imap", "--preview"); // no --emulate: PREVIEW is NATIVE there
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).doesNotContain("no previews");
        List<String> lines = r.outLines();
        int root = lines.size() - 2; // the oldest message's row, then its preview line
        assertThat(lines.get(root)).contains("Plan for the trip");
        assertThat(lines.get(root + 1).strip()).isEqualTo("Let us plan the trip. Anna");
        assertThat(lines).anySatisfy(l -> assertThat(l.strip()).isEqualTo("Nothing to see & read"));
    }

    @Test
    void listPreviewWhereItIsEmulatedNeedsEmulateAndSaysWhy() throws IOException {
        Account a = seeded("greenmail");
        Cli.Result r = a.run("list", "imap", "--json", "--preview");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(json(r)).hasSize(6).allSatisfy(n -> assertThat(n.get("preview").isNull()).isTrue());
        assertThat(r.err()).contains("no previews: PREVIEW is EMULATED on imap", "--emulate allows it");
        Cli.Result plain = a.run("list", "imap", "--json");
        assertThat(json(plain)).allSatisfy(n -> assertThat(n.has("preview")).isFalse());
    }

    // ------------------------------------------------------------------ threads

    @ParameterizedTest
    @CsvSource({"dovecot,imap", "dovecot,pop3", "greenmail,imap", "greenmail,pop3"})
    void threadsPrintsAnIndentedTree(String server, String protocol) {
        Account a = seeded(server);
        Cli.Result r = a.run("threads", protocol, "--emulate");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<String> lines = r.outLines();
        assertThat(lines.get(0)).contains("REF", "DATE", "FROM", "THREAD");
        assertThat(threadColumn(lines)).as(r.toString()).containsExactly("Plan for the trip", "  Re: Plan for the trip", "    Re: Plan for the trip",
                        "Unrelated", "(not in this folder)", "  Re: Lost thread", "  Re: Lost thread");
        assertThat(lines.get(1)).startsWith(protocol + ":").contains("Sender 1 <s1@reader.test>");
        assertThat(lines.get(5)).startsWith("-");
    }

    @ParameterizedTest
    @CsvSource({"dovecot,imap", "greenmail,pop3"})
    void threadsByOrderedSubject(String server, String protocol) {
        Account a = seeded(server);
        Cli.Result r = a.run("threads", protocol, "--emulate", "--algorithm", "orderedsubject");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(threadColumn(r.outLines())).as(r.toString()).containsExactly("Plan for the trip", "  Re: Plan for the trip", "  Re: Plan for the trip",
                        "Unrelated", "Re: Lost thread", "  Re: Lost thread");
    }

    @Test
    void threadsJsonIsOneNestedObjectPerThread() throws IOException {
        Account a = seeded("dovecot");
        Cli.Result r = a.run("threads", "imap", "--json"); // NATIVE (UID THREAD): no --emulate needed
        assertThat(r.exit()).as(r.toString()).isZero();
        List<JsonNode> threads = json(r);
        assertThat(threads).hasSize(3);
        JsonNode root = threads.get(0);
        assertThat(iterable(root.fieldNames())).containsExactly("ref", "from", "subject", "date", "children");
        assertThat(root.get("subject").asText()).isEqualTo("Plan for the trip");
        assertThat(root.get("date").asText()).isEqualTo("2024-03-04T10:00:00Z");
        assertThat(root.at("/children/0/subject").asText()).isEqualTo("Re: Plan for the trip");
        assertThat(root.at("/children/0/children/0/from").asText()).isEqualTo("Sender 3 <s3@reader.test>");
        assertThat(threads.get(1).get("children")).isEmpty();
        JsonNode lost = threads.get(2);
        assertThat(lost.get("ref").isNull()).isTrue();
        assertThat(lost.get("subject").isNull()).isTrue();
        assertThat(lost.get("children")).hasSize(2)
                .allSatisfy(c -> assertThat(c.get("ref").asText()).startsWith("imap:"));
    }

    @Test
    void threadsWhereEmulatedNeedsEmulate() {
        Account a = seeded("greenmail");
        Cli.Result r = a.run("threads", "imap");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("THREADS");
        assertThat(a.run("threads", "imap", "--algorithm", "bogus").exit()).isEqualTo(ExitCodes.USAGE);
    }

    // ------------------------------------------------------------------ replica DIR threads

    @Test
    void replicaThreadsOffline() {
        Account a = seeded("greenmail");
        Path dir = tmp.resolve("r");
        Cli.Result sync = Cli.run(a.env(), "sync", a.url("imap"), "--tls=none", "--replica", dir.toString());
        assertThat(sync.exit()).as(sync.toString()).isZero();
        Cli.Result r = Cli.run(Map.of(), "replica", dir.toString(), "threads", "INBOX");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).extracting(ReaderCommandsTest::replicaLine).containsExactly(
                "Plan for the trip", "  Re: Plan for the trip", "    Re: Plan for the trip", "Unrelated",
                "(not in this folder)", "  Re: Lost thread", "  Re: Lost thread");
        Cli.Result ordered = Cli.run(Map.of(), "replica", dir.toString(), "threads", "INBOX", "orderedsubject");
        assertThat(ordered.outLines()).extracting(ReaderCommandsTest::replicaLine).containsExactly(
                "Plan for the trip", "  Re: Plan for the trip", "  Re: Plan for the trip", "Unrelated",
                "Re: Lost thread", "  Re: Lost thread");
        assertThat(Cli.run(Map.of(), "replica", dir.toString(), "threads", "INBOX", "bogus").exit())
                .isEqualTo(ExitCodes.USAGE);
    }

    /** The THREAD column of each row (the subject with its indent), found by where the header puts it. */
    private static List<String> threadColumn(List<String> lines) {
        int start = lines.get(0).indexOf("THREAD");
        return lines.subList(1, lines.size()).stream().map(l -> l.substring(start)).toList();
    }

    /** A replica line without its id: the indent and the subject. */
    private static String replicaLine(String line) {
        int tab = line.indexOf('\t');
        String indent = line.substring(0, line.length() - line.stripLeading().length());
        return indent + line.substring(tab + 1);
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}

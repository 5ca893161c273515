package dev.mailaccess.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hostile server driven by plain sockets: its default IMAP and POP3 scripts, its hooks and its primitives. */
@Timeout(10)
class HostileServerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CAPABILITIES = "IMAP4rev1 LITERAL+ UIDPLUS UNSELECT IDLE";

    @Test
    void imapAnswersALoginSelectUidFetchSessionWithLiterals() throws Exception {
        String first = HostileServer.mail().subject("Hello").from("Ann <ann@example.test>")
                .body("line one\n.dot line\n").raw();
        try (HostileServer server = HostileServer.imap()
                .message(12, HostileServer.mail().subject("Second"))
                .message(11, "FLAGS (\\Seen)", first)
                .start();
             Client client = new Client(server)) {
            assertThat(client.line()).isEqualTo("* OK [CAPABILITY " + CAPABILITIES + "] hostile test server ready");
            client.send("a1 LOGIN {3}\r\n");
            assertThat(client.line()).isEqualTo("+ go ahead");
            client.send("ann {6+}\r\nsecret\r\n");
            assertThat(client.response("a1")).containsExactly("a1 OK [CAPABILITY " + CAPABILITIES + "] Logged in");

            client.send("a2 SELECT INBOX\r\n");
            assertThat(client.response("a2")).containsExactly("* 2 EXISTS", "* 0 RECENT",
                    "* OK [UIDVALIDITY 7] UIDs valid", "* OK [UIDNEXT 13] Predicted next UID",
                    "* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                    "* OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft \\*)] Flags permitted.",
                    "a2 OK [READ-WRITE] Select completed.");

            client.send("a3 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])\r\n");
            List<String> fetched = client.response("a3");
            int size = first.length();
            assertThat(first).contains("\r\n.dot line\r\n");
            assertThat(fetched).hasSize(3);
            assertThat(fetched.get(0)).isEqualTo(
                    "* 1 FETCH (UID 11 FLAGS (\\Seen) RFC822.SIZE " + size + " BODY[] {" + size + "}\r\n" + first
                            + ")");
            assertThat(fetched.get(1)).startsWith("* 2 FETCH (UID 12 FLAGS () RFC822.SIZE ")
                    .contains("Subject: Second");
            assertThat(fetched.get(2)).isEqualTo("a3 OK Fetch completed.");

            client.send("a4 UID FETCH 11 (ENVELOPE INTERNALDATE BODY.PEEK[HEADER.FIELDS (Subject)])\r\n");
            String envelope = client.response("a4").get(0);
            assertThat(envelope).startsWith("* 1 FETCH (UID 11 ENVELOPE (\"Mon, 15 Jan 2024 10:00:00 +0000\" \"Hello\""
                    + " ((\"Ann\" NIL \"ann\" \"example.test\")) ((\"Ann\" NIL \"ann\" \"example.test\"))"
                    + " ((\"Ann\" NIL \"ann\" \"example.test\")) ((\"Recipient\" NIL \"recipient\" \"example.test\"))"
                    + " NIL NIL NIL \"<")
                    .endsWith("@hostile.test>\") INTERNALDATE \"15-Jan-2024 10:00:00 +0000\""
                            + " BODY[HEADER.FIELDS (SUBJECT)] {18}\r\nSubject: Hello\r\n\r\n)");

            client.send("a5 LOGOUT\r\n");
            assertThat(client.response("a5")).containsExactly("* BYE Logging out", "a5 OK Logout completed.");
            assertThat(client.line()).isNull();
            assertThat(server.awaitEnd(1, WAIT)).isTrue();
            assertThat(server.commands()).containsExactly("a1 LOGIN {3}\r\nann {6+}\r\nsecret", "a2 SELECT INBOX",
                    "a3 UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[])",
                    "a4 UID FETCH 11 (ENVELOPE INTERNALDATE BODY.PEEK[HEADER.FIELDS (Subject)])", "a5 LOGOUT");
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void imapFetchHonoursSequenceRangesUidListsAndStar() throws Exception {
        HostileServer.Imap imap = HostileServer.imap();
        for (long uid : new long[] {3, 5, 8, 9, 20}) {
            imap.message(uid, "FLAGS ()");
        }
        try (HostileServer server = imap.start(); Client client = new Client(server)) {
            client.line();
            client.send("b1 FETCH 2:4 (FLAGS)\r\n");
            assertThat(client.response("b1")).containsExactly("* 2 FETCH (UID 5 FLAGS ())",
                    "* 3 FETCH (UID 8 FLAGS ())", "* 4 FETCH (UID 9 FLAGS ())", "b1 OK Fetch completed.");
            client.send("b2 UID FETCH 20,3,9:8 UID\r\n");
            assertThat(client.response("b2")).containsExactly("* 1 FETCH (UID 3)", "* 3 FETCH (UID 8)",
                    "* 4 FETCH (UID 9)", "* 5 FETCH (UID 20)", "b2 OK Fetch completed.");
            client.send("b3 UID FETCH 100:* (UID)\r\n");
            assertThat(client.response("b3")).containsExactly("* 5 FETCH (UID 20)", "b3 OK Fetch completed.");
            client.send("b4 FETCH * (UID)\r\n");
            assertThat(client.response("b4")).containsExactly("* 5 FETCH (UID 20)", "b4 OK Fetch completed.");
            client.send("b5 UID FETCH 5 (BODY.PEEK[]<0.5> BODY[TEXT])\r\n");
            assertThat(client.response("b5").get(0)).startsWith("* 2 FETCH (UID 5 BODY[]<0> {5}\r\nDate: BODY[TEXT]");
            client.send("b6 UID SEARCH ALL\r\n");
            assertThat(client.response("b6")).containsExactly("* SEARCH 3 5 8 9 20", "b6 OK Search completed.");
            client.send("b7 FETCH 1:x (FLAGS)\r\n");
            assertThat(client.response("b7")).singleElement().asString().startsWith("b7 BAD ");
        }
    }

    @Test
    void imapAnswersAuthenticatePlainExamineStatusListIdleAndUnknownCommands() throws Exception {
        try (HostileServer server = HostileServer.imap().message(4, "FLAGS (\\Seen)").message(6, "FLAGS ()").start();
             Client client = new Client(server)) {
            client.line();
            client.send("d1 AUTHENTICATE PLAIN\r\n");
            assertThat(client.line()).isEqualTo("+ ");
            client.send("AHUAcA==\r\n");
            assertThat(client.response("d1")).containsExactly("d1 OK [CAPABILITY " + CAPABILITIES + "] Logged in");
            client.send("d2 EXAMINE \"inbox\"\r\n");
            assertThat(client.response("d2")).contains("* 2 EXISTS", "* OK [UIDNEXT 7] Predicted next UID",
                    "* OK [PERMANENTFLAGS ()] Read-only mailbox.").last()
                    .isEqualTo("d2 OK [READ-ONLY] Examine completed.");
            client.send("d3 SELECT Drafts\r\n");
            assertThat(client.response("d3")).containsExactly("d3 NO [NONEXISTENT] Mailbox doesn't exist: Drafts");
            client.send("d4 STATUS INBOX (MESSAGES UIDNEXT UIDVALIDITY UNSEEN)\r\n");
            assertThat(client.response("d4")).containsExactly(
                    "* STATUS INBOX (MESSAGES 2 UIDNEXT 7 UIDVALIDITY 7 UNSEEN 1)", "d4 OK Status completed.");
            client.send("d5 LIST \"\" \"*\"\r\n");
            assertThat(client.response("d5")).containsExactly("* LIST (\\HasNoChildren) \"/\" INBOX",
                    "d5 OK List completed.");
            client.send("d6 IDLE\r\n");
            assertThat(client.line()).isEqualTo("+ idling");
            client.send("DONE\r\n");
            assertThat(client.response("d6")).containsExactly("d6 OK Idle completed.");
            client.send("d7 UNSELECT\r\nd8 CLOSE\r\nd9 EXPUNGE\r\n");
            assertThat(client.response("d9")).containsExactly("d7 OK UNSELECT completed.", "d8 OK CLOSE completed.",
                    "d9 BAD Error in IMAP command EXPUNGE: Unknown command.");
            assertThat(server.commands()).contains("AHUAcA==", "DONE");
        }
    }

    @Test
    void hooksReplaceTheGreetingAndAnswersAlsoAfterStart() throws Exception {
        HostileServer.Imap imap = HostileServer.imap()
                .greeting(c -> c.sendLine("* OK [ALERT] custom greeting"))
                .on("select", (c, tag, line) -> c.sendLine(tag + " NO [UNAVAILABLE] not today: " + line))
                .on("NOOP", 2, (c, tag, line) -> c.sendLine("wrong-tag OK noop"))
                .on("CAPABILITY", (c, tag, line) -> {
                    c.sendLine("* OK capability number " + c.count("Capability"));
                    c.defaultAnswer();
                });
        try (HostileServer server = imap.start(); Client client = new Client(server)) {
            assertThat(client.line()).isEqualTo("* OK [ALERT] custom greeting");
            client.send("c1 SELECT INBOX\r\n");
            assertThat(client.response("c1")).containsExactly("c1 NO [UNAVAILABLE] not today: c1 SELECT INBOX");
            client.send("c2 NOOP\r\nc3 NOOP\r\nc4 NOOP\r\n");
            assertThat(client.line()).isEqualTo("c2 OK NOOP completed.");
            assertThat(client.line()).isEqualTo("wrong-tag OK noop");
            assertThat(client.line()).isEqualTo("c4 OK NOOP completed.");
            client.send("c5 CAPABILITY\r\n");
            assertThat(client.response("c5")).containsExactly("* OK capability number 1",
                    "* CAPABILITY " + CAPABILITIES, "c5 OK Capability completed.");
            imap.on("UNSELECT", (c, tag, line) -> c.reset());
            client.send("c6 XYZZY\r\nc7 UNSELECT\r\n");
            assertThat(client.line()).isEqualTo("c6 BAD Error in IMAP command XYZZY: Unknown command.");
            assertThatThrownBy(client::line).isInstanceOf(SocketException.class);
        }
    }

    @Test
    void dripSendsOneByteAtATime() throws Exception {
        try (HostileServer server = HostileServer.start(c -> c.drip("0123456789", Duration.ofMillis(30)));
             Socket socket = new Socket(server.host(), server.port())) {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream(); // unbuffered: each read returns what has arrived
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buffer = new byte[64];
            int reads = 0;
            long start = System.nanoTime();
            for (int n; (n = in.read(buffer)) >= 0; reads++) {
                got.write(buffer, 0, n);
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(got.toString(StandardCharsets.ISO_8859_1)).isEqualTo("0123456789");
            assertThat(millis).isGreaterThanOrEqualTo(240); // nine pauses of 30 ms
            assertThat(reads).isGreaterThanOrEqualTo(5); // mostly a byte a read; a slow test machine may join some
        }
    }

    @Test
    void endlessSendsUntilTheClientClosesAndThenTheScriptEnds() throws Exception {
        try (HostileServer server = HostileServer.start(c -> c.endless("* OK flood\r\n", Duration.ZERO))) {
            try (Client client = new Client(server)) {
                for (int i = 0; i < 10_000; i++) {
                    assertThat(client.line()).isEqualTo("* OK flood");
                }
                assertThat(server.awaitEnd(1, Duration.ofMillis(100))).isFalse();
            }
            assertThat(server.awaitEnd(1, WAIT)).isTrue();
            assertThat(server.failures()).isEmpty();
        }
    }

    @Test
    void silentKeepsTheConnectionOpenWithoutData() throws Exception {
        try (HostileServer server = HostileServer.start(c -> {
            c.sendLine("* OK hello");
            c.silent();
        })) {
            try (Client client = new Client(server)) {
                assertThat(client.line()).isEqualTo("* OK hello");
                client.send("a1 NOOP\r\n");
                client.socket.setSoTimeout(300);
                assertThatThrownBy(client::line).isInstanceOf(SocketTimeoutException.class);
                assertThat(server.awaitEnd(1, Duration.ofMillis(50))).isFalse();
            }
            assertThat(server.awaitEnd(1, WAIT)).isTrue();
            assertThat(server.commands()).containsExactly("a1 NOOP");
        }
    }

    @Test
    void resetGivesTheClientAConnectionReset() throws Exception {
        try (HostileServer server = HostileServer.start(c -> {
            c.readLine();
            c.reset();
        }); Client client = new Client(server)) {
            client.send("hello\r\n");
            assertThatThrownBy(client::line).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    @Test
    void pop3AnswersPipelinedCommandsWithDotStuffing() throws Exception {
        String text = "Subject: dots\r\n\r\n.leading dot\r\nplain\r\n..two\r\n";
        try (HostileServer server = HostileServer.pop3()
                .message("uid-1", text)
                .message("uid-2", HostileServer.mail().subject("two").body("b1\n.b2\nb3\n"))
                .start();
             Client client = new Client(server)) {
            assertThat(client.line()).isEqualTo("+OK hostile POP3 ready <1.2@host>");
            client.send("CAPA\r\nUSER u\r\nPASS p\r\nSTAT\r\nUIDL\r\nLIST 2\r\nRETR 1\r\nTOP 2 2\r\nDELE 1\r\nSTAT\r\n"
                    + "RETR 1\r\nQUIT\r\n");
            assertThat(client.multiLine()).containsExactly("+OK Capability list follows", "USER", "UIDL", "TOP",
                    "PIPELINING");
            assertThat(client.line()).isEqualTo("+OK");
            assertThat(client.line()).isEqualTo("+OK Logged in.");
            int second = HostileServer.mail().subject("two").body("b1\n.b2\nb3\n").raw().length();
            assertThat(client.line()).isEqualTo("+OK 2 " + (text.length() + second));
            assertThat(client.multiLine()).containsExactly("+OK", "1 uid-1", "2 uid-2");
            assertThat(client.line()).isEqualTo("+OK 2 " + second);
            assertThat(client.multiLine()).containsExactly("+OK " + text.length() + " octets", "Subject: dots", "",
                    "..leading dot", "plain", "...two");
            assertThat(client.multiLine()).startsWith("+OK", "Date: Mon, 15 Jan 2024 10:00:00 +0000")
                    .endsWith("Content-Transfer-Encoding: 7bit", "", "b1", "..b2");
            assertThat(client.line()).isEqualTo("+OK Marked to be deleted.");
            assertThat(client.line()).isEqualTo("+OK 1 " + second);
            assertThat(client.line()).isEqualTo("-ERR There's no message 1.");
            assertThat(client.line()).isEqualTo("+OK Logging out.");
            assertThat(client.line()).isNull();
            assertThat(server.commands()).hasSize(12).startsWith("CAPA", "USER u").endsWith("QUIT");
        }
    }

    @Test
    void countsConnectionsAndCommandsAcrossConcurrentConnections() throws Exception {
        try (HostileServer server = HostileServer.imap().start();
             Client one = new Client(server);
             Client two = new Client(server)) {
            one.line();
            two.line();
            assertThat(server.connections()).isEqualTo(2);
            one.send("x1 NOOP\r\n");
            one.response("x1");
            two.send("y1 NOOP\r\n");
            two.response("y1");
            one.send("x2 LOGOUT\r\n");
            one.response("x2");
            assertThat(server.commands()).containsExactly("x1 NOOP", "y1 NOOP", "x2 LOGOUT");
            assertThat(server.awaitEnd(1, WAIT)).isTrue();
            assertThat(server.awaitEnd(2, Duration.ofMillis(50))).isFalse();
            two.socket.close();
            assertThat(server.awaitAllEnded(WAIT)).isTrue();
        }
    }

    @Test
    void closeEndsEveryConnectionPromptly() throws Exception {
        HostileServer server = HostileServer.start(c -> {
            switch (c.connection()) {
                case 1 -> c.silent();
                case 2 -> c.drip("slow", Duration.ofSeconds(5));
                default -> c.endless("x", Duration.ofMillis(20));
            }
        });
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(new Client(server));
            }
            assertThat(server.awaitConnections(3, WAIT)).isTrue();
            long start = System.nanoTime();
            server.close();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
            assertThat(server.awaitAllEnded(Duration.ZERO)).isTrue();
            for (Client client : clients) {
                client.socket.setSoTimeout(2000);
                assertThat(client.drain()).isTrue(); // end of stream, no timeout
            }
            assertThatThrownBy(() -> new Socket(server.host(), server.port()).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(server.failures()).isEmpty();
        } finally {
            for (Client client : clients) {
                client.close();
            }
        }
    }

    @Test
    void keepsWhatAScriptThrowsOtherThanIoErrors() throws Exception {
        try (HostileServer server = HostileServer.start(c -> {
            throw new AssertionError("script bug");
        })) {
            new Socket(server.host(), server.port()).close();
            assertThat(server.awaitEnd(1, WAIT)).isTrue();
            assertThat(server.failures()).singleElement().extracting(Throwable::getMessage).isEqualTo("script bug");
        }
    }

    /** A client on plain sockets, reading ISO-8859-1 lines; an IMAP literal is joined to the line it is in. */
    private static final class Client implements AutoCloseable {
        private static final Pattern LITERAL = Pattern.compile("\\{(\\d+)}$");
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        Client(HostileServer server) throws IOException {
            socket = new Socket(server.host(), server.port());
            socket.setSoTimeout(5000);
            in = new BufferedInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(String text) throws IOException {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        /** The next line without CRLF; null at the end of the stream. */
        String line() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
                }
                line.write(b);
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
        }

        /** IMAP response lines up to the one tagged {@code tag}, each with its literals inline. */
        List<String> response(String tag) throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line; (line = line()) != null; ) {
                StringBuilder full = new StringBuilder(line);
                for (Matcher literal; (literal = LITERAL.matcher(line)).find(); ) {
                    full.append("\r\n").append(new String(in.readNBytes(Integer.parseInt(literal.group(1))),
                            StandardCharsets.ISO_8859_1));
                    line = line();
                    full.append(line);
                }
                lines.add(full.toString());
                if (full.toString().startsWith(tag + " ")) {
                    return lines;
                }
            }
            throw new AssertionError("no answer tagged " + tag + " before the end: " + lines);
        }

        /** A POP3 multi-line answer, its status line first, without the closing dot. */
        List<String> multiLine() throws IOException {
            List<String> lines = new ArrayList<>();
            for (String line; !(line = line()).equals("."); ) {
                lines.add(line);
            }
            return lines;
        }

        /** Reads until the end of the stream: true if it came (or the connection was reset), false on a timeout. */
        boolean drain() throws IOException {
            try {
                while (in.read() >= 0) {
                    // what was sent before the close
                }
                return true;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

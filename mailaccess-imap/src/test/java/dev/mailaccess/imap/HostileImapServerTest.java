package dev.mailaccess.imap;

import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ProtocolException;
import dev.mailaccess.ServerLimitException;
import dev.mailaccess.ServerLimits;
import dev.mailaccess.TlsMode;
import dev.mailaccess.testkit.HostileServer;
import dev.mailaccess.testkit.ServerTranscripts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;

import static dev.mailaccess.testkit.Outcomes.fails;
import static dev.mailaccess.testkit.Outcomes.inInbox;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The IMAP adapter against a scripted hostile server ({@link HostileServer}): every case ends with the typed
 * exception or the correct result, within a bound on time, on one connection. Limits and timeouts are small here so
 * the cases run in seconds; {@code HostileServerCliTest} runs them with the defaults through the command-line tool.
 */
@Timeout(60)
class HostileImapServerTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final ServerLimits SMALL = ServerLimits.DEFAULT.withMaxLineBytes(1 << 20)
            .withMaxLiteralBytes(4 << 20).withMaxResponsesPerCommand(10_000).withMaxMessages(100_000)
            .withMinTransferRate(1024, Duration.ofSeconds(2));
    private static final String A = "(NIL NIL \"a\" \"example.test\")";

    private static MailboxConfig config(HostileServer server, ServerLimits limits, Duration readTimeout) {
        return MailboxConfig.builder().protocol("imap").host(server.host()).port(server.port()).user("u")
                .password("p").tlsMode(TlsMode.NONE).readTimeout(readTimeout).limits(limits).build();
    }

    private static MailboxConfig config(HostileServer server) {
        return config(server, SMALL, READ_TIMEOUT);
    }

    /** Runs {@code body} on the inbox of a new session and returns how long it took, in milliseconds. */
    private static long timed(Runnable body) {
        long start = System.nanoTime();
        try {
            body.run();
        } finally {
            start = (System.nanoTime() - start) / 1_000_000;
        }
        return start;
    }



    private static HostileServer.Imap threeMessages() {
        return HostileServer.imap().message(11, HostileServer.mail().subject("one"))
                .message(12, HostileServer.mail().subject("two")).message(13, HostileServer.mail().subject("three"));
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void anEndlessGreetingIsALineTooLong() {
        try (HostileServer server = HostileServer.imap()
                .greeting(c -> c.endless("* OK " + "x".repeat(8000), Duration.ZERO)).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.LINE_LENGTH);
            assertThat(e).hasMessageContaining("maxLineBytes");
        }
    }

    @Test
    void anEndlessLineInsideAFetchAnswerIsALineTooLong() {
        try (HostileServer server = threeMessages().on("UID FETCH", (c, tag, line) -> {
            c.send("* 1 FETCH (UID 11 ENVELOPE (NIL \"");
            c.endless("subject ".repeat(1000), Duration.ZERO);
        }).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> inInbox(config(server), inbox -> inbox.summaries(FetchSpec.LIST)));
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.LINE_LENGTH);
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aHugeLiteralIsRefusedWhenAnnouncedAndNothingIsAllocatedForIt() {
        try (HostileServer server = threeMessages().on("FETCH", (c, tag, line) -> {
            c.send("* 3 FETCH (UID 13 ENVELOPE (NIL {999999999999}\r\n");
            c.endless("x".repeat(8000), Duration.ZERO);
        }).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> inInbox(config(server), inbox -> inbox.newest(1, FetchSpec.LIST)));
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.LITERAL_SIZE);
        }
    }

    @Test
    void aFloodOfExistsIsTooManyResponses() {
        try (HostileServer server = threeMessages()
                .on("SELECT", (c, tag, line) -> c.endless("* 3 EXISTS\r\n".repeat(100), Duration.ZERO)).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> inInbox(config(server), inbox -> { }));
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.RESPONSES_PER_COMMAND);
        }
    }

    @Test
    void anAbsurdMessageCountIsRefusedBeforeAngusSizesItsTables() {
        try (HostileServer server = threeMessages().on("SELECT", (c, tag, line) -> c.send(
                "* 999999999 EXISTS\r\n* OK [UIDVALIDITY 7] v\r\n" + tag + " OK [READ-WRITE] done\r\n")).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> inInbox(config(server), inbox -> { }));
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.MESSAGE_COUNT);
        }
    }

    // ---------------------------------------------------------------- time

    @Test
    void aServerSilentAfterItsGreetingCostsOneReadTimeout() {
        try (HostileServer server = HostileServer.imap().on("LOGIN", (c, tag, line) -> c.silent()).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() - 200,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(server.connections()).isEqualTo(1);
        }
        try (HostileServer server = HostileServer.imap().greeting(HostileServer.Conversation::silent).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() - 200,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aServerSilentAfterLoginCostsOneReadTimeoutOnOneConnection() {
        try (HostileServer server = threeMessages().on("SELECT", (c, tag, line) -> c.silent()).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() - 200,
                    () -> inInbox(config(server), inbox -> { }));
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void aServerSilentOnLogoutDoesNotHoldTheClose() {
        try (HostileServer server = threeMessages().on("LOGOUT", (c, tag, line) -> c.silent()).start()) {
            Mailbox mb = MailAccess.connect(config(server, SMALL, Duration.ofSeconds(30)));
            mb.inbox().close();
            long took = timed(mb::close);
            assertThat(took).isLessThan(5_000);
        }
    }

    @Test
    void aTagTheClientNeverSentIsAProtocolErrorAtOnce() {
        try (HostileServer server = HostileServer.imap()
                .on("LOGIN", (c, tag, line) -> c.sendLine("X999 OK [CAPABILITY IMAP4rev1] done")).start()) {
            fails(ProtocolException.class, 3_000,
                    () -> MailAccess.connect(config(server, SMALL, Duration.ofSeconds(30))).close());
        }
        try (HostileServer server = threeMessages() // a tag sent before and answered already
                .on("SELECT", (c, tag, line) -> c.sendLine(tag.replaceAll("\\d+$", "0") + " OK done")).start()) {
            fails(ProtocolException.class, 3_000,
                    () -> inInbox(config(server, SMALL, Duration.ofSeconds(30)), inbox -> { }));
        }
    }

    @Test
    void aServerDrippingItsAnswerIsCutByTheMinimumRate() {
        String select = "* 3 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 14] n\r\n";
        try (HostileServer server = threeMessages().on("SELECT", (c, tag, line) ->
                c.drip(select.repeat(10) + tag + " OK [READ-WRITE] done\r\n", Duration.ofMillis(200))).start()) {
            MailTimeoutException e = fails(MailTimeoutException.class, 8_000,
                    () -> inInbox(config(server, SMALL, Duration.ofSeconds(30)), inbox -> { }));
            assertThat(e).hasMessageContaining("bytes in");
        }
        try (HostileServer server = threeMessages().on("UID FETCH", (c, tag, line) -> {
            c.send("* 1 FETCH (UID 11 ENVELOPE (NIL \"");
            c.endless("a", Duration.ofMillis(200)); // a line that grows a byte at a time
        }).start()) {
            fails(MailTimeoutException.class, 8_000, () -> inInbox(config(server, SMALL, Duration.ofSeconds(30)),
                    inbox -> inbox.summaries(FetchSpec.LIST)));
        }
    }

    @Test
    void anAnswerThatNeverEndsIsCutByTheCommandDeadline() {
        ServerLimits deadline = SMALL.withMinTransferRate(0, Duration.ofSeconds(1))
                .withCommandDeadline(Duration.ofSeconds(3));
        try (HostileServer server = threeMessages()
                .on("NOOP", (c, tag, line) -> c.endless("* OK still working\r\n", Duration.ofMillis(300))).start()) {
            MailTimeoutException e = fails(MailTimeoutException.class, 8_000,
                    () -> inInbox(config(server, deadline, Duration.ofSeconds(30)), inbox -> inbox.newest(1,
                            FetchSpec.LIST)));
            assertThat(e).hasMessageContaining("deadline");
        }
    }

    @Test
    void aConnectionDroppedOrResetMidAnswerIsARetryableConnectionFailure() {
        for (boolean reset : new boolean[] {false, true}) {
            try (HostileServer server = threeMessages().on("UID FETCH", (c, tag, line) -> {
                c.send("* 1 FETCH (UID 11 FLAGS (\\Seen) ENVELOPE (NIL \"cut");
                if (reset) {
                    c.reset();
                } else {
                    c.close();
                }
            }).start()) {
                ConnectionException e = fails(ConnectionException.class, 5_000,
                        () -> inInbox(config(server), inbox -> inbox.summaries(FetchSpec.LIST)));
                assertThat(e.isRetryable()).as(e.toString()).isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- one bad message

    @Test
    void malformedEnvelopesAndStructuresNeverSinkAListing() {
        String spins = "BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1 NIL (A))"; // Angus loops on it
        try (HostileServer server = HostileServer.imap()
                .message(11, "FLAGS (\\Seen) ENVELOPE (NIL \"good\" NIL NIL NIL NIL NIL NIL NIL NIL)"
                        + " BODYSTRUCTURE (\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 10 1)")
                .message(12, "FLAGS () ENVELOPE (\"garbage\" (((( NIL) " + spins)
                .message(13, "FLAGS () ENVELOPE (NIL \"also good\" ((NIL NIL \"nsb\" NIL)) NIL NIL NIL NIL NIL NIL"
                        + " NIL) " + spins)
                .start()) {
            FetchSpec spec = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.FLAGS, FetchSpec.Item.STRUCTURE);
            for (int round = 0; round < 3; round++) {
                int which = round;
                inInbox(config(server), inbox -> {
                    List<MessageSummary> got = switch (which) {
                        case 0 -> inbox.summaries(spec);
                        case 1 -> inbox.newest(10, spec);
                        default -> inbox.summaries(List.of(MessageRef.imap(7, 11), MessageRef.imap(7, 12),
                                MessageRef.imap(7, 13)), spec);
                    };
                    assertThat(got).extracting(m -> m.ref().uid()).containsExactly(11L, 12L, 13L);
                    assertThat(got.get(0).envelope().subject()).isEqualTo("good");
                    assertThat(got.get(0).structure().contentType()).isEqualTo("text/plain");
                    assertThat(got.get(1).envelope().subject()).isEmpty(); // unreadable: listed empty
                    assertThat(got.get(2).envelope().subject()).isEqualTo("also good");
                    assertThat(got.get(2).envelope().from().get(0).toString()).isEqualTo("nsb");
                });
            }
        }
    }

    @Test
    void answersMissingAnItemGiveWhatTheyHave() {
        try (HostileServer server = threeMessages().on("UID FETCH", (c, tag, line) -> c.send(
                "* 1 FETCH (UID 11 FLAGS (\\Seen))\r\n* 2 FETCH (UID 12 FLAGS ())\r\n* 3 FETCH (UID 13)\r\n"
                        + tag + " OK done\r\n"))
                .on("FETCH", (c, tag, line) -> c.send("* 3 FETCH (UID 13 FLAGS (\\Flagged))\r\n" + tag
                        + " OK done\r\n")).start()) {
            inInbox(config(server), inbox -> {
                List<MessageSummary> all = inbox.summaries(FetchSpec.LIST);
                assertThat(all).extracting(m -> m.ref().uid()).containsExactly(11L, 12L, 13L);
                assertThat(all).allSatisfy(m -> assertThat(m.envelope().subject()).isEmpty());
                assertThat(all.get(0).flags().system()).containsExactly(dev.mailaccess.Flag.SEEN);
                assertThat(all.get(2).flags()).isNull(); // not sent, not invented
                assertThat(inbox.newest(1, FetchSpec.LIST)).singleElement()
                        .satisfies(m -> assertThat(m.envelope()).isNotNull());
            });
        }
    }

    @Test
    void badNumbersAndUidsAreLeftOutOrReadAsUnknown() {
        try (HostileServer server = threeMessages().on("UID FETCH", (c, tag, line) -> c.send(
                "* 1 FETCH (UID 0 FLAGS ())\r\n"
                        + "* 2 FETCH (UID 99999999999 FLAGS ())\r\n"
                        + "* 3 FETCH (UID abc FLAGS ())\r\n"
                        + "* 4 FETCH (UID 12 RFC822.SIZE -5 FLAGS (\\Seen $ok))\r\n"
                        + "* 99999999999 FETCH (UID 13 FLAGS ())\r\n"
                        + "* 5 FETCH (UID 11 RFC822.SIZE 999999999999999999999 FLAGS ())\r\n"
                        + tag + " OK done\r\n")).start()) {
            inInbox(config(server), inbox -> {
                List<MessageSummary> got = inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS,
                        FetchSpec.Item.SIZE));
                assertThat(got).extracting(m -> m.ref().uid()).containsExactly(11L, 12L, 13L);
                assertThat(got.get(0).size()).isEqualTo(-1); // beyond any size a message can have: unknown
                assertThat(got.get(1).size()).isEqualTo(-1);
                assertThat(got.get(1).flags().system()).containsExactly(dev.mailaccess.Flag.SEEN);
            });
        }
    }

    @Test
    void nulBytesAndBareLineFeedsAreRead() {
        try (HostileServer server = HostileServer.start(c -> {
            c.send("* OK [CAPABILITY IMAP4rev1 UIDPLUS UNSELECT] lf-only server ready\n");
            String line;
            while ((line = c.readLine()) != null) {
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1).toUpperCase(java.util.Locale.ROOT);
                if (command.startsWith("SELECT")) {
                    c.send("* 1 EXISTS\n* OK [UIDVALIDITY 7] v\n" + tag + " OK [READ-WRITE] done\n");
                } else if (command.startsWith("UID FETCH")) {
                    c.send("* 1 FETCH (UID 11 FLAGS () ENVELOPE (NIL \"nul\0inside\" NIL NIL NIL NIL NIL NIL NIL"
                            + " NIL))\n" + tag + " OK done\n");
                } else if (command.startsWith("LOGOUT")) {
                    c.send("* BYE bye\n" + tag + " OK done\n");
                    return;
                } else {
                    c.send(tag + " OK done\n");
                }
            }
        })) {
            inInbox(config(server), inbox -> assertThat(inbox.summaries(FetchSpec.LIST)).singleElement()
                    .satisfies(m -> assertThat(m.envelope().subject()).startsWith("nul").endsWith("inside")));
        }
    }

    // ---------------------------------------------------------------- refusals by meaning

    @Test
    void responseCodesDecideTheException() {
        try (HostileServer server = HostileServer.imap().on("LOGIN", (c, tag, line) ->
                c.sendLine(tag + " NO [UNAVAILABLE] Mailbox server is busy, try again")).start()) {
            dev.mailaccess.ServerBusyException e = fails(dev.mailaccess.ServerBusyException.class, 5_000,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(e.responseCode()).isEqualTo("UNAVAILABLE");
            assertThat(e.isRetryable()).isTrue();
        }
        try (HostileServer server = HostileServer.imap().on("LOGIN", (c, tag, line) ->
                c.sendLine(tag + " NO [LIMIT] Too many simultaneous connections. (Failure)")).start()) {
            fails(dev.mailaccess.ServerBusyException.class, 5_000, () -> MailAccess.connect(config(server)).close());
        }
        try (HostileServer server = HostileServer.imap().on("LOGIN", (c, tag, line) ->
                c.sendLine(tag + " NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)")).start()) {
            fails(dev.mailaccess.AuthenticationException.class, 5_000,
                    () -> MailAccess.connect(config(server)).close());
        }
        try (HostileServer server = threeMessages().on("APPEND", (c, tag, line) ->
                c.sendLine(tag + " NO [OVERQUOTA] Quota exceeded (mailbox for user is full)")).start()) {
            fails(dev.mailaccess.QuotaExceededException.class, 5_000, () -> inInbox(config(server),
                    inbox -> inbox.append(new java.io.ByteArrayInputStream(
                            "Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII)),
                            dev.mailaccess.Flags.NONE, null)));
        }
    }

    // ---------------------------------------------------------------- real servers' answers

    /** A real capture replayed as the answer to the listing's FETCH. */
    private static HostileServer replaying(String corpusFile) throws Exception {
        String capture = new String(Files.readAllBytes(ServerTranscripts.file(corpusFile)),
                StandardCharsets.ISO_8859_1);
        return HostileServer.imap().message(1, HostileServer.mail().subject("x"))
                .on("UID FETCH", (c, tag, line) -> c.send(capture.replace("A########", tag)
                        + (capture.contains("A########") ? "" : tag + " OK done\r\n"))).start();
    }

    @Test
    void dominosExtraParenthesesGiveEmptyEnvelopes() throws Exception {
        try (HostileServer server = replaying("domino/fetch-extra-parens.txt")) {
            inInbox(config(server), inbox -> {
                List<MessageSummary> got = inbox.summaries(FetchSpec.LIST);
                assertThat(got).hasSize(29).allSatisfy(m -> assertThat(m.envelope().subject()).isEmpty());
                assertThat(got.get(0).ref().uid()).isEqualTo(14934);
            });
        }
    }

    @Test
    void exchangesBrokenDateAndZohosNegativeModseqAreRead() throws Exception {
        try (HostileServer server = replaying("exchange/fetch-outlook.txt")) {
            inInbox(config(server), inbox -> assertThat(inbox.summaries(FetchSpec.LIST)).singleElement()
                    .satisfies(m -> {
                        assertThat(m.envelope().subject()).isEqualTo("Zoooom Zoom");
                        assertThat(m.size()).isEqualTo(49051);
                    }));
        }
        try (HostileServer server = replaying("zoho/fetch-negative-modseq-values.txt")) {
            inInbox(config(server), inbox -> assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)))
                    .hasSizeGreaterThan(10).allSatisfy(m -> assertThat(m.flags()).isNotNull()));
        }
    }

    @Test
    void gmailsAddressWithoutDomainPrintsAsTheHeaderDoes() throws Exception {
        try (HostileServer server = replaying("gmail/search-summary.txt")) {
            inInbox(config(server), inbox -> {
                List<MessageSummary> got = inbox.summaries(FetchSpec.LIST);
                assertThat(got).hasSize(21);
                MessageSummary third = got.stream().filter(m -> m.ref().uid() == 3).findFirst().orElseThrow();
                assertThat(third.envelope().from().get(0).toString()).isEqualTo("Nathaniel Borenstein <nsb>");
            });
        }
    }
}

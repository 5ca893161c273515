package dev.mailaccess.pop;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ServerBusyException;
import dev.mailaccess.ServerLimitException;
import dev.mailaccess.ServerLimits;
import dev.mailaccess.TlsMode;
import dev.mailaccess.offline.OfflineFetch;
import dev.mailaccess.store.Maildir;
import dev.mailaccess.testkit.HostileServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.mailaccess.testkit.Outcomes.fails;
import static dev.mailaccess.testkit.Outcomes.inInbox;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The POP3 adapter against a scripted hostile server ({@link HostileServer}): every case ends with the typed exception
 * or the correct result, within a bound on time, on one connection, and an offline fetch deletes nothing it did not
 * store. Limits and timeouts are small so the cases run in seconds.
 */
@Timeout(60)
class HostilePopServerTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(2);
    private static final ServerLimits SMALL = ServerLimits.DEFAULT.withMaxLineBytes(1 << 20)
            .withMaxLiteralBytes(4 << 20).withMaxMessages(100_000)
            .withMinTransferRate(1024, Duration.ofSeconds(2));

    @TempDir
    Path dir;

    private static MailboxConfig config(HostileServer server, Duration readTimeout) {
        return MailboxConfig.builder().protocol("pop3").host(server.host()).port(server.port()).user("u")
                .password("hostile-secret").tlsMode(TlsMode.NONE).readTimeout(readTimeout).limits(SMALL).build();
    }

    private static MailboxConfig config(HostileServer server) {
        return config(server, READ_TIMEOUT);
    }



    private static HostileServer.Pop3 threeMessages() {
        return HostileServer.pop3().message("u1", HostileServer.mail().subject("one"))
                .message("u2", HostileServer.mail().subject("two")).message("u3", HostileServer.mail().subject("three"));
    }

    private OfflineFetch offline(HostileServer server) {
        return OfflineFetch.builder(config(server), dir.resolve("Mail")).maxAttempts(3)
                .backoff(Duration.ofMillis(10)).build();
    }

    private long stored() throws Exception {
        Path cur = dir.resolve("Mail");
        if (!Files.exists(cur)) {
            return 0;
        }
        return Maildir.open(cur, false).keys().size();
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void anEndlessGreetingIsALineTooLong() {
        try (HostileServer server = HostileServer.pop3()
                .greeting(c -> c.endless("+OK " + "x".repeat(8000), Duration.ZERO)).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.LINE_LENGTH);
        }
    }

    @Test
    void aMaildropClaimingABillionMessagesIsRefusedBeforeAngusSizesItsTables() {
        try (HostileServer server = threeMessages()
                .on("STAT", (c, tag, line) -> c.sendLine("+OK 1000000000 5000000000")).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 10_000,
                    () -> inInbox(config(server), inbox -> { }));
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.MESSAGE_COUNT);
        }
    }

    @Test
    void anEndlessUidlAnswerIsCut() {
        AtomicInteger n = new AtomicInteger();
        try (HostileServer server = threeMessages().on("UIDL", (c, tag, line) -> {
            c.sendLine("+OK");
            StringBuilder block = new StringBuilder();
            while (true) {
                block.setLength(0);
                for (int i = 0; i < 1000; i++) {
                    int k = n.incrementAndGet();
                    block.append(k).append(" uidl-").append(k).append("\r\n");
                }
                c.send(block.toString());
            }
        }).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 20_000,
                    () -> inInbox(config(server), MailFolder::refs));
            assertThat(e.limit()).isIn(ServerLimits.Limit.MESSAGE_COUNT, ServerLimits.Limit.LITERAL_SIZE);
        }
    }

    @Test
    void anEndlessCapaAnswerIsCut() {
        try (HostileServer server = threeMessages().on("CAPA", (c, tag, line) -> {
            c.sendLine("+OK");
            c.endless("X-CAPABILITY-" + "y".repeat(100) + "\r\n", Duration.ZERO);
        }).start()) {
            ServerLimitException e = fails(ServerLimitException.class, 20_000,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(e.limit()).isEqualTo(ServerLimits.Limit.LITERAL_SIZE);
        }
    }

    // ---------------------------------------------------------------- time

    @Test
    void aServerSilentAfterItsGreetingOrLoginCostsOneReadTimeout() {
        try (HostileServer server = HostileServer.pop3().greeting(HostileServer.Conversation::silent).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() - 200,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(server.connections()).isEqualTo(1);
        }
        try (HostileServer server = threeMessages().on("PASS", (c, tag, line) -> c.silent()).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() - 200,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(server.connections()).isEqualTo(1);
        }
    }

    @Test
    void anOfflineFetchFromAStalledServerCostsOneReadTimeoutAndDeletesNothing() throws Exception {
        try (HostileServer server = threeMessages().on("UIDL", (c, tag, line) -> c.silent()).start()) {
            fails(MailTimeoutException.class, 2 * READ_TIMEOUT.toMillis() + 1_000, () -> offline(server).run());
            assertThat(server.connections()).isEqualTo(1);
            assertThat(server.commands()).noneMatch(l -> l.startsWith("DELE"));
        }
    }

    @Test
    void aServerDrippingItsGreetingIsCutByTheMinimumRate() {
        try (HostileServer server = threeMessages().greeting(c -> c.drip("+OK " + "slow ".repeat(200) + "\r\n",
                Duration.ofMillis(200))).start()) {
            fails(MailTimeoutException.class, 8_000,
                    () -> MailAccess.connect(config(server, Duration.ofSeconds(30))).close());
        }
    }

    // ---------------------------------------------------------------- broken answers

    @Test
    void aConnectionDroppedOrResetMidMessageLosesNothing() throws Exception {
        for (boolean reset : new boolean[] {false, true}) {
            try (HostileServer server = threeMessages().on("RETR", 2, (c, tag, line) -> {
                c.send("+OK\r\nSubject: cut\r\n\r\nhalf a mess");
                if (reset) {
                    c.reset();
                } else {
                    c.close();
                }
            }).start()) {
                ConnectionException e = fails(ConnectionException.class, 10_000, () -> OfflineFetch.builder(
                        config(server), dir.resolve("Mail")).maxAttempts(1).build().run());
                assertThat(e.isRetryable()).isTrue();
                assertThat(server.commands()).noneMatch(l -> l.startsWith("DELE"));
            }
        }
    }

    @Test
    void anUnstuffedDotLineEndsTheMessageEarlyAndNothingIsDeleted() throws Exception {
        byte[] raw = "Subject: dots\r\n\r\nabove\r\n.\r\nbelow the line a server forgot to stuff\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (HostileServer server = HostileServer.pop3().message("u1", HostileServer.mail().subject("fine"))
                .on("RETR", (c, tag, line) -> {
                    c.send("+OK\r\n");
                    c.send(raw);
                    c.send(".\r\n");
                }).start()) {
            fails(MailAccessException.class, 10_000, () -> OfflineFetch.builder(config(server),
                    dir.resolve("Mail")).maxAttempts(1).build().run());
            assertThat(server.commands()).noneMatch(l -> l.startsWith("DELE"));
        }
    }

    @Test
    void bareLineFeedsAndNulBytesAreStoredAsSent() throws Exception {
        byte[] raw = "Subject: odd\n\nline with a \0 NUL\nand bare line feeds\n".getBytes(StandardCharsets.ISO_8859_1);
        try (HostileServer server = HostileServer.pop3().message("u1", raw).start()) {
            OfflineFetch.Result r = offline(server).run();
            assertThat(r.downloaded()).isEqualTo(1);
            List<Path> files = Maildir.open(dir.resolve("Mail"), false).messages();
            assertThat(files).hasSize(1);
            assertThat(new String(Files.readAllBytes(files.get(0)), StandardCharsets.ISO_8859_1))
                    .contains("a \0 NUL");
        }
    }

    @Test
    void uidlsThatChangeBetweenSessionsStillStoreEachMessageOnce() throws Exception {
        AtomicInteger session = new AtomicInteger();
        try (HostileServer server = threeMessages().on("UIDL", (c, tag, line) -> {
            int s = session.incrementAndGet();
            c.sendLine("+OK");
            c.send("1 a" + s + "\r\n2 b" + s + "\r\n3 c" + s + "\r\n.\r\n");
        }).start()) {
            OfflineFetch.Result r = offline(server).run();
            assertThat(r.downloaded()).isEqualTo(3);
            assertThat(stored()).isEqualTo(3);
        }
    }

    @Test
    void aServerThatNeverDeletesDoesNotMakeTheFetchLoop() throws Exception {
        try (HostileServer server = threeMessages().ignoreDeletions().start()) {
            OfflineFetch.Result r = OfflineFetch.builder(config(server), dir.resolve("Mail")).commitEvery(1).build()
                    .run();
            assertThat(r.downloaded()).isEqualTo(3);
            assertThat(stored()).isEqualTo(3);
            assertThat(server.connections()).isLessThan(10);
        }
    }

    @Test
    void absurdSizesInListAreUnknownSizes() {
        try (HostileServer server = threeMessages().on("LIST", (c, tag, line) -> {
            c.sendLine("+OK");
            c.send("1 99999999999999999999\r\n2 -5\r\n3 abc\r\n.\r\n");
        }).start()) {
            inInbox(config(server), inbox -> {
                List<MessageSummary> got = inbox.summaries(FetchSpec.of(FetchSpec.Item.SIZE));
                assertThat(got).hasSize(3).allSatisfy(m -> assertThat(m.size()).isEqualTo(-1));
            });
        }
    }

    // ---------------------------------------------------------------- refusals by meaning

    @Test
    void responseCodesDecideTheException() {
        try (HostileServer server = threeMessages().on("PASS", (c, tag, line) ->
                c.sendLine("-ERR [IN-USE] the maildrop is locked by another session")).start()) {
            ServerBusyException e = fails(ServerBusyException.class, 5_000,
                    () -> MailAccess.connect(config(server)).close());
            assertThat(e.responseCode()).isEqualTo("IN-USE");
        }
        try (HostileServer server = threeMessages().on("PASS", (c, tag, line) ->
                c.sendLine("-ERR [SYS/TEMP] try again later")).start()) {
            assertThat(fails(ServerBusyException.class, 5_000, () -> MailAccess.connect(config(server)).close())
                    .isRetryable()).isTrue();
        }
        try (HostileServer server = threeMessages().on("PASS", (c, tag, line) ->
                c.sendLine("-ERR [AUTH] invalid credentials")).start()) {
            fails(AuthenticationException.class, 5_000, () -> MailAccess.connect(config(server)).close());
        }
    }
}

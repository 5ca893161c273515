package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flags;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailaccess watch}: runs in the background while mail arrives; exit 4 once the reconnects are spent. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ExecutorService background = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    /** A run in the background whose output can be read while it runs. */
    private final class Running {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Future<Integer> exit;

        Running(Map<String, String> env, String... args) {
            exit = background.submit(() -> Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), env));
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        List<String> outLines() {
            return out.toString(StandardCharsets.UTF_8).lines().toList();
        }

        /** Waits until the watch has read the starting state (it says so on stderr). */
        void awaitWatching() throws Exception {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!err().contains("mailaccess: watching")) {
                assertThat(exit.isDone()).as("ended early: " + err()).isFalse();
                assertThat(System.nanoTime() - end).as("never started: " + err()).isNegative();
                Thread.sleep(20);
            }
        }
    }

    private static byte[] message(String subject) {
        return TestMessages.plain("W <w@example.test>", "r@example.test", subject, "watched\r\n");
    }

    @ParameterizedTest
    @CsvSource({"dovecot,imap", "dovecot,pop3", "greenmail,imap", "greenmail,pop3"})
    void reportsANewMessageAsJson(String server, String protocol) throws Exception {
        MailServerFixture s = server.equals("dovecot") ? SharedServers.dovecot() : SharedServers.greenMail();
        String user = s.newUser();
        s.deliver(user, "INBOX", message("old"), Flags.NONE);
        Running run = new Running(Map.of(ConnectionOptions.PASSWORD_VARIABLE, s.password(user)), "watch",
                protocol + "://" + user + "@127.0.0.1:" + s.port(protocol), "--tls=none", "--emulate", "--json",
                "--interval", "0.3", "--count", "1");
        run.awaitWatching();
        assertThat(run.err()).contains(server.equals("dovecot") && protocol.equals("imap") ? "WATCH is NATIVE: NOTIFY"
                : "WATCH is EMULATED");
        s.deliver(user, "INBOX", message("new"), Flags.NONE);
        assertThat(run.exit.get(20, TimeUnit.SECONDS)).as(run.err()).isZero();
        List<String> lines = run.outLines();
        assertThat(lines).hasSize(1);
        JsonNode e = JSON.readTree(lines.get(0));
        assertThat(e.get("event").asText()).isEqualTo("new");
        assertThat(e.get("folder").asText()).isEqualTo("INBOX");
        assertThat(e.get("ref").asText()).startsWith(protocol + ":");
        assertThat(e.get("flags").isArray()).isEqualTo(protocol.equals("imap"));
    }

    @Test
    void severalFoldersAsText() throws Exception {
        MailServerFixture s = SharedServers.dovecot();
        String user = s.newUser();
        s.createFolder(user, "Lists");
        Running run = new Running(Map.of(ConnectionOptions.PASSWORD_VARIABLE, s.password(user)), "watch",
                "imap://" + user + "@127.0.0.1:" + s.port("imap"), "--tls=none", "--emulate", "--folder", "INBOX",
                "--folder", "Lists", "--interval", "0.3", "--count", "2");
        run.awaitWatching();
        s.deliver(user, "Lists", message("list mail"), Flags.NONE);
        s.deliver(user, "INBOX", message("inbox mail"), Flags.NONE);
        assertThat(run.exit.get(20, TimeUnit.SECONDS)).as(run.err()).isZero();
        List<String> folders = new ArrayList<>();
        for (String line : run.outLines()) {
            assertThat(line).matches("new +(INBOX|Lists) imap:\\d+:\\d+");
            folders.add(line.split(" +")[1]);
        }
        assertThat(folders).containsExactlyInAnyOrder("INBOX", "Lists");
    }

    @Test
    void exitsWithFourOnceTheReconnectAttemptsAreSpent() throws Exception {
        MailServerFixture s = SharedServers.greenMail();
        String user = s.newUser();
        LoopbackProxy proxy = new LoopbackProxy(s.host(), s.port("imap"));
        Running run = new Running(Map.of(ConnectionOptions.PASSWORD_VARIABLE, s.password(user)), "watch",
                "imap://" + user + "@127.0.0.1:" + proxy.port(), "--tls=none", "--emulate", "--interval", "0.2",
                "--reconnect-attempts", "2");
        run.awaitWatching();
        proxy.close(); // no new connection
        proxy.cutAll();
        assertThat(run.exit.get(30, TimeUnit.SECONDS)).as(run.err()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(run.err()).contains("reconnect attempt 1 of 2", "reconnect attempt 2 of 2");
    }

    @Test
    void needsEmulate() {
        MailServerFixture s = SharedServers.greenMail();
        String user = s.newUser();
        Cli.Result r = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, s.password(user)), "watch",
                "imap://" + user + "@127.0.0.1:" + s.port("imap"), "--tls=none");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("WATCH");
    }
}

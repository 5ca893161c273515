package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flags;
import dev.mailaccess.store.Maildir;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailaccess fetch} (offline mode) against an embedded GreenMail, over POP3 and IMAP, cleartext on loopback. */
class FetchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SEEDED = 12;
    /** One GreenMail for the whole test JVM; each test isolates itself with a new user. */
    private final GreenMailFixture server = SharedServers.greenMail();
    private String user;
    private Map<String, String> env;

    @TempDir
    Path tmp;

    @BeforeEach
    void seed() {
        user = server.newUser();
        seed(server, user, SEEDED, 7);
        env = Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
    }

    /** Plain messages, every fourth with an attachment. */
    static void seed(MailServerFixture fixture, String user, int n, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            byte[] m = i % 4 == 3
                    ? TestMessages.withAttachment("Fetch " + i, "f" + i + ".bin",
                    TestMessages.randomBytes(1000 + r.nextInt(30_000), seed * 131 + i))
                    : TestMessages.plain("Sender <s" + i + "@example.test>", "rcpt@example.test", "Fetch " + i,
                    "body " + i + " " + "y".repeat(r.nextInt(4000)) + "\r\n");
            fixture.deliver(user, "INBOX", m, Flags.NONE);
        }
    }

    private String url(String protocol) {
        return protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
    }

    private Cli.Result fetch(String protocol, Path maildir, String... more) {
        List<String> args = new ArrayList<>(List.of("fetch", url(protocol), "--tls=none", "--maildir",
                maildir.toString()));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    /** Message-ID to SHA-256 of what the server serves now. */
    private Map<String, String> onServer() {
        return hashes(server.messages(user, "INBOX"));
    }

    static Map<String, String> hashes(List<byte[]> messages) {
        Map<String, String> m = new TreeMap<>();
        for (byte[] b : messages) {
            m.put(TestMessages.messageId(b), sha256(b));
        }
        return m;
    }

    /** Message-ID to SHA-256 of the Maildir's messages; fails on a Message-ID stored twice. */
    static Map<String, String> inMaildir(Path maildir) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (Path p : Maildir.open(maildir, false).messages()) {
            byte[] b = Files.readAllBytes(p);
            String previous = m.put(TestMessages.messageId(b), sha256(b));
            assertThat(previous).as("stored twice: " + TestMessages.messageId(b) + " in " + maildir).isNull();
        }
        return m;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pop3", "imap"})
    void fetchDownloadsEverythingEmptiesTheServerAndASecondRunDownloadsNothing(String protocol) throws IOException {
        Map<String, String> before = onServer();
        assertThat(before).hasSize(SEEDED);
        Path md = tmp.resolve("Mail");
        Cli.Result r = fetch(protocol, md, "--commit-every", "5");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(1);
        assertThat(r.out()).startsWith(SEEDED + " messages, ").contains(" bytes (", " s; 0 already present; "
                + SEEDED + " deleted on server; Maildir " + md);
        assertThat(inMaildir(md)).isEqualTo(before);
        assertThat(onServer()).isEmpty();
        // stderr is no terminal here: plain progress lines, a few, not one per message
        assertThat(r.errLines()).isNotEmpty().hasSizeLessThanOrEqualTo(SEEDED)
                .allSatisfy(l -> assertThat(l).startsWith("fetch: "));
        assertThat(r.errLines().get(0)).isEqualTo("fetch: INBOX: " + SEEDED + " new messages, "
                + r.errLines().get(0).substring(("fetch: INBOX: " + SEEDED + " new messages, ").length()));
        assertThat(r.errLines().get(r.errLines().size() - 1)).startsWith("fetch: " + SEEDED + "/" + SEEDED
                + " messages").endsWith("(100%)");

        Cli.Result again = fetch(protocol, md);
        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(again.out()).startsWith("0 messages, 0 bytes").contains("0 deleted on server");
        assertThat(again.err()).isEmpty();
        assertThat(inMaildir(md)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pop3", "imap"})
    void keepLeavesTheServerUntouchedAndJsonHasEveryField(String protocol) throws IOException {
        Map<String, String> before = onServer();
        Path md = tmp.resolve("Mail");
        Cli.Result r = fetch(protocol, md, "--keep", "--json", "--progress=none");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.outLines()).hasSize(1);
        JsonNode o = JSON.readTree(r.out());
        assertThat(iterable(o.fieldNames())).containsExactly("messages", "bytes", "seconds", "alreadyPresent",
                "deletedOnServer", "reconnects", "maildir");
        assertThat(o.get("messages").asInt()).isEqualTo(SEEDED);
        assertThat(o.get("bytes").asLong()).isPositive();
        assertThat(o.get("seconds").isNumber()).isTrue();
        assertThat(o.get("seconds").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(o.get("alreadyPresent").asInt()).isZero();
        assertThat(o.get("deletedOnServer").asInt()).isZero();
        assertThat(o.get("reconnects").asInt()).isZero();
        assertThat(o.get("maildir").asText()).isEqualTo(md.toString());
        assertThat(onServer()).isEqualTo(before);
        assertThat(inMaildir(md)).isEqualTo(before);

        JsonNode again = JSON.readTree(fetch(protocol, md, "--keep", "--json").out());
        assertThat(again.get("messages").asInt()).isZero();
        assertThat(again.get("alreadyPresent").asInt()).isEqualTo(SEEDED);
        assertThat(onServer()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pop3", "imap"})
    void keepDaysZeroDeletesWhatIsStored(String protocol) throws IOException {
        Map<String, String> before = onServer();
        Path md = tmp.resolve("Mail");
        Cli.Result r = fetch(protocol, md, "--keep-days", "0", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(JSON.readTree(r.out()).get("deletedOnServer").asInt()).isEqualTo(SEEDED);
        assertThat(onServer()).isEmpty();
        assertThat(inMaildir(md)).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pop3", "imap"})
    void anUnwritableMaildirExitsOneWithOneLineAndDeletesNothing(String protocol) throws IOException {
        Map<String, String> before = onServer();
        Path file = tmp.resolve("not-a-directory");
        Files.writeString(file, "a regular file");
        Cli.Result r = fetch(protocol, file);
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.out()).isEmpty();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("mailaccess: cannot create Maildir " + file)
                .contains("exists and is not a directory");
        assertThat(onServer()).isEqualTo(before);
        assertThat(Files.readString(file)).isEqualTo("a regular file");
    }

    @Test
    void wrongPasswordExitsThree() {
        Cli.Result r = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, "wrong"), "fetch", url("imap"),
                "--tls=none", "--maildir", tmp.resolve("Mail").toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(r.errLines()).hasSize(1);
    }

    @Test
    void anUnreachableServerExitsFourWithOneLineAfterTheAttempts() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run(env, "fetch", "pop3://" + user + "@127.0.0.1:" + port, "--tls=none", "--maildir",
                tmp.resolve("Mail").toString(), "--attempts", "1");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.errLines()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("mailaccess: offline fetch from ").contains("gave up after 1 attempt");
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        String md = tmp.resolve("Mail").toString();
        for (String[] args : List.of(
                new String[] {"fetch", url("pop3"), "--tls=none", "--maildir", md, "--keep", "--keep-days", "3"},
                new String[] {"fetch", url("pop3"), "--tls=none"},
                new String[] {"fetch", url("pop3"), "--tls=none", "--maildir", md, "--keep-days", "-1"},
                new String[] {"fetch", url("pop3"), "--tls=none", "--maildir", md, "--commit-every", "0"},
                new String[] {"fetch", url("pop3"), "--tls=none", "--maildir", md, "--progress", "fancy"})) {
            Cli.Result r = Cli.run(env, args);
            assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isEqualTo(ExitCodes.USAGE);
            assertThat(r.errLines()).as(r.toString()).hasSize(1);
            assertThat(r.err()).startsWith("mailaccess: ");
        }
        assertThat(Files.exists(tmp.resolve("Mail"))).isFalse();
    }

    @Test
    void progressBarRedrawsOneLineInPlace() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.PrintStream err = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
        FetchProgress bar = FetchProgress.create(FetchProgress.Mode.BAR, err, s -> s);
        bar.started("INBOX", 4, 4000);
        for (int i = 1; i <= 4; i++) {
            bar.progressed("INBOX", i, i * 1000L);
        }
        bar.finish();
        String text = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).startsWith("\rINBOX [").endsWith("\n");
        assertThat(text.chars().filter(c -> c == '\n').count()).as("newlines").isEqualTo(1);
        assertThat(text).contains("100%  4/4 messages, 3.9 KB of 3.9 KB");
    }

    @Test
    void humanSizes() {
        assertThat(FetchProgress.human(999)).isEqualTo("999 B");
        assertThat(FetchProgress.human(1536)).isEqualTo("1.5 KB");
        assertThat(FetchProgress.human(100L * 1024 * 1024)).isEqualTo("100.0 MB");
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> it) {
        return () -> it;
    }
}

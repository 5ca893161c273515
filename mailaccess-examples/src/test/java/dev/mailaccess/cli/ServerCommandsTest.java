package dev.mailaccess.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.cli.demo.DemoMail;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tool against an embedded GreenMail, over IMAP and POP3, cleartext on loopback. */
class ServerCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One GreenMail for the whole test JVM; each test isolates itself with a new user. */
    private final GreenMailFixture server = SharedServers.greenMail();
    private String user;
    private Map<String, String> env;

    @BeforeEach
    void seed() {
        user = server.newUser();
        List<byte[]> mail = DemoMail.messages();
        for (int i = 0; i < mail.size(); i++) {
            server.deliver(user, "INBOX", mail.get(i), i < 2 ? Flags.of(Flag.SEEN) : Flags.NONE);
        }
        env = Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
    }

    private String url(String protocol) {
        return protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
    }

    private Cli.Result run(String command, String protocol, String... more) {
        List<String> args = new ArrayList<>(List.of(command, url(protocol), "--tls=none"));
        args.addAll(List.of(more));
        return Cli.run(env, args.toArray(String[]::new));
    }

    private static List<String> demoSubjectsNewestFirst() {
        return List.of("Your invoice 2025-0042", "Re: Lunch on Friday?", "Build failed: main #1234",
                "This week: IMAP vs POP3", DemoMail.ATTACHMENT_SUBJECT, DemoMail.GREETINGS_SUBJECT,
                "Lunch on Friday?", "Welcome to mailaccess");
    }

    private static List<JsonNode> json(Cli.Result r) throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : r.outLines()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void demoRunsAndShowsBothProtocols() {
        Cli.Result r = Cli.run("demo");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("POP3 REF", "IMAP REF", "pop3:", "imap:", "UnsupportedCapabilityException",
                "SERVER_FLAGS", "README", DemoMail.ATTACHMENT_NAME, DemoMail.GREETINGS_SUBJECT);
        assertThat(r.out()).containsPattern("IMAP: flags \\[[a-z, ]*\\]; addFlags\\(imap:\\d+:\\d+, FLAGGED\\)"
                + ".*flagged\\]");
        assertThat(r.out()).containsPattern("IMAP: SERVER_SEARCH is NATIVE[^\\n]*\\n\\s+1 hit");
        assertThat(r.out()).containsPattern("POP3: SERVER_SEARCH is EMULATED[^\\n]*\\n\\s+1 hit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3"})
    void listJsonIsOneObjectPerLineNewestFirst(String protocol) throws IOException {
        // GreenMail's POP3 offers no TOP, so headers are EMULATED there: allowed with --emulate
        Cli.Result r = protocol.equals("imap") ? run("list", protocol, "--json")
                : run("list", protocol, "--json", "--emulate");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<JsonNode> nodes = json(r);
        assertThat(nodes).hasSize(8);
        for (JsonNode n : nodes) {
            assertThat(iterable(n.fieldNames())).containsExactly("ref", "from", "subject", "date", "size", "flags");
            assertThat(n.get("ref").asText()).startsWith(protocol + ":");
            assertThat(n.get("flags").isArray()).isTrue();
            assertThat(n.get("size").asLong()).isPositive();
            assertThat(n.get("date").isNull() || n.get("date").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*")).isTrue();
        }
        assertThat(nodes).extracting(n -> n.get("subject").asText()).containsExactlyElementsOf(
                demoSubjectsNewestFirst());
        assertThat(nodes.get(2).get("from").asText()).isEqualTo("CI <ci@example.org>");
        assertThat(nodes.get(5).get("from").asText()).isEqualTo("Jürgen Müller <juergen@example.de>");
        if (protocol.equals("imap")) {
            assertThat(nodes.get(7).get("flags")).extracting(JsonNode::asText).containsExactly("seen");
            assertThat(nodes.get(0).get("flags")).isEmpty();
        } else {
            assertThat(nodes).allSatisfy(n -> assertThat(n.get("flags")).isEmpty());
        }
    }

    @Test
    void listPop3WithoutEmulationHasNoHeadersAndSaysWhy() throws IOException {
        Cli.Result r = run("list", "pop3", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        List<JsonNode> nodes = json(r);
        assertThat(nodes).hasSize(8).allSatisfy(n -> {
            assertThat(n.get("subject").isNull()).isTrue();
            assertThat(n.get("from").isNull()).isTrue();
            assertThat(n.get("size").asLong()).isPositive();
            assertThat(n.get("flags")).isEmpty();
        });
        assertThat(nodes).extracting(n -> n.get("ref").asText()).containsExactly("pop3:8", "pop3:7", "pop3:6",
                "pop3:5", "pop3:4", "pop3:3", "pop3:2", "pop3:1");
        assertThat(r.err()).contains("HEADERS is EMULATED", "--emulate");
    }

    @Test
    void listLimitAndTable() {
        Cli.Result r = run("list", "imap", "--limit", "3");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(4);
        assertThat(r.outLines().get(0)).contains("REF", "DATE", "FROM", "SUBJECT", "SIZE", "FLAGS");
        assertThat(r.outLines().get(1)).contains("Your invoice 2025-0042");
        assertThat(r.outLines().get(3)).contains("Build failed");
    }

    @Test
    void showImapPrintsExactBytesAndLeavesTheMessageUnseen() throws IOException {
        byte[] expected = server.messages(user, "INBOX").get(2);
        String ref = json(run("list", "imap", "--json")).get(5).get("ref").asText();

        Cli.Result r = run("show", "imap", ref);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEqualTo(expected);

        String uid = ref.substring(ref.lastIndexOf(':') + 1);
        Cli.Result bare = run("show", "imap", uid);
        assertThat(bare.exit()).as(bare.toString()).isZero();
        assertThat(bare.outBytes()).isEqualTo(expected);

        JsonNode after = json(run("list", "imap", "--json")).get(5);
        assertThat(after.get("ref").asText()).isEqualTo(ref);
        assertThat(after.get("flags")).extracting(JsonNode::asText).doesNotContain("seen");
    }

    @Test
    void showPop3PrintsExactBytes() throws IOException {
        byte[] expected = server.messages(user, "INBOX").get(3);
        String ref = json(run("list", "pop3", "--json")).get(4).get("ref").asText();
        Cli.Result r = run("show", "pop3", ref);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outBytes()).isEqualTo(expected);
    }

    @Test
    void showRejectsAReferenceOfTheOtherProtocol() {
        Cli.Result r = run("show", "pop3", "imap:1:1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        Cli.Result bad = run("show", "imap", "seven");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a message reference");
    }

    @Test
    void searchNonAsciiSubjectOnImap() throws IOException {
        Cli.Result r = run("search", "imap", "subject:Grüße", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(json(r)).extracting(n -> n.get("subject").asText()).containsExactly(DemoMail.GREETINGS_SUBJECT);
    }

    @Test
    void searchOnPop3NeedsEmulation() throws IOException {
        Cli.Result refused = run("search", "pop3", "subject:Grüße");
        assertThat(refused.exit()).as(refused.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(refused.errLines()).hasSize(1);
        assertThat(refused.err()).startsWith("mailaccess: ").contains("SERVER_SEARCH", "pop3", "--emulate",
                "POP3 has no SEARCH");
        assertThat(refused.out()).isEmpty();

        Cli.Result emulated = run("search", "pop3", "subject:Grüße", "--json", "--emulate");
        assertThat(emulated.exit()).as(emulated.toString()).isZero();
        assertThat(json(emulated)).extracting(n -> n.get("subject").asText())
                .containsExactly(DemoMail.GREETINGS_SUBJECT);
    }

    @Test
    void searchCombinesTermsNewestFirst() throws IOException {
        Cli.Result r = run("search", "imap", "subject:lunch -flag:seen", "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(json(r)).extracting(n -> n.get("subject").asText()).containsExactly("Re: Lunch on Friday?");

        Cli.Result pop = run("search", "pop3", "flag:seen", "--emulate");
        assertThat(pop.exit()).as(pop.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(pop.err()).contains("SERVER_FLAGS");
    }

    @Test
    void foldersOnImapAndPop3() {
        Cli.Result imap = run("folders", "imap");
        assertThat(imap.exit()).as(imap.toString()).isZero();
        assertThat(imap.out()).contains("INBOX");

        Cli.Result pop = run("folders", "pop3");
        assertThat(pop.exit()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(pop.err()).contains("FOLDERS", "single mailbox");
    }

    @Test
    void liveCapabilities() {
        Cli.Result r = run("capabilities", "imap");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("SERVER_SEARCH", "NATIVE", "REASON");
        Cli.Result md = run("capabilities", "pop3", "--markdown");
        assertThat(md.exit()).as(md.toString()).isZero();
        assertThat(md.out()).startsWith("| Capability | Meaning | POP3 | Reason |").contains("| `FOLDERS` |");
    }

    @Test
    void passwordFromFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pw");
        Files.writeString(file, server.password(user) + "\nignored second line\n", StandardCharsets.UTF_8);
        Cli.Result r = Cli.run(Map.of(), "list", url("imap"), "--tls=none", "--password-file", file.toString(),
                "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines()).hasSize(8);
    }

    @Test
    void trustReadsPemCertificates(@TempDir Path dir) throws Exception {
        KeyStore cacerts = KeyStore.getInstance(Path.of(System.getProperty("java.home"), "lib", "security",
                "cacerts").toFile(), (char[]) null);
        StringBuilder pem = new StringBuilder();
        Iterator<String> aliases = cacerts.aliases().asIterator();
        for (int i = 0; i < 2 && aliases.hasNext(); i++) {
            Certificate c = cacerts.getCertificate(aliases.next());
            pem.append("-----BEGIN CERTIFICATE-----\n")
                    .append(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(c.getEncoded()))
                    .append("\n-----END CERTIFICATE-----\n");
        }
        Path good = dir.resolve("ca.pem");
        Files.writeString(good, pem);
        Cli.Result ok = run("list", "imap", "--trust", good.toString(), "--limit", "1");
        assertThat(ok.exit()).as(ok.toString()).isZero();

        Path bad = dir.resolve("bad.pem");
        Files.writeString(bad, "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n");
        Cli.Result r = run("list", "imap", "--trust", bad.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("bad.pem");
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3"})
    void wrongPasswordExitsThreeWithOneLineAndNoSecret(String protocol) {
        String secret = "s3cret-Wrong-" + protocol;
        Cli.Result r = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, secret), "list", url(protocol),
                "--tls=none");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("mailaccess: ").contains("authentication failed").doesNotContain(secret)
                .doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void verbosePrintsTheStackTraceButStillNoSecret() {
        String secret = "s3cret-Verbose";
        Cli.Result r = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, secret), "list", url("imap"),
                "--tls=none", "--verbose");
        assertThat(r.exit()).isEqualTo(ExitCodes.AUTHENTICATION);
        assertThat(r.err()).contains("\tat ").doesNotContain(secret);
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3"})
    void closedPortExitsFour(String protocol) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result r = Cli.run(env, "list", protocol + "://" + user + "@127.0.0.1:" + port, "--tls=none",
                "--timeout", "5");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.errLines()).hasSize(1);
    }

    @Test
    void silentServerTimesOutWithExitFour() throws IOException {
        try (ServerSocket silent = new ServerSocket(0)) {
            long start = System.nanoTime();
            Cli.Result r = Cli.run(env, "list", "imap://" + user + "@127.0.0.1:" + silent.getLocalPort(),
                    "--tls=none", "--timeout", "1");
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(r.errLines()).hasSize(1);
            assertThat(System.nanoTime() - start).isLessThan(15_000_000_000L);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"imap", "pop3"})
    void starttlsRequiredButNotOfferedExitsFour(String protocol) {
        Cli.Result r = Cli.run(env, "list", url(protocol), "--timeout", "5");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).containsIgnoringCase("TLS");
    }

    private static List<String> iterable(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.AuthMechanism;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.Capability;
import dev.mailaccess.Credentials;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.Support;
import dev.mailaccess.TlsMode;
import dev.mailaccess.TokenRejectedException;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.HostileServer;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.SharedServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How IMAP logs in: SCRAM against a Dovecot with SCRAM mechanisms and a SCRAM-SHA-256 passwd-file entry, SASL-IR's one
 * round trip, pinned mechanisms, OAUTHBEARER's exact bytes and JSON error against a scripted server, and ID.
 */
class ImapLoginMechanismsTest {
    private static DovecotFixture scramDovecot;

    @BeforeAll
    static void start() {
        scramDovecot = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults()
                .authMechanisms("scram-sha-256 scram-sha-1 plain login"));
    }

    @AfterAll
    static void stop() {
        if (scramDovecot != null) {
            scramDovecot.close();
        }
    }

    private static MailboxConfig.Builder through(LoopbackProxy proxy, DovecotFixture d, String user) {
        return d.config("imap", user).port(proxy.port());
    }

    @Test
    void scramSha256IsChosenAndThePasswordNeverCrossesTheWire() {
        String user = scramDovecot.newScramUser();
        assertThat(scramDovecot.passwdEntry(user)).contains("{SCRAM-SHA-256}").doesNotContain(
                scramDovecot.password(user));
        try (LoopbackProxy proxy = new LoopbackProxy(scramDovecot.host(), scramDovecot.port("imap"))) {
            try (Mailbox mb = MailAccess.connect(through(proxy, scramDovecot, user).build());
                 MailFolder inbox = mb.inbox()) {
                assertThat(inbox.refs()).isEmpty();
                assertThat(mb.capabilities().support(Capability.SASL_LOGIN)).isEqualTo(Support.NATIVE);
                assertThat(mb.capabilities().info(Capability.SASL_LOGIN).reason())
                        .contains("logged in with SCRAM-SHA-256 (SASL-IR)");
            }
            List<String> lines = proxy.commands();
            assertThat(lines.get(0)).matches("\\S+ AUTHENTICATE SCRAM-SHA-256 \\S+");
            String password = scramDovecot.password(user);
            for (String line : lines) {
                assertThat(line).doesNotContain(password);
                for (String word : line.split(" ")) {
                    assertThat(decodeQuietly(word)).doesNotContain(password);
                }
            }
        }
    }

    private static String decodeQuietly(String word) {
        try {
            return new String(Base64.getDecoder().decode(word), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return "";
        }
    }

    @Test
    void aWrongPasswordWithScramIsAnAuthenticationException() {
        String user = scramDovecot.newScramUser();
        MailboxConfig wrong = scramDovecot.config("imap", user).password("not-" + user).build();
        assertThatThrownBy(() -> MailAccess.connect(wrong).close())
                .isInstanceOf(AuthenticationException.class)
                .hasMessageNotContaining("not-" + user);
    }

    @Test
    void aPinnedScramSha1WorksWithAPlainStoredPassword() {
        String user = scramDovecot.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(scramDovecot.host(), scramDovecot.port("imap"))) {
            try (Mailbox mb = MailAccess.connect(through(proxy, scramDovecot, user)
                    .authMechanism(AuthMechanism.SCRAM_SHA_1).build())) {
                assertThat(mb.capabilities().info(Capability.SASL_LOGIN).reason()).contains("SCRAM-SHA-1");
            }
            assertThat(proxy.commands().get(0)).contains(" AUTHENTICATE SCRAM-SHA-1 ");
        }
    }

    @Test
    void saslIrMakesAuthenticateOneRoundTripOnDovecot() {
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port("imap"))) {
            try (Mailbox mb = MailAccess.connect(through(proxy, d, user).authMechanism(AuthMechanism.PLAIN)
                    .build())) {
                assertThat(mb.capabilities().info(Capability.SASL_LOGIN).reason())
                        .contains("logged in with PLAIN (SASL-IR)");
                // Dovecot's default mechanisms are PLAIN and LOGIN: nothing stronger to choose
                assertThat(mb.capabilities().support(Capability.SASL_LOGIN)).isEqualTo(Support.UNSUPPORTED);
            }
            List<String> lines = proxy.commands();
            assertThat(lines.get(0)).matches("\\S+ AUTHENTICATE PLAIN \\S+");
            // the next line is the next command (tag and verb), not a response to a continuation
            assertThat(lines.get(1)).matches("\\S+ [A-Z]+.*");
            assertThat(lines.stream().filter(l -> l.contains("AUTHENTICATE"))).hasSize(1);
        }
    }

    @Test
    void aPinnedMechanismTheServerLacksFailsBeforeAnySecretIsSent() {
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port("imap"))) {
            assertThatThrownBy(() -> MailAccess.connect(through(proxy, d, user)
                    .authMechanism(AuthMechanism.SCRAM_SHA_256).build()).close())
                    .isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("does not offer SCRAM-SHA-256")
                    .hasMessageContaining("PLAIN LOGIN");
            assertThat(proxy.commands()).noneMatch(l -> l.contains("AUTHENTICATE") || l.contains("LOGIN"));
        }
    }

    @Test
    void greenMailLogsInWithoutSaslBeyondPlain() {
        var gm = SharedServers.greenMail();
        String user = gm.newUser();
        try (Mailbox mb = MailAccess.connect(gm.config("imap", user).build())) {
            assertThat(mb.capabilities().support(Capability.SASL_LOGIN)).isEqualTo(Support.UNSUPPORTED);
        }
        assertThatThrownBy(() -> MailAccess.connect(gm.config("imap", user)
                .authMechanism(AuthMechanism.SCRAM_SHA_256).build()).close())
                .isInstanceOf(AuthenticationException.class).hasMessageContaining("does not offer SCRAM-SHA-256");
    }

    // ---------------------------------------------------------------------------------------------- OAUTHBEARER

    private static String bearer(String user, int port, String token) {
        return Base64.getEncoder().encodeToString(("n,a=" + user + ",\u0001host=127.0.0.1\u0001port=" + port
                + "\u0001auth=Bearer " + token + "\u0001\u0001").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void oauthBearerSendsTheExactBytesAndCallsTheSupplierOnEveryConnect() throws Exception {
        List<String> authenticateLines = new ArrayList<>();
        int[] portHolder = new int[1];
        try (HostileServer server = HostileServer.imap()
                .capabilities("IMAP4rev1", "SASL-IR", "AUTH=XOAUTH2", "AUTH=OAUTHBEARER", "UIDPLUS")
                .on("AUTHENTICATE", (c, tag, line) -> {
                    int n;
                    synchronized (authenticateLines) {
                        authenticateLines.add(line);
                        n = authenticateLines.size();
                    }
                    boolean exact = line.equals(tag + " AUTHENTICATE OAUTHBEARER "
                            + bearer("alice=2Cx=3Dy", portHolder[0], "token-" + n)); // RFC 5801 escapes , and =
                    c.sendLine(tag + (exact ? " OK [CAPABILITY IMAP4rev1 UIDPLUS] Logged in" : " NO wrong bytes "
                            + new String(Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1)),
                            StandardCharsets.UTF_8).replace('\u0001', '|')));
                })
                .start()) {
            portHolder[0] = server.port();
            AtomicInteger calls = new AtomicInteger();
            MailboxConfig config = MailboxConfig.builder().protocol("imap").host("127.0.0.1").port(server.port())
                    .user("alice,x=y").tlsMode(TlsMode.NONE)
                    .credentials(Credentials.oauth2(() -> "token-" + calls.incrementAndGet())).build();
            for (int i = 0; i < 2; i++) {
                try (Mailbox mb = MailAccess.connect(config)) {
                    assertThat(mb.capabilities().info(Capability.SASL_LOGIN).reason())
                            .contains("logged in with OAUTHBEARER (SASL-IR)");
                }
            }
            assertThat(calls.get()).isEqualTo(2);
            assertThat(authenticateLines).hasSize(2).allMatch(l -> l.contains(" AUTHENTICATE OAUTHBEARER "));
        }
    }

    @Test
    void theServersJsonErrorBecomesATokenRejectedException() throws Exception {
        String json = "{\"status\":\"invalid_token\",\"scope\":\"https://mail.example.org/imap\","
                + "\"openid-configuration\":\"https://example.org/.well-known/openid-configuration\"}";
        List<String> answers = new ArrayList<>();
        try (HostileServer server = HostileServer.imap()
                .capabilities("IMAP4rev1", "SASL-IR", "AUTH=OAUTHBEARER")
                .on("AUTHENTICATE", (c, tag, line) -> {
                    c.sendLine("+ " + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
                    answers.add(c.readLine());
                    c.sendLine(tag + " NO [AUTHENTICATIONFAILED] OAUTHBEARER failed");
                })
                .start()) {
            MailboxConfig config = MailboxConfig.builder().protocol("imap").host("127.0.0.1").port(server.port())
                    .user("alice").tlsMode(TlsMode.NONE).credentials(Credentials.oauth2(() -> "secret-token-1"))
                    .build();
            assertThatThrownBy(() -> MailAccess.connect(config).close())
                    .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                        assertThat(e.status()).isEqualTo("invalid_token");
                        assertThat(e.scope()).isEqualTo("https://mail.example.org/imap");
                    })
                    .hasMessageContaining("invalid_token")
                    .hasMessageNotContaining("secret-token-1");
            // RFC 7628 3.2.3: the client answers the error with a single 0x01
            assertThat(answers).containsExactly("AQ==");
        }
    }

    // ---------------------------------------------------------------------------------------------- ID

    @Test
    void theClientIdIsSentWhereTheServerAnnouncesIdSoThatSelectWorks() throws Exception {
        try (HostileServer server = HostileServer.imap()
                .capabilities("IMAP4rev1", "ID", "UIDPLUS")
                .on("ID", (c, tag, line) -> {
                    c.sendLine("* ID (\"name\" \"Coremail Imap\")");
                    c.sendLine(tag + " OK ID completed");
                })
                .on("SELECT", (c, tag, line) -> {
                    if (c.count("ID") == 0) { // as NetEase's servers do
                        c.sendLine(tag + " NO SELECT Unsafe Login. Please contact kefu@188.com for help");
                    } else {
                        c.defaultAnswer();
                    }
                })
                .start()) {
            MailboxConfig.Builder b = MailboxConfig.builder().protocol("imap").host("127.0.0.1").port(server.port())
                    .user("alice").password("pw").tlsMode(TlsMode.NONE);
            assertThatThrownBy(() -> {
                try (Mailbox mb = MailAccess.connect(b.build()); MailFolder in = mb.inbox()) {
                    in.refs();
                }
            }).hasMessageContaining("Unsafe Login");
            try (Mailbox mb = MailAccess.connect(b.clientId(Map.of("name", "mailaccess", "version", "0.1")).build());
                 MailFolder in = mb.inbox()) {
                assertThat(in.refs()).isEmpty();
            }
            assertThat(server.commands()).anyMatch(l -> l.matches("\\S+ ID \\(\"name\" \"mailaccess\" \"version\""
                    + " \"0.1\"\\)|\\S+ ID \\(\"version\" \"0.1\" \"name\" \"mailaccess\"\\)"));
        }
    }
}

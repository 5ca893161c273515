package dev.mailaccess.cli;

import dev.mailaccess.Flags;
import dev.mailaccess.cli.demo.DemoMail;
import dev.mailaccess.testkit.DovecotFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TLS and {@code --trust} against a real Dovecot with a throwaway CA (skipped where Dovecot is not installed, failed
 * when {@code CI=true}).
 */
class TlsCommandsTest {
    private static DovecotFixture server;
    private static String user;
    private static Map<String, String> env;

    @BeforeAll
    static void start() {
        server = DovecotFixture.startOrSkip();
        user = server.newUser();
        DemoMail.messages().forEach(m -> server.deliver(user, "INBOX", m, Flags.NONE));
        env = Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private String implicitUrl(String protocol) {
        return protocol + "s://" + user + "@" + server.host() + ":" + server.tlsPort(protocol);
    }

    @Test
    void implicitTlsWithTrustedCa() {
        for (String protocol : new String[] {"imap", "pop3"}) {
            Cli.Result r = Cli.run(env, "list", implicitUrl(protocol), "--trust", server.caPemFile().toString(),
                    "--json", "--emulate");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.outLines()).hasSize(8);
        }
    }

    @Test
    void startTlsWithTrustedCa() {
        Cli.Result r = Cli.run(env, "search", "imap://" + user + "@" + server.host() + ":" + server.port("imap"),
                "subject:Grüße", "--trust", server.caPemFile().toString(), "--json");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains(DemoMail.GREETINGS_SUBJECT);
    }

    @Test
    void untrustedCertificateExitsFourAndSaysHowToTrust() {
        Cli.Result r = Cli.run(env, "list", implicitUrl("imap"));
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("not trusted", "--trust");
    }
}

package dev.mailaccess.cli;

import dev.mailaccess.Flags;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.TestMessages;
import dev.mailaccess.testkit.TunnelProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --proxy}, {@code --proxy-user}, {@code --auth} and {@code --no-compress} against a Dovecot with imap_zlib. */
class ConnectionOptionsTest {
    private static final String PROXY_PASSWORD = "cli-proxy-secret-41";
    private static DovecotFixture server;

    @BeforeAll
    static void start() {
        server = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().tls(false).compression(true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static Cli.Result run(String user, String proxyPassword, String command, String protocol,
                                  String... more) {
        Map<String, String> env = new HashMap<>();
        env.put(ConnectionOptions.PASSWORD_VARIABLE, server.password(user));
        if (proxyPassword != null) {
            env.put(ConnectionOptions.PROXY_PASSWORD_VARIABLE, proxyPassword);
        }
        String url = protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
        return Cli.run(env, Cli.args(new String[] {command, url, "--tls=none"}, more));
    }

    @Test
    void listsThroughASocks5ProxyWithCredentials() {
        String user = server.newUser();
        server.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Kind.SOCKS5, "me", PROXY_PASSWORD)) {
            Cli.Result r = run(user, PROXY_PASSWORD, "list", "imap", "--proxy", "socks5://127.0.0.1:" + proxy.port(),
                    "--proxy-user", "me");
            assertThat(r.exit()).as(r.toString()).isZero();
            assertThat(r.out()).contains("Message 1");
            assertThat(proxy.targets()).containsExactly("127.0.0.1:" + server.port("imap"));
        }
    }

    @Test
    void aWrongProxyPasswordIsAConnectionErrorThatDoesNotShowIt() {
        String user = server.newUser();
        String wrong = "not-" + PROXY_PASSWORD;
        try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Kind.HTTP, "me", PROXY_PASSWORD)) {
            Cli.Result r = run(user, wrong, "list", "pop3", "--proxy", "http://127.0.0.1:" + proxy.port(),
                    "--proxy-user", "me", "--verbose");
            assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.CONNECTION);
            assertThat(r.err()).contains("proxy", "407").doesNotContain(wrong);
            assertThat(r.out()).doesNotContain(wrong);
        }
    }

    @Test
    void proxyOptionsAreCheckedBeforeConnecting() {
        String user = server.newUser();
        Cli.Result noPassword = run(user, null, "list", "imap", "--proxy", "socks5://127.0.0.1:1080",
                "--proxy-user", "me");
        assertThat(noPassword.exit()).as(noPassword.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(noPassword.err()).contains(ConnectionOptions.PROXY_PASSWORD_VARIABLE);
        Cli.Result scheme = run(user, null, "list", "imap", "--proxy", "ftp://127.0.0.1:21");
        assertThat(scheme.exit()).as(scheme.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(scheme.err()).contains("socks5://host:port");
        Cli.Result inUri = run(user, null, "list", "imap", "--proxy", "http://me:pw@127.0.0.1:3128");
        assertThat(inUri.exit()).as(inUri.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(inUri.err()).contains("no user or password in the proxy URI");
    }

    @Test
    void authPinsAMechanismAndPop3RefusesScramBeforeConnecting() {
        String user = server.newUser();
        Cli.Result pop = run(user, null, "list", "pop3", "--auth", "scram-sha-256");
        assertThat(pop.exit()).as(pop.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(pop.err()).contains("SASL_LOGIN", "SCRAM-SHA-256");
        Cli.Result imap = run(user, null, "capabilities", "imap", "--auth", "plain");
        assertThat(imap.exit()).as(imap.toString()).isZero();
        assertThat(imap.out()).contains("logged in with PLAIN");
        Cli.Result bogus = run(user, null, "list", "imap", "--auth", "cram-md5");
        assertThat(bogus.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(bogus.err()).contains("unknown mechanism 'cram-md5'");
    }

    @Test
    void noCompressTurnsCompressionOff() {
        String user = server.newUser();
        Cli.Result on = run(user, null, "capabilities", "imap");
        assertThat(on.exit()).as(on.toString()).isZero();
        assertThat(on.out()).contains("this session's traffic is compressed");
        Cli.Result off = run(user, null, "capabilities", "imap", "--no-compress");
        assertThat(off.exit()).as(off.toString()).isZero();
        assertThat(off.out()).contains("compression(false) turned it off");
    }
}

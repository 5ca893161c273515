package dev.mailaccess.testkit;

import dev.mailaccess.ConnectionException;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailProxy;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connecting through a SOCKS5 (RFC 1928/1929) or HTTP CONNECT proxy, for one protocol, with the testkit's
 * {@link TunnelProxy} in front of a real Dovecot: cleartext, STARTTLS and implicit TLS through the tunnel (the
 * certificate checked against the mail server's name, not the proxy's), the proxy's password never in logs, exceptions
 * or {@code toString()}, refusals as non-retryable {@link ConnectionException}s, and a silent or flooding proxy cut
 * off within the connect timeout.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ProxyContract {
    private static final String PROXY_USER = "proxy-user";
    private static final String PROXY_PASSWORD = "proxy-pa55word-never-shown";

    private static DovecotFixture wrongHost;

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    private static synchronized DovecotFixture wrongHostDovecot() {
        if (wrongHost == null) {
            wrongHost = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().wrongHostCertificate());
        }
        return wrongHost;
    }

    @AfterAll
    static synchronized void stopFixtures() {
        if (wrongHost != null) {
            wrongHost.close();
            wrongHost = null;
        }
    }

    private static MailProxy proxyFor(TunnelProxy proxy, TunnelProxy.Kind kind) {
        MailProxy p = kind == TunnelProxy.Kind.SOCKS5 ? MailProxy.socks5("127.0.0.1", proxy.port())
                : MailProxy.httpConnect("127.0.0.1", proxy.port());
        return p.withCredentials(PROXY_USER, PROXY_PASSWORD);
    }

    private static void listInbox(MailboxConfig config, int expected) {
        try (Mailbox mb = MailAccess.connect(config); MailFolder inbox = mb.inbox()) {
            assertThat(inbox.refs()).hasSize(expected);
        }
    }

    private static String describe(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    private void connectsThrough(TunnelProxy.Kind kind, boolean implicitTls) {
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        d.deliver(user, "INBOX", TestMessages.numbered(2), Flags.NONE);
        try (TunnelProxy proxy = TunnelProxy.start(kind, PROXY_USER, PROXY_PASSWORD)) {
            MailboxConfig.Builder b = implicitTls ? d.implicitTlsConfig(protocol(), user)
                    : d.startTlsConfig(protocol(), user);
            MailboxConfig config = b.proxy(proxyFor(proxy, kind)).build();
            assertThat(config.toString()).doesNotContain(PROXY_PASSWORD);
            listInbox(config, 2);
            int port = implicitTls ? d.tlsPort(protocol()) : d.port(protocol());
            assertThat(proxy.targets()).containsOnly(d.host() + ":" + port);
            assertThat(proxy.refusals()).isEmpty();
        }
    }

    @Test
    void socks5WithCredentialsAndStartTls() {
        connectsThrough(TunnelProxy.Kind.SOCKS5, false);
    }

    @Test
    void socks5WithCredentialsAndImplicitTls() {
        connectsThrough(TunnelProxy.Kind.SOCKS5, true);
    }

    @Test
    void httpConnectWithCredentialsAndStartTls() {
        connectsThrough(TunnelProxy.Kind.HTTP, false);
    }

    @Test
    void httpConnectWithCredentialsAndImplicitTls() {
        connectsThrough(TunnelProxy.Kind.HTTP, true);
    }

    @Test
    void socks5WithoutCredentialsInCleartext() {
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Kind.SOCKS5)) {
            listInbox(d.config(protocol(), user).proxy(MailProxy.socks5("127.0.0.1", proxy.port())).build(), 1);
            assertThat(proxy.targets()).containsOnly(d.host() + ":" + d.port(protocol()));
        }
    }

    /** TLS through the tunnel checks the mail server's certificate against the mail server's name. */
    @Test
    void implicitTlsThroughTheTunnelChecksTheServerName() {
        DovecotFixture d = wrongHostDovecot();
        String user = d.newUser();
        try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Kind.SOCKS5, PROXY_USER, PROXY_PASSWORD)) {
            MailboxConfig config = d.implicitTlsConfig(protocol(), user)
                    .proxy(proxyFor(proxy, TunnelProxy.Kind.SOCKS5)).build();
            ConnectionException e = connectionFailure(config);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("does not match the host name");
            assertThat(proxy.targets()).hasSize(1);
        }
    }

    private void wrongProxyPassword(TunnelProxy.Kind kind) {
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        String wrong = "wrong-proxy-secret-" + kind;
        try (TunnelProxy proxy = TunnelProxy.start(kind, PROXY_USER, PROXY_PASSWORD);
             TransportSecurityContract.OutputCapture captured = new TransportSecurityContract.OutputCapture()) {
            MailProxy p = (kind == TunnelProxy.Kind.SOCKS5 ? MailProxy.socks5("127.0.0.1", proxy.port())
                    : MailProxy.httpConnect("127.0.0.1", proxy.port())).withCredentials(PROXY_USER, wrong);
            MailboxConfig config = d.config(protocol(), user).proxy(p).build();
            ConnectionException e = connectionFailure(config);
            assertThat(e).isNotInstanceOf(MailTimeoutException.class);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains("proxy");
            assertThat(proxy.refusals()).hasSize(1).allSatisfy(r -> assertThat(r).contains("bad credentials"));
            assertThat(proxy.targets()).isEmpty();
            String everything = describe(e) + "\n" + config + "\n" + p + "\n" + captured.text();
            assertThat(everything).doesNotContain(wrong)
                    .doesNotContain(java.util.Base64.getEncoder().encodeToString((PROXY_USER + ":" + wrong)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(everything).doesNotContain(d.password(user));
        }
    }

    @Test
    void socks5RefusesAWrongPasswordWithoutShowingIt() {
        wrongProxyPassword(TunnelProxy.Kind.SOCKS5);
    }

    @Test
    void httpConnectRefusesAWrongPasswordWithoutShowingIt() {
        wrongProxyPassword(TunnelProxy.Kind.HTTP);
    }

    @Test
    void aProxyThatWantsCredentialsSaysSo() {
        DovecotFixture d = SharedServers.dovecot();
        try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Kind.HTTP, PROXY_USER, PROXY_PASSWORD)) {
            ConnectionException e = connectionFailure(d.config(protocol(), d.newUser())
                    .proxy(MailProxy.httpConnect("127.0.0.1", proxy.port())).build());
            assertThat(e.getMessage()).contains("407", "wants a user name and password");
        }
    }

    private void cutOff(TunnelProxy.Kind kind, TunnelProxy.Misbehaviour m, Class<? extends ConnectionException> type) {
        DovecotFixture d = SharedServers.dovecot();
        try (TunnelProxy proxy = TunnelProxy.start(kind).misbehave(m)) {
            MailboxConfig config = d.config(protocol(), d.newUser())
                    .proxy(kind == TunnelProxy.Kind.SOCKS5 ? MailProxy.socks5("127.0.0.1", proxy.port())
                            : MailProxy.httpConnect("127.0.0.1", proxy.port()))
                    .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(30)).build();
            long start = System.nanoTime();
            ConnectionException e = connectionFailure(config);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(e).as(describe(e)).isInstanceOf(type);
            assertThat(e.getMessage()).contains("proxy");
            // the connect timeout bounds the whole handshake, not the (longer) read timeout
            assertThat(millis).isLessThan(10_000);
        }
    }

    @Test
    void aSilentSocks5ProxyTimesOutWithinTheConnectTimeout() {
        cutOff(TunnelProxy.Kind.SOCKS5, TunnelProxy.Misbehaviour.SILENT, MailTimeoutException.class);
    }

    @Test
    void aSilentHttpProxyTimesOutWithinTheConnectTimeout() {
        cutOff(TunnelProxy.Kind.HTTP, TunnelProxy.Misbehaviour.SILENT, MailTimeoutException.class);
    }

    @Test
    void endlessProxyHeadersAreCutOff() {
        cutOff(TunnelProxy.Kind.HTTP, TunnelProxy.Misbehaviour.ENDLESS_HEADERS, ConnectionException.class);
    }

    private static ConnectionException connectionFailure(MailboxConfig config) {
        try {
            MailAccess.connect(config).close();
        } catch (ConnectionException e) {
            return e;
        } catch (RuntimeException e) {
            throw new AssertionError("expected a ConnectionException, got " + e, e);
        }
        throw new AssertionError("expected a ConnectionException, but the connection succeeded");
    }
}

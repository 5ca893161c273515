// long because TLS, STARTTLS, trust, host names, downgrades, secrets and timeouts are one contract per protocol,
// each case needing its own server set-up.
package dev.mailaccess.testkit;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.Credentials;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import jakarta.mail.Session;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Transport security and timeouts, for one protocol: implicit TLS and STARTTLS/STLS against a real Dovecot with a
 * throwaway CA, certificate and host-name verification, no silent downgrade when STARTTLS is missing, cleartext only
 * on explicit opt-in, no secret in logs, exceptions or {@code toString()}, SASL XOAUTH2 with a fresh token per
 * connect (GreenMail), and every network wait bounded by the configured timeouts.
 *
 * <p>Dovecot tests skip when Dovecot is missing (fail when {@code CI=true}); each fixture is started at most once per
 * class, on first use, and stopped after the class.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class TransportSecurityContract {

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    private static DovecotFixture dovecot;
    private static DovecotFixture wrongHost;
    private static DovecotFixture noTls;
    private static GreenMailFixture greenMail;

    /** Dovecot with TLS, certificate for localhost / 127.0.0.1. */
    protected static synchronized DovecotFixture dovecot() {
        if (dovecot == null) {
            dovecot = DovecotFixture.startOrSkip();
        }
        return dovecot;
    }

    /** Dovecot whose certificate (signed by the trusted test CA) names another host. */
    protected static synchronized DovecotFixture wrongHostDovecot() {
        if (wrongHost == null) {
            wrongHost = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().wrongHostCertificate());
        }
        return wrongHost;
    }

    /** Dovecot with {@code ssl = no}: no STARTTLS / STLS offered. */
    protected static synchronized DovecotFixture noTlsDovecot() {
        if (noTls == null) {
            noTls = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().tls(false));
        }
        return noTls;
    }

    protected static synchronized GreenMailFixture greenMail() {
        if (greenMail == null) {
            greenMail = new GreenMailFixture();
        }
        return greenMail;
    }

    @AfterAll
    static synchronized void stopFixtures() {
        for (AutoCloseable f : new AutoCloseable[] {dovecot, wrongHost, noTls, greenMail}) {
            if (f != null) {
                try {
                    f.close();
                } catch (Exception e) {
                    System.err.println("stopping " + f + " failed: " + e);
                }
            }
        }
        dovecot = null;
        wrongHost = null;
        noTls = null;
        greenMail = null;
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private boolean isImap() {
        return protocol().equals("imap");
    }

    /** The command that upgrades the connection: STARTTLS or STLS. */
    private String startTlsCommand() {
        return isImap() ? "STARTTLS" : "STLS";
    }

    /** A client line that carries credentials: IMAP LOGIN / AUTHENTICATE, POP3 USER / PASS / AUTH / APOP. */
    private static final Pattern CREDENTIAL_COMMAND = Pattern.compile(
            "^(\\S+ )?(LOGIN|AUTHENTICATE|USER|PASS|AUTH|APOP)( .*)?$", Pattern.CASE_INSENSITIVE);

    private static List<String> credentialLines(List<String> lines) {
        return lines.stream().filter(l -> CREDENTIAL_COMMAND.matcher(l).matches()).toList();
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static void listInbox(Mailbox mb, int expected) {
        try (MailFolder inbox = mb.inbox()) {
            assertThat(inbox.refs()).hasSize(expected);
        }
    }

    /** Runs {@code body}, expects a {@link ConnectionException} and returns it. */
    private static ConnectionException connectionFailure(Executable body) {
        try {
            body.execute();
        } catch (ConnectionException e) {
            return e;
        } catch (Throwable t) {
            throw new AssertionError("expected a ConnectionException, got " + t, t);
        }
        throw new AssertionError("expected a ConnectionException, but the call succeeded");
    }

    // ---- 1, 2: TLS that works ------------------------------------------------------------------------------

    @Test
    void implicitTlsWithTrustedCaConnectsAndLists() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        MailboxConfig config = d.implicitTlsConfig(protocol(), user).build();
        assertThat(config.tlsMode()).isEqualTo(TlsMode.IMPLICIT);
        try (Mailbox mb = MailAccess.connect(config)) {
            listInbox(mb, 1);
        }
    }

    @Test
    void startTlsWithTrustedCaConnectsAndEncryptsBeforeCredentials() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port(protocol()))) {
            MailboxConfig config = d.startTlsConfig(protocol(), user).port(proxy.port()).build();
            try (Mailbox mb = MailAccess.connect(config)) {
                listInbox(mb, 1);
            }
            List<String> lines = proxy.commands();
            int upgrade = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).toUpperCase(Locale.ROOT).matches("^(\\S+ )?" + startTlsCommand() + "$")) {
                    upgrade = i;
                    break;
                }
            }
            assertThat(upgrade).as("a %s line in %s", startTlsCommand(), lines).isGreaterThanOrEqualTo(0);
            assertThat(credentialLines(lines)).as("credential commands in cleartext").isEmpty();
            assertThat(String.join("\n", lines)).doesNotContain(d.password(user));
            List<String> after = lines.subList(upgrade + 1, lines.size());
            assertThat(after).as("TLS records after %s", startTlsCommand()).isNotEmpty();
            boolean binary = after.stream().anyMatch(l -> l.chars().anyMatch(c -> c < 0x20 && c != '\t' || c > 0x7e));
            assertThat(binary).as("the traffic after %s is not readable text: %s", startTlsCommand(), after)
                    .isTrue();
        }
    }

    // ---- 3, 4: TLS that must fail --------------------------------------------------------------------------

    @Test
    void implicitTlsWithDefaultTrustIsRefused() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        MailboxConfig config = d.config(protocol(), user).port(d.tlsPort(protocol())).tlsMode(TlsMode.IMPLICIT)
                .build();
        ConnectionException e = connectionFailure(() -> MailAccess.connect(config).close());
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("certificate is not trusted");
    }

    @Test
    void startTlsWithDefaultTrustIsRefused() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        MailboxConfig config = d.config(protocol(), user).tlsMode(TlsMode.STARTTLS).build();
        ConnectionException e = connectionFailure(() -> MailAccess.connect(config).close());
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("certificate is not trusted");
    }

    @Test
    void implicitTlsCertificateForAnotherHostIsRefused() {
        DovecotFixture d = wrongHostDovecot();
        String user = d.newUser();
        ConnectionException e = connectionFailure(
                () -> MailAccess.connect(d.implicitTlsConfig(protocol(), user).build()).close());
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("does not match the host name");
    }

    @Test
    void startTlsCertificateForAnotherHostIsRefused() {
        DovecotFixture d = wrongHostDovecot();
        String user = d.newUser();
        ConnectionException e = connectionFailure(
                () -> MailAccess.connect(d.startTlsConfig(protocol(), user).build()).close());
        assertThat(e.isRetryable()).isFalse();
        assertThat(e.getMessage()).contains("does not match the host name");
    }

    // ---- 5, 6: no silent downgrade; cleartext only on opt-in ------------------------------------------------

    @Test
    void schemeDefaultStartTlsAgainstServerWithoutItIsRefusedBeforeCredentials() {
        DovecotFixture d = noTlsDovecot();
        String user = d.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port(protocol()))) {
            MailboxConfig config = MailboxConfig.fromUri(java.net.URI.create(
                            protocol() + "://" + user + "@" + d.host() + ":" + proxy.port()))
                    .password(d.password(user)).build();
            assertThat(config.tlsMode()).isEqualTo(TlsMode.STARTTLS);
            ConnectionException e = connectionFailure(() -> MailAccess.connect(config).close());
            assertThat(e).isNotInstanceOf(MailTimeoutException.class);
            assertThat(e.isRetryable()).isFalse();
            assertThat(e.getMessage()).contains(startTlsCommand()).contains("without encryption");
            List<String> lines = proxy.commands();
            assertThat(credentialLines(lines)).as("credential commands sent: %s", lines).isEmpty();
            assertThat(String.join("\n", lines)).doesNotContain(d.password(user));
        }
    }

    @Test
    void cleartextLoginOnlyWithExplicitTlsModeNone() {
        DovecotFixture d = noTlsDovecot();
        String user = d.newUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        MailboxConfig.Builder base = d.config(protocol(), user);
        connectionFailure(() -> MailAccess.connect(base.tlsMode(TlsMode.STARTTLS).build()).close());
        try (Mailbox mb = MailAccess.connect(base.tlsMode(TlsMode.NONE).build())) {
            listInbox(mb, 1);
        }
    }

    // ---- 7: wrong password --------------------------------------------------------------------------------

    @Test
    void wrongPasswordIsAnAuthenticationException() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        MailboxConfig config = d.implicitTlsConfig(protocol(), user).password("not-" + d.password(user)).build();
        assertThatThrownBy(() -> MailAccess.connect(config).close())
                .isInstanceOf(AuthenticationException.class)
                .hasMessageContaining("authentication failed");
    }

    // ---- 8: no secret anywhere ----------------------------------------------------------------------------

    /** Captures System.out, System.err (slf4j-simple) and every java.util.logging record at every level. */
    protected static final class OutputCapture implements AutoCloseable {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        private final PrintStream oldOut = System.out;
        private final PrintStream oldErr = System.err;
        private final Logger root = Logger.getLogger("");
        private final Level oldLevel = root.getLevel();
        private final List<String> records = new CopyOnWriteArrayList<>();
        private final Handler handler = new Handler() {
            private final SimpleFormatter formatter = new SimpleFormatter();

            @Override
            public void publish(LogRecord r) {
                records.add(formatter.format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        private final List<Logger> loud = new ArrayList<>();

        public OutputCapture() {
            System.setOut(stream);
            System.setErr(stream);
            handler.setLevel(Level.ALL);
            root.addHandler(handler);
            root.setLevel(Level.ALL);
            // Angus's own loggers, in case something set them: trace everything, the wire included.
            for (String name : new String[] {"org.eclipse.angus.mail", "jakarta.mail"}) {
                Logger l = Logger.getLogger(name);
                loud.add(l);
                l.setLevel(Level.ALL);
            }
        }

        /** Everything captured so far. */
        public String text() {
            stream.flush();
            return bytes.toString(StandardCharsets.UTF_8) + "\n" + String.join("\n", records);
        }

        public PrintStream stream() {
            return stream;
        }

        public int recordCount() {
            return records.size();
        }

        @Override
        public void close() {
            System.setOut(oldOut);
            System.setErr(oldErr);
            root.removeHandler(handler);
            root.setLevel(oldLevel);
            for (Logger l : loud) {
                l.setLevel(null);
            }
        }
    }

    /** The password and the encodings in which a SASL mechanism or LOGIN could leak it. */
    private static List<String> secretForms(String user, String password) {
        Base64.Encoder b64 = Base64.getEncoder();
        List<String> forms = new ArrayList<>();
        forms.add(password);
        forms.add(b64.encodeToString(password.getBytes(StandardCharsets.UTF_8)));
        forms.add(b64.encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        forms.add(b64.encodeToString((user + "\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        forms.add(b64.encodeToString(("user=" + user + "\001auth=Bearer " + password + "\001\001")
                .getBytes(StandardCharsets.UTF_8)));
        return forms;
    }

    private static void assertNoSecret(String where, String text, List<String> forms) {
        for (String f : forms) {
            if (text.contains(f)) {
                int i = text.indexOf(f);
                fail("a secret form appears in " + where + " near: "
                        + text.substring(Math.max(0, i - 200), Math.min(text.length(), i)) + "<SECRET>");
            }
        }
    }

    private static String describe(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        StringBuilder sb = new StringBuilder(w.toString());
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            sb.append('\n').append(t);
            if (t instanceof jakarta.mail.MessagingException me && me.getNextException() != null) {
                sb.append('\n').append(describe(me.getNextException()));
            }
        }
        return sb.toString();
    }

    @Test
    void credentialsNeverAppearInLogsExceptionsOrToString() {
        DovecotFixture d = dovecot();
        String user = d.newUser();
        String password = d.password(user);
        String wrong = "wrong-" + password + "-Zq9";
        List<String> forms = new ArrayList<>(secretForms(user, password));
        forms.addAll(secretForms(user, wrong));
        List<Throwable> failures = new ArrayList<>();
        String captured;
        MailboxConfig good = d.startTlsConfig(protocol(), user).build();
        String goodText;
        String mailboxText;
        try (OutputCapture capture = new OutputCapture()) {
            // a successful login, then some traffic with Angus's own debug output on
            try (Mailbox mb = MailAccess.connect(good)) {
                Session s = mb.unwrap(Session.class);
                s.setDebugOut(capture.stream());
                s.setDebug(true);
                listInbox(mb, 0);
                mailboxText = mb + " " + mb.config();
            }
            // a failed login, on both kinds of TLS
            for (MailboxConfig bad : List.of(d.startTlsConfig(protocol(), user).password(wrong).build(),
                    d.implicitTlsConfig(protocol(), user).password(wrong).build())) {
                try {
                    MailAccess.connect(bad).close();
                    fail("a wrong password was accepted");
                } catch (AuthenticationException e) {
                    failures.add(e);
                }
            }
            // a TLS failure (untrusted certificate) with the right password
            try {
                MailAccess.connect(d.config(protocol(), user).port(d.tlsPort(protocol()))
                        .tlsMode(TlsMode.IMPLICIT).build()).close();
                fail("an untrusted certificate was accepted");
            } catch (ConnectionException e) {
                failures.add(e);
            }
            goodText = good.toString() + " " + good.toBuilder().build() + " " + good.credentials() + " "
                    + good.displayUri();
            captured = capture.text();
            assertThat(capture.recordCount()).as("java.util.logging records were captured").isPositive();
        }
        assertThat(captured).as("the protocol trace was captured").containsIgnoringCase(isImap() ? "CAPABILITY" : "CAPA");
        // the login itself was traced at JUL FINEST too, with Angus suppressing the credential lines
        assertThat(captured).as("the login phase was traced").contains("trace suppressed");
        assertNoSecret("the captured logs", captured, forms);
        assertNoSecret("toString()", goodText + " " + mailboxText, forms);
        for (Throwable f : failures) {
            assertNoSecret("exception " + f, describe(f), forms);
        }
    }

    // ---- 9: OAuth2 -----------------------------------------------------------------------------------------

    /** GreenMail checks an XOAUTH2 access token like a password: the token it accepts is the user's password. */
    private MailboxConfig.Builder oauthConfig(String user, Supplier<String> tokens) {
        return greenMail().config(protocol(), user).credentials(Credentials.oauth2(tokens));
    }

    @Test
    void oauth2TokenIsFetchedOncePerConnect() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        g.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        AtomicInteger calls = new AtomicInteger();
        MailboxConfig config = oauthConfig(user, () -> {
            calls.incrementAndGet();
            return g.password(user);
        }).build();
        try (OutputCapture capture = new OutputCapture()) {
            try (Mailbox mb = MailAccess.connect(config)) {
                listInbox(mb, 1);
            }
            assertThat(calls.get()).isEqualTo(1);
            try (Mailbox mb = MailAccess.connect(config)) {
                listInbox(mb, 1);
                assertThat(mb.toString() + mb.config()).doesNotContain(g.password(user));
            }
            assertThat(calls.get()).as("a fresh token for the second connect").isEqualTo(2);
            assertNoSecret("the captured logs", capture.text(), secretForms(user, g.password(user)));
        }
    }

    @Test
    void oauth2UsesXoauth2NotLogin() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(g.host(), g.port(protocol()))) {
            MailboxConfig config = oauthConfig(user, () -> g.password(user)).port(proxy.port()).build();
            try (Mailbox mb = MailAccess.connect(config)) {
                listInbox(mb, 0);
            }
            List<String> auth = credentialLines(proxy.commands());
            assertThat(auth).as("credential commands: %s", proxy.commands()).isNotEmpty()
                    .allSatisfy(l -> assertThat(l.toUpperCase(Locale.ROOT)).contains("XOAUTH2"));
        }
    }

    @Test
    void oauth2NewTokenAfterADroppedConnection() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        AtomicInteger calls = new AtomicInteger();
        try (LoopbackProxy proxy = new LoopbackProxy(g.host(), g.port(protocol()))) {
            MailboxConfig config = oauthConfig(user, () -> {
                calls.incrementAndGet();
                return g.password(user);
            }).port(proxy.port()).readTimeout(Duration.ofSeconds(5)).build();
            try (Mailbox mb = MailAccess.connect(config)) {
                proxy.cutAll();
                assertThatThrownBy(() -> listInbox(mb, 0)).isInstanceOf(ConnectionException.class);
            }
            assertThat(calls.get()).isEqualTo(1);
            try (Mailbox mb = MailAccess.connect(config)) {
                listInbox(mb, 0);
            }
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void oauth2BadTokenIsAnAuthenticationException() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        AtomicInteger calls = new AtomicInteger();
        MailboxConfig config = oauthConfig(user, () -> {
            calls.incrementAndGet();
            return "expired-token-7f3a";
        }).build();
        assertThatThrownBy(() -> MailAccess.connect(config).close())
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertNoSecret("exception", describe(e), secretForms(user, "expired-token-7f3a")));
        assertThat(calls.get()).isEqualTo(1);
    }

    // ---- 10: timeouts -------------------------------------------------------------------------------------

    @Test
    void silentServerTimesOutOnTheGreeting() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
            try {
                // no greeting (cleartext, STARTTLS) and no TLS handshake (implicit TLS)
                for (TlsMode mode : TlsMode.values()) {
                    MailboxConfig config = MailboxConfig.builder().protocol(protocol()).host("127.0.0.1")
                            .port(silent.getLocalPort()).user("nobody").password("secret-never-sent")
                            .tlsMode(mode).readTimeout(Duration.ofSeconds(1)).build();
                    long start = System.nanoTime();
                    assertThatThrownBy(() -> MailAccess.connect(config).close())
                            .as("%s", mode)
                            .isInstanceOf(MailTimeoutException.class)
                            .satisfies(e -> assertThat(((ConnectionException) e).isRetryable()).isTrue())
                            .satisfies(e -> assertThat(describe(e)).doesNotContain("secret-never-sent"));
                    assertThat(elapsedMillis(start)).as("%s", mode).isBetween(900L, 4_000L);
                }
            } finally {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void stalledServerTimesOutMidSession() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        for (int i = 1; i <= 3; i++) {
            g.deliver(user, "INBOX", TestMessages.numbered(i), Flags.NONE);
        }
        try (LoopbackProxy proxy = new LoopbackProxy(g.host(), g.port(protocol()))) {
            MailboxConfig config = g.config(protocol(), user).port(proxy.port()).allowEmulation(true)
                    .readTimeout(Duration.ofSeconds(1)).build();
            try (Mailbox mb = MailAccess.connect(config)) {
                proxy.stall(true);
                long start = System.nanoTime();
                assertThatThrownBy(() -> {
                    try (MailFolder inbox = mb.inbox()) {
                        inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.SIZE));
                    }
                }).isInstanceOf(MailTimeoutException.class);
                assertThat(elapsedMillis(start)).isBetween(900L, 5_000L);
                proxy.stall(false);
            }
        }
    }

    @Test
    void stalledServerTimesOutOnAnOpenFolder() {
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        g.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(g.host(), g.port(protocol()))) {
            MailboxConfig config = g.config(protocol(), user).port(proxy.port()).allowEmulation(true)
                    .readTimeout(Duration.ofSeconds(1)).build();
            try (Mailbox mb = MailAccess.connect(config); MailFolder inbox = mb.inbox()) {
                assertThat(inbox.refs()).hasSize(1);
                g.deliver(user, "INBOX", TestMessages.numbered(2), Flags.NONE);
                proxy.stall(true);
                long start = System.nanoTime();
                assertThatThrownBy(() -> inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.SIZE)))
                        .isInstanceOf(MailTimeoutException.class);
                assertThat(elapsedMillis(start)).isBetween(900L, 5_000L);
                proxy.stall(false);
            }
        }
    }

    @Test
    void defaultTimeoutsReachTheAngusSession() {
        assertThat(MailboxConfig.DEFAULT_READ_TIMEOUT).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(MailboxConfig.DEFAULT_CONNECT_TIMEOUT).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(5));
        String read = Long.toString(MailboxConfig.DEFAULT_READ_TIMEOUT.toMillis());
        String connect = Long.toString(MailboxConfig.DEFAULT_CONNECT_TIMEOUT.toMillis());
        GreenMailFixture g = greenMail();
        String user = g.newUser();
        MailboxConfig config = g.config(protocol(), user).build();
        assertThat(config.readTimeout()).isEqualTo(MailboxConfig.DEFAULT_READ_TIMEOUT);
        try (Mailbox mb = MailAccess.connect(config)) {
            Session s = mb.unwrap(Session.class);
            String p = "mail." + protocol() + ".";
            assertThat(s.getProperty(p + "timeout")).isEqualTo(read);
            assertThat(s.getProperty(p + "writetimeout")).isEqualTo(read);
            assertThat(s.getProperty(p + "connectiontimeout")).isEqualTo(connect);
        }
        if (DovecotFixture.isAvailable()) {
            DovecotFixture d = dovecot();
            String du = d.newUser();
            try (Mailbox mb = MailAccess.connect(d.implicitTlsConfig(protocol(), du).build())) {
                Session s = mb.unwrap(Session.class);
                String p = "mail." + protocol() + "s.";
                assertThat(s.getProperty(p + "timeout")).isEqualTo(read);
                assertThat(s.getProperty(p + "writetimeout")).isEqualTo(read);
                assertThat(s.getProperty(p + "connectiontimeout")).isEqualTo(connect);
            }
        }
    }

    @Test
    void nobodyListeningFailsFastAndRetryable() throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MailboxConfig config = MailboxConfig.builder().protocol(protocol()).host("127.0.0.1").port(port)
                .user("nobody").password("secret-never-sent").tlsMode(TlsMode.NONE).build();
        long start = System.nanoTime();
        ConnectionException e = connectionFailure(() -> MailAccess.connect(config).close());
        assertThat(e).isNotInstanceOf(MailTimeoutException.class);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).doesNotContain("secret-never-sent");
        assertThat(elapsedMillis(start)).isLessThan(5_000L);
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.TlsMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the adapter logs in, against a scripted server: the LOGIN command (one round trip) where it fits, AUTHENTICATE
 * PLAIN where the server disables LOGIN or the secret is not printable ASCII.
 */
@Timeout(30)
class ImapLoginTest {
    private static final String PASSWORD = "s3cret \"quoted\" \\ back";

    private ServerSocket server;
    private final List<String> commands = new CopyOnWriteArrayList<>();

    private int start(String capabilities) throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> acceptAll(capabilities), "scripted-imap-login");
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    private void acceptAll(String capabilities) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                serve(s, capabilities);
            } catch (IOException ignored) {
                // next connection, or the test is over
            }
        }
    }

    private void serve(Socket s, String capabilities) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        send(out, "* OK [CAPABILITY IMAP4rev1 " + capabilities + "] scripted\r\n");
        String line;
        while ((line = in.readLine()) != null) {
            String tag = line.substring(0, line.indexOf(' '));
            String command = line.substring(tag.length() + 1);
            String upper = command.toUpperCase(Locale.ROOT);
            commands.add(upper.startsWith("LOGIN") ? "LOGIN" : upper.startsWith("AUTHENTICATE") ? "AUTHENTICATE"
                    : command);
            if (upper.startsWith("LOGIN")) {
                boolean ok = !capabilities.contains("LOGINDISABLED")
                        && command.equals("LOGIN u \"" + PASSWORD.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
                send(out, tag + (ok ? " OK [CAPABILITY IMAP4rev1 UNSELECT] in\r\n" : " NO [AUTHENTICATIONFAILED] no\r\n"));
            } else if (upper.startsWith("AUTHENTICATE PLAIN")) {
                send(out, "+ \r\n");
                String creds = new String(Base64.getDecoder().decode(in.readLine().strip()), StandardCharsets.UTF_8);
                boolean ok = creds.endsWith("\0" + PASSWORD) || creds.endsWith("\0pässwörd");
                send(out, tag + (ok ? " OK [CAPABILITY IMAP4rev1 UNSELECT] in\r\n" : " NO [AUTHENTICATIONFAILED] no\r\n"));
            } else if (upper.startsWith("CAPABILITY")) {
                send(out, "* CAPABILITY IMAP4rev1 UNSELECT\r\n" + tag + " OK done\r\n");
            } else if (upper.startsWith("LOGOUT")) {
                send(out, "* BYE bye\r\n" + tag + " OK done\r\n");
                return;
            } else {
                send(out, tag + " OK done\r\n");
            }
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static MailboxConfig config(int port, String password) {
        return MailboxConfig.builder().protocol("imap").host("127.0.0.1").port(port).user("u").password(password)
                .tlsMode(TlsMode.NONE).build();
    }

    @Test
    void logsInWithTheLoginCommandInOneRoundTrip() throws IOException {
        int port = start("AUTH=PLAIN");
        try (Mailbox mb = MailAccess.connect(config(port, PASSWORD))) {
            assertThat(mb).isNotNull();
        }
        assertThat(commands).contains("LOGIN").doesNotContain("AUTHENTICATE");
    }

    @Test
    void fallsBackToAuthenticatePlainWhenLoginIsDisabled() throws IOException {
        int port = start("LOGINDISABLED AUTH=PLAIN");
        try (Mailbox mb = MailAccess.connect(config(port, PASSWORD))) {
            assertThat(mb).isNotNull();
        }
        assertThat(commands).contains("AUTHENTICATE").doesNotContain("LOGIN");
    }

    @Test
    void aSecretThatIsNotPrintableAsciiGoesThroughSasl() throws IOException {
        int port = start("AUTH=PLAIN");
        try (Mailbox mb = MailAccess.connect(config(port, "pässwörd"))) {
            assertThat(mb).isNotNull();
        }
        assertThat(commands).contains("AUTHENTICATE").doesNotContain("LOGIN");
    }

    @Test
    void aWrongPasswordIsStillAnAuthenticationFailure() throws IOException {
        int port = start("AUTH=PLAIN");
        assertThatThrownBy(() -> MailAccess.connect(config(port, "wrong")).close())
                .isInstanceOf(AuthenticationException.class).hasMessageNotContaining("wrong");
        assertThat(commands).containsOnlyOnce("LOGIN").doesNotContain("AUTHENTICATE");
    }
}

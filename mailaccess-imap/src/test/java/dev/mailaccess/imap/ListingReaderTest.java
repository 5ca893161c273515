package dev.mailaccess.imap;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MessageSummary;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The listing's own reader on a real Angus connection, against a scripted server that answers the listing FETCH
 * in ways real servers do: responses Angus must still see, bytes after the tagged status, refusals, a dead socket.
 */
@Timeout(30)
class ListingReaderTest {
    private ServerSocket server;
    private Thread serverThread;
    private volatile String fetchReply;
    private volatile boolean hangUpAfterFetch;
    private IMAPStore store;
    private IMAPFolder folder;

    @BeforeEach
    void start() throws Exception {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        serverThread = new Thread(this::serve, "scripted-imap");
        serverThread.setDaemon(true);
        serverThread.start();
        Properties p = new Properties();
        p.put("mail.imap.timeout", "10000");
        p.put("mail.imap.connectiontimeout", "10000");
        store = BoundedImapStore.open(Session.getInstance(p), "imap");
        store.connect("127.0.0.1", server.getLocalPort(), "u", "p");
        folder = (IMAPFolder) store.getFolder("INBOX");
        folder.open(Folder.READ_WRITE);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            store.close();
        } catch (MessagingException ignored) {
            // the connection may be gone on purpose
        }
        server.close();
    }

    private void serve() {
        try (Socket s = server.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            OutputStream out = s.getOutputStream();
            send(out, "* OK [CAPABILITY IMAP4rev1 UNSELECT UIDPLUS] scripted\r\n");
            String line;
            while ((line = in.readLine()) != null) {
                String tag = line.substring(0, line.indexOf(' '));
                String command = line.substring(tag.length() + 1).toUpperCase(java.util.Locale.ROOT);
                if (command.startsWith("SELECT") || command.startsWith("EXAMINE")) {
                    send(out, "* 2 EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 7] v\r\n* OK [UIDNEXT 20] n\r\n"
                            + tag + " OK [READ-WRITE] selected\r\n");
                } else if (command.startsWith("CAPABILITY")) {
                    send(out, "* CAPABILITY IMAP4rev1 UNSELECT UIDPLUS\r\n" + tag + " OK done\r\n");
                } else if (command.startsWith("UID FETCH")) {
                    send(out, fetchReply.replace("TAG", tag));
                    if (hangUpAfterFetch) {
                        return;
                    }
                } else if (command.startsWith("LOGOUT")) {
                    send(out, "* BYE bye\r\n" + tag + " OK done\r\n");
                    return;
                } else {
                    send(out, tag + " OK done\r\n");
                }
            }
        } catch (IOException ignored) {
            // the test closed the server
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @SuppressWarnings("unchecked")
    private Map<Long, MessageSummary> list() throws MessagingException {
        return (Map<Long, MessageSummary>) folder.doCommand(
                p -> ListingReader.list(p, "UID FETCH 1:* (UID FLAGS ENVELOPE)", 7,
                        FetchSpec.of(FetchSpec.Item.FLAGS, FetchSpec.Item.ENVELOPE), "scripted"));
    }

    private static final String ENVELOPE = "ENVELOPE (NIL \"s\" ((NIL NIL \"a\" \"h.test\")) NIL NIL NIL NIL NIL NIL"
            + " NIL)";

    @Test
    void readsTheAnswersAndLetsAngusSeeEverythingElseIncludingWhatFollowsTheStatus() throws Exception {
        assertThat(folder.getMessageCount()).isEqualTo(2);
        fetchReply = "* 1 FETCH (UID 11 FLAGS (\\Seen) " + ENVELOPE + ")\r\n"
                + "* 3 EXISTS\r\n"
                + "* 2 FETCH (UID 12 FLAGS () ENVELOPE (NIL {3}\r\nx\r\n NIL NIL NIL"
                + " ((NIL NIL \"undisclosed-recipients\" NIL) (NIL NIL NIL NIL)) NIL NIL NIL NIL))\r\n"
                + "* 3 FETCH (UID 13 FLAGS ())\r\n"
                + "TAG OK fetched\r\n"
                + "* 4 EXISTS\r\n"; // sent at once after the status: must not be lost to Angus
        Map<Long, MessageSummary> got = list();
        assertThat(got.keySet()).containsExactly(11L, 12L, 13L);
        assertThat(got.get(12L).envelope().subject()).isEqualTo("x"); // unfolded; read by Angus: a group address
        assertThat(got.get(12L).envelope().to()).extracting(dev.mailaccess.Address::email)
                .containsExactly("undisclosed-recipients:;");
        // the EXISTS after the status stays in the connection's reader, which Angus reads next
        folder.doCommand(p -> {
            p.noop();
            return null;
        });
        assertThat(folder.getMessageCount()).isEqualTo(4);
        folder.getMessage(4); // Angus's numbering followed both EXISTS
        // the connection is still in step: another command gets its own answer
        fetchReply = "* 1 FETCH (UID 11 FLAGS ())\r\nTAG OK fetched\r\n";
        assertThat(list().keySet()).containsExactly(11L);
    }

    @Test
    void aRefusalIsAngusRefusal() {
        fetchReply = "* 1 FETCH (UID 11 FLAGS ())\r\nTAG NO [SERVERBUG] not now\r\n";
        assertThatThrownBy(this::list).isInstanceOf(MessagingException.class).hasMessageContaining("not now");
        assertThat(folder.isOpen()).isTrue();
    }

    @Test
    void aConnectionLostHalfWayFailsAndClosesTheFolder() {
        fetchReply = "* 1 FETCH (UID 11 FLAGS (\\Seen) ENVELOPE (NIL \"cut";
        hangUpAfterFetch = true;
        assertThatThrownBy(this::list).isInstanceOf(MessagingException.class);
        assertThat(folder.isOpen()).isFalse();
    }

    @Test
    void anUntaggedByeEndsTheCommand() {
        fetchReply = "* 1 FETCH (UID 11 FLAGS ())\r\n* BYE shutting down\r\n";
        hangUpAfterFetch = true;
        assertThatThrownBy(this::list).isInstanceOf(MessagingException.class);
        assertThat(folder.isOpen()).isFalse();
    }
}

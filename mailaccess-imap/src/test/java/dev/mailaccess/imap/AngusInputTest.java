package dev.mailaccess.imap;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import jakarta.mail.Folder;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Guards the one reflection reach ({@link AngusInput}). The library reads IMAP responses with its own bounded,
 * bulk reader only while Angus keeps its buffered stream in the private field {@code ResponseInputStream.bin};
 * where it cannot reach it, the adapter falls back with one warning to Angus's byte-at-a-time reader, which has
 * no bounds and makes listings slow. These tests fail instead, so an Angus upgrade cannot bring that back quietly.
 */
class AngusInputTest {
    private static final String MOVED = "IMAP responses are read by Angus's slow, unbounded reader: the Angus on the "
            + "class path (" + angusJar() + ") no longer keeps its buffered stream in ResponseInputStream.bin. An "
            + "Angus upgrade moved or renamed the field (or the module system refuses the reach): make "
            + "AngusInput.find() reach the new one.";

    @Test
    void reachesAngusBufferedStream() {
        assertThat(AngusInput.reachable()).as(MOVED).isTrue();
    }

    @Test
    void aLiveConnectionListsThroughTheBoundedReader() throws Exception {
        GreenMailFixture server = SharedServers.greenMail();
        String user = server.newUser();
        server.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (Mailbox mailbox = MailAccess.connect(server.config("imap", user).build())) {
            IMAPStore store = mailbox.unwrap(IMAPStore.class);
            assertThat(store).isInstanceOf(BoundedImapStore.class);
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            try {
                Object reader = inbox.doCommand(p -> p instanceof BoundedImapProtocol b ? b.responses() : null);
                assertThat(reader).as(MOVED).isNotNull();
                // null from ListingReader.list is the fallback: ImapSummaries then lets Angus read the answers
                long uidValidity = inbox.getUIDValidity();
                Object listed = inbox.doCommand(p -> ListingReader.list(p, "UID FETCH 1:* (UID FLAGS)", uidValidity,
                        FetchSpec.of(FetchSpec.Item.FLAGS), "greenmail"));
                assertThat(listed).as(MOVED).isNotNull();
                assertThat((Map<?, ?>) listed).hasSize(1);
            } finally {
                inbox.close(false);
            }
        }
    }

    private static String angusJar() {
        try {
            String location = ResponseInputStream.class.getProtectionDomain().getCodeSource().getLocation().getPath();
            return location.substring(location.lastIndexOf('/', location.length() - 2) + 1);
        } catch (RuntimeException unknown) {
            return "version unknown";
        }
    }
}

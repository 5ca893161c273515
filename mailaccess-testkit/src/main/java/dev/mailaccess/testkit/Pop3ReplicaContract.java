package dev.mailaccess.testkit;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.replica.SyncReport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The {@link ReplicaContract} plus POP3's "pseudo-online" mode: mail stays on the server; flags, keywords and other
 * folders are kept on this machine only (EMULATED through the replica, UNSUPPORTED on a live POP3 session, which
 * refuses them with {@link UnsupportedCapabilityException}); a local delete may stay local. The IMAP side is in
 * {@link ImapReplicaContract}.
 */
public abstract class Pop3ReplicaContract extends ReplicaContract {

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Test
    void pop3PseudoOnline() throws Exception {
        deliverToInbox("p", 4);
        Replica r = replica().mirror("INBOX").createLocalFolder("Saved");
        java.time.Instant beforeSync = java.time.Instant.now().minusSeconds(2);
        SyncReport first = sync(r);
        assertThat(first.downloaded()).isEqualTo(4);
        // POP3 has no received date: each message's is when it was stored here
        assertThat(r.messages("INBOX")).allSatisfy(m -> assertThat(m.received()).isAfter(beforeSync)
                .isBeforeOrEqualTo(java.time.Instant.now()));
        assertThat(fixture().messages(user, "INBOX")).hasSize(4); // mail stays on the server
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "p0")), Flags.of(Flag.SEEN).plus(Flags.keywords("$Todo")));
        r.move("INBOX", idOf(r, "INBOX", "p1"), "Saved");
        r.expunge("INBOX", List.of(idOf(r, "INBOX", "p2")));
        SyncReport second = sync(r);
        assertThat(second.expungedOnServer()).isEqualTo(2); // DELE of p1 (kept in Saved) and p2
        assertThat(fixture().messages(user, "INBOX")).hasSize(2);
        assertThat(r.message("INBOX", idOf(r, "INBOX", "p0")).flags().keywords()).containsExactly("$Todo");
        assertThat(r.messages("Saved")).extracting(ReplicaMessage::subject).containsExactly("Replica p1");
        // a message that vanished from the server (another client took it) is detected by the UIDL list
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            f.delete(List.of(refOf(r, "INBOX", "p3")));
        }
        SyncReport third = sync(r);
        assertThat(third.removedLocally()).isEqualTo(1);
        assertThat(r.messages("INBOX")).extracting(ReplicaMessage::subject).containsExactly("Replica p0");
        assertConverged(r, "INBOX");
        CapabilitySet caps = r.capabilities();
        for (Capability c : List.of(Capability.SERVER_FLAGS, Capability.CUSTOM_KEYWORDS, Capability.FOLDERS)) {
            assertThat(caps.support(c)).isEqualTo(Support.EMULATED);
            assertThat(caps.info(c).reason()).contains("kept on this machine only; another client will not see them");
        }
        // the live POP3 session declares what the replica emulates, and refuses it before any I/O
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            for (Capability c : List.of(Capability.SERVER_FLAGS, Capability.CUSTOM_KEYWORDS, Capability.FOLDERS)) {
                assertThat(mb.capabilities().support(c)).as(c.name()).isEqualTo(Support.UNSUPPORTED);
            }
            var p0 = refOf(r, "INBOX", "p0");
            assertThatThrownBy(() -> f.addFlags(List.of(p0), Flags.of(Flag.SEEN)))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                        assertThat(e.capability()).isEqualTo(Capability.SERVER_FLAGS);
                        assertThat(e.protocol()).startsWith("pop3");
                    });
            assertThatThrownBy(() -> f.addFlags(List.of(p0), Flags.keywords("$Todo")))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                            e -> assertThat(e.capability()).isEqualTo(Capability.CUSTOM_KEYWORDS));
            assertThatThrownBy(() -> mb.createFolder("Saved"))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                            e -> assertThat(e.capability()).isEqualTo(Capability.FOLDERS));
        }
    }

    @Test
    void pop3LocalDeleteCanStayLocal() throws Exception {
        fixture().deliver(user, "INBOX", message("p", 10), Flags.NONE);
        Replica r = replica().mirror("INBOX").deleteOnPop3Server(false);
        sync(r);
        r.expunge("INBOX", List.of(idOf(r, "INBOX", "p")));
        sync(r);
        sync(r);
        assertThat(fixture().messages(user, "INBOX")).hasSize(1);
        assertThat(r.messages("INBOX")).isEmpty();
    }

    /**
     * The POP3 side of {@link ImapReplicaContract}'s dropped-connection test: a sync cut at each POP3 command (DELE
     * only becomes final at QUIT, so a cut after it must leave the message on the server and the next sync must
     * delete it again), then a restart: nothing lost, nothing duplicated.
     */
    @Test
    void aDroppedConnectionMidSyncConvergesWithNothingLostOrDuplicated() throws Exception {
        for (String cutAt : List.of("UIDL", "RETR", "DELE", "QUIT")) {
            for (int i = 0; i < 3; i++) {
                fixture().deliver(user, "INBOX", message(cutAt + "-m" + i, 1000), Flags.NONE);
            }
            Path dir = tmp.resolve("cut-" + cutAt);
            Replica r = Replica.open(dir, false).mirror("INBOX");
            sync(r);
            r.expunge("INBOX", List.of(idOf(r, "INBOX", cutAt + "-m0")));
            fixture().deliver(user, "INBOX", message("late-" + cutAt, 3000), Flags.NONE);
            try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()))) {
                proxy.cutOn(cutAt, 0);
                try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                        .allowEmulation(true).build())) {
                    r.sync(mb);
                } catch (MailAccessException expected) {
                    // the cut
                }
                assertThat(proxy.commands()).as("the sync reached " + cutAt).anyMatch(c -> c.startsWith(cutAt));
            }
            Replica reopened = reopenAfterCrash(r);
            sync(reopened);
            sync(reopened);
            assertConverged(reopened, "INBOX");
            List<String> local = reopened.messages("INBOX").stream().map(ReplicaMessage::subject).toList();
            assertThat(local).as("cut at " + cutAt).doesNotHaveDuplicates().contains("Replica late-" + cutAt)
                    .doesNotContain("Replica " + cutAt + "-m0");
            assertThat(subjects()).as("cut at " + cutAt).doesNotHaveDuplicates()
                    .doesNotContain("Replica " + cutAt + "-m0");
            reopened.close();
        }
    }

    private List<String> subjects() {
        return fixture().messages(user, "INBOX").stream().map(b -> {
            String text = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
            int i = text.indexOf("Subject: ");
            return text.substring(i + 9, text.indexOf('\r', i));
        }).toList();
    }
}

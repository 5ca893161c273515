package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Support;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.SyncReport;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.ImapReplicaContract;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Disconnected mode over imap against Dovecot (CONDSTORE/QRESYNC: the fast path). */
class DovecotImapReplicaTest extends ImapReplicaContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Test
    void resyncOfAnUnchangedTenThousandMessageFolderIsAFewCommands() throws Exception {
        DovecotFixture dovecot = SharedServers.dovecot();
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(TestMessages.numbered(i));
        }
        dovecot.deliverMany(user, "INBOX", many);
        // bodies over the limit are not downloaded: the replica knows all 10,000 messages after one scan and one
        // batched FETCH, which keeps this test fast; the resync below does not depend on the download policy
        Replica r = replica().mirror("INBOX").maxMessageSize(1);
        long t0 = System.nanoTime();
        SyncReport first = sync(r);
        long firstMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.headersOnly()).isEqualTo(10_000);
        sync(r); // settles HIGHESTMODSEQ after the first download
        try (LoopbackProxy proxy = new LoopbackProxy(dovecot.host(), dovecot.port("imap"));
             Mailbox mb = MailAccess.connect(dovecot.config("imap", user).port(proxy.port()).build())) {
            assertThat(mb.capabilities().support(Capability.QUICK_RESYNC)).isEqualTo(Support.NATIVE);
            proxy.resetCounts();
            long t1 = System.nanoTime();
            SyncReport again = r.sync(mb);
            long againMs = (System.nanoTime() - t1) / 1_000_000;
            int commands = proxy.commandCount();
            System.out.printf("unchanged 10k resync: %d command(s) %s in %d ms (first sync %d ms)%n", commands,
                    proxy.commands(), againMs, firstMs);
            assertThat(again.unchanged()).isEqualTo(1);
            assertThat(again.up() + again.down()).isZero();
            assertThat(commands).as(proxy.describeCommands()).isLessThanOrEqualTo(6);

            // A second client expunges two messages and flags one: QRESYNC names exactly those, so the resync
            // stays a constant number of commands (no UID SEARCH of all 10,000 UIDs).
            try (Mailbox other = connect(); dev.mailaccess.MailFolder f = other.folder("INBOX",
                    dev.mailaccess.AccessMode.READ_WRITE)) {
                List<dev.mailaccess.MessageRef> refs = f.refs();
                f.expunge(List.of(refs.get(10), refs.get(5000)));
                f.addFlags(List.of(refs.get(20)), dev.mailaccess.Flags.of(dev.mailaccess.Flag.FLAGGED));
            }
            proxy.resetCounts();
            SyncReport changed = r.sync(mb);
            System.out.printf("changed 10k resync: %d command(s) %s%n", proxy.commandCount(), proxy.commands());
            assertThat(changed.removedLocally()).isEqualTo(2);
            assertThat(changed.flagsPulled()).isEqualTo(1);
            assertThat(proxy.commands()).as(proxy.describeCommands())
                    .noneMatch(c -> c.toUpperCase(java.util.Locale.ROOT).contains("SEARCH"))
                    .anyMatch(c -> c.toUpperCase(java.util.Locale.ROOT).contains("QRESYNC"));
            assertThat(proxy.commandCount()).as(proxy.describeCommands()).isLessThanOrEqualTo(10);
            assertThat(r.messages("INBOX")).hasSize(9_998);
        }
    }
}

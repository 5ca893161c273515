package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.Support;
import dev.mailaccess.sync.Replica;
import dev.mailaccess.sync.SyncReport;
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
        }
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.Quota;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * COMPRESS=DEFLATE and QUOTA against a Dovecot with the imap_zlib and quota plugins; QUOTA against GreenMail too.
 */
class ImapCompressionQuotaTest {
    private static final int LISTING = 10_000;
    private static DovecotFixture dovecot;

    @BeforeAll
    static void start() {
        dovecot = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().compression(true)
                .quota("*:storage=10M"));
    }

    @AfterAll
    static void stop() {
        if (dovecot != null) {
            System.err.println("DOVECOT LOG " + dovecot.logTail(40));
            dovecot.close();
        }
    }

    private record Listed(List<MessageSummary> summaries, long serverBytes, Support compression) {
    }

    private static Listed list(String user, boolean compression) {
        try (LoopbackProxy proxy = new LoopbackProxy(dovecot.host(), dovecot.port("imap"))) {
            try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).port(proxy.port())
                    .compression(compression).build());
                 MailFolder inbox = mb.inbox()) {
                List<MessageSummary> all = inbox.summaries(FetchSpec.LIST);
                return new Listed(all, proxy.serverBytes(), mb.capabilities().support(Capability.COMPRESSION));
            }
        }
    }

    @Test
    void listingTenThousandSummariesCompressedTakesAtMostAThirdOfTheBytesWithTheSameResults() {
        String user = dovecot.newUser();
        List<byte[]> messages = new ArrayList<>(LISTING);
        for (int i = 1; i <= LISTING; i++) {
            messages.add(TestMessages.numbered(i));
        }
        dovecot.deliverMany(user, "INBOX", messages);
        Listed plain = list(user, false);
        Listed deflated = list(user, true);
        assertThat(plain.compression()).isEqualTo(Support.UNSUPPORTED);
        assertThat(deflated.compression()).isEqualTo(Support.NATIVE);
        assertThat(deflated.summaries()).hasSize(LISTING).isEqualTo(plain.summaries());
        double ratio = (double) deflated.serverBytes() / plain.serverBytes();
        System.out.printf("COMPRESS=DEFLATE, %d summaries: %d bytes from the server compressed, %d uncompressed (%.1f%%)%n",
                LISTING, deflated.serverBytes(), plain.serverBytes(), 100 * ratio);
        assertThat(ratio).as("compressed %d bytes, uncompressed %d", deflated.serverBytes(), plain.serverBytes())
                .isLessThanOrEqualTo(0.35);
    }

    @Test
    void aCompressedSessionStreamsBodiesWaitsForChangesAndAppends() throws Exception {
        String user = dovecot.newUser();
        byte[] first = TestMessages.numbered(1);
        dovecot.deliver(user, "INBOX", first, dev.mailaccess.Flags.NONE);
        try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).build());
             MailFolder inbox = mb.inbox()) {
            assertThat(mb.capabilities().support(Capability.COMPRESSION)).isEqualTo(Support.NATIVE);
            var ref = inbox.refs().get(0);
            try (var in = inbox.openMessage(ref)) {
                assertThat(in.readAllBytes()).isEqualTo(first);
            }
            // IDLE on an inflated stream returns at its timeout instead of blocking on a response not yet sent
            long t0 = System.nanoTime();
            inbox.awaitChange(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            inbox.append(new java.io.ByteArrayInputStream(TestMessages.numbered(2)), dev.mailaccess.Flags.NONE, null);
            assertThat(inbox.refs()).hasSize(2);

            // the listing went through the library's own bounded reader, over the inflated stream (null would be
            // the fallback to Angus's reader)
            org.eclipse.angus.mail.imap.IMAPStore store = mb.unwrap(org.eclipse.angus.mail.imap.IMAPStore.class);
            org.eclipse.angus.mail.imap.IMAPFolder raw = (org.eclipse.angus.mail.imap.IMAPFolder) store.getFolder("INBOX");
            raw.open(jakarta.mail.Folder.READ_ONLY);
            try {
                long uidValidity = raw.getUIDValidity();
                Object compressed = raw.doCommand(p -> ((BoundedImapProtocol) p).compressed());
                Object listed = raw.doCommand(p -> ListingReader.list(p, "UID FETCH 1:* (UID FLAGS)", uidValidity,
                        FetchSpec.of(FetchSpec.Item.FLAGS), "dovecot"));
                assertThat(compressed).isEqualTo(true);
                assertThat(listed).isInstanceOf(java.util.Map.class);
                assertThat((java.util.Map<?, ?>) listed).hasSize(2);
            } finally {
                raw.close(false);
            }
        }
    }

    @Test
    void quotaOnDovecot() {
        String user = dovecot.newUser();
        dovecot.deliver(user, "INBOX", TestMessages.numbered(1), dev.mailaccess.Flags.NONE);
        try (Mailbox mb = MailAccess.connect(dovecot.config("imap", user).build())) {
            assertThat(mb.capabilities().support(Capability.QUOTA)).isEqualTo(Support.NATIVE);
            List<Quota> quota = mb.quota("INBOX");
            assertThat(quota).hasSize(1);
            Quota.Resource storage = quota.get(0).resource("storage").orElseThrow();
            assertThat(storage.limit()).isEqualTo(10 * 1024);
            assertThat(storage.usage()).isBetween(0L, 10L);
            assertThat(quota.get(0).storageLimitBytes()).isEqualTo(10L * 1024 * 1024);
            // Dovecot's quota roots belong to the user, not the folder: it answers for any name in its namespace
            assertThat(mb.quota("NoSuchFolder")).extracting(Quota::root).containsExactly(quota.get(0).root());
        }
    }

    @Test
    void quotaOnDovecotWithoutThePluginIsUnsupportedBeforeAnyIo() {
        DovecotFixture plain = SharedServers.dovecot();
        String user = plain.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(plain.host(), plain.port("imap"));
             Mailbox mb = MailAccess.connect(plain.config("imap", user).port(proxy.port()).build())) {
            assertThat(mb.capabilities().info(Capability.QUOTA).reason()).contains("no QUOTA");
            int before = proxy.commandCount();
            assertThatThrownBy(() -> mb.quota("INBOX")).isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(proxy.commandCount()).isEqualTo(before);
        }
    }

    @Test
    void quotaOnGreenMail() {
        var gm = SharedServers.greenMail();
        String user = gm.newUser();
        try (Mailbox mb = MailAccess.connect(gm.config("imap", user).build())) {
            assertThat(mb.capabilities().support(Capability.QUOTA)).isEqualTo(Support.NATIVE);
            assertThat(mb.quota("INBOX")).allSatisfy(q -> assertThat(q.root()).isNotNull());
        }
    }
}

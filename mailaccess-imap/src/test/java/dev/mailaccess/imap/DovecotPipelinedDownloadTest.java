package dev.mailaccess.imap;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * downloadMessages over several batches (1,000 messages each), where the FETCH of the next batch is sent before the
 * sink gets the current one: every message arrives once, in order, intact; and after a sink that fails while a
 * FETCH is in flight, the folder still answers correctly.
 */
class DovecotPipelinedDownloadTest {
    private static final int COUNT = 2_100;

    @Test
    void batchesArriveInOrderAndAFailingSinkLeavesTheConnectionInStep() throws Exception {
        DovecotFixture dovecot = SharedServers.dovecot();
        String user = dovecot.newUser();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < COUNT; i++) {
            sent.add(TestMessages.numbered(i));
        }
        dovecot.deliverMany(user, "INBOX", sent);
        try (LoopbackProxy proxy = new LoopbackProxy(dovecot.host(), dovecot.port("imap"));
             Mailbox mb = MailAccess.connect(dovecot.config("imap", user).port(proxy.port()).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            assertThat(refs).hasSize(COUNT);
            List<byte[]> got = new ArrayList<>();
            List<MessageRef> order = new ArrayList<>();
            proxy.resetCounts();
            inbox.downloadMessages(refs, (ref, in) -> {
                order.add(ref);
                got.add(in.readAllBytes());
            });
            assertThat(order).containsExactlyElementsOf(refs);
            for (int i = 0; i < COUNT; i++) {
                assertThat(got.get(i)).as("message %d", i).isEqualTo(sent.get(i));
            }
            // the sizes and three batches; Angus may add a NOOP (it probes a connection idle for a second)
            assertThat(proxy.commandCount()).as(proxy.describeCommands()).isBetween(4, 5);

            // fails in the second batch, while the third one's FETCH is in flight
            int[] seen = {0};
            assertThatThrownBy(() -> inbox.downloadMessages(refs, (ref, in) -> {
                in.readAllBytes();
                if (++seen[0] == 1_500) {
                    throw new IOException("disk full (simulated)");
                }
            })).hasRootCauseMessage("disk full (simulated)");
            assertThat(seen[0]).isEqualTo(1_500);
            List<MessageSummary> listed = inbox.summaries(FetchSpec.of(FetchSpec.Item.SIZE));
            assertThat(listed).extracting(MessageSummary::ref).containsExactlyElementsOf(refs);
            for (int i : new int[] {0, 1_999, 2_000, COUNT - 1}) {
                try (InputStream in = inbox.openMessage(refs.get(i))) {
                    assertThat(Arrays.equals(in.readAllBytes(), sent.get(i))).as("message %d", i).isTrue();
                }
            }
        }
    }
}

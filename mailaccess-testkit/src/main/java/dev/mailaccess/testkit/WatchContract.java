package dev.mailaccess.testkit;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.Watch;
import dev.mailaccess.WatchEvent;
import dev.mailaccess.WatchListener;
import dev.mailaccess.WatchOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link Mailbox#watch} against a server: new messages, flag changes and expunges made through other connections
 * are each reported once, in the first folder within {@link #firstFolderLatency()} (IDLE where the server has it)
 * and in another within a poll interval; a connection cut mid-wait loses no event; the reconnect attempts end in
 * {@link WatchListener#onFailure}; a closed watch reports nothing; without emulation the call is refused before any
 * I/O.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class WatchContract {
    /** Short poll interval and backoff, so that the tests run quickly. */
    protected static final WatchOptions FAST = new WatchOptions(Duration.ofMillis(300), 3, Duration.ofMillis(100));

    /** The server under test. */
    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    /** The support this server is expected to show for {@link Capability#WATCH}. */
    protected abstract Support expectedSupport();

    /** How soon a change in the first watched folder must be reported. */
    protected Duration firstFolderLatency() {
        return Duration.ofSeconds(3);
    }

    private boolean imap() {
        return protocol().equals("imap");
    }

    /** Collects what the watch reports. */
    protected static final class Recorder implements WatchListener {
        private record Arrival(WatchEvent event, long nanos) {
        }

        final BlockingQueue<Arrival> events = new LinkedBlockingQueue<>();
        final List<Integer> reconnects = new CopyOnWriteArrayList<>();
        final List<MailAccessException> failures = new CopyOnWriteArrayList<>();
        /** For each event taken, how long {@link #next} waited for it, in milliseconds (0 if it was there). */
        final List<Long> waits = new ArrayList<>();

        @Override
        public void onEvent(WatchEvent event) {
            events.add(new Arrival(event, System.nanoTime()));
        }

        @Override
        public void onReconnecting(int attempt, MailAccessException cause) {
            reconnects.add(attempt);
        }

        @Override
        public void onFailure(MailAccessException cause) {
            failures.add(cause);
        }

        WatchEvent next(Duration within) throws InterruptedException {
            long asked = System.nanoTime();
            Arrival a = events.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(a).as("an event within " + within).isNotNull();
            waits.add(Math.max(0, a.nanos() - asked) / 1_000_000);
            return a.event();
        }

    }

    private Mailbox connect(String user, boolean emulate) {
        return MailAccess.connect(fixture().config(protocol(), user).allowEmulation(emulate).build());
    }

    private static byte[] message(String subject) {
        return TestMessages.plain("W <w@example.test>", "r@example.test", subject, "watched\r\n");
    }

    @Test
    void capabilityIsDeclaredWithAReason() {
        String user = fixture().newUser();
        try (Mailbox mb = connect(user, true)) {
            assertThat(mb.capabilities().support(Capability.WATCH)).isEqualTo(expectedSupport());
            assertThat(mb.capabilities().info(Capability.WATCH).reason()).isNotBlank();
        }
    }

    @Test
    void aNewMessageIsReportedOnceAndTheStartingStateIsNot() throws Exception {
        String user = fixture().newUser();
        fixture().deliver(user, "INBOX", message("before"), Flags.NONE);
        Recorder r = new Recorder();
        try (Mailbox mb = connect(user, true); Watch w = mb.watch(List.of("INBOX"), r, FAST)) {
            assertThat(w.isActive()).isTrue();
            long start = System.nanoTime();
            fixture().deliver(user, "INBOX", message("after"), Flags.NONE);
            WatchEvent e = r.next(firstFolderLatency());
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("[watch %s/%s] new message reported after %d ms%n", fixture().name(), protocol(),
                    millis);
            assertThat(e.kind()).isEqualTo(WatchEvent.Kind.NEW);
            assertThat(e.folder()).isEqualTo("INBOX");
            try (Mailbox other = connect(user, true); MailFolder inbox = other.inbox()) {
                List<MessageRef> refs = inbox.refs();
                assertThat(e.ref()).isEqualTo(refs.get(refs.size() - 1));
            }
            assertThat(r.events.poll(1, TimeUnit.SECONDS)).as("reported once; 'before' not at all").isNull();
        }
    }

    @Test
    void flagChangesAndExpungesFromASecondConnection() throws Exception {
        String user = fixture().newUser();
        fixture().deliver(user, "INBOX", message("one"), Flags.NONE);
        fixture().deliver(user, "INBOX", message("two"), Flags.NONE);
        Recorder r = new Recorder();
        try (Mailbox mb = connect(user, true); Watch w = mb.watch(List.of("INBOX"), r, FAST)) {
            MessageRef first;
            if (imap()) {
                try (Mailbox other = connect(user, true); MailFolder inbox = other.inbox()) {
                    first = inbox.refs().get(0);
                    inbox.addFlags(List.of(first), Flags.of(Flag.FLAGGED));
                }
                WatchEvent flagged = r.next(firstFolderLatency());
                assertThat(flagged.kind()).isEqualTo(WatchEvent.Kind.FLAGS);
                assertThat(flagged.ref()).isEqualTo(first);
                assertThat(flagged.flags().system()).contains(Flag.FLAGGED);
                try (Mailbox other = connect(user, true); MailFolder inbox = other.inbox()) {
                    inbox.expunge(List.of(first));
                }
            } else {
                try (Mailbox other = connect(user, true); MailFolder inbox = other.inbox()) {
                    first = inbox.refs().get(0);
                    inbox.delete(List.of(first)); // final at QUIT, when the session closes
                }
            }
            WatchEvent gone = r.next(firstFolderLatency());
            if (imap() && gone.kind() == WatchEvent.Kind.FLAGS) {
                // seen between STORE +FLAGS \Deleted and UID EXPUNGE: a true change, then the expunge
                assertThat(gone.flags().system()).contains(Flag.DELETED);
                gone = r.next(firstFolderLatency());
            }
            assertThat(gone.kind()).isEqualTo(WatchEvent.Kind.EXPUNGED);
            assertThat(gone.ref()).isEqualTo(first);
            assertThat(r.events.poll(1, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void severalFoldersOnOneWatch() throws Exception {
        String user = fixture().newUser();
        if (!imap()) {
            try (Mailbox mb = connect(user, true)) {
                assertThatThrownBy(() -> mb.watch(List.of("INBOX", "Archive"), new Recorder(), FAST))
                        .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("FOLDERS");
            }
            return;
        }
        fixture().createFolder(user, "Archive");
        fixture().createFolder(user, "Lists");
        Recorder r = new Recorder();
        // NATIVE (NOTIFY): pushed for every folder, so a long poll interval must not delay the others
        boolean pushed = expectedSupport() == Support.NATIVE;
        WatchOptions options = pushed ? new WatchOptions(Duration.ofSeconds(20), 3, Duration.ofMillis(100)) : FAST;
        Duration within = pushed ? firstFolderLatency() : FAST.pollInterval().plus(firstFolderLatency());
        try (Mailbox mb = connect(user, true);
             Watch w = mb.watch(List.of("INBOX", "Archive", "Lists"), r, options)) {
            Thread.sleep(300); // into IDLE
            WatchEvent e;
            // through the server (Dovecot's NOTIFY learns of other folders' changes from its own mailbox list
            // index, which a file written into the Maildir bypasses: that is seen at the next poll instead)
            try (Mailbox other = connect(user, true); MailFolder lists = other.folder("Lists", AccessMode.READ_WRITE)) {
                long start = System.nanoTime(); // from the APPEND, the second connection being ready
                lists.append(new ByteArrayInputStream(message("to lists")), Flags.NONE, null);
                e = r.next(within);
                System.out.printf("[watch %s/%s] new message in the third folder reported after %d ms%n",
                        fixture().name(), protocol(), (System.nanoTime() - start) / 1_000_000);
            }
            assertThat(e.folder()).isEqualTo("Lists");
            assertThat(e.kind()).isEqualTo(WatchEvent.Kind.NEW);
            appendFromSecondConnection(user, "Archive", "to archive");
            appendFromSecondConnection(user, "INBOX", "to inbox");
            List<String> folders = new ArrayList<>();
            folders.add(r.next(within).folder());
            folders.add(r.next(within).folder());
            assertThat(folders).containsExactlyInAnyOrder("Archive", "INBOX");
            // flags and expunges, in the pushed first folder and in another one
            for (String folder : List.of("INBOX", "Archive")) {
                try (Mailbox other = connect(user, true);
                     MailFolder f = other.folder(folder, AccessMode.READ_WRITE)) {
                    MessageRef ref = f.refs().get(0);
                    f.addFlags(List.of(ref), Flags.of(Flag.ANSWERED));
                    WatchEvent flagged = r.next(within);
                    assertThat(flagged.folder()).isEqualTo(folder);
                    assertThat(flagged.kind()).isEqualTo(WatchEvent.Kind.FLAGS);
                    assertThat(flagged.flags().system()).contains(Flag.ANSWERED);
                    f.expunge(List.of(ref));
                    WatchEvent gone = r.next(within);
                    if (gone.kind() == WatchEvent.Kind.FLAGS) {
                        assertThat(gone.flags().system()).contains(Flag.DELETED); // seen before the expunge
                        gone = r.next(within);
                    }
                    assertThat(gone.folder()).isEqualTo(folder);
                    assertThat(gone.kind()).isEqualTo(WatchEvent.Kind.EXPUNGED);
                    assertThat(gone.ref()).isEqualTo(ref);
                }
            }
            System.out.printf("[watch %s/%s] waited for each event (ms): %s%n", fixture().name(), protocol(),
                    r.waits);
        }
    }

    private void appendFromSecondConnection(String user, String folder, String subject) {
        try (Mailbox other = connect(user, true); MailFolder f = other.folder(folder, AccessMode.READ_WRITE)) {
            f.append(new ByteArrayInputStream(message(subject)), Flags.NONE, null);
        }
    }

    @Test
    void aConnectionCutMidWaitLosesNoEvent() throws Exception {
        String user = fixture().newUser();
        Recorder r = new Recorder();
        try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()));
             Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                     .allowEmulation(true).build());
             Watch w = mb.watch(List.of("INBOX"), r, FAST)) {
            Thread.sleep(500); // into IDLE (IMAP) or between polls (POP3)
            proxy.cutAll();
            fixture().deliver(user, "INBOX", message("while cut"), Flags.NONE);
            WatchEvent e = r.next(Duration.ofSeconds(10));
            assertThat(e.kind()).isEqualTo(WatchEvent.Kind.NEW);
            if (imap()) {
                assertThat(r.reconnects).as("the IDLE connection was cut").isNotEmpty();
            }
            assertThat(w.isActive()).isTrue();
            assertThat(r.failures).isEmpty();
        }
    }

    /**
     * A quiet IDLE longer than the read timeout is healthy: the read deadline and minimum rate do not cut it, so the
     * watch neither reconnects nor misses what arrives after it.
     */
    @Test
    void aQuietWaitLongerThanTheReadTimeoutIsNotCut() throws Exception {
        String user = fixture().newUser();
        Recorder r = new Recorder();
        WatchOptions slow = new WatchOptions(Duration.ofSeconds(3), 3, Duration.ofMillis(100));
        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).readTimeout(Duration.ofSeconds(1))
                .allowEmulation(true).build());
             Watch w = mb.watch(List.of("INBOX"), r, slow)) {
            Thread.sleep(4_000); // quiet: more than three read timeouts, past one poll interval
            fixture().deliver(user, "INBOX", message("after a quiet while"), Flags.NONE);
            WatchEvent e = r.next(imap() ? firstFolderLatency() : slow.pollInterval().plusSeconds(2));
            assertThat(e.kind()).isEqualTo(WatchEvent.Kind.NEW);
            assertThat(r.reconnects).as("no reconnect: the IDLE was not cut").isEmpty();
            assertThat(r.failures).isEmpty();
        }
    }

    @Test
    void theWatchEndsWhenTheReconnectAttemptsAreSpent() throws Exception {
        String user = fixture().newUser();
        Recorder r = new Recorder();
        LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()));
        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                .allowEmulation(true).build());
             Watch w = mb.watch(List.of("INBOX"), r, FAST)) {
            proxy.close(); // no new connection is accepted
            proxy.cutAll();
            assertThat(w.awaitEnd(Duration.ofSeconds(30))).isTrue();
            assertThat(w.isActive()).isFalse();
            assertThat(r.reconnects).containsExactly(1, 2, 3);
            assertThat(r.failures).hasSize(1);
        }
    }

    @Test
    void aClosedWatchReportsNothing() throws Exception {
        String user = fixture().newUser();
        Recorder r = new Recorder();
        try (Mailbox mb = connect(user, true)) {
            Watch w = mb.watch(List.of("INBOX"), r, FAST);
            w.close();
            assertThat(w.isActive()).isFalse();
            fixture().deliver(user, "INBOX", message("after close"), Flags.NONE);
            assertThat(r.events.poll(1, TimeUnit.SECONDS)).isNull();
            assertThat(r.failures).isEmpty();
        }
    }

    @Test
    void refusedBeforeAnyIoWithoutEmulationWhereEmulated() {
        String user = fixture().newUser();
        try (Mailbox mb = connect(user, false)) {
            if (expectedSupport() == Support.NATIVE) {
                try (Watch w = mb.watch(List.of("INBOX"), new Recorder(), FAST)) {
                    assertThat(w.isActive()).isTrue();
                }
                return;
            }
            assertThatThrownBy(() -> mb.watch(List.of("INBOX"), new Recorder(), FAST))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("WATCH");
        }
    }
}

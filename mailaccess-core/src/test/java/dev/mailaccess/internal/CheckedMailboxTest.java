package dev.mailaccess.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxClosedException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ReadOnlyFolderException;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.spi.MailboxSession;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Capability enforcement, serialisation and abort-on-close, against a scripted fake adapter. */
class CheckedMailboxTest {
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final CountDownLatch aborted = new CountDownLatch(1);
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger maxInside = new AtomicInteger();
    private final List<FetchSpec> specsGiven = new CopyOnWriteArrayList<>();

    private static CapabilitySet caps() {
        List<CapabilityInfo> infos = new ArrayList<>();
        for (Capability c : Capability.values()) {
            infos.add(CapabilityInfo.nativeSupport(c, "native in the fake"));
        }
        return CapabilitySet.of("fake", infos)
                .with(CapabilityInfo.unsupported(Capability.FOLDERS, "the fake has one folder"))
                .with(CapabilityInfo.emulated(Capability.SERVER_SEARCH, "the fake downloads everything"));
    }

    private MailFolder fakeFolder(AccessMode mode) {
        return (MailFolder) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailFolder.class},
                (p, m, args) -> {
                    calls.add("folder." + m.getName());
                    for (Object arg : args == null ? new Object[0] : args) {
                        if (arg instanceof FetchSpec spec) {
                            specsGiven.add(spec);
                        }
                    }
                    switch (m.getName()) {
                        case "mode":
                            return mode;
                        case "path":
                            return "INBOX";
                        case "status":
                            int now = inside.incrementAndGet();
                            maxInside.accumulateAndGet(now, Math::max);
                            Thread.sleep(20);
                            inside.decrementAndGet();
                            return new FolderStatus("INBOX", 0, 0, 1, 1, -1);
                        case "refs":
                            // Blocks like a hung server until the session is aborted.
                            if (!aborted.await(10, TimeUnit.SECONDS)) {
                                throw new IllegalStateException("never aborted");
                            }
                            throw new ConnectionException("socket closed", true, null);
                        case "search":
                        case "delete":
                            return List.of();
                        default:
                            return null;
                    }
                });
    }

    private Mailbox mailbox(boolean emulate, AccessMode mode) {
        return mailbox(emulate, mode, caps());
    }

    private Mailbox mailbox(boolean emulate, AccessMode mode, CapabilitySet caps) {
        MailboxSession session = (MailboxSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {MailboxSession.class}, (p, m, args) -> {
                    calls.add(m.getName());
                    return switch (m.getName()) {
                        case "capabilities" -> caps;
                        case "folder" -> fakeFolder(mode);
                        case "abort" -> {
                            aborted.countDown();
                            yield null;
                        }
                        default -> null;
                    };
                });
        MailboxConfig cfg = MailboxConfig.builder().protocol("imap").host("h").user("u").allowEmulation(emulate)
                .build();
        return new CheckedMailbox(session, cfg);
    }

    @Test
    void unsupportedOperationsNeverReachTheAdapter() {
        Mailbox mb = mailbox(true, AccessMode.READ_WRITE);
        assertThatThrownBy(mb::folders)
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("FOLDERS").hasMessageContaining("fake").hasMessageContaining("one folder");
        assertThatThrownBy(() -> mb.folder("Archive", AccessMode.READ_ONLY))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(calls).doesNotContain("folders", "folder");
    }

    @Test
    void emulatedOperationsRunOnlyWhenAllowed() {
        MailFolder strict = mailbox(false, AccessMode.READ_WRITE).inbox();
        assertThatThrownBy(() -> strict.search(dev.mailaccess.search.SearchQuery.all()))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .satisfies(e -> assertThat(((UnsupportedCapabilityException) e).support()).isEqualTo(Support.EMULATED))
                .hasMessageContaining("allowEmulation");
        assertThat(calls).doesNotContain("folder.search");
        // With emulation allowed, core plans the search locally (the adapter's refs, TOP and RETR), never
        // the adapter's own search.
        MailFolder lenient = mailbox(true, AccessMode.READ_WRITE).inbox();
        assertThat(lenient.plan(dev.mailaccess.search.SearchQuery.subject("x"),
                dev.mailaccess.search.SearchMode.PLANNED).explain()).contains("emulated");
        assertThat(calls).doesNotContain("folder.search");
    }

    @Test
    void aBestEffortSpecReachesTheAdapterNarrowedAndAStrictOneIsRefused() {
        CapabilitySet pop3Like = caps()
                .with(CapabilityInfo.unsupported(Capability.SERVER_FLAGS, "the fake keeps no flags"))
                .with(CapabilityInfo.emulated(Capability.HEADERS, "the fake downloads whole messages"));
        FetchSpec asked = FetchSpec.LIST.bestEffort();
        MailFolder strict = mailbox(false, AccessMode.READ_ONLY, pop3Like).inbox();
        strict.newest(5, asked);
        strict.summaries(asked);
        strict.summaries(List.of(MessageRef.pop3("a")), asked);
        strict.changedSince(1, asked);
        strict.changesSince(1, 1, asked);
        MailFolder emulating = mailbox(true, AccessMode.READ_ONLY, pop3Like).inbox();
        emulating.newest(5, asked);
        FetchSpec sizeAndDate = FetchSpec.of(FetchSpec.Item.SIZE, FetchSpec.Item.INTERNAL_DATE);
        assertThat(specsGiven).containsExactly(sizeAndDate, sizeAndDate, sizeAndDate, sizeAndDate, sizeAndDate,
                sizeAndDate.with(FetchSpec.Item.ENVELOPE));

        specsGiven.clear();
        assertThatThrownBy(() -> strict.newest(5, FetchSpec.LIST))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                        e -> assertThat(e.capability()).isEqualTo(Capability.HEADERS));
        assertThatThrownBy(() -> emulating.newest(5, FetchSpec.LIST))
                .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                        e -> assertThat(e.capability()).isEqualTo(Capability.SERVER_FLAGS));
        assertThat(specsGiven).isEmpty();
    }

    @Test
    void readOnlyFoldersRefuseChangesBeforeTheAdapter() {
        MailFolder ro = mailbox(true, AccessMode.READ_ONLY).inbox();
        assertThatThrownBy(() -> ro.delete(List.of(MessageRef.imap(1, 1))))
                .isInstanceOf(ReadOnlyFolderException.class);
        assertThat(calls).doesNotContain("folder.delete");
    }

    @Test
    void callsAreSerialised() throws Exception {
        MailFolder inbox = mailbox(true, AccessMode.READ_WRITE).inbox();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fs.add(pool.submit(inbox::status));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxInside.get()).isEqualTo(1);
    }

    @Test
    void closeFromAnotherThreadAbortsTheCallInProgress() throws Exception {
        Mailbox mb = mailbox(true, AccessMode.READ_WRITE);
        MailFolder inbox = mb.inbox();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<List<MessageRef>> blocked = pool.submit(inbox::refs);
            while (!calls.contains("folder.refs")) {
                Thread.sleep(5);
            }
            mb.close();
            assertThatThrownBy(() -> blocked.get(5, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MailboxClosedException.class);
            assertThat(calls).contains("abort", "close");
            assertThatThrownBy(() -> inbox.summaries(FetchSpec.LIST)).isInstanceOf(MailboxClosedException.class);
        } finally {
            pool.shutdownNow();
        }
    }
}

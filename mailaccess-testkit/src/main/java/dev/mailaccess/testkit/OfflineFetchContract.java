package dev.mailaccess.testkit;

import dev.mailaccess.ConnectionException;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ProgressListener;
import dev.mailaccess.offline.OfflineFetch;
import dev.mailaccess.store.Maildir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Offline mode against a server fixture: download-and-delete, keep, keep-for-N-days, and exactly-once under
 * injected connection faults. The number of fault runs comes from the system property
 * {@code mailaccess.faultRuns} (default 50).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
public abstract class OfflineFetchContract {

    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    protected String user;

    @TempDir
    protected Path tmp;

    @BeforeEach
    void freshUser() {
        user = fixture().newUser();
    }

    protected MailboxConfig config() {
        return fixture().config(protocol(), user).build();
    }

    protected List<byte[]> seed(int n, long seed) {
        List<byte[]> messages = new ArrayList<>();
        Random r = new Random(seed);
        for (int i = 0; i < n; i++) {
            byte[] m = r.nextInt(5) == 0 ? TestMessages.withAttachment("Attachment " + i, "f" + i + ".bin",
                    TestMessages.randomBytes(2000 + r.nextInt(20_000), seed * 31 + i))
                    : TestMessages.plain("Sender <s" + i + "@example.test>", "rcpt@example.test",
                    "Offline " + seed + "/" + i, "body " + i + " " + "x".repeat(r.nextInt(3000)) + "\r\n");
            fixture().deliver(user, "INBOX", m, Flags.NONE);
            messages.add(m);
        }
        return messages;
    }

    /** Message-ID to content hash, of what the server holds now. */
    protected Map<String, String> onServer() {
        Map<String, String> m = new TreeMap<>();
        for (byte[] b : fixture().messages(user, "INBOX")) {
            m.put(TestMessages.messageId(b), sha256(b));
        }
        return m;
    }

    /** Message-ID to content hash of the Maildir; fails on a Message-ID stored twice. */
    protected static Map<String, String> inMaildir(Path maildir) throws Exception {
        Map<String, String> m = new TreeMap<>();
        for (Path p : Maildir.open(maildir, false).messages()) {
            byte[] b = Files.readAllBytes(p);
            String previous = m.put(TestMessages.messageId(b), sha256(b));
            assertThat(previous).as("stored twice: " + TestMessages.messageId(b)).isNull();
        }
        return m;
    }

    protected static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void downloadsEverythingThenDeletesOnTheServerAndRerunsAreEmpty() throws Exception {
        seed(12, 1);
        Map<String, String> before = onServer();
        Path md = tmp.resolve("Mail");
        AtomicInteger progressed = new AtomicInteger();
        OfflineFetch.Result r = OfflineFetch.builder(config(), md).commitEvery(5).listener(new ProgressListener() {
            @Override
            public void progressed(String folder, int messagesDone, long bytesDone) {
                progressed.set(messagesDone);
            }
        }).build().run();
        assertThat(r.downloaded()).isEqualTo(12);
        assertThat(r.deletedOnServer()).isEqualTo(12);
        assertThat(progressed.get()).isEqualTo(12);
        assertThat(inMaildir(md)).isEqualTo(before);
        assertThat(onServer()).isEmpty();
        OfflineFetch.Result again = OfflineFetch.builder(config(), md).build().run();
        assertThat(again.downloaded()).isZero();
        assertThat(inMaildir(md)).isEqualTo(before);
    }

    @Test
    void keepModeLeavesTheServerUntouchedAndDownloadsOnlyNewMail() throws Exception {
        seed(5, 2);
        Path md = tmp.resolve("Mail");
        OfflineFetch keep = OfflineFetch.builder(config(), md).retention(new OfflineFetch.Retention.Keep()).build();
        assertThat(keep.run().downloaded()).isEqualTo(5);
        assertThat(onServer()).hasSize(5);
        seed(2, 3);
        OfflineFetch.Result second = OfflineFetch.builder(config(), md)
                .retention(new OfflineFetch.Retention.Keep()).build().run();
        assertThat(second.downloaded()).isEqualTo(2);
        assertThat(second.alreadyPresent()).isEqualTo(5);
        assertThat(inMaildir(md)).isEqualTo(onServer());
    }

    @Test
    void keepForDaysDeletesOnlyAfterTheDays() throws Exception {
        seed(3, 4);
        Path md = tmp.resolve("Mail");
        Instant day0 = Instant.parse("2026-01-01T00:00:00Z");
        OfflineFetch.Retention keep3 = new OfflineFetch.Retention.KeepDays(3);
        OfflineFetch.builder(config(), md).retention(keep3).clock(Clock.fixed(day0, ZoneOffset.UTC)).build().run();
        assertThat(onServer()).hasSize(3);
        OfflineFetch.builder(config(), md).retention(keep3)
                .clock(Clock.fixed(day0.plus(Duration.ofDays(2)), ZoneOffset.UTC)).build().run();
        assertThat(onServer()).hasSize(3);
        OfflineFetch.Result r = OfflineFetch.builder(config(), md).retention(keep3)
                .clock(Clock.fixed(day0.plus(Duration.ofDays(3)), ZoneOffset.UTC)).build().run();
        assertThat(r.deletedOnServer()).isEqualTo(3);
        assertThat(onServer()).isEmpty();
        assertThat(inMaildir(md)).hasSize(3);
    }

    @Test
    void anUnwritableMaildirStopsBeforeDeletingAnything() throws Exception {
        seed(6, 5);
        Map<String, String> before = onServer();
        Path md = tmp.resolve("Mail");
        Maildir.open(md);
        AtomicInteger done = new AtomicInteger();
        OfflineFetch fetch = OfflineFetch.builder(config(), md).commitEvery(100).listener(new ProgressListener() {
            @Override
            public void progressed(String folder, int messagesDone, long bytesDone) {
                if (done.incrementAndGet() == 2) {
                    breakDirectory(md.resolve("tmp"));
                }
            }
        }).build();
        assertThatThrownBy(fetch::run).isInstanceOf(Maildir.StoreException.class)
                .hasMessageContaining("cannot store");
        assertThat(onServer()).isEqualTo(before);
    }

    private static void breakDirectory(Path dir) {
        try {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
            Files.writeString(dir, "not a directory any more");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The commands at which a connection is cut, for this protocol. */
    protected List<String> cutCommands() {
        return protocol().equals("imap")
                ? List.of("FETCH", "STORE", "EXPUNGE", "LOGOUT", "SELECT", "UID")
                : List.of("RETR", "DELE", "QUIT", "UIDL", "LIST", "STAT");
    }

    @Test
    void exactlyOnceUnderInjectedFaults() throws Exception {
        int runs = Integer.getInteger("mailaccess.faultRuns", 50);
        Random random = new Random(20261127L);
        for (int run = 0; run < runs; run++) {
            user = fixture().newUser();
            boolean keep = run % 4 == 3;
            List<byte[]> seeded = seed(6 + random.nextInt(6), 1000 + run);
            Map<String, String> before = onServer();
            assertThat(before).hasSize(seeded.size());
            Path md = tmp.resolve("fault-" + run);
            String cutAt = cutCommands().get(random.nextInt(cutCommands().size()));
            long afterBytes = random.nextInt(4) == 0 ? 0 : random.nextInt(3000);
            int cuts = 1 + random.nextInt(3);
            try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()))) {
                MailboxConfig viaProxy = fixture().config(protocol(), user).port(proxy.port())
                        .readTimeout(Duration.ofSeconds(5)).build();
                AtomicInteger connects = new AtomicInteger();
                OfflineFetch fetch = OfflineFetch.builder(viaProxy, md)
                        .retention(keep ? new OfflineFetch.Retention.Keep() : new OfflineFetch.Retention.Delete())
                        .commitEvery(1 + random.nextInt(4)).maxAttempts(3).backoff(Duration.ofMillis(1))
                        .fsync(false)
                        .connector(cfg -> {
                            // Re-arm the fault for the first few sessions, each at a fresh point.
                            if (connects.getAndIncrement() < cuts) {
                                proxy.cutOn(cutAt, afterBytes + random.nextInt(200));
                            } else {
                                proxy.cutOn("\u0000never", 0);
                            }
                            return MailAccess.connect(cfg);
                        }).build();
                String context = "run " + run + ": cut at " + cutAt + " after " + afterBytes + " bytes, " + cuts
                        + " cut(s), keep=" + keep;
                for (int attempt = 0; attempt < 5; attempt++) {
                    try {
                        fetch.run();
                        break;
                    } catch (ConnectionException e) {
                        // gave up for now: a rerun must carry on safely
                    } catch (MailAccessException e) {
                        throw new AssertionError(context + ": unexpected " + e, e);
                    }
                }
                assertThat(inMaildir(md)).as(context).isEqualTo(before);
                if (keep) {
                    assertThat(onServer()).as(context).isEqualTo(before);
                } else {
                    assertThat(onServer()).as(context).isEmpty();
                }
            }
        }
    }
}

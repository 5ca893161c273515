package dev.mailaccess.testkit;

import dev.mailaccess.Capability;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.Support;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.internal.Threader;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.replica.ReplicaThread;
import dev.mailaccess.search.SearchQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Differential threading test: a generated {@link ThreadCorpus} (300 messages by default, system property
 * {@code mailaccess.threadCorpus}) is delivered to a fresh user in one order; for both RFC 5256 algorithms the
 * threads this session gives ({@code UID THREAD} where the server has THREAD, the local algorithm over one batch of
 * fetched headers elsewhere, POP3 over TOP) must equal the local algorithm's answer on the headers as generated
 * (the oracle), message for message by delivery position; so must the threads of a query and those of a replica,
 * offline. Where a server legitimately differs, the subclass names the difference in {@link #knownDifferences()}:
 * the corpus then leaves that kind of message out, and the reason is printed. Nothing else is loosened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class ThreadDifferentialContract {
    /** The corpus seed: fixed, so that a failure is reproducible. */
    protected static final long SEED = 20270116L;
    private static final int CORPUS = Integer.getInteger("mailaccess.threadCorpus", 300);

    /** The server under test. */
    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    /** The support this server is expected to show for {@link Capability#THREADS}. */
    protected abstract Support expectedSupport();

    /**
     * Known, legitimate differences of this server from the local algorithm: each kind named here is left out of
     * the corpus, and the reason is printed with the results.
     */
    protected Map<ThreadCorpus.Kind, String> knownDifferences() {
        return Map.of();
    }

    private String user;
    private List<ThreadCorpus.Item> corpus;
    private Mailbox mailbox;
    private MailFolder inbox;
    private List<MessageRef> refs;

    @BeforeAll
    void seed() {
        user = fixture().newUser();
        corpus = ThreadCorpus.generate(SEED, CORPUS, knownDifferences().keySet());
        for (ThreadCorpus.Item item : corpus) {
            fixture().deliver(user, "INBOX", item.raw(), dev.mailaccess.Flags.NONE);
        }
        mailbox = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(true).build());
        inbox = mailbox.inbox();
        refs = inbox.refs();
        assertThat(refs).hasSize(CORPUS);
        knownDifferences().forEach((k, why) -> System.out.printf("[thread-diff %s/%s] left out %s: %s%n",
                fixture().name(), protocol(), k, why));
    }

    @AfterAll
    void disconnect() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    /** The oracle: the local algorithm on the generated headers of the messages {@code which} selects. */
    private List<MessageThread> expected(ThreadAlgorithm algorithm, Predicate<ThreadCorpus.Item> which,
                                         Function<Integer, MessageRef> refAt) {
        List<Threader.Message> in = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            if (which.test(corpus.get(i))) {
                in.add(corpus.get(i).input(refAt.apply(i)));
            }
        }
        return Threader.thread(algorithm, in);
    }

    @Test
    void declaresTheExpectedSupport() {
        assertThat(mailbox.capabilities().support(Capability.THREADS))
                .as(mailbox.capabilities().info(Capability.THREADS).reason()).isEqualTo(expectedSupport());
    }

    @Test
    void theSessionAndTheLocalAlgorithmGiveTheSameThreads() {
        for (ThreadAlgorithm algorithm : ThreadAlgorithm.values()) {
            long t0 = System.nanoTime();
            List<MessageThread> actual = inbox.threads(algorithm, null);
            long took = (System.nanoTime() - t0) / 1_000_000;
            List<MessageThread> want = expected(algorithm, i -> true, refs::get);
            System.out.printf("[thread-diff %s/%s] %s (%s): %d messages in %d threads, %d ms%n", fixture().name(),
                    protocol(), algorithm, mailbox.capabilities().support(Capability.THREADS), CORPUS, want.size(),
                    took);
            assertSameThreads(algorithm + " of the whole folder", want, actual);
        }
    }

    @Test
    void threadsOfAQueryAreThoseOfTheMatchingMessages() {
        String from = "user3@example.test";
        for (ThreadAlgorithm algorithm : ThreadAlgorithm.values()) {
            List<MessageThread> actual = inbox.threads(algorithm, SearchQuery.from(from));
            List<MessageThread> want = expected(algorithm, i -> i.from().equals(from), refs::get);
            assertThat(want).isNotEmpty();
            assertSameThreads(algorithm + " of from:" + from, want, actual);
        }
    }

    @Test
    void refusedBeforeAnyIoWithoutEmulationWhereEmulated() {
        try (Mailbox strict = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(false).build());
             MailFolder folder = strict.inbox()) {
            if (strict.capabilities().support(Capability.THREADS) == Support.NATIVE) {
                assertThat(folder.threads(ThreadAlgorithm.REFERENCES, null)).isNotEmpty();
            } else {
                assertThatThrownBy(() -> folder.threads(ThreadAlgorithm.REFERENCES, null))
                        .isInstanceOf(UnsupportedCapabilityException.class)
                        .hasMessageContaining("THREADS");
            }
        }
    }

    /** The folder synchronised into a replica threads offline as the oracle does, by the messages' server refs. */
    @Test
    void aReplicaThreadsOffline(@TempDir Path dir) {
        try (Replica replica = Replica.open(dir, false)) {
            replica.mirror("INBOX");
            replica.sync(fixture().config(protocol(), user).build());
            List<ReplicaMessage> local = replica.messages("INBOX");
            assertThat(local).hasSize(CORPUS);
            Map<MessageRef, Integer> position = new HashMap<>();
            for (int i = 0; i < refs.size(); i++) {
                position.put(refs.get(i), i);
            }
            for (ThreadAlgorithm algorithm : ThreadAlgorithm.values()) {
                List<MessageThread> actual = replica.threads("INBOX", algorithm, null).stream()
                        .map(ThreadDifferentialContract::asMessageThread).toList();
                // the oracle in the replica's own order (ties and duplicate ids go by it; a POP3 replica keeps no
                // server order), its local ids as POP3-style refs
                List<Threader.Message> in = new ArrayList<>();
                for (ReplicaMessage m : local) {
                    in.add(corpus.get(position.get(m.serverRef())).input(MessageRef.pop3(m.id())));
                }
                List<MessageThread> want = Threader.thread(algorithm, in);
                assertSameThreads(algorithm + " offline in a replica", want, actual);
            }
        }
    }

    /** A replica's thread, its local ids as POP3-style refs, to compare with the oracle's. */
    private static MessageThread asMessageThread(ReplicaThread t) {
        return new MessageThread(t.id() == null ? null : MessageRef.pop3(t.id()),
                t.children().stream().map(ThreadDifferentialContract::asMessageThread).toList());
    }

    private void assertSameThreads(String what, List<MessageThread> want, List<MessageThread> actual) {
        if (want.equals(actual)) {
            return;
        }
        Map<MessageRef, Integer> position = new HashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            position.put(refs.get(i), i);
        }
        Set<String> w = new LinkedHashSet<>(want.stream().map(MessageThread::toString).toList());
        Set<String> a = new LinkedHashSet<>(actual.stream().map(MessageThread::toString).toList());
        Set<String> missing = new LinkedHashSet<>(w);
        missing.removeAll(a);
        Set<String> extra = new LinkedHashSet<>(a);
        extra.removeAll(w);
        StringBuilder sb = new StringBuilder(what + " on " + fixture().name() + "/" + protocol() + " differs ("
                + (missing.isEmpty() && extra.isEmpty() ? "same threads, another order" : "threads") + ")\n");
        missing.stream().limit(8).forEach(t -> sb.append("  expected ").append(t).append('\n'));
        extra.stream().limit(8).forEach(t -> sb.append("  got      ").append(t).append('\n'));
        for (String t : missing.stream().limit(3).toList()) {
            for (String uid : t.replaceAll("[()]", " ").trim().split(" +")) {
                if (uid.isEmpty()) {
                    continue;
                }
                refs.stream().filter(r -> String.valueOf(r.uidl() == null ? r.uid() : r.uidl()).equals(uid))
                        .findFirst().map(position::get).ifPresent(p -> {
                            ThreadCorpus.Item item = corpus.get(p);
                            sb.append("    ").append(uid).append(": id=").append(item.messageId())
                                    .append(" irt=").append(item.inReplyTo()).append(" refs=")
                                    .append(item.references()).append(" subject=").append(item.subject())
                                    .append(" sent=").append(item.sent()).append('\n');
                        });
            }
        }
        throw new AssertionError(sb.toString());
    }
}

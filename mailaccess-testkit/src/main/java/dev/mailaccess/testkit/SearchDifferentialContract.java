package dev.mailaccess.testkit;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.internal.ImapSearchSyntax;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Differential search test: a generated {@link SearchCorpus} (500 messages by default, system property
 * {@code mailaccess.searchCorpus}) is delivered to a fresh user, downloaded once over IMAP and evaluated locally by
 * {@link SearchableMessage} with the facts the IMAP server reports (the oracle: what a replica answers). Then random
 * queries ({@code mailaccess.searchQueries},
 * default 300) must give the same messages
 * <ul>
 *   <li>on IMAP: forced server-side ({@link SearchMode#SERVER_ONLY}, refused with the exception where a predicate
 *       cannot go to the server), planned ({@link SearchMode#PLANNED}), and client-side (the oracle; the live
 *       {@link SearchMode#LOCAL_ONLY} path, which downloads every message per query, on a sample);</li>
 *   <li>on POP3: planned with emulation allowed (all local over TOP/RETR) equals the local evaluation of the same
 *       stored messages that IMAP serves, by position; server-side is refused; without emulation every search is
 *       refused before any I/O;</li>
 *   <li>on a replica (IMAP only): the INBOX synchronised whole into a fresh disconnected-mode
 *       {@link dev.mailaccess.replica.Replica} answers offline as the oracle does
 *       ({@link #replicaDifferences()} names what it leaves out).</li>
 * </ul>
 * Where a server legitimately differs, the subclass names the difference in {@link #knownDifferences()}: that
 * predicate kind is left out of the generated queries (or restricted, e.g. whole addresses only), with the reason
 * printed in the report. Nothing else is loosened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class SearchDifferentialContract {
    /** The corpus and query seeds: fixed, so a failure is reproducible. */
    protected static final long SEED = 20261127L;
    private static final int CORPUS = Integer.getInteger("mailaccess.searchCorpus", 500);
    private static final int QUERIES = Integer.getInteger("mailaccess.searchQueries", 300);

    /** The server under test. */
    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    /**
     * Known, legitimate differences of this server (and protocol) from the local IMAP semantics: each kind named
     * here is left out of the random queries, and the reason is printed with the results.
     */
    protected Map<SearchQueryGenerator.Kind, String> knownDifferences() {
        return Map.of();
    }

    /** Queries to run; POP3 subclasses may run fewer (each one downloads the corpus). */
    protected int queryCount() {
        return QUERIES;
    }

    private String user;
    private List<MessageRef> imapRefs;
    private List<SearchableMessage> oracle;
    private List<LocalDate> receivedDays;
    private long medianSize;
    private Mailbox mailbox;
    private MailFolder inbox;
    private List<MessageRef> refs;

    @BeforeAll
    void seedAndDownload() throws Exception {
        long t0 = System.nanoTime();
        user = fixture().newUser();
        for (SearchCorpus.Item item : SearchCorpus.generate(SEED, CORPUS)) {
            fixture().deliver(user, "INBOX", item.raw(), item.flags());
        }
        long t1 = System.nanoTime();
        oracle = new ArrayList<>();
        // The raw messages as the server stores them, read outside the protocol (one IMAP FETCH per message costs
        // ~50 ms on GreenMail); the live download path is checked on a sample in its own test.
        List<byte[]> raws = fixture().messages(user, "INBOX");
        assertThat(raws).hasSize(CORPUS);
        receivedDays = new ArrayList<>();
        List<Long> sizes = new ArrayList<>();
        if (isImap()) {
            // facts (RFC822.SIZE, INTERNALDATE, FLAGS) as the IMAP server reports them, in one FETCH
            try (Mailbox imap = MailAccess.connect(fixture().config("imap", user).build());
                 MailFolder folder = imap.inbox()) {
                imapRefs = folder.refs();
                List<MessageSummary> sums = folder.summaries(imapRefs, FetchSpec.of(FetchSpec.Item.SIZE,
                        FetchSpec.Item.INTERNAL_DATE, FetchSpec.Item.FLAGS));
                assertThat(sums).hasSize(CORPUS);
                for (int i = 0; i < sums.size(); i++) {
                    MessageSummary s = sums.get(i);
                    oracle.add(SearchableMessage.of(raws.get(i), new SearchableMessage.Facts(s.ref(), s.flags(),
                            s.internalDate(), s.size(), null)));
                    receivedDays.add(s.internalDate().atZone(ZoneId.systemDefault()).toLocalDate());
                    sizes.add(s.size());
                }
            }
        } else {
            // POP3 module: no IMAP adapter on the class path; the stored bytes give the size (RFC822.SIZE of a
            // CRLF message), and flags, internal dates and refs are not compared on POP3
            for (byte[] raw : raws) {
                receivedDays.add(LocalDate.now());
                sizes.add((long) raw.length);
            }
        }
        sizes.sort(null);
        medianSize = sizes.get(sizes.size() / 2);
        mailbox = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(true).build());
        inbox = mailbox.inbox();
        refs = inbox.refs();
        assertThat(refs).hasSize(CORPUS);
        if (!isImap()) {
            imapRefs = refs; // the oracle uses this session's refs
            for (int i = 0; i < raws.size(); i++) {
                oracle.add(SearchableMessage.of(raws.get(i), new SearchableMessage.Facts(refs.get(i), null, null,
                        raws.get(i).length, null)));
            }
        }
        System.out.printf("[search-diff %s/%s] seeded %d messages in %d ms, downloaded the oracle in %d ms%n",
                fixture().name(), protocol(), CORPUS, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
    }

    @AfterAll
    void disconnect() {
        if (mailbox != null) {
            mailbox.close();
        }
    }

    private boolean isImap() {
        return protocol().equals("imap");
    }

    private Set<SearchQueryGenerator.Kind> kinds() {
        Set<SearchQueryGenerator.Kind> kinds = EnumSet.allOf(SearchQueryGenerator.Kind.class);
        kinds.removeAll(knownDifferences().keySet());
        return kinds;
    }

    /** Positions (0-based, folder order) of the oracle's matches. */
    private List<Integer> expected(SearchQuery q) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < oracle.size(); i++) {
            if (oracle.get(i).matches(q)) {
                out.add(i);
            }
        }
        return out;
    }

    private List<Integer> positions(List<MessageRef> found) {
        Map<MessageRef, Integer> index = new HashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            index.put(refs.get(i), i);
        }
        return found.stream().map(index::get).collect(Collectors.toList());
    }

    @Test
    void serverLocalAndPlannedGiveTheSameMessages() {
        SearchQueryGenerator gen = new SearchQueryGenerator(SEED + 1, kinds(), refs, receivedDays, medianSize);
        List<String> mismatches = new ArrayList<>();
        int nonEmpty = 0;
        int serverRun = 0;
        int serverRefused = 0;
        int plannedWithResidual = 0;
        long serverNanos = 0;
        long plannedNanos = 0;
        long localNanos = 0;
        for (int i = 0; i < queryCount(); i++) {
            SearchQuery q = gen.next();
            long a = System.nanoTime();
            List<Integer> want = expected(oracleQuery(q));
            localNanos += System.nanoTime() - a;
            if (!want.isEmpty() && want.size() < CORPUS) {
                nonEmpty++;
            }
            SearchPlan plan = inbox.plan(q, SearchMode.PLANNED);
            List<Integer> server = null;
            // server-side
            if (isImap() && ImapSearchSyntax.expressible(q)) {
                a = System.nanoTime();
                server = positions(inbox.search(q, SearchMode.SERVER_ONLY));
                serverNanos += System.nanoTime() - a;
                serverRun++;
                if (!server.equals(want)) {
                    mismatches.add(report(i, q, "SERVER_ONLY", want, server));
                }
            } else {
                assertThatThrownBy(() -> inbox.search(q, SearchMode.SERVER_ONLY))
                        .as("server-only search of %s", q.toQueryString())
                        .isInstanceOf(UnsupportedCapabilityException.class);
                serverRefused++;
            }
            // planned: when the plan sends the whole query as one command and keeps nothing local, it is the very
            // same command as SERVER_ONLY, so that answer stands for both; otherwise it runs on its own
            if (server != null && !plan.hasLocalPart() && plan.serverPart().equals(q)) {
                continue;
            }
            plannedWithResidual++;
            a = System.nanoTime();
            List<Integer> planned = positions(inbox.search(q, SearchMode.PLANNED));
            plannedNanos += System.nanoTime() - a;
            if (!planned.equals(want)) {
                mismatches.add(report(i, q, "PLANNED", want, planned));
            }
        }
        System.out.printf("[search-diff %s/%s] %d queries (%d with a non-trivial answer): server-only run %d "
                        + "(%d ms), refused %d; planned run separately %d ms (%d with a local residual); local oracle %d ms%n",
                fixture().name(), protocol(), queryCount(), nonEmpty, serverRun, serverNanos / 1_000_000,
                serverRefused, plannedNanos / 1_000_000, plannedWithResidual, localNanos / 1_000_000);
        knownDifferences().forEach((k, why) -> System.out.printf("[search-diff %s/%s] left out %s: %s%n",
                fixture().name(), protocol(), k, why));
        assertThat(mismatches).as("queries whose answers differ").isEmpty();
        assertThat(nonEmpty).as("queries with an answer other than none or all").isGreaterThan(queryCount() / 4);
    }

    /**
     * Differences of a disconnected-mode {@link Replica} from the oracle (local evaluation with the IMAP server's
     * facts): each kind named here is left out of the replica's queries, with the reason printed. The server's
     * {@link #knownDifferences()} do not apply: no server search is involved.
     */
    protected Map<SearchQueryGenerator.Kind, String> replicaDifferences() {
        return Map.of(); // received dates too: the replica keeps the server's INTERNALDATE as each file's time
    }

    /**
     * On IMAP: the seeded INBOX synchronised whole into a fresh replica answers the same random queries offline
     * ({@link Replica#search}) with the same messages as the oracle; the replica's messages are mapped to positions
     * through their server refs. Runs last: the class's shared session idles meanwhile, and GreenMail drops an
     * idle connection.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aReplicaGivesTheSameMessages(@TempDir Path dir) {
        if (!isImap()) {
            return;
        }
        // The replica evaluates locally, like the oracle, on what it downloaded: the server's search differences
        // (knownDifferences) do not enter, only the replica's own.
        Map<SearchQueryGenerator.Kind, String> left = new EnumMap<>(SearchQueryGenerator.Kind.class);
        left.putAll(replicaDifferences());
        Set<SearchQueryGenerator.Kind> kinds = EnumSet.allOf(SearchQueryGenerator.Kind.class);
        kinds.removeAll(left.keySet());
        long t0 = System.nanoTime();
        try (Replica replica = Replica.open(dir, false)) {
            replica.mirror("INBOX");
            replica.sync(fixture().config("imap", user).build());
            long t1 = System.nanoTime();
            List<ReplicaMessage> local = replica.messages("INBOX");
            assertThat(local).hasSize(CORPUS);
            Map<MessageRef, Integer> byRef = new HashMap<>();
            for (int i = 0; i < imapRefs.size(); i++) {
                byRef.put(imapRefs.get(i), i);
            }
            Map<String, Integer> position = new HashMap<>();
            for (ReplicaMessage m : local) {
                Integer at = byRef.get(m.serverRef());
                assertThat(at).as("position of replica message %s (%s)", m.id(), m.serverRef()).isNotNull();
                position.put(m.id(), at);
            }
            assertThat(position.values()).as("every oracle message once").containsExactlyInAnyOrderElementsOf(
                    java.util.stream.IntStream.range(0, CORPUS).boxed().toList());
            // the same generator and seed as the server test; ref: sets use this session's refs, translated below
            SearchQueryGenerator gen = new SearchQueryGenerator(SEED + 1, kinds, refs, receivedDays, medianSize);
            List<String> mismatches = new ArrayList<>();
            int nonEmpty = 0;
            long searchNanos = 0;
            for (int i = 0; i < queryCount(); i++) {
                SearchQuery q = oracleQuery(gen.next());
                List<Integer> want = expected(q);
                if (!want.isEmpty() && want.size() < CORPUS) {
                    nonEmpty++;
                }
                long a = System.nanoTime();
                List<String> ids = replica.search("INBOX", q);
                searchNanos += System.nanoTime() - a;
                List<Integer> got = ids.stream().map(position::get).sorted().toList();
                if (!got.equals(want)) {
                    mismatches.add(report(i, q, "REPLICA", want, got));
                }
            }
            System.out.printf("[search-diff %s/replica] synced %d messages in %d ms; %d queries (%d with a non-trivial"
                            + " answer) searched offline in %d ms; left out %s; %d ms in all%n",
                    fixture().name(), CORPUS, (t1 - t0) / 1_000_000, queryCount(), nonEmpty,
                    searchNanos / 1_000_000, left.keySet(), (System.nanoTime() - t0) / 1_000_000);
            replicaDifferences().forEach((k, why) -> System.out.printf("[search-diff %s/replica] left out %s: %s%n",
                    fixture().name(), k, why));
            assertThat(mismatches).as("queries whose replica answers differ").isEmpty();
            assertThat(nonEmpty).as("queries with an answer other than none or all").isGreaterThan(queryCount() / 4);
        }
    }

    /** The oracle's refs are IMAP refs; a ref: set of this session is translated by position. */
    private SearchQuery oracleQuery(SearchQuery q) {
        if (q instanceof SearchQuery.RefIn r) {
            Set<MessageRef> translated = new java.util.HashSet<>();
            for (int i = 0; i < refs.size(); i++) {
                if (r.refs().contains(refs.get(i))) {
                    translated.add(imapRefs.get(i));
                }
            }
            return new SearchQuery.RefIn(translated);
        }
        if (q instanceof SearchQuery.And a) {
            return new SearchQuery.And(a.terms().stream().map(this::oracleQuery).toList());
        }
        if (q instanceof SearchQuery.Or o) {
            return new SearchQuery.Or(o.terms().stream().map(this::oracleQuery).toList());
        }
        if (q instanceof SearchQuery.Not n) {
            return new SearchQuery.Not(oracleQuery(n.term()));
        }
        return q;
    }

    private String report(int i, SearchQuery q, String mode, List<Integer> want, List<Integer> got) {
        List<Integer> missing = new ArrayList<>(want);
        missing.removeAll(got);
        List<Integer> extra = new ArrayList<>(got);
        extra.removeAll(want);
        StringBuilder sb = new StringBuilder();
        sb.append("#").append(i).append(' ').append(mode).append(" [").append(q.toQueryString()).append("] missing ")
                .append(missing).append(" extra ").append(extra);
        List<Integer> example = !missing.isEmpty() ? missing : extra;
        if (!example.isEmpty()) {
            sb.append("\n    e.g. message ").append(example.get(0)).append(": ").append(headersOf(example.get(0)));
        }
        return sb.toString();
    }

    private String headersOf(int index) {
        try (InputStream in = inbox.openMessage(refs.get(index))) {
            String s = new String(in.readNBytes(1200), StandardCharsets.UTF_8);
            int end = s.indexOf("\r\n\r\n");
            return (end > 0 ? s.substring(0, end) : s).replace("\r\n", " | ");
        } catch (Exception e) {
            return "(" + e + ")";
        }
    }

    @Test
    void theLiveLocalPathAgreesWithTheOracle() {
        SearchQueryGenerator gen = new SearchQueryGenerator(SEED + 2, kinds(), refs, receivedDays, medianSize);
        java.util.Random random = new java.util.Random(SEED + 3);
        for (int i = 0; i < 4; i++) {
            // a ref: set first, so that the staged local evaluation downloads only those candidates' headers/bodies
            Set<MessageRef> sample = new java.util.HashSet<>();
            for (int k = 0; k < 25; k++) {
                sample.add(refs.get(random.nextInt(refs.size())));
            }
            // two generated residuals, then fixed ones that need the header block and the whole message
            SearchQuery rest = switch (i) {
                case 2 -> SearchQuery.or(SearchQuery.subject("report"), SearchQuery.sentBefore(LocalDate.of(2020, 1,
                        1)), SearchQuery.from("host3"));
                case 3 -> SearchQuery.or(SearchQuery.body("apple"), SearchQuery.hasAttachment());
                default -> gen.next();
            };
            SearchQuery q = SearchQuery.and(SearchQuery.refIn(sample), rest);
            assertThat(positions(inbox.search(q, SearchMode.LOCAL_ONLY))).as(q.toQueryString())
                    .isEqualTo(expected(oracleQuery(q)));
        }
    }

    @Test
    void explainShowsTheSplit() {
        SearchQuery q = SearchQuery.and(SearchQuery.subject("report"), SearchQuery.hasAttachment());
        SearchPlan plan = inbox.plan(q, SearchMode.PLANNED);
        assertThat(plan.messageCount()).isEqualTo(CORPUS);
        if (isImap()) {
            assertThat(plan.serverCommand()).isEqualTo("UID SEARCH SUBJECT \"report\"");
            assertThat(plan.localPart()).isEqualTo(SearchQuery.hasAttachment());
            assertThat(plan.localData()).isEqualTo(SearchPlan.LocalData.STRUCTURE);
        } else {
            assertThat(plan.serverPart()).isEqualTo(SearchQuery.all());
            assertThat(plan.localData()).isEqualTo(SearchPlan.LocalData.BODY);
            assertThat(plan.explain()).contains("emulated");
        }
        assertThat(positions(inbox.search(q))).isEqualTo(expected(q));
    }

    @Test
    void withoutEmulationPop3RefusesBeforeAnyIo() {
        if (isImap()) {
            return;
        }
        try (Mailbox strict = MailAccess.connect(fixture().config(protocol(), user).build());
             MailFolder folder = strict.inbox()) {
            assertThatThrownBy(() -> folder.search(SearchQuery.subject("x")))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("TOP n 0");
            assertThatThrownBy(() -> folder.search(SearchQuery.body("x")))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("RETR");
            assertThatThrownBy(() -> folder.search(SearchQuery.flag(dev.mailaccess.Flag.SEEN)))
                    .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("replica");
        }
    }
}

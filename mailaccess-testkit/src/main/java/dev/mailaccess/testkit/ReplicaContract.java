package dev.mailaccess.testkit;

import dev.mailaccess.AccessMode;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.replica.SyncReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Disconnected mode ({@link Replica}) against a server fixture, what holds for both protocols: initial sync, server
 * changes pulled, the size limit, and a model-based run of random offline changes, second-client changes, syncs,
 * dropped connections and restarts. Adapters extend {@link ImapReplicaContract} or {@link Pop3ReplicaContract}, which
 * add what only one protocol does (offline changes pushed, conflicts, UIDVALIDITY; POP3 pseudo-online), so no test is
 * skipped for its protocol. The model's size comes from the system properties {@code mailaccess.modelSequences} and
 * {@code mailaccess.modelSteps} (defaults: {@link #defaultSequences()}, {@link #defaultSteps()}), its first seed from
 * {@code mailaccess.modelSeed} (default 0).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
public abstract class ReplicaContract {

    protected abstract MailServerFixture fixture();

    /**
     * What a crash of the process leaves: the replica directory exactly as it is now (the journal holds the latest
     * changes, the state files may be older). The directory is copied, the replica closed (releasing its lock, as
     * the end of a process does), the copy put back, and the replica opened again from it.
     */
    public static Replica reopenAfterCrash(Replica r) {
        Path dir = r.root();
        Path copy = dir.resolveSibling(dir.getFileName() + ".crash");
        try {
            copyTree(dir, copy);
            r.close();
            deleteTree(dir);
            java.nio.file.Files.move(copy, dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Replica.open(dir, false);
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from)) {
            for (Path p : all.toList()) {
                java.nio.file.Files.copy(p, to.resolve(from.relativize(p).toString()),
                        java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        }
    }

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    protected String user;

    @TempDir
    protected Path tmp;

    @BeforeEach
    void freshUser() {
        user = fixture().newUser();
    }

    protected boolean isImap() {
        return protocol().equals("imap");
    }

    protected MailboxConfig config() {
        return fixture().config(protocol(), user).allowEmulation(true).build();
    }

    protected Mailbox connect() {
        return MailAccess.connect(config());
    }

    protected Replica replica() {
        return Replica.open(tmp.resolve("replica"), false);
    }

    protected SyncReport sync(Replica r) {
        try (Mailbox mb = connect()) {
            return r.sync(mb);
        }
    }

    /** Delivers {@code count} small messages to INBOX on the server, tagged {@code prefix0}, {@code prefix1}, … */
    protected void deliverToInbox(String prefix, int count) {
        for (int i = 0; i < count; i++) {
            fixture().deliver(user, "INBOX", message(prefix + i, 10), Flags.NONE);
        }
    }

    protected static byte[] message(String tag, int size) {
        return TestMessages.plain("Sender <s@example.test>", "rcpt@example.test", "Replica " + tag,
                "body " + tag + " " + "x".repeat(size) + "\r\n");
    }

    protected static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Server view: ref text to "flags|content hash", read by a second session. */
    protected Map<String, String> serverView(String folder) {
        try (Mailbox mb = connect()) {
            return serverView(mb, folder);
        }
    }

    /** {@link #serverView(String)} through an open session. */
    protected Map<String, String> serverView(Mailbox mb, String folder) {
        Map<String, String> out = new TreeMap<>();
        try (MailFolder f = mb.folder(folder, AccessMode.READ_ONLY)) {
            FetchSpec spec = isImap() ? FetchSpec.of(FetchSpec.Item.FLAGS) : FetchSpec.of(FetchSpec.Item.SIZE);
            for (MessageSummary s : f.summaries(spec)) {
                byte[] b;
                try (InputStream in = f.openMessage(s.ref())) {
                    b = in.readAllBytes();
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                out.put(s.ref().toString(), (isImap() ? flagText(s.flags()) : "") + "|" + sha256(b));
            }
        }
        return out;
    }

    /** Replica view in the same form; every message must be paired with the server. */
    protected Map<String, String> replicaView(Replica r, String folder) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (ReplicaMessage m : r.messages(folder)) {
            assertThat(m.serverRef()).as("unpaired message " + m.id() + " in " + folder).isNotNull();
            byte[] b;
            try (InputStream in = r.openMessage(folder, m.id())) {
                b = in.readAllBytes();
            }
            String previous = out.put(m.serverRef().toString(), (isImap() ? flagText(m.flags()) : "") + "|"
                    + sha256(b));
            assertThat(previous).as("two local messages for " + m.serverRef()).isNull();
        }
        return out;
    }

    protected static String flagText(Flags f) {
        return f.system().stream().map(Flag::name).sorted().toList() + "" + f.keywords();
    }

    protected void assertConverged(Replica r, String... folders) throws Exception {
        for (String f : folders) {
            assertThat(replicaView(r, f)).as("replica equals server for " + f).isEqualTo(serverView(f));
        }
    }

    protected String idOf(Replica r, String folder, String subjectPart) {
        return r.messages(folder).stream().filter(m -> m.subject().contains(subjectPart)).findFirst()
                .orElseThrow(() -> new AssertionError("no message " + subjectPart + " in " + folder)).id();
    }

    protected MessageRef refOf(Replica r, String folder, String subjectPart) {
        return r.message(folder, idOf(r, folder, subjectPart)).serverRef();
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void initialSyncEqualsTheServerAndAResyncIsEmpty() throws Exception {
        for (int i = 0; i < 6; i++) {
            fixture().deliver(user, "INBOX", message("m" + i, i * 100),
                    i % 2 == 0 ? Flags.of(Flag.SEEN) : Flags.NONE);
        }
        Replica r = replica().mirror("INBOX");
        SyncReport first = sync(r);
        assertThat(first.downloaded()).isEqualTo(6);
        assertConverged(r, "INBOX");
        SyncReport second = sync(r);
        assertThat(second.up()).isZero();
        assertThat(second.down()).isZero();
        r.close();
        Replica reopened = replica();
        assertConverged(reopened, "INBOX");
    }

    protected List<String> subjects(String folder) {
        try (Mailbox mb = connect(); MailFolder f = mb.folder(folder, AccessMode.READ_ONLY)) {
            return f.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE)).stream().map(s -> s.envelope().subject())
                    .toList();
        }
    }

    @Test
    void changesOfASecondClientComeDown() throws Exception {
        deliverToInbox("m", 4);
        Replica r = replica().mirror("INBOX");
        sync(r);
        MessageRef m0 = refOf(r, "INBOX", "m0");
        MessageRef m1 = refOf(r, "INBOX", "m1");
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            if (isImap()) {
                f.addFlags(List.of(m0), Flags.of(Flag.FLAGGED));
                f.expunge(List.of(m1));
            } else {
                f.delete(List.of(m1));
            }
        }
        fixture().deliver(user, "INBOX", message("new", 10), Flags.NONE);
        SyncReport rep = sync(r);
        assertThat(rep.downloaded()).isEqualTo(1);
        assertThat(rep.removedLocally()).isEqualTo(1);
        if (isImap()) {
            assertThat(rep.flagsPulled()).isEqualTo(1);
            assertThat(r.message("INBOX", idOf(r, "INBOX", "m0")).flags().contains(Flag.FLAGGED)).isTrue();
        }
        assertConverged(r, "INBOX");
    }

    @Test
    void theSizeLimitRecordsLargeMessagesAndFetchesThemOnDemand() throws Exception {
        fixture().deliver(user, "INBOX", message("small", 10), Flags.NONE);
        fixture().deliver(user, "INBOX", message("large", 50_000), Flags.NONE);
        Replica r = replica().mirror("INBOX").maxMessageSize(10_000);
        SyncReport rep = sync(r);
        assertThat(rep.downloaded()).isEqualTo(1);
        assertThat(rep.headersOnly()).isEqualTo(1);
        ReplicaMessage large = r.messages("INBOX").stream().filter(m -> !m.downloaded()).findFirst().orElseThrow();
        assertThat(large.size()).isGreaterThan(50_000);
        assertThat(large.subject()).isEqualTo("Replica large"); // from the server's envelope
        assertThat(large.messageId()).isNotEmpty();
        assertThatThrownBy(() -> r.openMessage("INBOX", large.id())).isInstanceOf(IllegalStateException.class);
        // its whole header block is kept: headers outside the envelope are searchable offline; its body is not
        assertThat(r.search("INBOX", dev.mailaccess.search.SearchQuery.to("rcpt@example.test")))
                .contains(large.id());
        assertThat(r.search("INBOX", dev.mailaccess.search.SearchQuery.header("MIME-Version", "1.0")))
                .contains(large.id());
        assertThatThrownBy(() -> r.search("INBOX", dev.mailaccess.search.SearchQuery.body("large")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(large.id());
        try (Mailbox mb = connect()) {
            r.fetchBody(mb, "INBOX", large.id());
        }
        assertThat(r.message("INBOX", large.id()).downloaded()).isTrue();
        assertConverged(r, "INBOX");
        if (isImap()) {
            // moving a message not downloaded yet into a local-only folder: downloaded at the next sync, and only
            // then expunged on the server
            fixture().deliver(user, "INBOX", message("large2", 50_000), Flags.NONE);
            sync(r);
            String id = idOf(r, "INBOX", "large2");
            assertThat(r.message("INBOX", id).downloaded()).isFalse();
            r.createLocalFolder("Keep");
            String kept = r.move("INBOX", id, "Keep");
            assertThat(r.message("Keep", kept).downloaded()).isFalse();
            SyncReport afterMove = sync(r);
            assertThat(afterMove.expungedOnServer()).isEqualTo(1);
            assertThat(r.message("Keep", kept).downloaded()).isTrue();
            assertThat(new String(r.openMessage("Keep", kept).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .contains("Replica large2");
            assertThat(subjects("INBOX")).doesNotContain("Replica large2");
            assertConverged(r, "INBOX");
        }
    }

    // ------------------------------------------------------------------------------------------------ model

    /**
     * Default number of model sequences when {@code mailaccess.modelSequences} is not set: 50 per server and
     * protocol, so the four suites run 200 sequences of 50 steps (about a second a sequence on a laptop).
     */
    protected int defaultSequences() {
        return 50;
    }

    /** Default steps per sequence when {@code mailaccess.modelSteps} is not set. */
    protected int defaultSteps() {
        return 50;
    }

    /**
     * Runs sequences with the seeds {@code mailaccess.modelSeed} (default 0) up to that plus
     * {@code mailaccess.modelSequences}, so another range of seeds can be tried without changing the code. A failure
     * names its seed and the trace of its steps; rerun it alone with {@code -Dmailaccess.modelSeed=<seed>
     * -Dmailaccess.modelSequences=1}.
     */
    @Test
    void modelBasedRandomSequencesConverge() throws Exception {
        int sequences = Integer.getInteger("mailaccess.modelSequences", defaultSequences());
        int steps = Integer.getInteger("mailaccess.modelSteps", defaultSteps());
        long firstSeed = Long.getLong("mailaccess.modelSeed", 0L);
        Map<String, long[]> stepTimes = new TreeMap<>();
        long t0 = System.nanoTime();
        for (long seed = firstSeed; seed < firstSeed + sequences; seed++) {
            runModel(seed, steps, stepTimes);
        }
        System.out.printf("ReplicaContract model on %s/%s: %d sequences x %d steps in %d ms%n", fixture().name(),
                protocol(), sequences, steps, (System.nanoTime() - t0) / 1_000_000);
        StringBuilder times = new StringBuilder();
        stepTimes.forEach((kind, t) -> times.append(times.isEmpty() ? "" : ", ").append(kind).append(' ')
                .append(t[0]).append("x ").append(t[1] / 1_000_000).append(" ms"));
        System.out.printf("ReplicaContract model on %s/%s: seeds %d..%d; time per step kind: %s%n", fixture().name(),
                protocol(), firstSeed, firstSeed + sequences - 1, times);
    }

    /** The subject tag of a replica message, for traces. */
    private static String tag(ReplicaMessage m) {
        return m.subject().replace("Replica ", "") + (m.messageId().isEmpty() ? "" : " " + m.messageId());
    }

    private static void time(Map<String, long[]> stepTimes, String kind, long since) {
        long[] t = stepTimes.computeIfAbsent(kind, k -> new long[2]);
        t[0]++;
        t[1] += System.nanoTime() - since;
    }

    /**
     * Seed 7780, 48 steps, found by the randomised runs: an offline append whose APPEND reached the server but whose
     * answer was lost with the connection, then moved offline to another folder, came back as a duplicate in the
     * source folder. Kept as a fixed case; the fix keeps the record of an upload in flight until it is paired.
     */
    @Test
    void modelSequence7780AnUnacknowledgedAppendMovedOfflineIsNotDuplicated() throws Exception {
        runModel(7780, 48, new TreeMap<>());
    }

    private void runModel(long seed, int steps, Map<String, long[]> stepTimes) throws Exception {
        long tSetup = System.nanoTime();
        user = fixture().newUser();
        Random rnd = new Random(seed);
        List<String> synced = isImap() ? List.of("INBOX", "Other") : List.of("INBOX");
        // The second client: over IMAP one session for the whole sequence, as a mail client that stays connected
        // (a connection per change cost more than the change); over POP3 a session per change, since a POP3
        // session locks the maildrop and its DELE takes effect only at QUIT.
        try (Mailbox second = isImap() ? connect() : null) {
            if (second != null) {
                second.createFolder("Other");
            }
            int counter = 0;
            for (int i = 0; i < 3; i++) {
                fixture().deliver(user, "INBOX", message(seed + "-s" + counter++, rnd.nextInt(200)), Flags.NONE);
            }
            Path dir = tmp.resolve("model-" + seed);
            Replica r = Replica.open(dir, false);
            synced.forEach(r::mirror);
            r.createLocalFolder("Local");
            sync(r);
            time(stepTimes, "setup", tSetup);
            // expectations: local flag intents that must reach the server (message-id -> flag set/cleared)
            Map<String, Boolean> seenIntent = new TreeMap<>();
            StringBuilder trace = new StringBuilder();
            List<Flag> flagChoices = List.of(Flag.SEEN, Flag.FLAGGED, Flag.ANSWERED);
            for (int step = 0; step < steps; step++) {
                long tStep = System.nanoTime();
                String kind = "none";
                int action = rnd.nextInt(100);
                String folder = synced.get(rnd.nextInt(synced.size()));
                List<ReplicaMessage> local = r.messages(folder);
                trace.append(step).append(':');
                if (action < 30 && !local.isEmpty()) {
                    ReplicaMessage m = local.get(rnd.nextInt(local.size()));
                    Flag f = flagChoices.get(rnd.nextInt(flagChoices.size()));
                    boolean set = rnd.nextBoolean();
                    if (set) {
                        r.addFlags(folder, List.of(m.id()), Flags.of(f));
                    } else {
                        r.removeFlags(folder, List.of(m.id()), Flags.of(f));
                    }
                    if (f == Flag.SEEN && !m.messageId().isEmpty()) {
                        seenIntent.put(m.messageId(), set);
                    }
                    trace.append("flag ").append(folder).append(' ').append(f).append(set ? "+" : "-").append(' ')
                            .append(tag(m));
                    kind = "flag";
                } else if (action < 38 && !local.isEmpty()) {
                    ReplicaMessage m = local.get(rnd.nextInt(local.size()));
                    r.expunge(folder, List.of(m.id()));
                    seenIntent.remove(m.messageId());
                    trace.append("expunge ").append(folder).append(' ').append(tag(m));
                    kind = "expunge";
                } else if (action < 46 && !local.isEmpty() && synced.size() > 1) {
                    ReplicaMessage m = local.get(rnd.nextInt(local.size()));
                    if (m.downloaded()) {
                        String other = folder.equals("INBOX") ? "Other" : "INBOX";
                        String target = rnd.nextInt(4) == 0 ? "Local" : other;
                        r.move(folder, m.id(), target);
                        seenIntent.remove(m.messageId());
                        trace.append("move ").append(folder).append(' ').append(tag(m)).append(" to ").append(target);
                        kind = "move";
                    }
                } else if (action < 52 && isImap()) {
                    String tag = seed + "-a" + counter++;
                    r.append(folder, new ByteArrayInputStream(message(tag, rnd.nextInt(100))), Flags.NONE);
                    trace.append("append ").append(folder).append(' ').append(tag);
                    kind = "append";
                } else if (action < 68) {
                    kind = serverChange(rnd, second, folder, seed + "-n" + counter++, trace, seenIntent);
                } else if (action < 85) {
                    sync(r);
                    seenIntent.clear(); // what was pushed is checked by convergence from here on
                    trace.append("sync");
                    kind = "sync";
                } else if (action < 93) {
                    String[] cuts = isImap() ? new String[] {"STORE", "APPEND", "MOVE", "EXPUNGE", "FETCH", "SELECT"}
                            : new String[] {"RETR", "DELE", "UIDL", "LIST"};
                    String cut = cuts[rnd.nextInt(cuts.length)];
                    kind = "sync cut at " + cut + " (not reached)";
                    try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()))) {
                        proxy.cutOn(cut, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300));
                        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                                .allowEmulation(true).build())) {
                            r.sync(mb);
                        } catch (MailAccessException expected) {
                            kind = "sync cut at " + cut;
                        }
                    }
                    trace.append("cut ").append(cut);
                } else {
                    boolean crash = rnd.nextBoolean();
                    if (crash) {
                        r = reopenAfterCrash(r); // only the journal has the latest changes
                    } else {
                        r.close();
                        r = Replica.open(dir, false);
                    }
                    trace.append(crash ? "crash+reopen" : "reopen");
                    kind = crash ? "crash+reopen" : "reopen";
                }
                trace.append('\n');
                time(stepTimes, kind, tStep);
            }
            long tCheck = System.nanoTime();
            Map<String, Boolean> intents = Map.copyOf(seenIntent);
            sync(r);
            sync(r);
            String context = "sequence " + seed + "\n" + trace;
            for (String f : synced) {
                Map<String, String> server = second != null ? serverView(second, f) : serverView(f);
                assertThat(replicaView(r, f)).as(context + "folder " + f).isEqualTo(server);
            }
            if (second != null) {
                // every \Seen change made offline since the last completed sync is on the server, unless a server
                // expunge (deleted wins) removed the message
                for (String f : synced) {
                    try (MailFolder mf = second.folder(f, AccessMode.READ_ONLY)) {
                        for (MessageSummary s : mf.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE,
                                FetchSpec.Item.FLAGS))) {
                            Boolean want = intents.get(s.envelope().messageId());
                            if (want != null) {
                                assertThat(s.flags().contains(Flag.SEEN)).as(context + s.envelope().messageId())
                                        .isEqualTo(want);
                            }
                        }
                    }
                }
            }
            r.close();
            time(stepTimes, "final check", tCheck);
        }
    }

    /**
     * A change by a second client directly on the server, through {@code second} (IMAP) or a session of its own
     * ({@code second} null: POP3). Returns the kind of change for the timing summary.
     */
    private String serverChange(Random rnd, Mailbox second, String folder, String tag, StringBuilder trace,
                                Map<String, Boolean> seenIntent) {
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            fixture().deliver(user, folder, message(tag, rnd.nextInt(300)), Flags.NONE);
            trace.append("server new ").append(folder).append(' ').append(tag);
            return "server new";
        }
        Mailbox mb = second != null ? second : connect();
        try (MailFolder f = mb.folder(folder, AccessMode.READ_WRITE)) {
            List<MessageSummary> all = f.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE));
            if (all.isEmpty()) {
                return "server change on an empty folder";
            }
            MessageSummary m = all.get(rnd.nextInt(all.size()));
            if (kind == 1 && isImap()) {
                // the server changes \Flagged only, so local \Seen intents stay decidable
                if (rnd.nextBoolean()) {
                    f.addFlags(List.of(m.ref()), Flags.of(Flag.FLAGGED));
                } else {
                    f.removeFlags(List.of(m.ref()), Flags.of(Flag.FLAGGED));
                }
                trace.append("server flag ").append(folder).append(' ').append(m.envelope().subject());
                return "server flag";
            }
            if (isImap()) {
                f.expunge(List.of(m.ref()));
            } else {
                f.delete(List.of(m.ref()));
            }
            seenIntent.remove(m.envelope().messageId()); // deleted wins
            trace.append("server expunge ").append(folder).append(' ').append(m.envelope().subject());
            return "server expunge";
        } finally {
            if (mb != second) {
                mb.close();
            }
        }
    }
}

package dev.mailaccess.testkit;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
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
import dev.mailaccess.Support;
import dev.mailaccess.sync.Replica;
import dev.mailaccess.sync.ReplicaMessage;
import dev.mailaccess.sync.SyncReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Disconnected mode ({@link Replica}) against a server fixture: initial sync, offline changes pushed, server changes
 * pulled, the conflict rules, dropped connections, UIDVALIDITY change, POP3 pseudo-online, and a model-based run of
 * random offline changes, second-client changes, syncs and cuts. The model's size comes from the system properties
 * {@code mailaccess.modelSequences} and {@code mailaccess.modelSteps} (defaults: {@link #defaultSequences()},
 * {@link #defaultSteps()}).
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
        Map<String, String> out = new TreeMap<>();
        try (Mailbox mb = connect(); MailFolder f = mb.folder(folder, AccessMode.READ_ONLY)) {
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

    @Test
    void offlineChangesGoUpOnTheNextSync() throws Exception {
        assumeTrue(isImap(), "POP3 keeps changes on this machine; see pop3PseudoOnline");
        for (int i = 0; i < 5; i++) {
            fixture().deliver(user, "INBOX", message("m" + i, 10), Flags.NONE);
        }
        try (Mailbox mb = connect()) {
            mb.createFolder("Archive");
        }
        Replica r = replica().mirror("INBOX").mirror("Archive").createLocalFolder("Keep");
        sync(r);
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "m0")), Flags.of(Flag.SEEN).plus(Flags.keywords("$Work")));
        r.delete("INBOX", List.of(idOf(r, "INBOX", "m1")));
        r.expungeDeleted("INBOX");
        r.move("INBOX", idOf(r, "INBOX", "m2"), "Archive");
        r.copy("INBOX", idOf(r, "INBOX", "m3"), "Archive");
        r.move("INBOX", idOf(r, "INBOX", "m4"), "Keep");
        r.append("Archive", new ByteArrayInputStream(message("draft", 5)), Flags.of(Flag.DRAFT));
        SyncReport rep = sync(r);
        assertThat(rep.flagsPushed()).isEqualTo(1);
        assertThat(rep.moved()).isEqualTo(1);
        assertThat(rep.appended()).isEqualTo(2);
        assertThat(rep.expungedOnServer()).isEqualTo(2); // m1 and m4 (now kept locally)
        assertThat(subjects("INBOX")).containsExactlyInAnyOrder("Replica m0", "Replica m3");
        assertThat(subjects("Archive")).containsExactlyInAnyOrder("Replica m2", "Replica m3", "Replica draft");
        assertThat(r.messages("Keep")).extracting(ReplicaMessage::subject).containsExactly("Replica m4");
        assertConverged(r, "INBOX", "Archive");
        SyncReport again = sync(r);
        assertThat(again.up()).isZero();
        assertConverged(r, "INBOX", "Archive");
    }

    protected List<String> subjects(String folder) {
        try (Mailbox mb = connect(); MailFolder f = mb.folder(folder, AccessMode.READ_ONLY)) {
            return f.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE)).stream().map(s -> s.envelope().subject())
                    .toList();
        }
    }

    @Test
    void changesAnotherLocalMailClientMadeToTheMaildirGoUp() throws Exception {
        assumeTrue(isImap());
        for (int i = 0; i < 3; i++) {
            fixture().deliver(user, "INBOX", message("m" + i, 10), Flags.NONE);
        }
        Replica r = replica().mirror("INBOX");
        sync(r);
        Path cur = r.maildir("INBOX").resolve("cur");
        String id0 = idOf(r, "INBOX", "m0");
        String id1 = idOf(r, "INBOX", "m1");
        r.close();
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(cur)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(id0)) { // mutt marks it seen and flagged
                    java.nio.file.Files.move(p, p.resolveSibling(n.substring(0, n.indexOf(":2,")) + ":2,FS"));
                } else if (n.startsWith(id1)) { // and deletes this one
                    java.nio.file.Files.delete(p);
                }
            }
        }
        java.nio.file.Files.write(r.maildir("INBOX").resolve("new").resolve("1700000000.M1P1.mutt"),
                message("dropped-in", 10));
        Replica again = replica();
        SyncReport rep = sync(again);
        assertThat(rep.flagsPushed()).isEqualTo(1);
        assertThat(rep.expungedOnServer()).isEqualTo(1);
        assertThat(rep.appended()).isEqualTo(1);
        assertThat(subjects("INBOX")).containsExactlyInAnyOrder("Replica m0", "Replica m2", "Replica dropped-in");
        assertConverged(again, "INBOX");
        assertThat(again.message("INBOX", id0).flags()).isEqualTo(Flags.of(Flag.SEEN, Flag.FLAGGED));
    }

    @Test
    void changesOfASecondClientComeDown() throws Exception {
        for (int i = 0; i < 4; i++) {
            fixture().deliver(user, "INBOX", message("m" + i, 10), Flags.NONE);
        }
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
    void conflictsFollowTheDocumentedRules() throws Exception {
        assumeTrue(isImap());
        for (int i = 0; i < 5; i++) {
            fixture().deliver(user, "INBOX", message("m" + i, 10), i == 0 ? Flags.of(Flag.SEEN) : Flags.NONE);
        }
        try (Mailbox mb = connect()) {
            mb.createFolder("Archive");
        }
        Replica r = replica().mirror("INBOX").mirror("Archive");
        sync(r);
        // m0: local clears \Seen and sets $A, server sets \Flagged and clears \Seen too -> merged per flag
        // m1: local sets \Seen, server expunges -> deleted wins
        // m2: local expunges, server flags -> deleted wins (expunged on the server)
        // m3: local moves to Archive, server expunges -> not resurrected
        // m4: local sets \Flagged, server clears... (never set) and sets \Answered -> both kept
        r.removeFlags("INBOX", List.of(idOf(r, "INBOX", "m0")), Flags.of(Flag.SEEN));
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "m0")), Flags.keywords("$A"));
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "m1")), Flags.of(Flag.SEEN));
        r.expunge("INBOX", List.of(idOf(r, "INBOX", "m2")));
        r.move("INBOX", idOf(r, "INBOX", "m3"), "Archive");
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "m4")), Flags.of(Flag.FLAGGED));
        Map<String, MessageRef> refs = new TreeMap<>();
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            for (MessageSummary s : f.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE))) {
                refs.put(s.envelope().subject(), s.ref());
            }
            f.addFlags(List.of(refs.get("Replica m0")), Flags.of(Flag.FLAGGED));
            f.expunge(List.of(refs.get("Replica m1"), refs.get("Replica m3")));
            f.addFlags(List.of(refs.get("Replica m2")), Flags.of(Flag.FLAGGED));
            f.addFlags(List.of(refs.get("Replica m4")), Flags.of(Flag.ANSWERED));
        }
        sync(r);
        assertThat(subjects("INBOX")).containsExactlyInAnyOrder("Replica m0", "Replica m4");
        assertThat(subjects("Archive")).isEmpty();
        assertThat(r.messages("Archive")).isEmpty();
        assertThat(r.message("INBOX", idOf(r, "INBOX", "m0")).flags())
                .isEqualTo(Flags.of(List.of(Flag.FLAGGED), List.of("$A")));
        assertThat(r.message("INBOX", idOf(r, "INBOX", "m4")).flags())
                .isEqualTo(Flags.of(Flag.FLAGGED, Flag.ANSWERED));
        assertConverged(r, "INBOX", "Archive");
    }

    @Test
    void aLocalSetBeatsAServerClearOfTheSameFlag() throws Exception {
        assumeTrue(isImap());
        fixture().deliver(user, "INBOX", message("m", 10), Flags.of(Flag.SEEN, Flag.FLAGGED));
        Replica r = replica().mirror("INBOX");
        sync(r);
        String id = idOf(r, "INBOX", "m");
        r.removeFlags("INBOX", List.of(id), Flags.of(Flag.FLAGGED));
        r.addFlags("INBOX", List.of(id), Flags.of(Flag.FLAGGED)); // net: unchanged locally
        r.removeFlags("INBOX", List.of(id), Flags.of(Flag.SEEN)); // local clear of \Seen
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            MessageRef ref = r.message("INBOX", id).serverRef();
            f.removeFlags(List.of(ref), Flags.of(Flag.FLAGGED)); // server clear of \Flagged: no local change
            f.addFlags(List.of(ref), Flags.of(Flag.ANSWERED));
        }
        sync(r);
        assertThat(r.message("INBOX", id).flags()).isEqualTo(Flags.of(Flag.ANSWERED));
        assertConverged(r, "INBOX");
    }

    @Test
    void aDroppedConnectionMidSyncConvergesWithNothingLostOrDuplicated() throws Exception {
        assumeTrue(isImap());
        try (Mailbox mb = connect()) {
            mb.createFolder("Archive");
        }
        for (String cutAt : cutCommands()) {
            for (int i = 0; i < 4; i++) {
                fixture().deliver(user, "INBOX", message(cutAt + "-m" + i, 1000), Flags.NONE);
            }
            Path dir = tmp.resolve("cut-" + cutAt.replaceAll("[^A-Za-z]", ""));
            Replica r = Replica.open(dir, false).mirror("INBOX").mirror("Archive");
            sync(r);
            r.addFlags("INBOX", List.of(r.messages("INBOX").get(0).id()), Flags.of(Flag.FLAGGED));
            r.append("Archive", new ByteArrayInputStream(message("draft-" + cutAt, 10)), Flags.NONE);
            r.move("INBOX", r.messages("INBOX").get(1).id(), "Archive");
            r.expunge("INBOX", List.of(r.messages("INBOX").get(2).id()));
            fixture().deliver(user, "INBOX", message("late-" + cutAt, 3000), Flags.NONE);
            try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()))) {
                proxy.cutOn(cutAt, 0);
                try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                        .allowEmulation(true).build())) {
                    r.sync(mb);
                } catch (MailAccessException expected) {
                    // the cut
                }
            }
            Replica reopened = reopenAfterCrash(r);
            sync(reopened);
            sync(reopened);
            assertConverged(reopened, "INBOX", "Archive");
            assertThat(subjects("Archive")).as("cut at " + cutAt).doesNotHaveDuplicates();
            assertThat(subjects("INBOX")).as("cut at " + cutAt).doesNotHaveDuplicates();
        }
    }

    /** IMAP commands at which {@link #aDroppedConnectionMidSyncConvergesWithNothingLostOrDuplicated} cuts. */
    protected List<String> cutCommands() {
        return List.of("APPEND", "MOVE", "STORE", "EXPUNGE", "FETCH");
    }

    @Test
    void aUidValidityChangeKeepsPendingLocalChangesOfRePairedMessages() throws Exception {
        assumeTrue(isImap());
        List<byte[]> msgs = new ArrayList<>();
        try (Mailbox mb = connect()) {
            mb.createFolder("Work");
        }
        for (int i = 0; i < 4; i++) {
            msgs.add(message("w" + i, 10));
            fixture().deliver(user, "Work", msgs.get(i), Flags.NONE);
        }
        Replica r = replica().mirror("Work");
        sync(r);
        long before = r.messages("Work").get(0).serverRef().uidValidity();
        r.addFlags("Work", List.of(idOf(r, "Work", "w1")), Flags.of(Flag.FLAGGED).plus(Flags.keywords("$Keep")));
        String draft = r.append("Work", new ByteArrayInputStream(message("local-draft", 10)), Flags.of(Flag.DRAFT));
        recreateFolder("Work");
        for (int i = 0; i < 3; i++) { // w3 is gone
            fixture().deliver(user, "Work", msgs.get(i), Flags.of(Flag.SEEN));
        }
        SyncReport rep = sync(r);
        assertThat(r.messages("Work").get(0).serverRef().uidValidity()).isNotEqualTo(before);
        assertThat(rep.repaired()).isEqualTo(3);
        assertThat(rep.notes()).anyMatch(n -> n.contains("UIDVALIDITY"));
        assertThat(r.message("Work", idOf(r, "Work", "w1")).flags())
                .isEqualTo(Flags.of(List.of(Flag.FLAGGED, Flag.SEEN), List.of("$Keep")));
        assertThat(r.message("Work", draft).serverRef()).isNotNull();
        assertThat(subjects("Work")).containsExactlyInAnyOrder("Replica w0", "Replica w1", "Replica w2",
                "Replica local-draft");
        assertConverged(r, "Work");
    }

    /** Deletes and creates a folder again on the server, which gives it a new UIDVALIDITY. */
    protected void recreateFolder(String folder) {
        try (Mailbox mb = connect()) {
            mb.deleteFolder(folder);
            mb.createFolder(folder);
        }
    }

    @Test
    void hostileServerFolderNamesStayInsideTheReplica() throws Exception {
        assumeTrue(isImap());
        List<String> names = List.of("..", "a..b", "..%2F", "dots.. ..");
        List<String> created = new ArrayList<>();
        try (Mailbox mb = connect()) {
            for (String n : names) {
                try {
                    mb.createFolder(n);
                    created.add(n);
                } catch (MailAccessException refused) {
                    // the server refuses this name: nothing to mirror
                }
            }
        }
        Replica r = replica();
        for (String n : created) {
            fixture().deliver(user, n, message("in " + n, 10), Flags.NONE);
            r.mirror(n);
        }
        sync(r);
        for (String n : created) {
            assertThat(r.maildir(n).getParent()).isEqualTo(tmp.resolve("replica").toAbsolutePath().normalize()
                    .resolve("mail"));
            assertThat(r.messages(n)).hasSize(1);
        }
        assertConverged(r, created.toArray(String[]::new));
    }

    @Test
    void pop3PseudoOnline() throws Exception {
        assumeTrue(!isImap());
        for (int i = 0; i < 4; i++) {
            fixture().deliver(user, "INBOX", message("p" + i, 10), Flags.NONE);
        }
        Replica r = replica().mirror("INBOX").createLocalFolder("Saved");
        SyncReport first = sync(r);
        assertThat(first.downloaded()).isEqualTo(4);
        assertThat(fixture().messages(user, "INBOX")).hasSize(4); // mail stays on the server
        r.addFlags("INBOX", List.of(idOf(r, "INBOX", "p0")), Flags.of(Flag.SEEN).plus(Flags.keywords("$Todo")));
        r.move("INBOX", idOf(r, "INBOX", "p1"), "Saved");
        r.expunge("INBOX", List.of(idOf(r, "INBOX", "p2")));
        SyncReport second = sync(r);
        assertThat(second.expungedOnServer()).isEqualTo(2); // DELE of p1 (kept in Saved) and p2
        assertThat(fixture().messages(user, "INBOX")).hasSize(2);
        assertThat(r.message("INBOX", idOf(r, "INBOX", "p0")).flags().keywords()).containsExactly("$Todo");
        assertThat(r.messages("Saved")).extracting(ReplicaMessage::subject).containsExactly("Replica p1");
        // a message that vanished from the server (another client took it) is detected by the UIDL list
        try (Mailbox mb = connect(); MailFolder f = mb.inbox()) {
            f.delete(List.of(refOf(r, "INBOX", "p3")));
        }
        SyncReport third = sync(r);
        assertThat(third.removedLocally()).isEqualTo(1);
        assertThat(r.messages("INBOX")).extracting(ReplicaMessage::subject).containsExactly("Replica p0");
        assertConverged(r, "INBOX");
        CapabilitySet caps = r.capabilities();
        for (Capability c : List.of(Capability.SERVER_FLAGS, Capability.CUSTOM_KEYWORDS, Capability.FOLDERS)) {
            assertThat(caps.support(c)).isEqualTo(Support.EMULATED);
            assertThat(caps.info(c).reason()).contains("kept on this machine only; another client will not see them");
        }
        try (Mailbox mb = connect()) {
            assertThat(mb.capabilities().support(Capability.SERVER_FLAGS)).isEqualTo(Support.UNSUPPORTED);
        }
    }

    @Test
    void pop3LocalDeleteCanStayLocal() throws Exception {
        assumeTrue(!isImap());
        fixture().deliver(user, "INBOX", message("p", 10), Flags.NONE);
        Replica r = replica().mirror("INBOX").deleteOnPop3Server(false);
        sync(r);
        r.expunge("INBOX", List.of(idOf(r, "INBOX", "p")));
        sync(r);
        sync(r);
        assertThat(fixture().messages(user, "INBOX")).hasSize(1);
        assertThat(r.messages("INBOX")).isEmpty();
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

    /** Default number of model sequences when {@code mailaccess.modelSequences} is not set. */
    protected int defaultSequences() {
        return 12;
    }

    /** Default steps per sequence when {@code mailaccess.modelSteps} is not set. */
    protected int defaultSteps() {
        return 50;
    }

    @Test
    void modelBasedRandomSequencesConverge() throws Exception {
        int sequences = Integer.getInteger("mailaccess.modelSequences", defaultSequences());
        int steps = Integer.getInteger("mailaccess.modelSteps", defaultSteps());
        long t0 = System.nanoTime();
        for (int seq = 0; seq < sequences; seq++) {
            runModel(seq, steps);
        }
        System.out.printf("ReplicaContract model on %s/%s: %d sequences x %d steps in %d ms%n", fixture().name(),
                protocol(), sequences, steps, (System.nanoTime() - t0) / 1_000_000);
    }

    private void runModel(long seed, int steps) throws Exception {
        user = fixture().newUser();
        Random rnd = new Random(seed);
        List<String> synced = isImap() ? List.of("INBOX", "Other") : List.of("INBOX");
        if (isImap()) {
            try (Mailbox mb = connect()) {
                mb.createFolder("Other");
            }
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
        // expectations: local flag intents that must reach the server (message-id -> flag set/cleared)
        Map<String, Boolean> seenIntent = new TreeMap<>();
        StringBuilder trace = new StringBuilder();
        List<Flag> flagChoices = List.of(Flag.SEEN, Flag.FLAGGED, Flag.ANSWERED);
        for (int step = 0; step < steps; step++) {
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
                trace.append("flag ").append(folder).append(' ').append(f).append(set ? "+" : "-");
            } else if (action < 38 && !local.isEmpty()) {
                ReplicaMessage m = local.get(rnd.nextInt(local.size()));
                r.expunge(folder, List.of(m.id()));
                seenIntent.remove(m.messageId());
                trace.append("expunge");
            } else if (action < 46 && !local.isEmpty() && synced.size() > 1) {
                ReplicaMessage m = local.get(rnd.nextInt(local.size()));
                if (m.downloaded()) {
                    String other = folder.equals("INBOX") ? "Other" : "INBOX";
                    r.move(folder, m.id(), rnd.nextInt(4) == 0 ? "Local" : other);
                    seenIntent.remove(m.messageId());
                    trace.append("move");
                }
            } else if (action < 52 && isImap()) {
                r.append(folder, new ByteArrayInputStream(message(seed + "-a" + counter++, rnd.nextInt(100))),
                        Flags.NONE);
                trace.append("append");
            } else if (action < 68) {
                serverChange(rnd, folder, seed + "-n" + counter++, trace, seenIntent);
            } else if (action < 85) {
                sync(r);
                seenIntent.clear(); // what was pushed is checked by convergence from here on
                trace.append("sync");
            } else if (action < 93) {
                String[] cuts = isImap() ? new String[] {"STORE", "APPEND", "MOVE", "EXPUNGE", "FETCH", "SELECT"}
                        : new String[] {"RETR", "DELE", "UIDL", "LIST"};
                String cut = cuts[rnd.nextInt(cuts.length)];
                try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()))) {
                    proxy.cutOn(cut, rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(300));
                    try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                            .allowEmulation(true).build())) {
                        r.sync(mb);
                    } catch (MailAccessException expected) {
                        // cut
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
            }
            trace.append('\n');
        }
        Map<String, Boolean> intents = Map.copyOf(seenIntent);
        sync(r);
        sync(r);
        String context = "sequence " + seed + "\n" + trace;
        for (String f : synced) {
            assertThat(replicaView(r, f)).as(context + "folder " + f).isEqualTo(serverView(f));
        }
        if (isImap()) {
            // every \Seen change made offline since the last completed sync is on the server, unless a server
            // expunge (deleted wins) removed the message
            try (Mailbox mb = connect()) {
                for (String f : synced) {
                    try (MailFolder mf = mb.folder(f, AccessMode.READ_ONLY)) {
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
        }
        r.close();
    }

    /** A change by a second client directly on the server. */
    private void serverChange(Random rnd, String folder, String tag, StringBuilder trace,
                              Map<String, Boolean> seenIntent) {
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            fixture().deliver(user, folder, message(tag, rnd.nextInt(300)), Flags.NONE);
            trace.append("server new");
            return;
        }
        try (Mailbox mb = connect(); MailFolder f = mb.folder(folder, AccessMode.READ_WRITE)) {
            List<MessageSummary> all = f.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE));
            if (all.isEmpty()) {
                return;
            }
            MessageSummary m = all.get(rnd.nextInt(all.size()));
            if (kind == 1 && isImap()) {
                // the server changes \Flagged only, so local \Seen intents stay decidable
                if (rnd.nextBoolean()) {
                    f.addFlags(List.of(m.ref()), Flags.of(Flag.FLAGGED));
                } else {
                    f.removeFlags(List.of(m.ref()), Flags.of(Flag.FLAGGED));
                }
                trace.append("server flag");
            } else {
                if (isImap()) {
                    f.expunge(List.of(m.ref()));
                } else {
                    f.delete(List.of(m.ref()));
                }
                seenIntent.remove(m.envelope().messageId()); // deleted wins
                trace.append("server expunge");
            }
        } catch (ConnectionException e) {
            throw e;
        }
    }
}

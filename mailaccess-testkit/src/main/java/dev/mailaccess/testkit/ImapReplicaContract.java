package dev.mailaccess.testkit;

import dev.mailaccess.AccessMode;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import dev.mailaccess.replica.SyncReport;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ReplicaContract} plus what only IMAP can do in disconnected mode: offline changes pushed to the server
 * (flags, expunge, move, copy, append), changes another local mail client made to the Maildir, the conflict rules,
 * a connection dropped mid-sync, a UIDVALIDITY change and hostile server folder names. The POP3 side (changes stay
 * on this machine, declared) is in {@link Pop3ReplicaContract}.
 */
public abstract class ImapReplicaContract extends ReplicaContract {

    @Override
    protected String protocol() {
        return "imap";
    }

    @Test
    void eachMessageKeepsTheServersReceivedDate() throws Exception {
        deliverToInbox("r", 3);
        fixture().deliver(user, "INBOX", message("large", 50_000), Flags.NONE); // kept as its header block
        Map<Long, java.time.Instant> onServer = new java.util.HashMap<>();
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            for (MessageSummary m : inbox.summaries(FetchSpec.of(FetchSpec.Item.INTERNAL_DATE))) {
                onServer.put(m.ref().uid(), m.internalDate());
            }
        }
        Replica r = replica().mirror("INBOX").maxMessageSize(10_000);
        sync(r);
        List<ReplicaMessage> local = r.messages("INBOX");
        assertThat(local).hasSize(4).filteredOn(m -> !m.downloaded()).hasSize(1);
        for (ReplicaMessage m : local) {
            assertThat(m.received()).as(m.subject()).isNotNull().isEqualTo(onServer.get(m.serverRef().uid()));
        }
        java.time.Instant before = java.time.Instant.now().minusSeconds(2);
        String added = r.append("INBOX", new ByteArrayInputStream(message("added offline", 5)), Flags.NONE);
        assertThat(r.message("INBOX", added).received()).isAfter(before); // stored here, not yet on the server
    }

    @Test
    void offlineChangesGoUpOnTheNextSync() throws Exception {
        deliverToInbox("m", 5);
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

    @Test
    void changesAnotherLocalMailClientMadeToTheMaildirGoUp() throws Exception {
        deliverToInbox("m", 3);
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
    void conflictsFollowTheDocumentedRules() throws Exception {
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
    void aFolderGoneFromTheServerIsKeptAsALocalOnlyFolder() throws Exception {
        try (Mailbox mb = connect()) {
            mb.createFolder("Work");
            mb.createFolder("Archive");
        }
        fixture().deliver(user, "Work", message("w1", 10), Flags.NONE);
        fixture().deliver(user, "Work", message("w2", 10), Flags.NONE);
        fixture().deliver(user, "Work", message("w3", 10), Flags.NONE);
        Replica r = replica().mirror("Work").mirror("Archive");
        sync(r);
        String w1 = idOf(r, "Work", "w1");
        r.addFlags("Work", List.of(w1), Flags.of(Flag.FLAGGED));
        r.move("Work", idOf(r, "Work", "w3"), "Archive"); // moved out offline: stays where it was moved to
        try (Mailbox mb = connect()) {
            mb.deleteFolder("Work"); // or a rename: IMAP cannot tell
        }
        SyncReport rep = sync(r);
        assertThat(rep.notes()).anySatisfy(n -> assertThat(n).contains("Work").contains("gone from the server"));
        assertThat(r.isLocalOnly("Work")).isTrue();
        assertThat(r.messages("Work")).extracting(ReplicaMessage::subject).containsExactlyInAnyOrder("Replica w1", "Replica w2");
        assertThat(r.message("Work", w1).flags().contains(Flag.FLAGGED)).isTrue();
        sync(r);
        assertThat(subjects("Archive")).containsExactly("Replica w3");
        assertConverged(r, "Archive");
        try (Mailbox mb = connect()) {
            assertThat(mb.folders()).extracting(FolderInfo::path).doesNotContain("Work"); // not recreated
        }
        r.close();
        Replica again = replica().mirror("Work"); // the same command line as before keeps working
        assertThat(again.isLocalOnly("Work")).isTrue();
        assertThat(sync(again).notes()).anySatisfy(n -> assertThat(n).contains("Work"));
        assertThat(again.messages("Work")).hasSize(2);
        again.close();
    }
}

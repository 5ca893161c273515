package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.SortKey;
import dev.mailaccess.Support;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.LoopbackProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The IMAP adapter against embedded GreenMail, through the public API (MailAccess and core's checked wrapper). */
class ImapAdapterTest {
    private static GreenMailFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new GreenMailFixture();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] text(String subject, String from, String body) {
        return ("From: " + from + "\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Mon, 6 May 2024 10:00:00 +0000\r\n"
                + "Message-ID: <" + Math.abs((subject + body).hashCode()) + "@example.org>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] simple(String subject) {
        return text(subject, "Alice <alice@example.org>", "Hello " + subject);
    }

    private static byte[] withAttachment(byte[] attachment) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
        return ("From: alice@example.org\r\n"
                + "To: bob@example.org\r\n"
                + "Subject: with attachment\r\n"
                + "Date: Mon, 6 May 2024 10:00:00 +0000\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "\r\n"
                + "--b1\r\n"
                + "Content-Type: text/plain; charset=us-ascii\r\n"
                + "\r\n"
                + "see attached\r\n"
                + "--b1\r\n"
                + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + b64 + "\r\n"
                + "--b1--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static Mailbox connect(String user) {
        return MailAccess.connect(fixture.config("imap", user).build());
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    // ---------------------------------------------------------------- capabilities

    @Test
    void staticCapabilities() {
        CapabilitySet caps = MailAccess.capabilitiesOf("imaps");
        assertThat(caps.protocol()).isEqualTo("imap");
        for (Capability c : Capability.values()) {
            assertThat(caps.support(c)).as(c.name()).isEqualTo(Support.NATIVE);
            assertThat(caps.info(c).reason()).isNotBlank();
        }
        assertThat(caps.info(Capability.MOVE).reason()).contains("COPY + UID EXPUNGE");
    }

    @Test
    void liveCapabilitiesFromGreenMail() {
        try (Mailbox mb = connect(fixture.newUser())) {
            CapabilitySet caps = mb.capabilities();
            assertThat(caps.support(Capability.MOVE)).isEqualTo(Support.NATIVE);
            assertThat(caps.support(Capability.EXPUNGE)).isEqualTo(Support.NATIVE);
            assertThat(caps.support(Capability.PUSH)).isEqualTo(Support.NATIVE);
            assertThat(caps.support(Capability.SORT)).isEqualTo(Support.NATIVE);
            assertThat(caps.support(Capability.QUICK_RESYNC)).isEqualTo(Support.UNSUPPORTED);
            assertThat(caps.info(Capability.QUICK_RESYNC).reason()).contains("CONDSTORE");
        }
    }

    @Test
    void capabilitiesRefinedByServerExtensions() {
        CapabilitySet bare = ImapCapabilities.refine(Set.of("IMAP4rev1"));
        assertThat(bare.support(Capability.MOVE)).isEqualTo(Support.UNSUPPORTED);
        assertThat(bare.support(Capability.EXPUNGE)).isEqualTo(Support.UNSUPPORTED);
        assertThat(bare.info(Capability.EXPUNGE).reason()).contains("UID EXPUNGE");
        assertThat(bare.support(Capability.PUSH)).isEqualTo(Support.UNSUPPORTED);
        assertThat(bare.support(Capability.SORT)).isEqualTo(Support.UNSUPPORTED);
        assertThat(bare.support(Capability.QUICK_RESYNC)).isEqualTo(Support.UNSUPPORTED);
        CapabilitySet uidplus = ImapCapabilities.refine(Set.of("UIDPLUS", "CONDSTORE"));
        assertThat(uidplus.support(Capability.MOVE)).isEqualTo(Support.EMULATED);
        assertThat(uidplus.support(Capability.EXPUNGE)).isEqualTo(Support.NATIVE);
        assertThat(uidplus.support(Capability.QUICK_RESYNC)).isEqualTo(Support.NATIVE);
        assertThat(bare.support(Capability.QUOTA)).isEqualTo(Support.UNSUPPORTED);
        // without THREAD, PREVIEW, NOTIFY (and IDLE) these three are done here, and say so
        assertThat(bare.support(Capability.THREADS)).isEqualTo(Support.EMULATED);
        assertThat(bare.support(Capability.PREVIEW)).isEqualTo(Support.EMULATED);
        assertThat(bare.info(Capability.WATCH).reason()).contains("no IDLE");
        assertThat(ImapCapabilities.refine(Set.of("IDLE")).info(Capability.WATCH).reason()).contains("no NOTIFY");
        assertThat(ImapCapabilities.refine(Set.of("IDLE")).support(Capability.WATCH)).isEqualTo(Support.EMULATED);
        CapabilitySet dovecot = ImapCapabilities.refine(Set.of("MOVE", "UIDPLUS", "IDLE", "QRESYNC", "SORT", "QUOTA",
                "THREAD=REFERENCES", "THREAD=ORDEREDSUBJECT", "PREVIEW", "NOTIFY"));
        for (Capability c : Capability.values()) {
            assertThat(dovecot.support(c)).as(c.name()).isEqualTo(Support.NATIVE);
        }
        // COMPRESSION: offered, wanted and seen on the connection; turned off; or offered but not started
        java.util.function.Predicate<String> zlib = Set.of("COMPRESS=DEFLATE")::contains;
        assertThat(ImapCapabilities.refine(zlib, null, true, true).support(Capability.COMPRESSION))
                .isEqualTo(Support.NATIVE);
        assertThat(ImapCapabilities.refine(zlib, null, false, false).info(Capability.COMPRESSION).reason())
                .contains("compression(false)");
        assertThat(ImapCapabilities.refine(zlib, null, true, false).info(Capability.COMPRESSION).reason())
                .contains("did not start");
        assertThat(ImapCapabilities.refine(s -> false, null, true, null).info(Capability.COMPRESSION).reason())
                .contains("does not offer");
    }

    @Test
    void wrongPasswordIsAnAuthenticationFailureWithoutThePassword() {
        String user = fixture.newUser();
        String wrong = "not-the-password-s3cr3t";
        assertThatThrownBy(() -> MailAccess.connect(fixture.config("imap", user).password(wrong).build()))
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> assertThat(e.toString()).doesNotContain(wrong))
                .satisfies(e -> assertThat(String.valueOf(e.getCause())).doesNotContain(wrong));
    }

    // ---------------------------------------------------------------- folders

    @Test
    void foldersCreateListStatusDelete() {
        String user = fixture.newUser();
        try (Mailbox mb = connect(user)) {
            mb.createFolder("Projects");
            fixture.deliver(user, "Projects", simple("one"), Flags.NONE);
            fixture.deliver(user, "Projects", simple("two"), Flags.of(Flag.SEEN));
            List<FolderInfo> folders = mb.folders();
            assertThat(folders).extracting(FolderInfo::path).contains("INBOX", "Projects");
            FolderInfo projects = folders.stream().filter(f -> f.path().equals("Projects")).findFirst().orElseThrow();
            assertThat(projects.selectable()).isTrue();

            FolderStatus st = mb.status("Projects");
            assertThat(st.messages()).isEqualTo(2);
            assertThat(st.unseen()).isEqualTo(1);
            assertThat(st.uidValidity()).isPositive();
            assertThat(st.uidNext()).isPositive();
            assertThat(st.highestModSeq()).isEqualTo(-1);

            // (GreenMail drops the connection when a folder that a session once selected is deleted, so the
            // open-folder status is checked on another folder.)
            fixture.createFolder(user, "Other");
            fixture.deliver(user, "Other", simple("three"), Flags.NONE);
            try (MailFolder f = mb.folder("Other", AccessMode.READ_ONLY)) {
                assertThat(f.status().messages()).isEqualTo(1);
                assertThat(f.status().uidValidity()).isEqualTo(mb.status("Other").uidValidity());
            }
            assertThatThrownBy(() -> mb.folder("Nope", AccessMode.READ_ONLY))
                    .isInstanceOf(FolderNotFoundException.class);
            assertThatThrownBy(() -> mb.status("Nope")).isInstanceOf(FolderNotFoundException.class);

            mb.deleteFolder("Projects");
            assertThat(mb.folders()).extracting(FolderInfo::path).doesNotContain("Projects");
            assertThatThrownBy(() -> mb.deleteFolder("Projects")).isInstanceOf(FolderNotFoundException.class);
            assertThat(mb.unwrap(jakarta.mail.Store.class)).isNotNull();
            assertThatThrownBy(() -> mb.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---------------------------------------------------------------- summaries

    @Test
    void summariesDecodeRfc2047AndFetchRequestedHeaders() {
        String user = fixture.newUser();
        byte[] raw = text("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=",
                "=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.org>", "Hallo");
        fixture.deliver(user, "INBOX", raw, Flags.of(Flag.FLAGGED));
        fixture.deliver(user, "INBOX", withAttachment(new byte[] {1, 2, 3}), Flags.NONE);
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            FetchSpec spec = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("Message-ID", "X-Missing");
            List<MessageSummary> list = inbox.summaries(spec);
            assertThat(list).hasSize(2);
            MessageSummary s = list.get(0);
            assertThat(s.envelope().subject()).isEqualTo("Grüße aus Köln");
            assertThat(s.envelope().from()).hasSize(1);
            assertThat(s.envelope().from().get(0).name()).isEqualTo("Jürgen Müller");
            assertThat(s.envelope().from().get(0).email()).isEqualTo("juergen@example.org");
            // RFC 3501 ENVELOPE: an absent Reply-To is the From.
            assertThat(s.envelope().replyTo()).isEqualTo(s.envelope().from());
            assertThat(s.envelope().date()).isNotNull();
            assertThat(s.flags().contains(Flag.FLAGGED)).isTrue();
            assertThat(s.size()).isPositive();
            assertThat(s.internalDate()).isNotNull();
            assertThat(s.structure().contentType()).isEqualTo("text/plain");
            assertThat(s.headers().get("Message-ID")).hasSize(1);
            assertThat(s.headers().get("X-Missing")).isEmpty();

            BodyPart structure = list.get(1).structure();
            assertThat(structure.isMultipart()).isTrue();
            assertThat(structure.children()).extracting(BodyPart::path).containsExactly("1", "2");
            assertThat(structure.children().get(1).fileName()).isEqualTo("data.bin");
            assertThat(structure.children().get(1).encoding()).isEqualTo("base64");

            assertThat(inbox.newest(1, FetchSpec.LIST)).extracting(MessageSummary::ref)
                    .containsExactly(list.get(1).ref());
            assertThat(inbox.summaries(List.of(list.get(1).ref(), list.get(0).ref()), FetchSpec.LIST))
                    .extracting(MessageSummary::ref).containsExactly(list.get(0).ref(), list.get(1).ref());
            MessageRef missing = MessageRef.imap(list.get(0).ref().uidValidity(), 999_999);
            assertThat(inbox.summaries(List.of(missing), FetchSpec.LIST)).isEmpty();
            MessageRef stale = MessageRef.imap(list.get(0).ref().uidValidity() + 1, list.get(0).ref().uid());
            assertThatThrownBy(() -> inbox.summaries(List.of(stale), FetchSpec.LIST))
                    .isInstanceOf(MessageGoneException.class);
        }
    }

    @Test
    void listingIsAConstantNumberOfCommands() {
        String user = fixture.newUser();
        for (int i = 0; i < 1000; i++) {
            fixture.deliver(user, "INBOX", simple("message " + i), Flags.NONE);
        }
        FetchSpec spec = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("List-Id");
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("imap"))) {
            // Each listing on a fresh session, so that nothing is answered from Angus's cache.
            int ten = countCommands(proxy, user, inbox -> assertThat(inbox.newest(10, spec)).hasSize(10));
            int newestThousand = countCommands(proxy, user,
                    inbox -> assertThat(inbox.newest(1000, spec)).hasSize(1000));
            int thousand = countCommands(proxy, user, inbox -> {
                List<MessageSummary> all = inbox.summaries(spec);
                assertThat(all).hasSize(1000);
                assertThat(all.get(999).envelope().subject()).isEqualTo("message 999");
            });
            List<MessageRef> refs;
            try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
                refs = inbox.refs();
            }
            int tenRefs = countCommands(proxy, user,
                    inbox -> assertThat(inbox.summaries(refs.subList(0, 10), spec)).hasSize(10));
            int thousandRefs = countCommands(proxy, user,
                    inbox -> assertThat(inbox.summaries(refs, spec)).hasSize(1000));
            System.out.println("[imap] commands to list the newest 10 summaries: " + ten + ", the newest 1000: "
                    + newestThousand + ", all 1000: " + thousand
                    + "; by ref: 10: " + tenRefs + ", 1000: " + thousandRefs);
            assertThat(newestThousand).isEqualTo(ten);
            assertThat(ten).isLessThanOrEqualTo(2);
            assertThat(thousand).isLessThanOrEqualTo(2);
            assertThat(thousandRefs).isEqualTo(tenRefs);
            assertThat(thousandRefs).isLessThanOrEqualTo(2);
            // The store's connection is reused for the folder: one TCP connection and one LOGIN per session.
            assertThat(proxy.connections()).isEqualTo(5);
        }
    }

    /**
     * A closed folder stays selected until the session needs its connection: closing the session then only logs out
     * (no UNSELECT), and reopening first deselects it. Neither expunges a \Deleted message.
     */
    @Test
    void aClosedFolderIsDeselectedLazilyAndNeverExpunged() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", simple("keep"), Flags.NONE);
        fixture.deliver(user, "INBOX", simple("deleted, not expunged"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("imap"))) {
            try (Mailbox mb = MailAccess.connect(fixture.config("imap", user).port(proxy.port()).build())) {
                MailFolder inbox = mb.inbox();
                inbox.addFlags(List.of(inbox.refs().get(1)), Flags.of(Flag.DELETED));
                inbox.close();
                assertThat(proxy.commands()).noneMatch(c -> c.contains("UNSELECT") || c.contains("CLOSE"));
                try (MailFolder again = mb.inbox()) {
                    // deselected first (UNSELECT), then selected again: the \Deleted message is still there
                    assertThat(again.summaries(FetchSpec.of(FetchSpec.Item.FLAGS))).hasSize(2);
                }
                assertThat(mb.folders()).isNotEmpty(); // the session needs the connection: the folder is let go
                proxy.resetCounts();
            }
            List<String> last = proxy.commands();
            assertThat(last).hasSize(1).allMatch(c -> c.contains("LOGOUT"));
            assertThat(proxy.describeCommands()).doesNotContain("EXPUNGE");
        }
        assertThat(fixture.messages(user, "INBOX")).hasSize(2);
    }

    /** Angus's isOpen() sends a NOOP once the connection has been quiet for a second; the adapter never asks it. */
    @Test
    void aPauseCostsNoProbeRoundTrip() throws Exception {
        String user = fixture.newUser();
        for (int i = 0; i < 3; i++) {
            fixture.deliver(user, "INBOX", simple("pause " + i), Flags.NONE);
        }
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("imap"));
             Mailbox mb = MailAccess.connect(fixture.config("imap", user).port(proxy.port()).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            for (FolderAction call : List.<FolderAction>of(
                    f -> assertThat(f.summaries(refs.subList(0, 2), FetchSpec.of(FetchSpec.Item.ENVELOPE)))
                            .hasSize(2),
                    f -> assertThat(f.headerBlocks(refs)).hasSize(3),
                    f -> assertThat(f.summaries(FetchSpec.of(FetchSpec.Item.FLAGS))).hasSize(3),
                    f -> {
                        try {
                            assertThat(readAll(f.openMessage(refs.get(2)))).isNotEmpty();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })) {
                Thread.sleep(1_100);
                proxy.resetCounts();
                call.run(inbox);
                assertThat(proxy.commands()).as(proxy.describeCommands()).noneMatch(c -> c.contains("NOOP"));
            }
        }
    }

    private interface FolderAction {
        void run(MailFolder inbox);
    }

    private static int countCommands(LoopbackProxy proxy, String user, FolderAction action) {
        try (Mailbox mb = MailAccess.connect(fixture.config("imap", user).port(proxy.port()).build());
             MailFolder inbox = mb.inbox()) {
            proxy.resetCounts();
            action.run(inbox);
            int n = proxy.commandCount();
            System.out.println("[imap]   " + proxy.describeCommands().replace("\n", "\n[imap]   "));
            return n;
        }
    }

    // ---------------------------------------------------------------- bodies

    @Test
    void openMessageIsByteExactStreamedAndDoesNotSetSeen() throws IOException {
        String user = fixture.newUser();
        // Larger than a small section (read whole with its answer): its literal streams from the connection.
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 600_000; i++) {
            body.append("line ").append(i).append(" of a long message\r\n");
        }
        byte[] raw = text("big", "alice@example.org", body.toString());
        fixture.deliver(user, "INBOX", raw, Flags.NONE);
        fixture.deliver(user, "INBOX", simple("small"), Flags.NONE);
        byte[] stored = fixture.messages(user, "INBOX").get(0);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("imap"));
             Mailbox mb = MailAccess.connect(fixture.config("imap", user).port(proxy.port()).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            proxy.resetCounts();
            byte[] read = readAll(inbox.openMessage(refs.get(0)));
            assertThat(read).isEqualTo(stored);
            assertThat(read).isEqualTo(raw);
            assertThat(proxy.commands()).allMatch(c -> !c.contains("BODY[") && !c.contains("RFC822 "));
            assertThat(proxy.commands()).singleElement().satisfies(c -> assertThat(c).contains("BODY.PEEK[]"));

            byte[] range = readAll(inbox.openMessage(refs.get(0), 262_000, 1000));
            assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(stored, 262_000, 263_000));
            assertThat(readAll(inbox.openMessage(refs.get(0), stored.length - 10, 100)))
                    .isEqualTo(java.util.Arrays.copyOfRange(stored, stored.length - 10, stored.length));
            assertThat(readAll(inbox.openMessage(refs.get(1)))).isEqualTo(fixture.messages(user, "INBOX").get(1));

            assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)))
                    .allMatch(s -> !s.flags().contains(Flag.SEEN));
            MessageRef missing = MessageRef.imap(refs.get(0).uidValidity(), 999_999);
            assertThatThrownBy(() -> inbox.openMessage(missing)).isInstanceOf(MessageGoneException.class);
        }
        try (Mailbox mb = connect(user); MailFolder inbox = mb.folder("INBOX", AccessMode.READ_ONLY)) {
            assertThat(mb.status("INBOX").unseen()).isEqualTo(2);
            assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)))
                    .allMatch(s -> !s.flags().contains(Flag.SEEN));
        }
    }

    @Test
    void openPartDecodesBase64Attachment() throws IOException {
        String user = fixture.newUser();
        byte[] attachment = new byte[300_000];
        new Random(42).nextBytes(attachment);
        fixture.deliver(user, "INBOX", withAttachment(attachment), Flags.NONE);
        fixture.deliver(user, "INBOX", simple("plain"), Flags.NONE);
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            List<MessageSummary> list = inbox.summaries(FetchSpec.of(FetchSpec.Item.STRUCTURE));
            MessageRef multi = list.get(0).ref();
            BodyPart att = list.get(0).structure().flatten().stream().filter(BodyPart::isAttachment)
                    .findFirst().orElseThrow();
            assertThat(readAll(inbox.openPart(multi, att.path()))).isEqualTo(attachment);
            assertThat(new String(readAll(inbox.openPart(multi, "1")), StandardCharsets.US_ASCII).strip())
                    .isEqualTo("see attached");
            MessageRef plain = list.get(1).ref();
            assertThat(list.get(1).structure().path()).isEmpty();
            assertThat(new String(readAll(inbox.openPart(plain, "")), StandardCharsets.UTF_8).strip())
                    .isEqualTo("Hello plain");
            assertThatThrownBy(() -> inbox.openPart(multi, "7")).isInstanceOf(MessageGoneException.class)
                    .hasMessageContaining("no MIME part '7'");
            assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)))
                    .allMatch(s -> !s.flags().contains(Flag.SEEN));
        }
    }

    // ---------------------------------------------------------------- flags, delete, expunge

    @Test
    void flagsAndKeywordsRoundTrip() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", simple("a"), Flags.NONE);
        fixture.deliver(user, "INBOX", simple("b"), Flags.NONE);
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            inbox.addFlags(refs, Flags.of(Flag.SEEN, Flag.FLAGGED).plus(Flags.keywords("$Important", "Work")));
            inbox.removeFlags(List.of(refs.get(1)), Flags.of(Flag.FLAGGED).plus(Flags.keywords("Work")));
        }
        try (Mailbox mb = connect(user); MailFolder inbox = mb.folder("INBOX", AccessMode.READ_ONLY)) {
            List<MessageSummary> list = inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS));
            assertThat(list.get(0).flags().system()).containsExactlyInAnyOrder(Flag.SEEN, Flag.FLAGGED);
            assertThat(list.get(0).flags().keywords()).containsExactlyInAnyOrder("$Important", "Work");
            assertThat(list.get(1).flags().system()).containsExactly(Flag.SEEN);
            assertThat(list.get(1).flags().keywords()).containsExactly("$Important");
            assertThat(inbox.search(SearchQuery.keyword("Work"))).containsExactly(list.get(0).ref());
        }
    }

    @Test
    void expungeRemovesOnlyTheChosenMessages() {
        String user = fixture.newUser();
        for (String s : List.of("keep", "drop", "other-deleted")) {
            fixture.deliver(user, "INBOX", simple(s), Flags.NONE);
        }
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox();
             Mailbox other = connect(user); MailFolder otherInbox = other.inbox()) {
            List<MessageRef> refs = inbox.refs();
            // Another client marks a message deleted, and leaves it for its own expunge.
            otherInbox.delete(List.of(refs.get(2)));
            inbox.expunge(List.of(refs.get(1)));
            List<MessageSummary> left = inbox.summaries(FetchSpec.LIST);
            assertThat(left).extracting(s -> s.envelope().subject()).containsExactly("keep", "other-deleted");
            assertThat(left.get(1).flags().contains(Flag.DELETED)).isTrue();
            assertThat(inbox.summaries(List.of(refs.get(1)), FetchSpec.LIST)).isEmpty();
            assertThatThrownBy(() -> inbox.openMessage(refs.get(1))).isInstanceOf(MessageGoneException.class);
        }
        // Closing never expunges.
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            inbox.delete(List.of(inbox.refs().get(0)));
        }
        assertThat(fixture.messages(user, "INBOX")).hasSize(2);
    }

    // ---------------------------------------------------------------- copy, move, append

    @Test
    void copyMoveAndAppendReturnNewRefs() throws IOException {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", simple("first"), Flags.NONE);
        fixture.deliver(user, "INBOX", simple("second"), Flags.NONE);
        try (Mailbox mb = connect(user)) {
            mb.createFolder("Archive");
            long archiveValidity = mb.status("Archive").uidValidity();
            try (MailFolder inbox = mb.inbox()) {
                List<MessageRef> refs = inbox.refs();
                Map<MessageRef, MessageRef> copied = inbox.copy(List.of(refs.get(0)), "Archive");
                assertThat(copied).containsOnlyKeys(refs.get(0));
                assertThat(copied.get(refs.get(0)).uidValidity()).isEqualTo(archiveValidity);
                Map<MessageRef, MessageRef> moved = inbox.move(List.of(refs.get(1)), "Archive");
                assertThat(moved).containsOnlyKeys(refs.get(1));
                assertThat(inbox.refs()).containsExactly(refs.get(0));
                assertThatThrownBy(() -> inbox.copy(List.of(refs.get(0)), "Nope"))
                        .isInstanceOf(FolderNotFoundException.class);

                try (MailFolder archive = mb.folder("Archive", AccessMode.READ_ONLY)) {
                    List<MessageSummary> inArchive = archive.summaries(FetchSpec.LIST);
                    assertThat(inArchive).extracting(s -> s.envelope().subject()).containsExactly("first", "second");
                    assertThat(inArchive.get(0).ref()).isEqualTo(copied.get(refs.get(0)));
                    assertThat(inArchive.get(1).ref()).isEqualTo(moved.get(refs.get(1)));
                }

                byte[] raw = simple("appended ü");
                Instant when = Instant.parse("2021-03-04T05:06:07Z");
                Optional<MessageRef> appended = inbox.append(new ByteArrayInputStream(raw),
                        Flags.of(Flag.SEEN).plus(Flags.keywords("Imported")), when);
                assertThat(appended).isPresent();
                MessageSummary s = inbox.summaries(List.of(appended.get()), FetchSpec.LIST).get(0);
                assertThat(s.envelope().subject()).isEqualTo("appended ü");
                assertThat(s.flags().contains(Flag.SEEN)).isTrue();
                assertThat(s.flags().keywords()).contains("Imported");
                assertThat(s.internalDate().truncatedTo(ChronoUnit.SECONDS)).isEqualTo(when);
                assertThat(readAll(inbox.openMessage(appended.get()))).isEqualTo(raw);
            }
        }
    }

    @Test
    void aStreamedMessageOwnsTheConnectionUntilItEndsAndNeverDesynchronisesIt() throws IOException {
        String user = fixture.newUser();
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 2_000_000; i++) {
            body.append("line ").append(i).append(" of a long message, with \u00fc in it\r\n");
        }
        byte[] raw = text("big", "alice@example.org", body.toString());
        fixture.deliver(user, "INBOX", raw, Flags.NONE);
        fixture.deliver(user, "INBOX", simple("small"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("imap"));
             Mailbox mb = MailAccess.connect(fixture.config("imap", user).port(proxy.port()).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            byte[] stored = fixture.messages(user, "INBOX").get(0);

            // read a little, then use the folder: the rest of the answer is read and dropped first
            InputStream partly = inbox.openMessage(refs.get(0));
            byte[] first = partly.readNBytes(10_000);
            assertThat(first).isEqualTo(java.util.Arrays.copyOf(stored, 10_000));
            assertThat(inbox.summaries(FetchSpec.LIST)).extracting(m -> m.envelope().subject())
                    .containsExactly("big", "small");
            assertThatThrownBy(() -> partly.readNBytes(10)).isInstanceOf(IOException.class)
                    .hasMessageContaining("another command");
            partly.close();

            // close early: the connection is given back in step
            InputStream closedEarly = inbox.openMessage(refs.get(0));
            closedEarly.readNBytes(100);
            closedEarly.close();
            proxy.resetCounts();
            assertThat(readAll(inbox.openMessage(refs.get(1)))).isEqualTo(fixture.messages(user, "INBOX").get(1));
            assertThat(proxy.commands()).hasSize(1);

            // read whole, twice in a row, byte for byte
            assertThat(readAll(inbox.openMessage(refs.get(0)))).isEqualTo(stored);
            assertThat(readAll(inbox.openMessage(refs.get(0), 1_000_000, 500_000)))
                    .isEqualTo(java.util.Arrays.copyOfRange(stored, 1_000_000, 1_500_000));
        }
    }

    // ---------------------------------------------------------------- search and sort

    @Test
    void searchIncludingNonAsciiAndSort() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", text("=?UTF-8?Q?Gr=C3=BC=C3=9Fe?=", "Carol <carol@example.org>", "x"),
                Flags.NONE);
        fixture.deliver(user, "INBOX", text("apples", "Alice <alice@example.org>", "yy"), Flags.NONE);
        fixture.deliver(user, "INBOX", text("bananas", "Bob <bob@example.net>", "zzzzzzzzzzzzzzzzzzzzzzzzz"),
                Flags.of(Flag.SEEN));
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            assertThat(inbox.search(SearchQuery.subject("Grüße"))).containsExactly(refs.get(0));
            assertThat(inbox.search(SearchQuery.subject("apples"))).containsExactly(refs.get(1));
            // (GreenMail's FROM search does not match substrings reliably, so FROM is not asserted here.)
            assertThat(inbox.search(SearchQuery.body("zzzz"))).containsExactly(refs.get(2));
            assertThat(inbox.search(SearchQuery.not(SearchQuery.flag(Flag.SEEN))))
                    .containsExactly(refs.get(0), refs.get(1));
            assertThat(inbox.search(SearchQuery.all())).isEqualTo(refs);
            assertThat(inbox.search(SearchQuery.or(SearchQuery.subject("bananas"), SearchQuery.subject("apples"))))
                    .containsExactly(refs.get(1), refs.get(2));

            assertThat(inbox.sort(List.of(SortKey.ascending(SortKey.Field.SUBJECT)), SearchQuery.all()))
                    .containsExactly(refs.get(1), refs.get(2), refs.get(0));
            assertThat(inbox.sort(List.of(SortKey.descending(SortKey.Field.SUBJECT)), SearchQuery.all()))
                    .containsExactly(refs.get(0), refs.get(2), refs.get(1));
            assertThat(inbox.sort(List.of(SortKey.ascending(SortKey.Field.FROM)),
                    SearchQuery.not(SearchQuery.flag(Flag.SEEN))))
                    .containsExactly(refs.get(1), refs.get(0));
        }
    }

    // ---------------------------------------------------------------- push

    @Test
    void awaitChangeSeesAnotherClientsAppendAndTimesOut() throws Exception {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", simple("existing"), Flags.NONE);
        try (Mailbox mb = connect(user); MailFolder inbox = mb.inbox()) {
            long t0 = System.nanoTime();
            assertThat(inbox.awaitChange(Duration.ofMillis(700))).isFalse();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(waited).isBetween(600L, 5000L);

            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try (Mailbox mb2 = connect(user); MailFolder inbox2 = mb2.inbox()) {
                    inbox2.append(new ByteArrayInputStream(simple("new mail")), Flags.NONE, null);
                }
            });
            t0 = System.nanoTime();
            assertThat(inbox.awaitChange(Duration.ofSeconds(20))).isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(10_000);
            other.get(10, TimeUnit.SECONDS);
            // The folder is usable afterwards and sees the new message.
            assertThat(inbox.summaries(FetchSpec.LIST)).extracting(s -> s.envelope().subject())
                    .containsExactly("existing", "new mail");
            assertThat(new ArrayList<>(inbox.refs())).hasSize(2);
        }
    }
}

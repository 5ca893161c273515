// long because it is the one contract every adapter runs on every server: one test per operation and capability,
// each asserting the declared exception where the protocol cannot do it.
package dev.mailaccess.testkit;

import dev.mailaccess.AccessMode;
import dev.mailaccess.AuthenticationException;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MailTimeoutException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxClosedException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ReadOnlyFolderException;
import dev.mailaccess.SortKey;
import dev.mailaccess.Support;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract every adapter must honour, run against each server fixture. A test whose capability the adapter
 * declares {@link Support#UNSUPPORTED} asserts the declared {@link UnsupportedCapabilityException} instead of
 * being skipped, so both halves of the promise are tested. Functional tests run with emulation allowed; a separate
 * test checks that emulated operations are refused, before any I/O, when it is not.
 *
 * <p>Subclasses name the server fixture, the protocol and the live capabilities they expect from that server.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MailboxContract {

    /** The server under test, usually a static fixture started once per class. */
    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    /** The live support this server should show for each capability (all of them). */
    protected abstract Map<Capability, Support> expectedLiveSupport();

    protected String user;

    @BeforeEach
    void freshUser() {
        user = fixture().newUser();
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    protected MailboxConfig.Builder config() {
        return fixture().config(protocol(), user);
    }

    /** A session with emulation allowed. */
    protected Mailbox connect() {
        return MailAccess.connect(config().allowEmulation(true).build());
    }

    protected Mailbox connectStrict() {
        return MailAccess.connect(config().allowEmulation(false).build());
    }

    protected Mailbox connectVia(LoopbackProxy proxy, boolean emulate) {
        return MailAccess.connect(config().port(proxy.port()).allowEmulation(emulate).build());
    }

    protected LoopbackProxy proxy() {
        return new LoopbackProxy(fixture().host(), fixture().port(protocol()));
    }

    protected void deliver(byte[] message) {
        fixture().deliver(user, "INBOX", message, Flags.NONE);
    }

    protected boolean isImap() {
        return protocol().equals("imap");
    }

    /**
     * Runs {@code body} if the capability is usable with emulation allowed; otherwise asserts that it throws the
     * declared {@link UnsupportedCapabilityException} for that capability.
     */
    protected void requires(Capability capability, Mailbox mb, ThrowingRunnable body) throws Exception {
        if (mb.capabilities().isUsable(capability, true)) {
            body.run();
        } else {
            assertThatThrownBy(body::run)
                    .isInstanceOf(UnsupportedCapabilityException.class)
                    .satisfies(e -> {
                        UnsupportedCapabilityException u = (UnsupportedCapabilityException) e;
                        assertThat(u.capability()).isEqualTo(capability);
                        assertThat(u.protocol()).isEqualTo(protocol());
                        assertThat(u.getMessage()).contains(capability.name()).contains(u.reason());
                    });
        }
    }

    /** A runnable that may throw. */
    @FunctionalInterface
    protected interface ThrowingRunnable {
        void run() throws Exception;
    }

    protected static byte[] readAll(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    protected static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    protected List<String> messageIdsOnServer(String folder) {
        return fixture().messages(user, folder).stream().map(TestMessages::messageId).toList();
    }

    // ---- capabilities ----------------------------------------------------------------------------------------

    @Test
    void declaresEveryCapabilityWithAReason() {
        CapabilitySet stat = MailAccess.capabilitiesOf(protocol());
        try (Mailbox mb = connect()) {
            for (CapabilitySet set : List.of(stat, mb.capabilities())) {
                assertThat(set.protocol()).isEqualTo(protocol());
                for (Capability c : Capability.values()) {
                    CapabilityInfo info = set.info(c);
                    assertThat(info).as(c.name()).isNotNull();
                    assertThat(info.reason()).as("reason of " + c).isNotBlank();
                }
            }
        }
    }

    @Test
    void liveCapabilitiesMatchTheServer() {
        try (Mailbox mb = connect()) {
            for (Map.Entry<Capability, Support> e : expectedLiveSupport().entrySet()) {
                assertThat(mb.capabilities().support(e.getKey()))
                        .as("%s on %s %s: %s", e.getKey(), fixture().name(), protocol(),
                                mb.capabilities().info(e.getKey()).reason())
                        .isEqualTo(e.getValue());
            }
            assertThat(expectedLiveSupport().keySet()).containsExactlyInAnyOrder(Capability.values());
        }
    }

    @Test
    void unusableOperationsFailBeforeAnyIo() throws Exception {
        deliver(TestMessages.plain("a@example.test", "b@example.test", "one", "body"));
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, false); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            int checked = 0;
            for (Capability c : Capability.values()) {
                CapabilityInfo info = mb.capabilities().info(c);
                if (info.support() == Support.NATIVE || !isOperation(c)) {
                    continue;
                }
                proxy.resetCounts();
                assertThatThrownBy(() -> invoke(c, mb, inbox, ref))
                        .as(c.name())
                        .isInstanceOf(UnsupportedCapabilityException.class)
                        .satisfies(e -> {
                            UnsupportedCapabilityException u = (UnsupportedCapabilityException) e;
                            assertThat(u.capability()).isEqualTo(c);
                            assertThat(u.protocol()).isEqualTo(protocol());
                            assertThat(u.support()).isEqualTo(info.support());
                            assertThat(u.getMessage()).contains(info.reason());
                        });
                assertThat(proxy.commandCount()).as("commands sent for refused " + c).isZero();
                checked++;
            }
            if (isImap()) {
                assertThat(checked).isLessThan(Capability.values().length / 2);
            } else {
                assertThat(checked).as("POP3 lacks most online operations").isGreaterThanOrEqualTo(10);
            }
        }
    }

    /**
     * Whether the capability is something a caller calls. SASL_LOGIN and COMPRESSION are how a session connects: a
     * pinned mechanism the protocol lacks is refused by connect() (see the login mechanism tests), compression is
     * simply not used.
     */
    private static boolean isOperation(Capability c) {
        return c != Capability.SASL_LOGIN && c != Capability.COMPRESSION;
    }

    /** One representative call of each capability's operation. */
    private static void invoke(Capability c, Mailbox mb, MailFolder inbox, MessageRef ref) throws Exception {
        switch (c) {
            case HEADERS -> inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE));
            case BODY -> inbox.openMessage(ref).close();
            case BODY_PART -> inbox.openPart(ref, "1").close();
            case PARTIAL_BODY -> inbox.openMessage(ref, 0, 10).close();
            case STABLE_IDS -> inbox.refs();
            case FOLDERS -> mb.folders();
            case SERVER_FLAGS -> inbox.addFlags(List.of(ref), Flags.of(Flag.FLAGGED));
            case CUSTOM_KEYWORDS -> inbox.addFlags(List.of(ref), Flags.keywords("Work"));
            case SERVER_SEARCH -> inbox.search(SearchQuery.subject("x"));
            case COPY -> inbox.copy(List.of(ref), "Elsewhere");
            case MOVE -> inbox.move(List.of(ref), "Elsewhere");
            case APPEND -> inbox.append(new ByteArrayInputStream(TestMessages.numbered(1)), Flags.NONE, null);
            case EXPUNGE -> inbox.expunge(List.of(ref));
            case DELETE -> inbox.delete(List.of(ref));
            case PUSH -> inbox.awaitChange(Duration.ofMillis(10));
            case QUICK_RESYNC -> inbox.changedSince(1, FetchSpec.of(FetchSpec.Item.FLAGS));
            case SORT -> inbox.sort(List.of(SortKey.ascending(SortKey.Field.DATE)), null);
            case QUOTA -> mb.quota("INBOX");
            case THREADS -> inbox.threads(ThreadAlgorithm.REFERENCES, null);
            case PREVIEW -> inbox.newest(1, FetchSpec.of(FetchSpec.Item.PREVIEW));
            case WATCH -> mb.watch(List.of("INBOX"), e -> { }).close();
            case SASL_LOGIN, COMPRESSION -> throw new AssertionError(c + " is no operation");
        }
    }

    // ---- folders ---------------------------------------------------------------------------------------------

    @Test
    void listsFoldersWithAttributes() throws Exception {
        fixture().createFolder(user, "Projects");
        try (Mailbox mb = connect()) {
            requires(Capability.FOLDERS, mb, () -> {
                List<FolderInfo> folders = mb.folders();
                assertThat(folders).extracting(FolderInfo::path).contains("INBOX", "Projects");
                assertThat(folders).filteredOn(f -> f.path().equals("INBOX")).first()
                        .satisfies(f -> assertThat(f.selectable()).isTrue());
            });
        }
    }

    @Test
    void createsAndDeletesFolders() throws Exception {
        try (Mailbox mb = connect()) {
            requires(Capability.FOLDERS, mb, () -> {
                mb.createFolder("Receipts");
                assertThat(mb.folders()).extracting(FolderInfo::path).contains("Receipts");
                mb.deleteFolder("Receipts");
                assertThat(mb.folders()).extracting(FolderInfo::path).doesNotContain("Receipts");
            });
        }
    }

    @Test
    void unknownFolderIsReported() throws Exception {
        try (Mailbox mb = connect()) {
            if (mb.capabilities().isUsable(Capability.FOLDERS, true)) {
                assertThatThrownBy(() -> mb.folder("No Such Folder", AccessMode.READ_ONLY))
                        .isInstanceOf(dev.mailaccess.FolderNotFoundException.class)
                        .hasMessageContaining("No Such Folder");
            } else {
                requires(Capability.FOLDERS, mb, () -> mb.folder("No Such Folder", AccessMode.READ_ONLY));
            }
        }
    }

    @Test
    void reportsFolderStatus() {
        deliver(TestMessages.numbered(1));
        fixture().deliver(user, "INBOX", TestMessages.numbered(2), Flags.of(Flag.SEEN));
        deliver(TestMessages.numbered(3));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            FolderStatus st = inbox.status();
            assertThat(st.messages()).isEqualTo(3);
            if (isImap()) {
                assertThat(st.unseen()).isEqualTo(2);
                assertThat(st.uidValidity()).isPositive();
                assertThat(st.uidNext()).isGreaterThan(3);
                assertThat(mb.status("INBOX").messages()).isEqualTo(3);
            } else {
                assertThat(st.unseen()).as("POP3 cannot tell unseen").isEqualTo(-1);
            }
        }
    }

    // ---- listing -------------------------------------------------------------------------------------------

    @Test
    void listsSummariesWithDecodedHeaders() {
        deliver(TestMessages.plain("Alice <alice@example.test>", "bob@example.test", "Hello", "hi\r\n"));
        deliver(TestMessages.nonAscii());
        List<byte[]> raw = fixture().messages(user, "INBOX");
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<MessageSummary> list = inbox.summaries(FetchSpec.LIST.bestEffort().withHeaders("Message-ID"));
            assertThat(list).hasSize(2);
            MessageSummary first = list.get(0);
            MessageSummary second = list.get(1);
            assertThat(first.envelope().subject()).isEqualTo("Hello");
            assertThat(first.envelope().from()).singleElement()
                    .satisfies(a -> {
                        assertThat(a.name()).isEqualTo("Alice");
                        assertThat(a.email()).isEqualTo("alice@example.test");
                    });
            // IMAP ENVELOPE semantics on every protocol: an absent Sender or Reply-To is the From.
            assertThat(first.envelope().replyTo()).isEqualTo(first.envelope().from());
            assertThat(first.envelope().sender()).isEqualTo(first.envelope().from());
            assertThat(first.envelope().to()).extracting(dev.mailaccess.Address::email)
                    .containsExactly("bob@example.test");
            assertThat(second.envelope().subject()).isEqualTo("Grüße aus Köln ✓");
            assertThat(second.envelope().from().get(0).name()).isEqualTo("Jürgen Müller");
            assertThat(second.envelope().date().toInstant()).isEqualTo(TestMessages.SENT);
            assertThat(second.envelope().messageId()).isEqualTo(TestMessages.messageId(raw.get(1)));
            assertThat(second.headers().get("Message-ID")).containsExactly(TestMessages.messageId(raw.get(1)));
            if (!isImap() && fixture().name().equals("greenmail")) {
                // GreenMail's POP3 LIST reports only the body's size (MimeMessage.getSize); Dovecot the whole.
                assertThat(first.size()).isPositive().isLessThan(raw.get(0).length);
            } else {
                assertThat(first.size()).isEqualTo(raw.get(0).length);
                assertThat(second.size()).isEqualTo(raw.get(1).length);
            }
            if (isImap()) {
                assertThat(first.internalDate()).isNotNull();
                assertThat(first.flags()).isEqualTo(Flags.NONE);
            }
            assertThat(list).extracting(MessageSummary::ref).doesNotHaveDuplicates();
        }
    }

    /**
     * A best-effort listing works on every protocol, each way of listing alike: flags where the server keeps them
     * (null elsewhere, as when not asked), everything else as asked. The strict spec keeps its promise: where flags
     * are unsupported it throws before any I/O.
     */
    @Test
    void bestEffortListingGivesWhatTheSessionCan() {
        deliver(TestMessages.plain("Alice <alice@example.test>", "bob@example.test", "Hello", "hi\r\n"));
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, true); MailFolder inbox = mb.inbox()) {
            boolean serverFlags = mb.capabilities().isUsable(Capability.SERVER_FLAGS, true);
            FetchSpec bestEffort = FetchSpec.LIST.bestEffort();
            for (List<MessageSummary> listed : List.of(inbox.newest(20, bestEffort), inbox.summaries(bestEffort),
                    inbox.summaries(inbox.refs(), bestEffort))) {
                assertThat(listed).singleElement().satisfies(s -> {
                    assertThat(s.envelope().subject()).isEqualTo("Hello");
                    assertThat(s.size()).isPositive();
                    assertThat(s.flags()).isEqualTo(serverFlags ? Flags.NONE : null);
                    if (isImap()) {
                        assertThat(s.internalDate()).isNotNull();
                    }
                });
            }
            proxy.resetCounts();
            if (serverFlags) {
                assertThat(inbox.newest(20, FetchSpec.LIST)).singleElement()
                        .satisfies(s -> assertThat(s.flags()).isEqualTo(Flags.NONE));
            } else {
                assertThatThrownBy(() -> inbox.newest(20, FetchSpec.LIST))
                        .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                                e -> assertThat(e.capability()).isEqualTo(Capability.SERVER_FLAGS));
                assertThat(proxy.commandCount()).as(proxy.describeCommands()).isZero();
            }
        }
    }

    /**
     * A best-effort listing leaves out what needs emulation where emulation is not allowed (the envelope on a POP3
     * server without TOP), and only that.
     */
    @Test
    void bestEffortListingRespectsTheEmulationSetting() {
        deliver(TestMessages.plain("Alice <alice@example.test>", "bob@example.test", "Hello", "hi\r\n"));
        try (Mailbox mb = connectStrict(); MailFolder inbox = mb.inbox()) {
            boolean headers = mb.capabilities().isUsable(Capability.HEADERS, false);
            assertThat(inbox.newest(20, FetchSpec.LIST.bestEffort())).singleElement().satisfies(s -> {
                assertThat(s.envelope() == null ? null : s.envelope().subject()).isEqualTo(headers ? "Hello" : null);
                assertThat(s.size()).isPositive();
            });
        }
    }

    /**
     * Envelopes a client meets in real mail: a group (undisclosed recipients), an address without a domain, a date
     * with a named zone, a folded encoded subject. Every message is listed, and the whole-folder listing (IMAP: one
     * FETCH read by the library's own parser) says what the per-message path says.
     */
    @Test
    void listingKeepsMessagesWithOddEnvelopes() {
        String[] heads = {
            "From: Ann <ann@example.test>\r\nTo: undisclosed-recipients:;\r\nSubject: group\r\n"
                    + "Date: Fri, 15 Mar 2024 10:15:30 GMT\r\n",
            "From: nodomain\r\nTo: Bob <bob@example.test>, carol@example.test\r\nSubject: bare\r\n"
                    + "Date: 15 Mar 24 10:15 +0100\r\n",
            "From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.test>\r\nTo: x@example.test\r\n"
                    + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n =?UTF-8?Q?_aus_K=C3=B6ln?=\r\n"
                    + "Date: Fri, 15 Mar 2024 10:15:30 +0000 (UTC)\r\n",
        };
        for (int i = 0; i < heads.length; i++) {
            deliver((heads[i] + "Message-ID: <odd-" + i + "@mailaccess.test>\r\nMIME-Version: 1.0\r\n"
                    + "Content-Type: text/plain\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            FetchSpec spec = FetchSpec.of(FetchSpec.Item.ENVELOPE);
            List<MessageSummary> listed = inbox.summaries(spec);
            assertThat(listed).extracting(m -> m.envelope().subject())
                    .containsExactly("group", "bare", "Grüße aus Köln");
            assertThat(listed.get(2).envelope().from().get(0).name()).isEqualTo("Jürgen");
            assertThat(listed.get(0).envelope().date()).isNotNull();
            assertThat(listed.get(0).envelope().date().toInstant()).isEqualTo(TestMessages.SENT);
            assertThat(listed.get(1).envelope().to()).extracting(dev.mailaccess.Address::email)
                    .containsExactly("bob@example.test", "carol@example.test");
            List<MessageSummary> each = new ArrayList<>();
            for (MessageSummary m : listed) {
                each.addAll(inbox.summaries(List.of(m.ref()), spec));
            }
            assertThat(listed).containsExactlyElementsOf(each);
        }
    }

    @Test
    void newestAndChosenRefsSelectMessages() {
        for (int i = 1; i <= 5; i++) {
            deliver(TestMessages.numbered(i));
        }
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            FetchSpec spec = FetchSpec.of(FetchSpec.Item.ENVELOPE);
            assertThat(inbox.newest(2, spec)).extracting(s -> s.envelope().subject())
                    .containsExactly("Message 4", "Message 5");
            assertThat(inbox.newest(50, spec)).hasSize(5);
            List<MessageRef> refs = inbox.refs();
            assertThat(refs).hasSize(5);
            MessageRef missing = isImap() ? MessageRef.imap(refs.get(0).uidValidity(), 999_999)
                    : MessageRef.pop3("no-such-uidl");
            List<MessageSummary> chosen = inbox.summaries(List.of(refs.get(3), missing, refs.get(1)), spec);
            assertThat(chosen).extracting(s -> s.envelope().subject()).containsExactly("Message 2", "Message 4");
        }
    }

    @Test
    void listingIsOneBatchOnImapAndOneCommandPerMessageOnPop3() {
        // POP3 pays one command per message, so a smaller folder proves the point there.
        int count = isImap() ? 1000 : 200;
        List<byte[]> many = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            many.add(TestMessages.numbered(i));
        }
        many.forEach(this::deliver);
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, true); MailFolder inbox = mb.inbox()) {
            FetchSpec spec = FetchSpec.LIST.bestEffort();
            proxy.resetCounts();
            assertThat(inbox.newest(10, spec)).hasSize(10);
            int forTen = proxy.commandCount();
            proxy.resetCounts();
            assertThat(inbox.summaries(spec)).hasSize(count);
            int forAll = proxy.commandCount();
            List<String> sent = proxy.commands();
            System.out.printf("[%s %s] commands to list 10 summaries: %d, %d summaries: %d%n",
                    fixture().name(), protocol(), forTen, count, forAll);
            if (isImap()) {
                // constant whatever the size: the newest 10 and all 1,000 alike take a command or two
                assertThat(forAll).as(proxy.describeCommands()).isBetween(1, 3).isLessThanOrEqualTo(forTen);
                assertThat(forTen).isBetween(1, 3);
            } else {
                // Headers of the 10 already listed are reused within the session.
                assertThat(forAll).isGreaterThanOrEqualTo(count - 10);
                assertThat(mb.capabilities().info(Capability.HEADERS).reason()).containsIgnoringCase("per message");
                // Headers come through TOP where the server lists it in CAPA, else through RETR (whole messages).
                boolean top = mb.capabilities().support(Capability.HEADERS) == Support.NATIVE;
                assertThat(sent).filteredOn(c -> c.startsWith(top ? "TOP " : "RETR ")).hasSizeGreaterThanOrEqualTo(count - 10);
                assertThat(sent).noneMatch(c -> c.startsWith(top ? "RETR " : "TOP "));
            }
        }
    }

    // ---- bodies --------------------------------------------------------------------------------------------

    @Test
    void streamsTheExactMessageWithoutMarkingItSeen() throws Exception {
        deliver(TestMessages.nonAscii());
        byte[] expected = fixture().messages(user, "INBOX").get(0);
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            assertThat(readAll(inbox.openMessage(ref))).isEqualTo(expected);
            if (mb.capabilities().isUsable(Capability.SERVER_FLAGS, false)) {
                assertThat(inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.FLAGS)).get(0).flags()
                        .contains(Flag.SEEN)).isFalse();
            }
        }
    }

    @Test
    void streamsAMessageOfSeveralMegabytes() throws Exception {
        deliver(TestMessages.large(6_000_000, 42));
        byte[] expected = fixture().messages(user, "INBOX").get(0);
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            assertThat(sha256(readAll(inbox.openMessage(ref)))).isEqualTo(sha256(expected));
        }
    }

    @Test
    void streamsAByteRange() throws Exception {
        deliver(TestMessages.plain("a@example.test", "b@example.test", "Range", "0123456789abcdef\r\n"));
        byte[] expected = fixture().messages(user, "INBOX").get(0);
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            requires(Capability.PARTIAL_BODY, mb, () -> {
                assertThat(readAll(inbox.openMessage(ref, 10, 25)))
                        .isEqualTo(java.util.Arrays.copyOfRange(expected, 10, 35));
                assertThat(readAll(inbox.openMessage(ref, expected.length - 5, 100)))
                        .isEqualTo(java.util.Arrays.copyOfRange(expected, expected.length - 5, expected.length));
            });
        }
    }

    @Test
    void streamsOneAttachmentDecoded() throws Exception {
        byte[] attachment = TestMessages.randomBytes(300_000, 7);
        deliver(TestMessages.withAttachment("Report", "report.bin", attachment));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            requires(Capability.BODY_PART, mb, () -> {
                MessageSummary s = inbox.summaries(FetchSpec.of(FetchSpec.Item.STRUCTURE)).get(0);
                BodyPart root = s.structure();
                assertThat(root.contentType()).isEqualTo("multipart/mixed");
                BodyPart att = root.flatten().stream().filter(BodyPart::isAttachment).findFirst().orElseThrow();
                assertThat(att.path()).isEqualTo("2");
                assertThat(att.fileName()).isEqualTo("report.bin");
                assertThat(att.encoding()).isEqualTo("base64");
                assertThat(readAll(inbox.openPart(s.ref(), att.path()))).isEqualTo(attachment);
                // GreenMail's IMAP BODY[1] drops the part's final line break; Dovecot and local parsing keep it.
                String text = isImap() && fixture().name().equals("greenmail")
                        ? "See the attachment." : "See the attachment.\r\n";
                assertThat(new String(readAll(inbox.openPart(s.ref(), "1")), "UTF-8")).isEqualTo(text);
            });
        }
    }

    @Test
    void refsOfRemovedMessagesAreGone() throws Exception {
        deliver(TestMessages.numbered(1));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef real = inbox.refs().get(0);
            MessageRef missing = isImap() ? MessageRef.imap(real.uidValidity(), 999_999)
                    : MessageRef.pop3("no-such-uidl");
            assertThatThrownBy(() -> readAll(inbox.openMessage(missing))).isInstanceOf(MessageGoneException.class);
            if (isImap()) {
                MessageRef stale = MessageRef.imap(real.uidValidity() + 1, real.uid());
                assertThatThrownBy(() -> readAll(inbox.openMessage(stale)))
                        .isInstanceOf(MessageGoneException.class);
            }
        }
    }

    @Test
    void refsStayValidAfterAnotherClientRemovesMessages() throws Exception {
        for (int i = 1; i <= 3; i++) {
            deliver(TestMessages.numbered(i));
        }
        List<byte[]> raw = fixture().messages(user, "INBOX");
        Mailbox first = connect();
        MailFolder inbox = first.inbox();
        List<MessageRef> refs = inbox.refs();
        if (!isImap()) {
            // A POP3 maildrop is locked while a session is open: the other client comes between sessions.
            inbox.close();
            first.close();
        }
        try (Mailbox other = connect(); MailFolder otherInbox = other.inbox()) {
            otherInbox.delete(List.of(otherInbox.refs().get(0)));
            if (isImap()) {
                otherInbox.expunge(List.of(otherInbox.refs().get(0)));
            }
        }
        if (!isImap()) {
            first = connect();
            inbox = first.inbox();
        }
        try (Mailbox mb = first; MailFolder f = inbox) {
            assertThat(readAll(f.openMessage(refs.get(2)))).isEqualTo(raw.get(2));
            assertThat(f.summaries(refs, FetchSpec.of(FetchSpec.Item.ENVELOPE)))
                    .extracting(s -> s.envelope().subject()).containsExactly("Message 2", "Message 3");
            MessageRef gone = refs.get(0);
            assertThatThrownBy(() -> readAll(f.openMessage(gone))).isInstanceOf(MessageGoneException.class);
        }
    }

    // ---- flags, delete, expunge ------------------------------------------------------------------------------

    @Test
    void flagsAndKeywordsPersist() throws Exception {
        deliver(TestMessages.numbered(1));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            requires(Capability.SERVER_FLAGS, mb, () -> {
                inbox.addFlags(List.of(ref), Flags.of(Flag.FLAGGED, Flag.SEEN));
                inbox.removeFlags(List.of(ref), Flags.of(Flag.SEEN));
            });
            requires(Capability.CUSTOM_KEYWORDS, mb, () -> inbox.addFlags(List.of(ref), Flags.keywords("Work")));
        }
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            requires(Capability.SERVER_FLAGS, mb, () -> {
                Flags flags = inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)).get(0).flags();
                assertThat(flags.system()).containsExactly(Flag.FLAGGED);
                if (mb.capabilities().isUsable(Capability.CUSTOM_KEYWORDS, false)) {
                    assertThat(flags.keywords()).containsExactly("Work");
                }
            });
        }
    }

    @Test
    void expungeRemovesExactlyTheChosenMessages() throws Exception {
        deliver(TestMessages.numbered(1));
        deliver(TestMessages.numbered(2));
        // IMAP: marked deleted by another client, which an exact expunge must leave alone. (A POP3 server hides
        // messages marked deleted, so there it is an ordinary third message.)
        fixture().deliver(user, "INBOX", TestMessages.numbered(3), isImap() ? Flags.of(Flag.DELETED) : Flags.NONE);
        List<String> ids = messageIdsOnServer("INBOX");
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef first = inbox.refs().get(0);
            requires(Capability.EXPUNGE, mb, () -> {
                inbox.delete(List.of(first));
                inbox.expunge(List.of(first));
                assertThat(messageIdsOnServer("INBOX")).containsExactly(ids.get(1), ids.get(2));
                assertThat(inbox.refs()).hasSize(2).doesNotContain(first);
            });
        }
    }

    @Test
    void deleteTakesEffectOnlyWhenExpungedOrAtQuit() throws Exception {
        deliver(TestMessages.numbered(1));
        deliver(TestMessages.numbered(2));
        List<String> ids = messageIdsOnServer("INBOX");
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            inbox.delete(List.of(inbox.refs().get(0)));
            assertThat(messageIdsOnServer("INBOX")).hasSize(2);
        }
        if (isImap()) {
            // IMAP: marked \Deleted, still there until expunged; closing the folder never expunges.
            assertThat(messageIdsOnServer("INBOX")).hasSize(2);
        } else {
            // POP3: DELE becomes final at QUIT.
            assertThat(messageIdsOnServer("INBOX")).containsExactly(ids.get(1));
        }
    }

    @Test
    void readOnlyFoldersRefuseChanges() {
        deliver(TestMessages.numbered(1));
        try (Mailbox mb = connect(); MailFolder ro = mb.folder("INBOX", AccessMode.READ_ONLY)) {
            MessageRef ref = ro.refs().get(0);
            assertThat(ro.mode()).isEqualTo(AccessMode.READ_ONLY);
            assertThatThrownBy(() -> ro.delete(List.of(ref))).isInstanceOf(ReadOnlyFolderException.class);
        }
    }

    // ---- copy, move, append --------------------------------------------------------------------------------

    @Test
    void copiesMessages() throws Exception {
        deliver(TestMessages.numbered(1));
        fixture().createFolder(user, "Archive");
        String id = messageIdsOnServer("INBOX").get(0);
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            requires(Capability.COPY, mb, () -> {
                Map<MessageRef, MessageRef> copied = inbox.copy(List.of(ref), "Archive");
                assertThat(messageIdsOnServer("Archive")).containsExactly(id);
                assertThat(messageIdsOnServer("INBOX")).containsExactly(id);
                assertThat(copied).containsOnlyKeys(ref);
                try (MailFolder archive = mb.folder("Archive", AccessMode.READ_ONLY)) {
                    assertThat(archive.refs()).containsExactly(copied.get(ref));
                }
            });
        }
    }

    @Test
    void movesMessages() throws Exception {
        deliver(TestMessages.numbered(1));
        deliver(TestMessages.numbered(2));
        fixture().createFolder(user, "Archive");
        List<String> ids = messageIdsOnServer("INBOX");
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            requires(Capability.MOVE, mb, () -> {
                Map<MessageRef, MessageRef> moved = inbox.move(List.of(ref), "Archive");
                assertThat(messageIdsOnServer("Archive")).containsExactly(ids.get(0));
                assertThat(messageIdsOnServer("INBOX")).containsExactly(ids.get(1));
                assertThat(moved).containsOnlyKeys(ref);
            });
        }
    }

    @Test
    void appendsMessagesAndReturnsTheirRef() throws Exception {
        byte[] draft = TestMessages.plain("me@example.test", "you@example.test", "Draft", "draft body\r\n");
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            requires(Capability.APPEND, mb, () -> {
                MessageRef ref = inbox.append(new ByteArrayInputStream(draft), Flags.of(Flag.DRAFT), null)
                        .orElseThrow();
                assertThat(messageIdsOnServer("INBOX")).containsExactly(TestMessages.messageId(draft));
                MessageSummary s = inbox.summaries(List.of(ref), FetchSpec.LIST).get(0);
                assertThat(s.envelope().subject()).isEqualTo("Draft");
                assertThat(s.flags().contains(Flag.DRAFT)).isTrue();
            });
        }
    }

    // ---- search, sort, push --------------------------------------------------------------------------------

    @Test
    void searchesIncludingNonAsciiText() throws Exception {
        deliver(TestMessages.plain("Alice <alice@example.test>", "bob@example.test", "Quarterly report", "numbers\r\n"));
        deliver(TestMessages.nonAscii());
        deliver(TestMessages.plain("Carol <carol@example.test>", "bob@example.test", "Lunch", "pizza today\r\n"));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            requires(Capability.SERVER_SEARCH, mb, () -> {
                assertThat(inbox.search(SearchQuery.subject("quarterly"))).containsExactly(refs.get(0));
                assertThat(inbox.search(SearchQuery.subject("Grüße"))).containsExactly(refs.get(1));
                // GreenMail matches FROM only against a whole address; IMAP (and Dovecot) match any substring.
                String carol = isImap() && fixture().name().equals("greenmail") ? "carol@example.test" : "carol";
                assertThat(inbox.search(SearchQuery.from(carol))).containsExactly(refs.get(2));
                assertThat(inbox.search(SearchQuery.body("pizza"))).containsExactly(refs.get(2));
                String alice = isImap() && fixture().name().equals("greenmail") ? "alice@example.test" : "alice";
                assertThat(inbox.search(SearchQuery.not(SearchQuery.from(alice))))
                        .containsExactly(refs.get(1), refs.get(2));
                assertThat(inbox.search(SearchQuery.or(SearchQuery.from(alice), SearchQuery.subject("lunch"))))
                        .containsExactly(refs.get(0), refs.get(2));
                assertThat(inbox.search(SearchQuery.all())).containsExactlyElementsOf(refs);
            });
        }
    }

    @Test
    void downloadsManyMessagesInFewRoundTripsWithBoundedMemory() throws Exception {
        int count = 120;
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(i == 7 ? TestMessages.plain("a@example.test", "b@example.test", "Big one",
                    "line of a big message\r\n".repeat(30_000))
                    : i == 3 ? TestMessages.plain("a@example.test", "b@example.test", "Dots",
                    ".leading dot\r\n..two dots\r\n.\r\n. \r\nend\r\n.")
                    : TestMessages.numbered(i));
        }
        sent.forEach(this::deliver);
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, true); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            assertThat(refs).hasSize(count);
            List<MessageRef> asked = new ArrayList<>(refs);
            java.util.Collections.reverse(asked);
            Map<MessageRef, byte[]> got = new java.util.LinkedHashMap<>();
            List<MessageRef> expected = new ArrayList<>(asked);
            if (isImap()) {
                // a message another client expunges meanwhile is skipped; the rest still arrive
                try (Mailbox other = connect(); MailFolder theirs = other.folder("INBOX", AccessMode.READ_WRITE)) {
                    theirs.expunge(List.of(refs.get(1)));
                }
                expected.remove(refs.get(1));
            }
            proxy.resetCounts();
            inbox.downloadMessages(asked, (ref, in) -> got.put(ref, in.readAllBytes()));
            int commands = proxy.commandCount();
            System.out.printf("[%s %s] commands to download %d messages (one of 700 KB): %d%n", fixture().name(),
                    protocol(), count, commands);
            assertThat(got.keySet()).containsExactlyElementsOf(expected); // in the order asked
            for (MessageRef ref : expected) {
                try (InputStream in = inbox.openMessage(ref)) {
                    assertThat(sha256(got.get(ref))).isEqualTo(sha256(in.readAllBytes()));
                }
            }
            try (InputStream in = inbox.openMessage(refs.get(7))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).contains("Big one");
            }
            if (isImap()) {
                // sizes, one batch of the small ones, and the big one streamed by one FETCH
                assertThat(commands).as(proxy.describeCommands()).isLessThanOrEqualTo(8);
                assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.FLAGS)))
                        .allSatisfy(m -> assertThat(m.flags().contains(Flag.SEEN)).isFalse());
            } else {
                assertThat(commands).isGreaterThanOrEqualTo(count); // one RETR each
            }
        }
    }

    @Test
    void localHeaderSearchReadsHeadersInBatches() throws Exception {
        int count = 60;
        for (int i = 0; i < count; i++) {
            deliver(TestMessages.numbered(i));
        }
        // a header the server is not asked about: evaluated here, on header blocks
        SearchQuery q = SearchQuery.and(SearchQuery.header("From", "sender1"), SearchQuery.not(
                SearchQuery.subject("Message 1 ")));
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, true); MailFolder inbox = mb.inbox()) {
            List<MessageRef> all = inbox.refs();
            proxy.resetCounts();
            List<MessageRef> found = inbox.search(q, SearchMode.LOCAL_ONLY);
            int commands = proxy.commandCount();
            System.out.printf("[%s %s] commands for a local header search of %d messages: %d%n", fixture().name(),
                    protocol(), count, commands);
            // sender1 and sender10..19 match From; Subject "Message 1" is a substring of "Message 1x" but not of
            // "Message 1 " (trailing space), so all eleven remain
            List<Integer> expected = new ArrayList<>(List.of(1));
            for (int i = 10; i <= 19; i++) {
                expected.add(i);
            }
            assertThat(found).containsExactlyElementsOf(expected.stream().map(all::get).toList());
            if (isImap()) {
                assertThat(commands).as(proxy.describeCommands()).isLessThanOrEqualTo(4);
            } else {
                assertThat(commands).isGreaterThanOrEqualTo(count); // POP3 reads headers one message at a time
            }
        }
    }

    @Test
    void searchOnFlagsNeedsServerFlags() throws Exception {
        fixture().deliver(user, "INBOX", TestMessages.numbered(1), Flags.of(Flag.SEEN));
        deliver(TestMessages.numbered(2));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            requires(Capability.SERVER_FLAGS, mb, () -> assertThat(
                    inbox.search(SearchQuery.not(SearchQuery.flag(Flag.SEEN)))).containsExactly(refs.get(1)));
        }
    }

    @Test
    void sortsOnTheServer() throws Exception {
        deliver(TestMessages.plain("a@example.test", "b@example.test", "Banana", "x\r\n"));
        deliver(TestMessages.plain("a@example.test", "b@example.test", "Apple", "x\r\n"));
        deliver(TestMessages.plain("a@example.test", "b@example.test", "Cherry", "x\r\n"));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            requires(Capability.SORT, mb, () -> {
                assertThat(inbox.sort(List.of(SortKey.ascending(SortKey.Field.SUBJECT)), SearchQuery.all()))
                        .containsExactly(refs.get(1), refs.get(0), refs.get(2));
                assertThat(inbox.sort(List.of(SortKey.descending(SortKey.Field.SUBJECT)), null))
                        .containsExactly(refs.get(2), refs.get(0), refs.get(1));
            });
        }
    }

    @Test
    void awaitsNewMail() throws Exception {
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            requires(Capability.PUSH, mb, () -> {
                assertThat(inbox.awaitChange(Duration.ofMillis(300))).isFalse();
                CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
                    sleep(500);
                    deliver(TestMessages.numbered(1));
                });
                long start = System.nanoTime();
                assertThat(inbox.awaitChange(Duration.ofSeconds(20))).isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                later.join();
                assertThat(inbox.refs()).hasSize(1);
            });
        }
    }

    @Test
    void reportsChangesSinceAModSeq() throws Exception {
        deliver(TestMessages.numbered(1));
        deliver(TestMessages.numbered(2));
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            FetchSpec flagsOnly = FetchSpec.of(FetchSpec.Item.FLAGS);
            requires(Capability.QUICK_RESYNC, mb, () -> {
                assertThat(inbox.changedSince(inbox.status().highestModSeq(), flagsOnly)).isEmpty();
                long modSeq = inbox.status().highestModSeq();
                assertThat(modSeq).isPositive();
                inbox.addFlags(List.of(refs.get(1)), Flags.of(Flag.FLAGGED));
                List<MessageSummary> changed = inbox.changedSince(modSeq, FetchSpec.of(FetchSpec.Item.FLAGS));
                assertThat(changed).extracting(MessageSummary::ref).containsExactly(refs.get(1));
                assertThat(changed.get(0).flags().contains(Flag.FLAGGED)).isTrue();
            });
        }
    }

    @Test
    void reportsExpungesFlagChangesAndArrivalsSinceAKnownState() throws Exception {
        for (int i = 1; i <= 3; i++) {
            deliver(TestMessages.numbered(i));
        }
        try (Mailbox mb = connect(); MailFolder inbox = mb.folder("INBOX", AccessMode.READ_WRITE)) {
            List<MessageRef> refs = inbox.refs();
            requires(Capability.QUICK_RESYNC, mb, () -> {
                FolderStatus known = inbox.status();
                FetchSpec spec = FetchSpec.of(FetchSpec.Item.FLAGS, FetchSpec.Item.SIZE);
                FolderChanges none = inbox.changesSince(known.uidValidity(), known.highestModSeq(), spec);
                assertThat(none.changed()).isEmpty();
                assertThat(none.vanished()).isEmpty();
                inbox.expunge(List.of(refs.get(0)));
                inbox.addFlags(List.of(refs.get(1)), Flags.of(Flag.FLAGGED));
                deliver(TestMessages.numbered(4));
                FolderChanges changes = inbox.changesSince(known.uidValidity(), known.highestModSeq(), spec);
                List<MessageRef> now = inbox.refs();
                assertThat(now).hasSize(3).doesNotContain(refs.get(0));
                MessageRef arrived = now.get(2);
                assertThat(changes.changed()).extracting(MessageSummary::ref)
                        .containsExactlyInAnyOrder(refs.get(1), arrived);
                assertThat(changes.changed()).allSatisfy(m -> assertThat(m.size()).isPositive());
                boolean qresync = mb.capabilities().info(Capability.QUICK_RESYNC).reason().contains("QRESYNC");
                assertThat(changes.vanishedKnown()).isEqualTo(qresync);
                if (qresync) {
                    assertThat(changes.vanished()).containsExactly(refs.get(0));
                } else {
                    assertThat(changes.vanished()).isEmpty();
                }
                // asked again (with QRESYNC now enabled: no reselect), the same answer
                FolderChanges again = inbox.changesSince(known.uidValidity(), known.highestModSeq(), spec);
                assertThat(again.changed()).extracting(MessageSummary::ref)
                        .containsExactlyInAnyOrder(refs.get(1), arrived);
                assertThat(again.vanished()).isEqualTo(changes.vanished());
                assertThatThrownBy(() -> inbox.changesSince(known.uidValidity() + 1, known.highestModSeq(), spec))
                        .isInstanceOf(IllegalArgumentException.class);
                // After a QRESYNC resync the server reports expunges as VANISHED uid-sets: ours and another
                // client's, several at once, must leave the folder usable and exact.
                for (int i = 5; i <= 8; i++) {
                    deliver(TestMessages.numbered(i));
                }
                List<MessageRef> all = inbox.refs();
                assertThat(all).hasSize(7);
                inbox.expunge(all.subList(0, 2));
                try (Mailbox other = connect(); MailFolder theirs = other.folder("INBOX", AccessMode.READ_WRITE)) {
                    theirs.expunge(all.subList(2, 5));
                }
                assertThat(inbox.refs()).containsExactlyElementsOf(all.subList(5, 7));
                assertThat(inbox.summaries(spec)).extracting(MessageSummary::ref)
                        .containsExactlyElementsOf(all.subList(5, 7));
                // a message this session has not numbered yet vanishes together with one it knows
                deliver(TestMessages.numbered(9));
                inbox.status(); // the server may announce the arrival here, before this session fetched its UID
                try (Mailbox other = connect(); MailFolder theirs = other.folder("INBOX", AccessMode.READ_WRITE)) {
                    List<MessageRef> theirRefs = theirs.refs();
                    theirs.expunge(List.of(theirRefs.get(0), theirRefs.get(2)));
                }
                assertThat(inbox.refs()).containsExactly(all.get(6));
                assertThat(inbox.summaries(spec)).extracting(MessageSummary::ref).containsExactly(all.get(6));
                if (qresync) { // the newest message vanished: above the highest UID still there
                    FolderStatus before = inbox.status();
                    inbox.expunge(List.of(all.get(6)));
                    FolderChanges gone = inbox.changesSince(before.uidValidity(), before.highestModSeq(), spec);
                    assertThat(gone.vanished()).containsExactly(all.get(6));
                    assertThat(gone.changed()).isEmpty();
                }
            });
        }
    }

    // ---- failures ------------------------------------------------------------------------------------------

    @Test
    void wrongPasswordIsAnAuthenticationFailureWithoutTheSecret() {
        String secret = "Wr0ng-Secret-" + System.nanoTime();
        MailboxConfig cfg = config().password(secret).build();
        assertThat(cfg.toString()).doesNotContain(secret);
        assertThatThrownBy(() -> MailAccess.connect(cfg))
                .isInstanceOf(AuthenticationException.class)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
                    }
                });
    }

    @Test
    void serverClosingTheConnectionMidCommandIsAConnectionFailure() {
        for (int i = 1; i <= 3; i++) {
            deliver(TestMessages.numbered(i));
        }
        try (LoopbackProxy proxy = proxy(); Mailbox mb = connectVia(proxy, true); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            boolean top = mb.capabilities().support(Capability.HEADERS) == Support.NATIVE;
            proxy.cutOn(isImap() ? "FETCH" : top ? "TOP" : "RETR", 20);
            assertThatThrownBy(() -> inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.ENVELOPE)))
                    .isInstanceOf(ConnectionException.class)
                    .satisfies(e -> assertThat(((ConnectionException) e).isRetryable()).isTrue());
        }
        // A fresh session still works.
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            assertThat(inbox.refs()).hasSize(3);
        }
    }

    @Test
    void aHungServerTimesOut() {
        deliver(TestMessages.numbered(1));
        try (LoopbackProxy proxy = proxy();
             Mailbox mb = MailAccess.connect(config().port(proxy.port()).allowEmulation(true)
                     .readTimeout(Duration.ofSeconds(1)).build());
             MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            proxy.stall(true);
            long start = System.nanoTime();
            assertThatThrownBy(() -> inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.ENVELOPE)))
                    .isInstanceOf(MailTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            proxy.stall(false);
        }
    }

    @Test
    void closingFromAnotherThreadAbortsACallInProgress() throws Exception {
        deliver(TestMessages.numbered(1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (LoopbackProxy proxy = proxy()) {
            Mailbox mb = connectVia(proxy, true);
            MailFolder inbox = mb.inbox();
            MessageRef ref = inbox.refs().get(0);
            proxy.stall(true);
            Future<?> blocked = pool.submit(() -> inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.ENVELOPE)));
            sleep(300);
            long start = System.nanoTime();
            mb.close();
            assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(MailboxClosedException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            assertThatThrownBy(inbox::refs).isInstanceOf(MailboxClosedException.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMailboxCanBeSharedBetweenThreads() throws Exception {
        for (int i = 1; i <= 20; i++) {
            deliver(TestMessages.numbered(i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (Mailbox mb = connect(); MailFolder inbox = mb.inbox()) {
            List<String> expected = inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE)).stream()
                    .map(s -> s.envelope().subject()).toList();
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    List<String> last = null;
                    for (int i = 0; i < 5; i++) {
                        last = inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE)).stream()
                                .map(s -> s.envelope().subject()).toList();
                        readAll(inbox.openMessage(inbox.refs().get(i))).clone();
                    }
                    return last;
                }));
            }
            for (Future<List<String>> f : results) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

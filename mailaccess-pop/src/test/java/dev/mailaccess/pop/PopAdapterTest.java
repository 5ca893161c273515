package dev.mailaccess.pop;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.AccessMode;
import dev.mailaccess.SortKey;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.pop.internal.PopCapabilities;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.LoopbackProxy;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.eclipse.angus.mail.pop3.POP3Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class PopAdapterTest {
    private static GreenMailFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new GreenMailFixture();
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    // ---- message builders (CRLF line ends) ------------------------------------------------------------------

    private static byte[] plain(String from, String subject, String body) {
        String text = "From: " + from + "\r\n"
                + "To: rcpt@example.test\r\n"
                + "Subject: " + subject + "\r\n"
                + "Date: Fri, 15 Mar 2024 10:15:30 +0000\r\n"
                + "Message-ID: <" + Math.abs(subject.hashCode()) + "." + System.nanoTime() + "@example.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + body.replace("\r\n", "\n").replace("\n", "\r\n");
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] withAttachment(byte[] attachment) {
        String b64 = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(attachment);
        String text = "From: Alice <alice@example.test>\r\n"
                + "To: bob@example.test\r\n"
                + "Subject: report attached\r\n"
                + "Date: Fri, 15 Mar 2024 10:15:30 +0000\r\n"
                + "Message-ID: <att." + System.nanoTime() + "@example.test>\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
                + "\r\n"
                + "--b1\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\n"
                + "\r\n"
                + "See the attachment.\r\n"
                + "--b1\r\n"
                + "Content-Type: application/octet-stream; name=\"data.bin\"\r\n"
                + "Content-Disposition: attachment; filename=\"data.bin\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n"
                + "\r\n"
                + b64 + "\r\n"
                + "--b1--\r\n";
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static MailboxConfig.Builder config(String user) {
        return fixture.config("pop3", user);
    }

    private static Mailbox connect(String user, boolean emulate) {
        return MailAccess.connect(config(user).allowEmulation(emulate).build());
    }

    private static byte[] read(InputStream in) throws IOException {
        try (in) {
            return in.readAllBytes();
        }
    }

    private static String sha256(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // ---- capabilities ---------------------------------------------------------------------------------------

    @Test
    void staticCapabilitiesDescribeEveryOperation() {
        CapabilitySet caps = MailAccess.capabilitiesOf("pop3s");
        assertThat(caps.protocol()).isEqualTo("pop3");
        assertThat(caps.all()).hasSize(Capability.values().length)
                .allSatisfy(i -> assertThat(i.reason()).isNotBlank());
        assertThat(caps.support(Capability.HEADERS)).isEqualTo(Support.NATIVE);
        assertThat(caps.support(Capability.BODY)).isEqualTo(Support.NATIVE);
        assertThat(caps.support(Capability.BODY_PART)).isEqualTo(Support.EMULATED);
        assertThat(caps.support(Capability.PARTIAL_BODY)).isEqualTo(Support.EMULATED);
        assertThat(caps.support(Capability.STABLE_IDS)).isEqualTo(Support.NATIVE);
        assertThat(caps.support(Capability.SERVER_SEARCH)).isEqualTo(Support.EMULATED);
        assertThat(caps.support(Capability.DELETE)).isEqualTo(Support.NATIVE);
        assertThat(caps.support(Capability.EXPUNGE)).isEqualTo(Support.EMULATED);
        for (Capability c : List.of(Capability.FOLDERS, Capability.SERVER_FLAGS, Capability.CUSTOM_KEYWORDS,
                Capability.COPY, Capability.MOVE, Capability.APPEND, Capability.PUSH, Capability.QUICK_RESYNC,
                Capability.SORT)) {
            assertThat(caps.support(c)).as(c.name()).isEqualTo(Support.UNSUPPORTED);
        }
        assertThat(caps.info(Capability.FOLDERS).reason()).contains("INBOX");
        assertThat(caps.info(Capability.APPEND).reason()).contains("upload");
    }

    @Test
    void liveCapabilitiesFollowCapa() {
        assertThat(PopCapabilities.live(Map.of("TOP", "", "UIDL", "", "PIPELINING", "")))
                .isEqualTo(PopCapabilities.staticSet());
        CapabilitySet noUidl = PopCapabilities.live(Map.of("TOP", ""));
        assertThat(noUidl.support(Capability.STABLE_IDS)).isEqualTo(Support.UNSUPPORTED);
        assertThat(noUidl.support(Capability.HEADERS)).isEqualTo(Support.NATIVE);
        assertThat(PopCapabilities.live(null)).isEqualTo(PopCapabilities.staticSet());
    }

    @Test
    void greenMailCapaHasUidlButNoTopSoHeadersAreEmulatedThroughRetr() throws Exception {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("Alice <alice@example.test>", "hello", "hi\r\n"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("pop3"));
             Mailbox mb = MailAccess.connect(config(user).port(proxy.port()).allowEmulation(true).build())) {
            Map<String, String> capa = mb.unwrap(POP3Store.class).capabilities();
            assertThat(capa).containsKey("UIDL").doesNotContainKey("TOP");
            assertThat(mb.capabilities().info(Capability.HEADERS).support()).isEqualTo(Support.EMULATED);
            assertThat(mb.capabilities().info(Capability.HEADERS).reason()).contains("TOP");
            assertThat(mb.capabilities().support(Capability.STABLE_IDS)).isEqualTo(Support.NATIVE);
            proxy.resetCounts();
            try (MailFolder inbox = mb.inbox()) {
                assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE))).hasSize(1);
            }
            assertThat(proxy.commands()).anyMatch(c -> c.startsWith("RETR"))
                    .noneMatch(c -> c.startsWith("TOP"));
        }
    }

    // ---- summaries --------------------------------------------------------------------------------------------

    @Test
    void summariesDecodeEncodedWordsAndReportSizesInFewCommands() throws Exception {
        String user = fixture.newUser();
        byte[] encoded = plain("=?ISO-8859-1?Q?J=FCrgen_M=FCller?= <juergen@example.test>",
                "=?UTF-8?B?" + Base64.getEncoder().encodeToString("Grüße aus Köln ✓".getBytes(StandardCharsets.UTF_8))
                        + "?=", "Schöne Grüße\r\n");
        fixture.deliver(user, "INBOX", encoded, Flags.NONE);
        fixture.deliver(user, "INBOX", plain("Bob <bob@example.test>", "second", "two\r\n"), Flags.NONE);
        fixture.deliver(user, "INBOX", plain("Carol <carol@example.test>", "third", "three\r\n"), Flags.NONE);
        List<byte[]> stored = fixture.messages(user, "INBOX");

        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("pop3"));
             Mailbox mb = MailAccess.connect(config(user).port(proxy.port()).allowEmulation(true).build());
             MailFolder inbox = mb.inbox()) {
            proxy.resetCounts();
            List<MessageSummary> all = inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.SIZE,
                    FetchSpec.Item.INTERNAL_DATE).withHeaders("Message-ID", "X-Missing"));
            assertThat(all).hasSize(3);
            assertThat(proxy.commands().stream().filter(c -> c.startsWith("UIDL")).count()).isEqualTo(1);
            assertThat(proxy.commands().stream().filter(c -> c.startsWith("LIST")).count()).isEqualTo(1);

            MessageSummary first = all.get(0);
            assertThat(first.ref().isImap()).isFalse();
            assertThat(first.envelope().subject()).isEqualTo("Grüße aus Köln ✓");
            assertThat(first.envelope().from()).hasSize(1);
            assertThat(first.envelope().from().get(0).name()).isEqualTo("Jürgen Müller");
            assertThat(first.envelope().from().get(0).email()).isEqualTo("juergen@example.test");
            assertThat(first.envelope().date()).isNotNull();
            assertThat(first.internalDate()).isNull();
            assertThat(first.flags()).isNull();
            assertThat(first.headers().get("Message-ID")).hasSize(1);
            assertThat(first.headers().get("X-Missing")).isEmpty();
            for (int i = 0; i < 3; i++) {
                byte[] raw = read(inbox.openMessage(all.get(i).ref()));
                // The size is what LIST says. GreenMail's LIST counts only the body (a GreenMail quirk; Dovecot
                // counts the whole message), so only bound it here.
                assertThat(all.get(i).size()).as("LIST size of message %d", i + 1).isPositive()
                        .isLessThanOrEqualTo(raw.length);
                assertThat(raw).isEqualTo(stored.get(i));
            }

            List<MessageSummary> newest = inbox.newest(2, FetchSpec.of(FetchSpec.Item.ENVELOPE));
            assertThat(newest).extracting(s -> s.envelope().subject()).containsExactly("second", "third");
            assertThat(newest.get(0).size()).isEqualTo(-1);

            // Subsets are returned in folder order; unknown refs are left out.
            List<MessageSummary> some = inbox.summaries(List.of(all.get(2).ref(), MessageRef.pop3("nope"),
                    all.get(0).ref()), FetchSpec.of(FetchSpec.Item.SIZE));
            assertThat(some).extracting(MessageSummary::ref).containsExactly(all.get(0).ref(), all.get(2).ref());
            assertThat(inbox.status().messages()).isEqualTo(3);
            assertThat(mb.status("inbox").unseen()).isEqualTo(-1);
        }
    }

    @Test
    void headersNeedEmulationOnAServerWithoutTop() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "s", "b\r\n"), Flags.NONE);
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.inbox()) {
            UnsupportedCapabilityException e = catchThrowableOfType(
                    () -> inbox.summaries(FetchSpec.of(FetchSpec.Item.ENVELOPE)), UnsupportedCapabilityException.class);
            assertThat(e.capability()).isEqualTo(Capability.HEADERS);
            assertThat(e.support()).isEqualTo(Support.EMULATED);
            // Sizes and refs need no emulation.
            assertThat(inbox.summaries(FetchSpec.of(FetchSpec.Item.SIZE))).hasSize(1);
            assertThat(inbox.refs()).hasSize(1);
        }
    }

    // ---- bodies -----------------------------------------------------------------------------------------------

    @Test
    void openMessageIsByteExactAndPartialRangesAreEmulated() throws Exception {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "dots", ".leading dot\r\n..two\r\n.\r\nend\r\n"),
                Flags.NONE);
        byte[] stored = fixture.messages(user, "INBOX").get(0);
        try (Mailbox mb = connect(user, true); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            assertThat(read(inbox.openMessage(ref))).isEqualTo(stored);
            byte[] range = read(inbox.openMessage(ref, 10, 20));
            assertThat(range).isEqualTo(java.util.Arrays.copyOfRange(stored, 10, 30));
            assertThat(read(inbox.openMessage(ref, stored.length - 5, 100)))
                    .isEqualTo(java.util.Arrays.copyOfRange(stored, stored.length - 5, stored.length));
            assertThat(read(inbox.openMessage(ref, stored.length + 10, 5))).isEmpty();
            assertThatThrownBy(() -> inbox.openMessage(MessageRef.pop3("missing")))
                    .isInstanceOf(MessageGoneException.class);
        }
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            UnsupportedCapabilityException e = catchThrowableOfType(() -> inbox.openMessage(ref, 0, 5),
                    UnsupportedCapabilityException.class);
            assertThat(e.capability()).isEqualTo(Capability.PARTIAL_BODY);
            assertThat(e.support()).isEqualTo(Support.EMULATED);
        }
    }

    @Test
    void fiveMegabyteMessageIsStreamed() throws Exception {
        String user = fixture.newUser();
        StringBuilder body = new StringBuilder(5_300_000);
        Random r = new Random(7);
        while (body.length() < 5 * 1024 * 1024) {
            for (int i = 0; i < 70; i++) {
                body.append((char) ('a' + r.nextInt(26)));
            }
            body.append("\r\n");
        }
        fixture.deliver(user, "INBOX", plain("big@example.test", "large", body.toString()), Flags.NONE);
        byte[] stored = fixture.messages(user, "INBOX").get(0);
        String expected = sha256(stored);
        body.setLength(0);
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            long total = 0;
            try (InputStream in = inbox.openMessage(ref)) {
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                    total += n;
                }
            }
            assertThat(total).isEqualTo(stored.length).isGreaterThan(5L * 1024 * 1024);
            assertThat(java.util.HexFormat.of().formatHex(md.digest())).isEqualTo(expected);
        }
    }

    @Test
    void openPartDecodesABase64AttachmentOnlyWithEmulation() throws Exception {
        String user = fixture.newUser();
        byte[] attachment = random(20_000, 42);
        fixture.deliver(user, "INBOX", withAttachment(attachment), Flags.NONE);
        try (Mailbox mb = connect(user, true); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            BodyPart structure = inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.STRUCTURE)).get(0)
                    .structure();
            assertThat(structure.contentType()).isEqualTo("multipart/mixed");
            BodyPart att = structure.flatten().stream().filter(BodyPart::isAttachment).findFirst().orElseThrow();
            assertThat(att.path()).isEqualTo("2");
            assertThat(att.fileName()).isEqualTo("data.bin");
            assertThat(att.encoding()).isEqualTo("base64");
            assertThat(read(inbox.openPart(ref, att.path()))).isEqualTo(attachment);
            assertThat(new String(read(inbox.openPart(ref, "1")), StandardCharsets.UTF_8))
                    .isEqualTo("See the attachment."); // the CRLF before a boundary belongs to the boundary
        }
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            UnsupportedCapabilityException e = catchThrowableOfType(() -> inbox.openPart(ref, "2"),
                    UnsupportedCapabilityException.class);
            assertThat(e.capability()).isEqualTo(Capability.BODY_PART);
            assertThat(e.support()).isEqualTo(Support.EMULATED);
            assertThat(e.protocol()).isEqualTo("pop3");
        }
    }

    // ---- delete and expunge -------------------------------------------------------------------------------

    @Test
    void deleteBecomesFinalWhenTheMailboxIsClosed() {
        String user = fixture.newUser();
        for (int i = 1; i <= 3; i++) {
            fixture.deliver(user, "INBOX", plain("a@example.test", "m" + i, "body " + i + "\r\n"), Flags.NONE);
        }
        List<byte[]> before = fixture.messages(user, "INBOX");
        try (Mailbox mb = connect(user, false)) {
            MailFolder inbox = mb.inbox();
            List<MessageRef> refs = inbox.refs();
            inbox.delete(List.of(refs.get(1)));
            inbox.close();
            // Pending until QUIT.
            assertThat(fixture.messages(user, "INBOX")).hasSize(3);
        }
        List<byte[]> after = fixture.messages(user, "INBOX");
        assertThat(after).hasSize(2);
        assertThat(after.get(0)).isEqualTo(before.get(0));
        assertThat(after.get(1)).isEqualTo(before.get(2));
    }

    @Test
    void readOnlyInboxCannotDelete() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "m", "b\r\n"), Flags.NONE);
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.folder("INBOX", AccessMode.READ_ONLY)) {
            assertThatThrownBy(() -> inbox.delete(inbox.refs())).isInstanceOf(dev.mailaccess.ReadOnlyFolderException.class);
        }
        assertThat(fixture.messages(user, "INBOX")).hasSize(1);
    }

    @Test
    void expungeRemovesExactlyTheGivenMessagesAndKeepsOtherDeletionsPending() {
        String user = fixture.newUser();
        for (int i = 1; i <= 4; i++) {
            fixture.deliver(user, "INBOX", plain("a@example.test", "m" + i, "body " + i + "\r\n"), Flags.NONE);
        }
        List<byte[]> before = fixture.messages(user, "INBOX");
        try (Mailbox mb = connect(user, true); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            inbox.delete(List.of(refs.get(0)));
            inbox.expunge(List.of(refs.get(1), refs.get(2)));
            List<byte[]> now = fixture.messages(user, "INBOX");
            assertThat(now).hasSize(2);
            assertThat(now.get(0)).isEqualTo(before.get(0));
            assertThat(now.get(1)).isEqualTo(before.get(3));
            assertThat(inbox.refs()).containsExactly(refs.get(0), refs.get(3));
            // Refs stay valid across the reconnect.
            assertThat(read(inbox.openMessage(refs.get(3)))).isEqualTo(before.get(3));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        // The earlier delete() became final at the end of the session.
        List<byte[]> after = fixture.messages(user, "INBOX");
        assertThat(after).hasSize(1);
        assertThat(after.get(0)).isEqualTo(before.get(3));
    }

    // ---- search -----------------------------------------------------------------------------------------------

    @Test
    void searchIsEmulatedLocally() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("Alice <alice@example.test>", "Invoice 42", "please pay\r\n"),
                Flags.NONE);
        fixture.deliver(user, "INBOX", plain("Bob <bob@example.test>", "lunch?", "the needle is here\r\n"),
                Flags.NONE);
        fixture.deliver(user, "INBOX", plain("Alice <alice@example.test>", "holiday", "x".repeat(5000) + "\r\n"),
                Flags.NONE);
        try (Mailbox mb = connect(user, true); MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            assertThat(inbox.search(SearchQuery.subject("invoice"))).containsExactly(refs.get(0));
            assertThat(inbox.search(SearchQuery.from("alice"))).containsExactly(refs.get(0), refs.get(2));
            assertThat(inbox.search(SearchQuery.body("NEEDLE"))).containsExactly(refs.get(1));
            assertThat(inbox.search(SearchQuery.text("needle"))).containsExactly(refs.get(1));
            assertThat(inbox.search(SearchQuery.and(SearchQuery.from("alice"),
                    SearchQuery.not(SearchQuery.subject("invoice"))))).containsExactly(refs.get(2));
            assertThat(inbox.search(SearchQuery.larger(4000))).containsExactly(refs.get(2));
            assertThat(inbox.search(SearchQuery.all())).isEqualTo(refs);
            assertThat(inbox.search(SearchQuery.sentSince(java.time.LocalDate.of(2024, 1, 1)))).isEqualTo(refs);
            UnsupportedCapabilityException e = catchThrowableOfType(
                    () -> inbox.search(SearchQuery.flag(Flag.SEEN)), UnsupportedCapabilityException.class);
            assertThat(e.capability()).isEqualTo(Capability.SERVER_FLAGS);
        }
        try (Mailbox mb = connect(user, false); MailFolder inbox = mb.inbox()) {
            UnsupportedCapabilityException e = catchThrowableOfType(
                    () -> inbox.search(SearchQuery.subject("x")), UnsupportedCapabilityException.class);
            assertThat(e.capability()).isEqualTo(Capability.SERVER_SEARCH);
            assertThat(e.support()).isEqualTo(Support.EMULATED);
        }
    }

    // ---- unsupported operations -------------------------------------------------------------------------------

    @Test
    void unsupportedOperationsThrowBeforeAnyIo() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "m", "b\r\n"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("pop3"));
             Mailbox mb = MailAccess.connect(config(user).port(proxy.port()).allowEmulation(true).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageRef> refs = inbox.refs();
            proxy.resetCounts();
            assertUnsupported(Capability.FOLDERS, mb::folders);
            assertUnsupported(Capability.FOLDERS, () -> mb.createFolder("Archive"));
            assertUnsupported(Capability.FOLDERS, () -> mb.folder("Archive", AccessMode.READ_ONLY));
            assertUnsupported(Capability.COPY, () -> inbox.copy(refs, "Archive"));
            assertUnsupported(Capability.MOVE, () -> inbox.move(refs, "Archive"));
            assertUnsupported(Capability.APPEND,
                    () -> inbox.append(new ByteArrayInputStream(plain("a@b.c", "x", "y").clone()), Flags.NONE, null));
            assertUnsupported(Capability.SERVER_FLAGS, () -> inbox.addFlags(refs, Flags.of(Flag.SEEN)));
            assertUnsupported(Capability.CUSTOM_KEYWORDS, () -> inbox.removeFlags(refs, Flags.keywords("$Work")));
            assertUnsupported(Capability.SERVER_FLAGS, () -> inbox.summaries(refs, FetchSpec.LIST));
            assertUnsupported(Capability.PUSH, () -> inbox.awaitChange(Duration.ofSeconds(1)));
            assertUnsupported(Capability.SORT, () -> inbox.sort(List.of(SortKey.ascending(SortKey.Field.DATE)), SearchQuery.all()));
            assertThat(proxy.commandCount()).as(proxy.describeCommands()).isZero();
        }
    }

    private static void assertUnsupported(Capability capability, ThrowingCallable call) {
        UnsupportedCapabilityException e = catchThrowableOfType(call, UnsupportedCapabilityException.class);
        assertThat(e).as(capability.name()).isNotNull();
        assertThat(e.capability()).isEqualTo(capability);
        assertThat(e.protocol()).isEqualTo("pop3");
        assertThat(e.support()).isEqualTo(Support.UNSUPPORTED);
        assertThat(e.reason()).isNotBlank();
        assertThat(e.getMessage()).contains(capability.name()).contains("pop3").contains(e.reason());
    }

    @Test
    void adapterIsDefensiveWhereCoreWouldBlock() {
        String user = fixture.newUser();
        try (Mailbox mb = connect(user, true)) {
            dev.mailaccess.spi.MailboxSession session = mb.unwrap(dev.mailaccess.spi.MailboxSession.class);
            assertThat(session.folders()).extracting(dev.mailaccess.FolderInfo::path).containsExactly("INBOX");
            assertThatThrownBy(() -> session.folder("Archive", AccessMode.READ_WRITE))
                    .isInstanceOf(FolderNotFoundException.class);
            assertThatThrownBy(() -> session.createFolder("x")).isInstanceOf(UnsupportedCapabilityException.class);
            MailFolder raw = session.folder("inbox", AccessMode.READ_WRITE);
            assertThatThrownBy(() -> raw.copy(List.of(), "x")).isInstanceOf(UnsupportedCapabilityException.class);
            assertThatThrownBy(() -> raw.summaries(FetchSpec.LIST)).isInstanceOf(UnsupportedCapabilityException.class);
            assertThat(mb.unwrap(jakarta.mail.Session.class)).isNotNull();
            assertThat(mb.unwrap(jakarta.mail.Store.class)).isInstanceOf(POP3Store.class);
            assertThatThrownBy(() -> mb.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    // ---- failures -----------------------------------------------------------------------------------------------

    @Test
    void wrongPasswordIsAnAuthenticationExceptionWithoutThePassword() {
        String user = fixture.newUser();
        String secret = "wrong-S3cret-value";
        AuthenticationException e = catchThrowableOfType(
                () -> MailAccess.connect(config(user).password(secret).build()), AuthenticationException.class);
        assertThat(e).isNotNull();
        for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(secret);
        }
        assertThat(e.getMessage()).contains(user);
    }

    @Test
    void unreachableServerIsAConnectionException() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int closedPort = port;
        ConnectionException e = catchThrowableOfType(
                () -> MailAccess.connect(config(fixture.newUser()).port(closedPort).build()),
                ConnectionException.class);
        assertThat(e).isNotNull();
        assertThat(e.isRetryable()).isTrue();
    }

    @Test
    void aStalledServerTimesOut() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "slow", "b\r\n"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("pop3"));
             Mailbox mb = MailAccess.connect(config(user).port(proxy.port()).readTimeout(Duration.ofSeconds(1))
                     .build());
             MailFolder inbox = mb.inbox()) {
            MessageRef ref = inbox.refs().get(0);
            proxy.stall(true);
            long start = System.nanoTime();
            assertThatThrownBy(() -> read(inbox.openMessage(ref)))
                    .isInstanceOf(dev.mailaccess.MailTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            proxy.stall(false);
        }
    }

    @Test
    void connectionCutDuringRetrIsAConnectionException() {
        String user = fixture.newUser();
        fixture.deliver(user, "INBOX", plain("a@example.test", "cut", "x".repeat(20_000) + "\r\n"), Flags.NONE);
        try (LoopbackProxy proxy = new LoopbackProxy(fixture.host(), fixture.port("pop3"))) {
            Mailbox mb = MailAccess.connect(config(user).port(proxy.port())
                    .readTimeout(Duration.ofSeconds(5)).build());
            MailFolder inbox = mb.inbox();
            MessageRef ref = inbox.refs().get(0);
            proxy.cutOn("RETR", 100);
            long start = System.nanoTime();
            assertThatThrownBy(() -> read(inbox.openMessage(ref))).isInstanceOf(ConnectionException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            // The session is dead: later calls fail the same way, and close() does not throw.
            assertThatThrownBy(inbox::refs).isInstanceOf(ConnectionException.class);
            mb.close();
            mb.close();
        }
        assertThat(fixture.messages(user, "INBOX")).hasSize(1);
    }
}

package dev.mailaccess.testkit;

import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.internal.PreviewText;
import dev.mailaccess.replica.Replica;
import dev.mailaccess.replica.ReplicaMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Previews ({@link FetchSpec.Item#PREVIEW}) on every path: fixed cases (plain, HTML with markup, entities, style and
 * blockquote, quoted-printable, base64, Latin-1 and KOI8-R, multipart with the text second, quoted lines, long
 * text, no text at all) and a part of the {@link SearchCorpus}. Each preview the session gives must equal
 * {@link PreviewText} on the raw message (the local rules, which the emulations and the replica use), except where
 * the subclass names a server difference in {@link #knownDifferences()}, by case name; and every preview follows
 * RFC 8970 (at most 200 characters, white space folded, no trailing partial character).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class PreviewContract {
    private static final int CORPUS = Integer.getInteger("mailaccess.previewCorpus", 60);

    /** The server under test. */
    protected abstract MailServerFixture fixture();

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    /** The support this server is expected to show for {@link Capability#PREVIEW}. */
    protected abstract Support expectedSupport();

    /**
     * Cases (by name; {@code *} for every case) whose preview this server makes differently from the local rules,
     * and how. Such a case is still checked against RFC 8970's form.
     */
    protected Map<String, String> knownDifferences() {
        return Map.of();
    }

    private String user;
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> raws = new ArrayList<>();

    @BeforeAll
    void seed() {
        user = fixture().newUser();
        for (Map.Entry<String, byte[]> e : PreviewCases.fixed().entrySet()) {
            names.add(e.getKey());
            raws.add(e.getValue());
        }
        int i = 0;
        for (SearchCorpus.Item item : SearchCorpus.generate(20260214L, CORPUS)) {
            names.add("corpus-" + i++);
            raws.add(item.raw());
        }
        for (byte[] raw : raws) {
            fixture().deliver(user, "INBOX", raw, dev.mailaccess.Flags.NONE);
        }
    }

    @Test
    void previewsFollowTheLocalRulesAndRfc8970() {
        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(true).build());
             MailFolder inbox = mb.inbox()) {
            assertThat(mb.capabilities().support(Capability.PREVIEW)).isEqualTo(expectedSupport());
            List<MessageSummary> listed = inbox.summaries(FetchSpec.of(FetchSpec.Item.PREVIEW));
            assertThat(listed).hasSize(raws.size());
            List<String> mismatches = new ArrayList<>();
            for (int i = 0; i < raws.size(); i++) {
                String got = listed.get(i).preview();
                String want = PreviewText.ofMessage(raws.get(i));
                assertThat(got).as(names.get(i)).isNotNull();
                assertThat(got.codePointCount(0, got.length())).as(names.get(i)).isLessThanOrEqualTo(200);
                assertThat(got).as(names.get(i)).doesNotContain("  ").doesNotEndWith(" ").doesNotStartWith(" ")
                        .doesNotEndWith("\uFFFD");
                if (!got.equals(want) && !knownDifferences().containsKey(names.get(i))
                        && !knownDifferences().containsKey("*")) {
                    mismatches.add(names.get(i) + ":\n    server: " + got + "\n    local:  " + want);
                }
            }
            knownDifferences().forEach((k, why) -> System.out.printf("[preview %s/%s] %s differs: %s%n",
                    fixture().name(), protocol(), k, why));
            assertThat(mismatches).as("previews that differ from the local rules").isEmpty();
            assertThat(listed.get(0).preview()).isEqualTo(PreviewCases.PLAIN_PREVIEW);
        }
    }

    @Test
    void aListingWithPreviewsKeepsTheOtherItems() {
        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(true).build());
             MailFolder inbox = mb.inbox()) {
            List<MessageSummary> listed = inbox.newest(3, FetchSpec.LIST.bestEffort().with(FetchSpec.Item.PREVIEW));
            assertThat(listed).hasSize(3);
            for (MessageSummary m : listed) {
                assertThat(m.envelope()).isNotNull();
                assertThat(m.preview()).isNotNull();
                assertThat(m.structure()).as("structure was not asked for").isNull();
            }
        }
    }

    @Test
    void refusedBeforeAnyIoWithoutEmulationWhereEmulated() {
        try (Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).allowEmulation(false).build());
             MailFolder inbox = mb.inbox()) {
            if (mb.capabilities().support(Capability.PREVIEW) == Support.NATIVE) {
                assertThat(inbox.newest(1, FetchSpec.of(FetchSpec.Item.PREVIEW)).get(0).preview()).isNotEmpty();
            } else {
                assertThatThrownBy(() -> inbox.newest(1, FetchSpec.of(FetchSpec.Item.PREVIEW)))
                        .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("PREVIEW");
                // best effort: left out instead
                assertThat(inbox.newest(1, FetchSpec.of(FetchSpec.Item.PREVIEW).bestEffort()).get(0).preview())
                        .isNull();
            }
        }
    }

    /**
     * Over IMAP a listing with previews costs a constant number of commands, whatever the number of messages: the
     * PREVIEW item in the listing's own FETCH where NATIVE; where EMULATED one partial FETCH per distinct section
     * of the first text part (a handful), not one per message.
     */
    @Test
    void imapPreviewsTakeAConstantNumberOfCommands() {
        if (!protocol().equals("imap")) {
            return; // POP3 has no batch: TOP (or RETR) per message, as its capability reason says
        }
        try (LoopbackProxy proxy = new LoopbackProxy(fixture().host(), fixture().port(protocol()));
             Mailbox mb = MailAccess.connect(fixture().config(protocol(), user).port(proxy.port())
                     .allowEmulation(true).build());
             MailFolder inbox = mb.inbox()) {
            proxy.resetCounts();
            inbox.summaries(FetchSpec.LIST);
            long plain = fetches(proxy.commands());
            proxy.resetCounts();
            assertThat(inbox.summaries(FetchSpec.LIST.with(FetchSpec.Item.PREVIEW))).hasSize(raws.size());
            List<String> sent = proxy.commands(); // a new connection may log in first: only FETCHes are counted
            System.out.printf("[preview %s/imap] FETCH commands for %d listings: %d without previews, %d with%n",
                    fixture().name(), raws.size(), plain, fetches(sent));
            if (expectedSupport() == Support.NATIVE) {
                assertThat(fetches(sent)).as(proxy.describeCommands()).isEqualTo(plain);
                assertThat(sent).anySatisfy(c -> assertThat(c).contains("FETCH").contains("PREVIEW"));
            } else {
                long partial = sent.stream().filter(c -> c.contains("BODY.PEEK[")).count();
                assertThat(partial).as(proxy.describeCommands()).isBetween(1L, 4L);
                assertThat(fetches(sent)).as(proxy.describeCommands()).isEqualTo(plain + partial);
            }
        }
    }

    private static long fetches(List<String> commands) {
        return commands.stream().filter(c -> c.contains(" FETCH ")).count();
    }

    /** A replica keeps the previews of what it stored: offline listings show them, by the same rules. */
    @Test
    void aReplicaShowsPreviewsOffline(@TempDir Path dir) {
        try (Replica replica = Replica.open(dir, false)) {
            replica.mirror("INBOX");
            replica.sync(fixture().config(protocol(), user).build());
            List<ReplicaMessage> local = replica.messages("INBOX");
            assertThat(local).hasSize(raws.size());
            List<String> wanted = raws.stream().map(PreviewText::ofMessage).toList();
            assertThat(local.stream().map(ReplicaMessage::preview).toList())
                    .containsExactlyInAnyOrderElementsOf(wanted);
        }
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}

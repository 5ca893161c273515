package dev.mailaccess.pop;

import dev.mailaccess.AuthMechanism;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Credentials;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.LoopbackProxy;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * POP3's side of the login mechanisms, compression and quota: what Angus's POP3 client cannot speak (SCRAM,
 * OAUTHBEARER) is refused before any I/O when pinned, declared UNSUPPORTED with its reason, and a Dovecot that offers
 * SCRAM still logs a POP3 client in with what it can speak.
 */
class PopLoginMechanismsTest {
    private static DovecotFixture scramDovecot;

    private static synchronized DovecotFixture scramDovecot() {
        if (scramDovecot == null) {
            scramDovecot = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults()
                    .authMechanisms("scram-sha-256 scram-sha-1 plain login"));
        }
        return scramDovecot;
    }

    @AfterAll
    static synchronized void stop() {
        if (scramDovecot != null) {
            scramDovecot.close();
            scramDovecot = null;
        }
    }

    @ParameterizedTest
    @EnumSource(value = AuthMechanism.class, names = {"SCRAM_SHA_256", "SCRAM_SHA_1", "OAUTHBEARER"})
    void aPinnedMechanismAngusCannotSpeakIsRefusedBeforeAnyIo(AuthMechanism pinned) {
        DovecotFixture d = scramDovecot();
        String user = d.newScramUser();
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port("pop3"))) {
            MailboxConfig.Builder b = d.config("pop3", user).port(proxy.port()).authMechanism(pinned);
            if (pinned == AuthMechanism.OAUTHBEARER) {
                b.credentials(Credentials.oauth2(() -> "a-token"));
            }
            MailboxConfig config = b.build();
            assertThatThrownBy(() -> MailAccess.connect(config).close())
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class, e -> {
                        assertThat(e.capability()).isEqualTo(Capability.SASL_LOGIN);
                        assertThat(e.getMessage()).contains(pinned.saslName(), "no SCRAM, no OAUTHBEARER");
                    });
            assertThat(proxy.connections()).as("connections made").isZero();
        }
    }

    @Test
    void aDovecotOfferingScramLogsAScramUserInWithWhatPop3Speaks() {
        DovecotFixture d = scramDovecot();
        String user = d.newScramUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (Mailbox mb = MailAccess.connect(d.implicitTlsConfig("pop3", user).build());
             MailFolder inbox = mb.inbox()) {
            assertThat(inbox.refs()).hasSize(1);
            assertThat(mb.capabilities().info(Capability.SASL_LOGIN).reason()).contains("no SCRAM");
        }
    }

    @Test
    void pinnedPlainWorks() {
        DovecotFixture d = scramDovecot();
        String user = d.newScramUser();
        d.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        try (Mailbox mb = MailAccess.connect(d.implicitTlsConfig("pop3", user).authMechanism(AuthMechanism.PLAIN)
                .build()); MailFolder inbox = mb.inbox()) {
            assertThat(inbox.refs()).hasSize(1);
        }
    }

    @Test
    void compressionAndQuotaAreUnsupportedWithReasonsAndQuotaIsRefusedBeforeAnyIo() {
        assertThat(MailAccess.capabilitiesOf("pop3").support(Capability.QUOTA)).isEqualTo(Support.UNSUPPORTED);
        DovecotFixture d = SharedServers.dovecot();
        String user = d.newUser();
        try (LoopbackProxy proxy = new LoopbackProxy(d.host(), d.port("pop3"));
             Mailbox mb = MailAccess.connect(d.config("pop3", user).port(proxy.port()).build())) {
            CapabilitySet caps = mb.capabilities();
            assertThat(caps.support(Capability.COMPRESSION)).isEqualTo(Support.UNSUPPORTED);
            assertThat(caps.info(Capability.COMPRESSION).reason()).contains("POP3 has no compression");
            assertThat(caps.support(Capability.QUOTA)).isEqualTo(Support.UNSUPPORTED);
            assertThat(caps.info(Capability.QUOTA).reason()).contains("POP3 has no command to report a quota");
            int before = proxy.commandCount();
            assertThatThrownBy(() -> mb.quota("INBOX"))
                    .isInstanceOfSatisfying(UnsupportedCapabilityException.class,
                            e -> assertThat(e.capability()).isEqualTo(Capability.QUOTA));
            assertThat(proxy.commandCount()).isEqualTo(before);
        }
    }
}

package dev.mailaccess.testkit;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.ServerBusyException;
import dev.mailaccess.TlsMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A real server's refusals keep their meaning: Dovecot with one connection allowed per user and address refuses a
 * second one with a response code ({@code [LIMIT]} on IMAP, {@code [IN-USE]} on POP3), which is a retryable
 * {@link ServerBusyException}, not a wrong password; a wrong password still is an {@link AuthenticationException}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
public abstract class ServerRefusalContract {
    private DovecotFixture dovecot;

    /** {@code imap} or {@code pop3}. */
    protected abstract String protocol();

    @BeforeAll
    void start() {
        dovecot = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().tls(false).maxUserIpConnections(1));
    }

    @AfterAll
    void stop() {
        if (dovecot != null) {
            dovecot.close();
        }
    }

    private MailboxConfig config(String user) {
        return dovecot.config(protocol(), user).tlsMode(TlsMode.NONE).build();
    }

    @Test
    void aConnectionOverTheServersLimitIsBusyNotAWrongPassword() {
        String user = dovecot.newUser();
        try (Mailbox first = MailAccess.connect(config(user))) {
            first.inbox().close(); // holds the one connection allowed (POP3 opens the maildrop here)
            assertThatThrownBy(() -> {
                try (Mailbox second = MailAccess.connect(config(user))) {
                    second.inbox().close();
                }
            }).isInstanceOf(ServerBusyException.class)
                    .hasMessageContaining("Maximum number of connections")
                    .satisfies(e -> {
                        ServerBusyException busy = (ServerBusyException) e;
                        assertThat(busy.isRetryable()).isTrue();
                        assertThat(busy.responseCode()).isIn("LIMIT", "IN-USE");
                    });
        }
        // once the first is gone, the user may connect again
        try (Mailbox again = MailAccess.connect(config(user))) {
            again.inbox().close();
        }
    }

    @Test
    void aWrongPasswordIsStillAnAuthenticationFailure() {
        String user = dovecot.newUser();
        MailboxConfig wrong = config(user).toBuilder().password("not-" + dovecot.password(user)).build();
        assertThatThrownBy(() -> MailAccess.connect(wrong).close()).isInstanceOf(AuthenticationException.class);
    }
}

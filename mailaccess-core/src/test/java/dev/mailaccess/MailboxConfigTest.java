package dev.mailaccess;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MailboxConfigTest {

    @Test
    void parsesUrisWithTlsModesAndDefaultPorts() {
        MailboxConfig imaps = MailboxConfig.fromUri(URI.create("imaps://alice@mail.example.org")).build();
        assertThat(imaps.protocol()).isEqualTo("imap");
        assertThat(imaps.tlsMode()).isEqualTo(TlsMode.IMPLICIT);
        assertThat(imaps.port()).isEqualTo(993);
        assertThat(imaps.user()).isEqualTo("alice");

        MailboxConfig imap = MailboxConfig.fromUri(URI.create("imap://bob@h")).build();
        assertThat(imap.tlsMode()).isEqualTo(TlsMode.STARTTLS);
        assertThat(imap.port()).isEqualTo(143);

        MailboxConfig pop3s = MailboxConfig.fromUri(URI.create("pop3s://carol@h:1995")).build();
        assertThat(pop3s.protocol()).isEqualTo("pop3");
        assertThat(pop3s.port()).isEqualTo(1995);
        assertThat(MailboxConfig.fromUri(URI.create("pop3://c@h")).build().port()).isEqualTo(110);
    }

    @Test
    void decodesUsersWithAtSigns() {
        MailboxConfig c = MailboxConfig.fromUri(URI.create("imaps://alice%40example.org@h")).build();
        assertThat(c.user()).isEqualTo("alice@example.org");
    }

    @Test
    void rejectsBadUris() {
        assertThatThrownBy(() -> MailboxConfig.fromUri(URI.create("http://a@h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown scheme");
        assertThatThrownBy(() -> MailboxConfig.fromUri(URI.create("imaps://h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user");
        assertThatThrownBy(() -> MailboxConfig.fromUri(URI.create("imaps://a:secret@h")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret");
    }

    @Test
    void hasSafeDefaults() {
        MailboxConfig c = MailboxConfig.builder().protocol("imap").host("h").user("u").build();
        assertThat(c.tlsMode()).isEqualTo(TlsMode.STARTTLS);
        assertThat(c.connectTimeout()).isEqualTo(MailboxConfig.DEFAULT_CONNECT_TIMEOUT);
        assertThat(c.readTimeout()).isEqualTo(MailboxConfig.DEFAULT_READ_TIMEOUT);
        assertThat(c.allowEmulation()).isFalse();
        assertThatThrownBy(() -> c.toBuilder().readTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverShowsTheSecret() {
        MailboxConfig c = MailboxConfig.builder().protocol("imap").host("h").user("u").password("hunter2").build();
        assertThat(c.toString()).doesNotContain("hunter2").contains("****");
        assertThat(c.credentials().toString()).doesNotContain("hunter2");
        MailboxConfig o = c.toBuilder().credentials(Credentials.oauth2(() -> "tok3n")).build();
        assertThat(o.toString()).doesNotContain("tok3n");
        assertThat(((Credentials.OAuth2) o.credentials()).currentToken()).isEqualTo("tok3n");
    }

    @Test
    void toBuilderKeepsEverything() {
        MailboxConfig c = MailboxConfig.builder().protocol("pop3s").host("h").port(2000).user("u")
                .tlsMode(TlsMode.IMPLICIT).allowEmulation(true).readTimeout(Duration.ofSeconds(3)).build();
        MailboxConfig d = c.toBuilder().build();
        assertThat(d.toString()).isEqualTo(c.toString());
        assertThat(d.displayUri()).isEqualTo("pop3s://u@h:2000");
    }
}

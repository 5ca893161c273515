package dev.mailaccess;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The values behind issue 17's settings: MailProxy, AuthMechanism, Quota, and their place in MailboxConfig. */
class TransportSettingsTest {
    private static final String SECRET = "proxy-secret-77";

    @Test
    void aProxyNeverShowsItsPassword() {
        MailProxy p = MailProxy.socks5("proxy.example", 1080).withCredentials("alice", SECRET);
        assertThat(p.toString()).contains("SOCKS5", "alice@proxy.example:1080", "****").doesNotContain(SECRET);
        MailboxConfig config = MailboxConfig.fromUri(URI.create("imaps://bob@mail.example")).password("pw")
                .proxy(p).build();
        assertThat(config.toString()).contains("proxy=").doesNotContain(SECRET);
        assertThat(config.toBuilder().build().proxy()).isEqualTo(p);
    }

    @Test
    void proxyUrisNameTheKindAndNeverCarryCredentials() {
        assertThat(MailProxy.fromUri(URI.create("socks5://p.example:1080")))
                .isEqualTo(MailProxy.socks5("p.example", 1080));
        assertThat(MailProxy.fromUri(URI.create("http://p.example:3128")).type())
                .isEqualTo(MailProxy.Type.HTTP_CONNECT);
        assertThatThrownBy(() -> MailProxy.fromUri(URI.create("http://u:" + SECRET + "@p.example:3128")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> MailProxy.fromUri(URI.create("ftp://p.example:21")))
                .hasMessageContaining("socks5://host:port");
        assertThatThrownBy(() -> MailProxy.fromUri(URI.create("socks5://p.example")))
                .hasMessageContaining("a host and a port");
        assertThatThrownBy(() -> new MailProxy(MailProxy.Type.SOCKS5, "p", 0, null, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MailProxy(MailProxy.Type.SOCKS5, "p", 1, "u", null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MailProxy.socks5("p", 1).withCredentials("u", "x".repeat(256)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
    }

    @Test
    void mechanismsByTheirSaslNames() {
        assertThat(AuthMechanism.fromSaslName("scram-sha-256")).isEqualTo(AuthMechanism.SCRAM_SHA_256);
        assertThat(AuthMechanism.fromSaslName(" OAUTHBEARER ")).isEqualTo(AuthMechanism.OAUTHBEARER);
        assertThat(AuthMechanism.fromSaslName("SCRAM_SHA_1")).isEqualTo(AuthMechanism.SCRAM_SHA_1);
        assertThatThrownBy(() -> AuthMechanism.fromSaslName("CRAM-MD5")).hasMessageContaining("unknown mechanism");
        assertThat(List.of(AuthMechanism.values())).filteredOn(AuthMechanism::sendsPassword)
                .containsExactly(AuthMechanism.PLAIN, AuthMechanism.LOGIN);
        assertThat(List.of(AuthMechanism.values())).filteredOn(m -> !m.usesPassword())
                .containsExactly(AuthMechanism.OAUTHBEARER, AuthMechanism.XOAUTH2);
    }

    @Test
    void compressionIsOnByDefaultAndClientIdEmpty() {
        MailboxConfig config = MailboxConfig.fromUri(URI.create("imaps://bob@mail.example")).password("pw").build();
        assertThat(config.compression()).isTrue();
        assertThat(config.authMechanism()).isNull();
        assertThat(config.proxy()).isNull();
        assertThat(config.clientId()).isEmpty();
        MailboxConfig changed = config.toBuilder().compression(false).authMechanism(AuthMechanism.SCRAM_SHA_256)
                .clientId(Map.of("name", "myapp")).build();
        assertThat(changed.compression()).isFalse();
        assertThat(changed.authMechanism()).isEqualTo(AuthMechanism.SCRAM_SHA_256);
        assertThat(changed.clientId()).containsEntry("name", "myapp");
    }

    @Test
    void quotaResourcesInBytesAndFractions() {
        Quota q = new Quota("User quota", List.of(new Quota.Resource("storage", 512, 10_240),
                new Quota.Resource("MESSAGE", 10, 0)));
        assertThat(q.resource("STORAGE")).hasValueSatisfying(r -> assertThat(r.fraction()).isEqualTo(0.05));
        assertThat(q.storageUsedBytes()).isEqualTo(512L * 1024);
        assertThat(q.storageLimitBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(q.resource("message").orElseThrow().fraction()).isEqualTo(1.0); // a limit of 0 is full
        Quota messagesOnly = new Quota("", List.of(new Quota.Resource("MESSAGE", 1, 50)));
        assertThat(messagesOnly.storageLimitBytes()).isEqualTo(-1);
        assertThatThrownBy(() -> new Quota(null, List.of())).isInstanceOf(NullPointerException.class);
    }
}

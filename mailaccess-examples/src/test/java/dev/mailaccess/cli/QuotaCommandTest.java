package dev.mailaccess.cli;

import dev.mailaccess.Flags;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.TestMessages;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code mailaccess quota URL}: a Dovecot with the quota plugin, a Dovecot without it, and POP3. */
class QuotaCommandTest {
    private static DovecotFixture quotaServer;

    @BeforeAll
    static void start() {
        quotaServer = DovecotFixture.startOrSkip(DovecotFixture.Options.defaults().tls(false).quota("*:storage=10M"));
    }

    @AfterAll
    static void stop() {
        if (quotaServer != null) {
            quotaServer.close();
        }
    }

    private static Cli.Result quota(DovecotFixture server, String protocol, String user, String... more) {
        String url = protocol + "://" + user + "@127.0.0.1:" + server.port(protocol);
        return Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, server.password(user)),
                Cli.args(new String[] {"quota", url, "--tls=none"}, more));
    }

    @Test
    void showsTheStorageUsedAndAllowed() {
        String user = quotaServer.newUser();
        quotaServer.deliver(user, "INBOX", TestMessages.numbered(1), Flags.NONE);
        Cli.Result r = quota(quotaServer, "imap", user);
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.outLines().get(0)).contains("ROOT", "RESOURCE", "USED", "LIMIT", "FULL");
        assertThat(r.outLines()).hasSize(2);
        // Dovecot's count backend names the root "User quota"; a small message uses 1 KiB or less of 10 MiB
        assertThat(r.outLines().get(1)).matches("User quota\\s+STORAGE\\s+[01] KiB\\s+10\\.0 MiB\\s+0\\.0%");
    }

    @Test
    void anImapServerWithoutQuotaExitsUnsupportedWithTheReason() {
        DovecotFixture plain = SharedServers.dovecot();
        Cli.Result r = quota(plain, "imap", plain.newUser(), "--folder", "INBOX");
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("QUOTA", "no QUOTA extension");
    }

    @Test
    void pop3ExitsUnsupportedWithTheReason() {
        Cli.Result r = quota(quotaServer, "pop3", quotaServer.newUser());
        assertThat(r.exit()).as(r.toString()).isEqualTo(ExitCodes.UNSUPPORTED);
        assertThat(r.err()).contains("QUOTA", "POP3 has no command to report a quota");
    }

    @Test
    void aServerWithQuotaButNoLimitSaysSo() {
        GreenMailFixture gm = SharedServers.greenMail();
        String user = gm.newUser();
        String url = "imap://" + user + "@127.0.0.1:" + gm.port("imap");
        Cli.Result r = Cli.run(Map.of(ConnectionOptions.PASSWORD_VARIABLE, gm.password(user)), "quota", url,
                "--tls=none");
        assertThat(r.exit()).as(r.toString()).isZero();
        // GreenMail announces QUOTA but sets no limits for a new user: no root applies
        assertThat(r.outLines()).containsExactly("no quota applies to INBOX");
    }

    @Test
    void kibibytesReadLikeSizes() {
        assertThat(QuotaCommand.kibibytes(0)).isEqualTo("0 KiB");
        assertThat(QuotaCommand.kibibytes(1023)).isEqualTo("1023 KiB");
        assertThat(QuotaCommand.kibibytes(10 * 1024)).isEqualTo("10.0 MiB");
        assertThat(QuotaCommand.kibibytes(3L * 1024 * 1024 / 2)).isEqualTo("1.5 GiB");
    }
}

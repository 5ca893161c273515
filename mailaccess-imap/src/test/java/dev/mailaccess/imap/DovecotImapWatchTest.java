package dev.mailaccess.imap;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.WatchContract;

/** Mailbox.watch over IMAP against Dovecot. */
class DovecotImapWatchTest extends WatchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Support expectedSupport() {
        return Support.NATIVE; // NOTIFY and IDLE
    }

    @Override
    protected java.time.Duration firstFolderLatency() {
        return java.time.Duration.ofSeconds(1); // IDLE: Dovecot tells at once
    }
}

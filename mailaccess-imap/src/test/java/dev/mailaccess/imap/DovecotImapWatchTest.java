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
        // IDLE: Dovecot tells at once (10-300 ms measured, printed by the test); 2 s leaves room for a busy 2-core
        // CI machine, where 1 s failed once in 9 runs, without letting a 20 s poll pass for a push
        return java.time.Duration.ofSeconds(2);
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.ThreadDifferentialContract;

/** The differential threading test over IMAP against a real Dovecot: its UID THREAD against the local algorithm. */
class DovecotImapThreadTest extends ThreadDifferentialContract {
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
        return Support.NATIVE;
    }
}

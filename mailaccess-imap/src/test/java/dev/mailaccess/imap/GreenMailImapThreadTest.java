package dev.mailaccess.imap;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.ThreadDifferentialContract;

/** The differential threading test over IMAP against GreenMail, which has no THREAD: the emulation over one FETCH. */
class GreenMailImapThreadTest extends ThreadDifferentialContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Support expectedSupport() {
        return Support.EMULATED;
    }
}

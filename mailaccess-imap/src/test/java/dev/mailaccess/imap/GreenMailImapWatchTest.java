package dev.mailaccess.imap;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.WatchContract;

/** Mailbox.watch over IMAP against GreenMail. */
class GreenMailImapWatchTest extends WatchContract {
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

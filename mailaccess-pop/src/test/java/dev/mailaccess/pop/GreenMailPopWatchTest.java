package dev.mailaccess.pop;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.WatchContract;

/** Mailbox.watch over POP3 against GreenMail. */
class GreenMailPopWatchTest extends WatchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Override
    protected Support expectedSupport() {
        return Support.EMULATED;
    }
}

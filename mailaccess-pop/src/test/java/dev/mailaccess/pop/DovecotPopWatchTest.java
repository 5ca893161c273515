package dev.mailaccess.pop;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.WatchContract;

/** Mailbox.watch over POP3 against Dovecot. */
class DovecotPopWatchTest extends WatchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
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

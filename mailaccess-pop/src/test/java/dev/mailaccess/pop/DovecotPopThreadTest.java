package dev.mailaccess.pop;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.ThreadDifferentialContract;

/** The differential threading test over POP3 against Dovecot: the emulation over TOP, and a POP3 replica offline. */
class DovecotPopThreadTest extends ThreadDifferentialContract {
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

package dev.mailaccess.pop;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import dev.mailaccess.testkit.SharedServers;

import java.util.Map;

/** The contract suite over POP3 against a real Dovecot, which has TOP, UIDL and PIPELINING. */
class DovecotPopContractTest extends MailboxContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Override
    protected Map<Capability, Support> expectedLiveSupport() {
        return PopExpectations.live(true);
    }
}

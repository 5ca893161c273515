package dev.mailaccess.pop;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import dev.mailaccess.testkit.SharedServers;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over POP3 against embedded GreenMail, whose CAPA lacks TOP (headers come via RETR). */
class GreenMailPopContractTest extends MailboxContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Override
    protected Map<Capability, Support> expectedLiveSupport() {
        return PopExpectations.live(false);
    }
}

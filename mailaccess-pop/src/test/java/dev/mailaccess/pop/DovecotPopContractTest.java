package dev.mailaccess.pop;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Map;

/** The contract suite over POP3 against a real Dovecot, which has TOP, UIDL and PIPELINING. */
class DovecotPopContractTest extends MailboxContract {
    private static DovecotFixture server;

    @BeforeAll
    static void start() {
        server = DovecotFixture.startOrSkip();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected MailServerFixture fixture() {
        return server;
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

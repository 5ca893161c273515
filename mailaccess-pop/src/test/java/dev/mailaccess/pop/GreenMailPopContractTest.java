package dev.mailaccess.pop;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over POP3 against embedded GreenMail, whose CAPA lacks TOP (headers come via RETR). */
class GreenMailPopContractTest extends MailboxContract {
    private static GreenMailFixture server;

    @BeforeAll
    static void start() {
        server = new GreenMailFixture();
    }

    @AfterAll
    static void stop() {
        server.close();
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
        return PopExpectations.live(false);
    }
}

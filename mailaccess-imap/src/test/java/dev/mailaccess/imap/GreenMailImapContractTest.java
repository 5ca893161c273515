package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over IMAP against embedded GreenMail (no CONDSTORE/QRESYNC). */
class GreenMailImapContractTest extends MailboxContract {
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
        return "imap";
    }

    @Override
    protected Map<Capability, Support> expectedLiveSupport() {
        Map<Capability, Support> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, Support.NATIVE);
        }
        m.put(Capability.QUICK_RESYNC, Support.UNSUPPORTED);
        return m;
    }
}

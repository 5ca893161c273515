package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over IMAP against a real Dovecot (CONDSTORE, QRESYNC, MOVE, SORT, IDLE, SPECIAL-USE). */
class DovecotImapContractTest extends MailboxContract {
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
        return "imap";
    }

    @Override
    protected Map<Capability, Support> expectedLiveSupport() {
        Map<Capability, Support> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, Support.NATIVE);
        }
        return m;
    }
}

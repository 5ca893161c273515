package dev.mailaccess.imap;

import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Offline mode over imap against Dovecot. */
class DovecotImapOfflineFetchTest extends OfflineFetchContract {
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
}

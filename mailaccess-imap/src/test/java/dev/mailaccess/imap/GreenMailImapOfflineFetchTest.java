package dev.mailaccess.imap;

import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Offline mode over imap against GreenMail. */
class GreenMailImapOfflineFetchTest extends OfflineFetchContract {
    private static GreenMailFixture server;

    @BeforeAll
    static void start() {
        server = new GreenMailFixture();
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

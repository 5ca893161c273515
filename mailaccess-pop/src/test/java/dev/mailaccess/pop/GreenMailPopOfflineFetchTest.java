package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import dev.mailaccess.testkit.SharedServers;

/** Offline mode over pop3 against GreenMail. */
class GreenMailPopOfflineFetchTest extends OfflineFetchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import dev.mailaccess.testkit.SharedServers;

/** Offline mode over imap against GreenMail. */
class GreenMailImapOfflineFetchTest extends OfflineFetchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "imap";
    }
}

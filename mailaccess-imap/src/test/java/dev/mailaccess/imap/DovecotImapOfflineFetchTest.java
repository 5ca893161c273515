package dev.mailaccess.imap;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import dev.mailaccess.testkit.SharedServers;

/** Offline mode over imap against Dovecot. */
class DovecotImapOfflineFetchTest extends OfflineFetchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "imap";
    }
}

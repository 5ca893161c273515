package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.OfflineFetchContract;
import dev.mailaccess.testkit.SharedServers;

/** Offline mode over pop3 against Dovecot. */
class DovecotPopOfflineFetchTest extends OfflineFetchContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }
}

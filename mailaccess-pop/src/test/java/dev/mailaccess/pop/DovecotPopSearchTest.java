package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.Pop3SearchDifferentialContract;
import dev.mailaccess.testkit.SharedServers;

/** The differential search test over POP3 against Dovecot. */
class DovecotPopSearchTest extends Pop3SearchDifferentialContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot(); // the contract seeds a user of its own
    }
}

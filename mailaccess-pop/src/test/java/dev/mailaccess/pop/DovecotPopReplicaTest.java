package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.Pop3ReplicaContract;
import dev.mailaccess.testkit.SharedServers;

/** Disconnected mode over pop3 against Dovecot. */
class DovecotPopReplicaTest extends Pop3ReplicaContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }
}

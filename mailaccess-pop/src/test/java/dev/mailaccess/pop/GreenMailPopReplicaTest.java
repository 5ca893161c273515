package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.Pop3ReplicaContract;
import dev.mailaccess.testkit.SharedServers;

/** Disconnected mode over pop3 against GreenMail. */
class GreenMailPopReplicaTest extends Pop3ReplicaContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }
}

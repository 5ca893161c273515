package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.ReplicaContract;
import dev.mailaccess.testkit.SharedServers;

/** Disconnected mode over pop3 against Dovecot. */
class DovecotPopReplicaTest extends ReplicaContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    /** About 3 s per 50-step sequence. */
    @Override
    protected int defaultSequences() {
        return 20;
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import dev.mailaccess.testkit.SharedServers;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over IMAP against a real Dovecot (CONDSTORE, QRESYNC, MOVE, SORT, IDLE, SPECIAL-USE). */
class DovecotImapContractTest extends MailboxContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Map<Capability, Support> expectedLiveSupport() {
        Map<Capability, Support> m = new EnumMap<>(Capability.class);
        for (Capability c : Capability.values()) {
            m.put(c, Support.NATIVE);
        }
        // the shared Dovecot: auth_mechanisms plain login, no imap_zlib, no quota plugin (ImapLoginMechanismsTest and
        // ImapCompressionQuotaTest start Dovecots that have them)
        m.put(Capability.SASL_LOGIN, Support.UNSUPPORTED);
        m.put(Capability.COMPRESSION, Support.UNSUPPORTED);
        m.put(Capability.QUOTA, Support.UNSUPPORTED);
        return m;
    }
}

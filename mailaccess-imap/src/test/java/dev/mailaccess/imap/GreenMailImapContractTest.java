package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.MailboxContract;
import dev.mailaccess.testkit.SharedServers;

import java.util.EnumMap;
import java.util.Map;

/** The contract suite over IMAP against embedded GreenMail (no CONDSTORE/QRESYNC). */
class GreenMailImapContractTest extends MailboxContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
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
        m.put(Capability.QUICK_RESYNC, Support.UNSUPPORTED);
        m.put(Capability.SASL_LOGIN, Support.UNSUPPORTED); // AUTH=XOAUTH2 only
        m.put(Capability.COMPRESSION, Support.UNSUPPORTED);
        // no THREAD, PREVIEW or NOTIFY: done here (IDLE on the first folder, the others polled, for WATCH)
        m.put(Capability.THREADS, Support.EMULATED);
        m.put(Capability.PREVIEW, Support.EMULATED);
        m.put(Capability.WATCH, Support.EMULATED);
        return m;
    }
}

package dev.mailaccess.pop;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.PreviewContract;
import dev.mailaccess.testkit.SharedServers;

/** Previews over POP3 against Dovecot: emulated over TOP. */
class DovecotPopPreviewTest extends PreviewContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Override
    protected Support expectedSupport() {
        return Support.EMULATED;
    }
}

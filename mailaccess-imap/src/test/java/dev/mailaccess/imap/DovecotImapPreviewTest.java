package dev.mailaccess.imap;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.PreviewContract;
import dev.mailaccess.testkit.SharedServers;

/** Previews over IMAP against Dovecot. */
class DovecotImapPreviewTest extends PreviewContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot();
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Support expectedSupport() {
        return Support.NATIVE;
    }
}

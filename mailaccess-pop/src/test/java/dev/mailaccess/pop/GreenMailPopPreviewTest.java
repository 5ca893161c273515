package dev.mailaccess.pop;

import dev.mailaccess.Support;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.PreviewContract;
import dev.mailaccess.testkit.SharedServers;

/** Previews over POP3 against GreenMail: emulated over RETR (GreenMail announces no TOP). */
class GreenMailPopPreviewTest extends PreviewContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail();
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

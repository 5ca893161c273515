package dev.mailaccess.imap;

import dev.mailaccess.testkit.TransportSecurityContract;

/** TLS, STARTTLS, trust, secrets, XOAUTH2 and timeouts over IMAP (Dovecot and GreenMail). */
class ImapTransportSecurityTest extends TransportSecurityContract {
    @Override
    protected String protocol() {
        return "imap";
    }
}

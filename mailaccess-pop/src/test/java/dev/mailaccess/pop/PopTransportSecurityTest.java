package dev.mailaccess.pop;

import dev.mailaccess.testkit.TransportSecurityContract;

/** TLS, STLS, trust, secrets, XOAUTH2 and timeouts over POP3 (Dovecot and GreenMail). */
class PopTransportSecurityTest extends TransportSecurityContract {
    @Override
    protected String protocol() {
        return "pop3";
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.testkit.ServerRefusalContract;

/** Dovecot's refusals over IMAP keep their meaning. */
class DovecotImapRefusalTest extends ServerRefusalContract {
    @Override
    protected String protocol() {
        return "imap";
    }
}

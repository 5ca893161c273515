package dev.mailaccess.pop;

import dev.mailaccess.testkit.ServerRefusalContract;

/** Dovecot's refusals over POP3 keep their meaning. */
class DovecotPopRefusalTest extends ServerRefusalContract {
    @Override
    protected String protocol() {
        return "pop3";
    }
}

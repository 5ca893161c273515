package dev.mailaccess.imap;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SearchDifferentialContract;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.SearchQueryGenerator.Kind;

import java.util.Map;

/** The differential search test over IMAP against a real Dovecot. */
class DovecotImapSearchTest extends SearchDifferentialContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.dovecot(); // the contract seeds a user of its own
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Map<Kind, String> knownDifferences() {
        return Map.of(Kind.ADDRESS_APOSTROPHE, "Dovecot matches from/to/cc/bcc against its own re-written address "
                + "list, where the display name \"Dave O'Brien\" no longer holds O'Brien contiguously: cc:Brien and "
                + "cc:' match, cc:O'Brien does not (text:O'Brien and header:Cc=O'Brien do)");
    }
}

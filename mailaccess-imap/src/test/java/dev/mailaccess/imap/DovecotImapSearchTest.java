package dev.mailaccess.imap;

import dev.mailaccess.testkit.DovecotFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SearchDifferentialContract;
import dev.mailaccess.testkit.SearchQueryGenerator.Kind;
import org.junit.jupiter.api.AfterAll;

import java.util.Map;

/** The differential search test over IMAP against a real Dovecot. */
class DovecotImapSearchTest extends SearchDifferentialContract {
    private DovecotFixture server;

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected MailServerFixture fixture() {
        if (server == null) {
            server = DovecotFixture.startOrSkip(); // started before the contract's @BeforeAll seeds it
        }
        return server;
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

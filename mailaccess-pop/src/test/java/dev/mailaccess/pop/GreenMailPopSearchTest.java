package dev.mailaccess.pop;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.Pop3SearchDifferentialContract;
import dev.mailaccess.testkit.SearchQueryGenerator.Kind;
import dev.mailaccess.testkit.SharedServers;

import java.util.Map;

/** The differential search test over POP3 against GreenMail. */
class GreenMailPopSearchTest extends Pop3SearchDifferentialContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail(); // the contract seeds a user of its own
    }

    @Override
    protected Map<Kind, String> knownDifferences() {
        Map<Kind, String> m = super.knownDifferences();
        m.put(Kind.SIZE, "GreenMail's POP3 LIST reports the body size only, not the RFC822.SIZE of its IMAP FETCH");
        return m;
    }
}

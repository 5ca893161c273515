package dev.mailaccess.pop;

import dev.mailaccess.testkit.GreenMailFixture;
import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SearchDifferentialContract;
import dev.mailaccess.testkit.SearchQueryGenerator.Kind;
import org.junit.jupiter.api.AfterAll;

import java.util.HashMap;
import java.util.Map;

/**
 * The differential search test over POP3 against GreenMail: every search is emulated locally (TOP for headers, RETR for
 * bodies) and must equal the local evaluation of the IMAP copy of the same corpus. Each query downloads what it needs
 * from the whole maildrop, so fewer queries run than on IMAP (system property {@code mailaccess.searchQueriesPop},
 * default 15).
 */
class GreenMailPopSearchTest extends SearchDifferentialContract {
    private GreenMailFixture server;

    @Override
    protected MailServerFixture fixture() {
        if (server == null) {
            server = new GreenMailFixture(); // started before the contract's @BeforeAll seeds it
        }
        return server;
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected String protocol() {
        return "pop3";
    }

    @Override
    protected int queryCount() {
        return Integer.getInteger("mailaccess.searchQueriesPop", 15);
    }

    @Override
    protected Map<Kind, String> knownDifferences() {
        Map<Kind, String> m = new HashMap<>();
        m.put(Kind.FLAG, "POP3 keeps no flags: flag: queries are refused (tested separately), a replica answers them");
        m.put(Kind.KEYWORD, "POP3 keeps no keywords: refused like flags");
        m.put(Kind.RECEIVED_DATE, "POP3 has no internal date: the emulation uses the newest Received header, then "
                + "the Date header, while IMAP uses the server's internal date");
        m.put(Kind.REF, "refs are per protocol (UIDL vs UID): a ref: set of one session means nothing in the other");
        m.put(Kind.SIZE, "GreenMail's POP3 LIST reports the body size only, not the RFC822.SIZE of its IMAP FETCH");
        return m;
    }
}

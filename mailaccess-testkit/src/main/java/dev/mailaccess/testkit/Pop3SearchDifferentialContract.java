package dev.mailaccess.testkit;

import dev.mailaccess.testkit.SearchQueryGenerator.Kind;

import java.util.HashMap;
import java.util.Map;

/**
 * The differential search test over POP3: every search is emulated locally (TOP for headers, RETR for bodies) and
 * must equal the local evaluation of the IMAP copy of the same corpus. Each query downloads what it needs from the
 * whole maildrop, so fewer queries run than on IMAP (system property {@code mailaccess.searchQueriesPop}, default
 * 15). What POP3 cannot answer at all is named here; a server's own differences are added by its subclass.
 */
public abstract class Pop3SearchDifferentialContract extends SearchDifferentialContract {
    @Override
    protected final String protocol() {
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
        return m;
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.testkit.MailServerFixture;
import dev.mailaccess.testkit.SearchDifferentialContract;
import dev.mailaccess.testkit.SharedServers;
import dev.mailaccess.testkit.SearchQueryGenerator.Kind;

import java.util.Map;

/** The differential search test over IMAP against embedded GreenMail. */
class GreenMailImapSearchTest extends SearchDifferentialContract {
    @Override
    protected MailServerFixture fixture() {
        return SharedServers.greenMail(); // the contract seeds a user of its own
    }

    @Override
    protected String protocol() {
        return "imap";
    }

    @Override
    protected Map<Kind, String> knownDifferences() {
        return Map.of(
                Kind.NON_ASCII_HEADER, "GreenMail does not match non-ASCII text in raw (unencoded) UTF-8 header "
                        + "values; RFC 2047 words it decodes",
                Kind.SENT_DATE, "GreenMail: a message without a parsable Date matches no sent-date criterion "
                        + "(Dovecot and the local evaluation count it as sent on 1970-01-01)",
                Kind.RECEIVED_DATE, "GreenMail's ON/BEFORE/SINCE on the internal date do not compare by day "
                        + "(received-on: of today finds nothing)",
                Kind.ADDRESS_SUBSTRING, "GreenMail matches from/to/cc/bcc only against a whole address",
                Kind.ADDRESS_APOSTROPHE, "GreenMail matches from/to/cc/bcc only against a whole address",
                Kind.TEXT, "GreenMail's TEXT does not search the headers of MIME parts (an attachment's file name) "
                        + "and misses some decoded text that BODY and SUBJECT find",
                Kind.SIZE, "GreenMail's LARGER/SMALLER compare a size other than the RFC822.SIZE its FETCH reports");
    }
}

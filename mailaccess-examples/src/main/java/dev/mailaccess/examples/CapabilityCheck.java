package dev.mailaccess.examples;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.Credentials;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageRef;
import dev.mailaccess.search.SearchQuery;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;

/**
 * Asks before it acts: searches the inbox on the server only if the session says the server can search, and
 * otherwise explains why not, instead of catching an exception.
 *
 * <pre>
 * MAILACCESS_PASSWORD=secret java -cp mailaccess.jar dev.mailaccess.examples.CapabilityCheck pop3s://alice@mail.example.org
 * </pre>
 *
 * <p>{@code isUsable(SERVER_SEARCH, false)} is true only for a native server search. On POP3 search is
 * {@code EMULATED} (every message is downloaded and searched locally), so this example declines and prints the reason;
 * a caller who accepts that cost passes {@code true}, or sets {@code allowEmulation(true)} in the configuration.
 */
public final class CapabilityCheck {
    private CapabilityCheck() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: CapabilityCheck URL   (password in $MAILACCESS_PASSWORD)");
            System.exit(2);
        }
        MailboxConfig config = MailboxConfig.fromUri(URI.create(args[0]))
                .credentials(Credentials.password(System.getenv("MAILACCESS_PASSWORD")))
                .build();
        run(config, SearchQuery.subject("invoice"), System.out);
    }

    /**
     * Searches if the server can; returns the hits, or null after explaining why it did not search.
     */
    public static List<MessageRef> run(MailboxConfig config, SearchQuery query, PrintStream out) {
        try (Mailbox mailbox = MailAccess.connect(config)) {
            if (!mailbox.capabilities().isUsable(Capability.SERVER_SEARCH, false)) {
                CapabilityInfo info = mailbox.capabilities().info(Capability.SERVER_SEARCH);
                out.println("not searching: SERVER_SEARCH is " + info.support() + " on "
                        + mailbox.capabilities().protocol() + " (" + info.reason() + ")");
                return null;
            }
            try (MailFolder inbox = mailbox.inbox()) {
                List<MessageRef> hits = inbox.search(query);
                out.println(hits.size() + " message(s) match: " + hits);
                return hits;
            }
        }
    }
}

package dev.mailaccess.examples;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Credentials;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageSummary;

import java.io.PrintStream;
import java.net.URI;
import java.util.List;

/**
 * Opens a mailbox and prints the ten newest messages of the inbox, newest first.
 *
 * <pre>
 * MAILACCESS_PASSWORD=secret java -cp mailaccess.jar dev.mailaccess.examples.OpenAndList imaps://alice@mail.example.org
 * </pre>
 *
 * <p>The same code works for {@code pop3s://} URLs, with one difference the capabilities announce: POP3 keeps no
 * flags on the server, so the listing asks for flags only where {@code SERVER_FLAGS} is usable (asking anyway would
 * throw {@link dev.mailaccess.UnsupportedCapabilityException} before any I/O).
 */
public final class OpenAndList {
    private OpenAndList() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: OpenAndList URL   (password in $MAILACCESS_PASSWORD)");
            System.exit(2);
        }
        MailboxConfig config = MailboxConfig.fromUri(URI.create(args[0]))
                .credentials(Credentials.password(System.getenv("MAILACCESS_PASSWORD")))
                .build();
        run(config, System.out);
    }

    /** Lists the ten newest messages of the inbox, newest first. */
    public static void run(MailboxConfig config, PrintStream out) {
        try (Mailbox mailbox = MailAccess.connect(config);
             MailFolder inbox = mailbox.inbox()) {
            // Best-effort: what this session cannot give is left out instead of refused. POP3 keeps no flags, and a
            // POP3 server without TOP can give headers only by downloading whole messages (EMULATED), which needs
            // allowEmulation(true).
            FetchSpec spec = FetchSpec.LIST.bestEffort();
            CapabilitySet caps = mailbox.capabilities();
            if (!spec.narrowedTo(caps, config.allowEmulation()).has(FetchSpec.Item.ENVELOPE)) {
                out.println("(no subjects: " + caps.info(Capability.HEADERS).reason() + ")");
            }
            // One batched request for all ten; the result is oldest first.
            List<MessageSummary> newest = inbox.newest(10, spec);
            for (int i = newest.size() - 1; i >= 0; i--) {
                MessageSummary s = newest.get(i);
                if (s.envelope() == null) {
                    out.printf("%-24s %8d bytes%n", s.ref(), s.size());
                } else {
                    String from = s.envelope().from().isEmpty() ? "" : s.envelope().from().get(0).toString();
                    out.printf("%-24s %-30s %s%n", s.ref(), from, s.envelope().subject());
                }
            }
        }
    }
}

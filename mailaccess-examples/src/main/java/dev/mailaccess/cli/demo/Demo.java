package dev.mailaccess.cli.demo;

import dev.mailaccess.AccessMode;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.cli.CapabilityTable;
import dev.mailaccess.cli.FlagNames;
import dev.mailaccess.cli.ListingSpec;
import dev.mailaccess.cli.TextTable;
import dev.mailaccess.search.QueryParser;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.testkit.GreenMailFixture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@code mailaccess demo}: starts an embedded GreenMail on loopback, fills a mailbox, and walks through the same
 * operations over POP3 and over IMAP, printing what each protocol does natively, emulates, or cannot do.
 */
public final class Demo {
    private static final String SEARCH = "subject:Grüße";
    private final PrintStream out;

    public Demo(PrintStream out) {
        this.out = out;
    }

    /** Runs the whole walkthrough; the server stops at the end. */
    public void run() {
        long start = System.nanoTime();
        try (GreenMailFixture server = new GreenMailFixture()) {
            String user = server.newUser();
            List<byte[]> mail = DemoMail.messages();
            for (int i = 0; i < mail.size(); i++) {
                server.deliver(user, "INBOX", mail.get(i), i < 2 ? Flags.of(Flag.SEEN) : Flags.NONE);
            }
            MailboxConfig imap = server.config("imap", user).build();
            MailboxConfig pop3 = server.config("pop3", user).allowEmulation(true).build();

            out.println("mailaccess demo");
            out.println("===============");
            out.println("An embedded GreenMail server runs on loopback: " + imap.displayUri() + " and "
                    + pop3.displayUri() + ",");
            out.println(mail.size() + " messages delivered to " + user + ". Both connections are cleartext "
                    + "(TlsMode.NONE, loopback only).");
            out.println("The POP3 session allows emulation (MailboxConfig.allowEmulation(true), --emulate on the "
                    + "command line),");
            out.println("so EMULATED operations run there; each one's reason says what it costs. The IMAP session "
                    + "does not allow it.");

            section(1, "What each protocol can do, before connecting (MailAccess.capabilitiesOf)");
            out.print(CapabilityTable.pop3VersusImap().toText());

            try (Mailbox popBox = MailAccess.connect(pop3); Mailbox imapBox = MailAccess.connect(imap);
                 MailFolder popInbox = popBox.inbox();
                 MailFolder imapInbox = imapBox.folder("INBOX", AccessMode.READ_ONLY)) {
                List<MessageSummary> imapList = listing(imapBox, imapInbox);
                List<MessageSummary> popList = listing(popBox, popInbox);
                section(2, "The inbox, newest first, one batched request per protocol (MailFolder.newest)");
                out.print(SideBySide.render(column("POP3", popBox, popList), column("IMAP", imapBox, imapList),
                        "  |  "));
                out.println("POP3 refs are the server's UIDL and POP3 keeps no flags; IMAP refs are "
                        + "UIDVALIDITY:UID and flags live on the server.");
                CapabilityInfo headers = popBox.capabilities().info(Capability.HEADERS);
                out.println("POP3 HEADERS is " + headers.support() + " here (" + headers.reason() + ").");
                if (headers.support() == Support.EMULATED) {
                    out.println("(GreenMail marks a message \\Seen when POP3 downloads it with RETR, so from now "
                            + "on IMAP shows these messages as seen.)");
                }

                section(3, "Flags that persist (MailFolder.addFlags)");
                flags(imap, bySubject(imapList, "Re: Lunch on Friday?"), popBox, popInbox,
                        bySubject(popList, "Re: Lunch on Friday?"));

                section(4, "One attachment (MailFolder.openPart)");
                attachment("IMAP", imapBox, imapInbox, bySubject(imapList, DemoMail.ATTACHMENT_SUBJECT));
                attachment("POP3", popBox, popInbox, bySubject(popList, DemoMail.ATTACHMENT_SUBJECT));

                section(5, "Search " + SEARCH + " (MailFolder.search)");
                SearchQuery query = QueryParser.parse(SEARCH);
                search("IMAP", imapBox, imapInbox, query);
                search("POP3", popBox, popInbox, query);
            }
        }
        out.println();
        out.printf(Locale.ROOT, "Done in %.1f s. Try it on your own account:%n",
                (System.nanoTime() - start) / 1e9);
        out.println("  mailaccess capabilities imaps://you@mail.example.org");
        out.println("  mailaccess list imaps://you@mail.example.org --limit 10");
        out.println("See README.md (the capability table, the three access modes, and the library API).");
    }

    private void section(int n, String title) {
        out.println();
        out.println(n + ". " + title);
        out.println("-".repeat(n < 10 ? title.length() + 3 : title.length() + 4));
    }

    private static List<MessageSummary> listing(Mailbox mb, MailFolder folder) {
        List<MessageSummary> list = new ArrayList<>(folder.newest(20, ListingSpec.LISTING));
        Collections.reverse(list);
        return list;
    }

    private static List<String> column(String title, Mailbox mb, List<MessageSummary> list) {
        TextTable t = new TextTable(title + " REF", "SUBJECT", "FLAGS");
        boolean flags = mb.capabilities().isUsable(Capability.SERVER_FLAGS, mb.config().allowEmulation());
        for (MessageSummary s : list) {
            String subject = s.envelope() == null ? "(headers not fetched)" : s.envelope().subject();
            t.row(s.ref().toString(), TextTable.cut(subject, 24),
                    flags ? String.join(" ", FlagNames.of(s.flags())) : "n/a");
        }
        return t.toString().lines().toList();
    }

    private static MessageRef bySubject(List<MessageSummary> list, String subject) {
        return list.stream().filter(s -> s.envelope() != null && subject.equals(s.envelope().subject()))
                .map(MessageSummary::ref).findFirst()
                .orElseThrow(() -> new IllegalStateException("demo message not found: " + subject));
    }

    private void flags(MailboxConfig imap, MessageRef imapRef, Mailbox popBox, MailFolder popInbox,
                       MessageRef popRef) {
        Flags before;
        try (Mailbox mb = MailAccess.connect(imap); MailFolder inbox = mb.inbox()) {
            before = inbox.summaries(List.of(imapRef), FetchSpec.of(FetchSpec.Item.FLAGS)).get(0).flags();
            inbox.addFlags(List.of(imapRef), Flags.of(Flag.FLAGGED));
        }
        Flags after;
        try (Mailbox mb = MailAccess.connect(imap); MailFolder inbox = mb.folder("INBOX", AccessMode.READ_ONLY)) {
            after = inbox.summaries(List.of(imapRef), FetchSpec.of(FetchSpec.Item.FLAGS)).get(0).flags();
        }
        out.println("IMAP: flags " + FlagNames.of(before) + "; addFlags(" + imapRef + ", FLAGGED), disconnect, "
                + "reconnect, read flags: " + FlagNames.of(after));
        try {
            popInbox.addFlags(List.of(popRef), Flags.of(Flag.FLAGGED));
            CapabilityInfo info = popBox.capabilities().info(Capability.SERVER_FLAGS);
            out.println("POP3: addFlags(" + popRef + ", FLAGGED) ran: SERVER_FLAGS is " + info.support() + " ("
                    + info.reason() + ")");
        } catch (UnsupportedCapabilityException e) {
            out.println("POP3: addFlags(" + popRef + ", FLAGGED) throws UnsupportedCapabilityException, "
                    + "before any I/O:");
            out.println("      " + e.getMessage());
        }
    }

    private void attachment(String label, Mailbox mb, MailFolder inbox, MessageRef ref) {
        CapabilityInfo info = mb.capabilities().info(Capability.BODY_PART);
        out.println(label + ": BODY_PART is " + info.support() + " (" + info.reason() + ")");
        MessageSummary s = inbox.summaries(List.of(ref), FetchSpec.of(FetchSpec.Item.STRUCTURE,
                FetchSpec.Item.SIZE)).get(0);
        BodyPart part = s.structure().flatten().stream().filter(BodyPart::isAttachment).findFirst()
                .orElseThrow(() -> new IllegalStateException("no attachment in " + ref));
        long bytes;
        try (InputStream in = inbox.openPart(ref, part.path())) {
            bytes = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("      openPart(" + ref + ", \"" + part.path() + "\") -> " + part.fileName() + " ("
                + part.contentType() + "), " + bytes + " bytes decoded; the whole message is " + s.size()
                + " bytes");
    }

    private void search(String label, Mailbox mb, MailFolder inbox, SearchQuery query) {
        CapabilityInfo info = mb.capabilities().info(Capability.SERVER_SEARCH);
        List<MessageRef> hits = inbox.search(query);
        List<String> subjects = hits.isEmpty() ? List.of() : inbox.summaries(hits, ListingSpec.LISTING).stream()
                .map(s -> s.ref() + " \"" + (s.envelope() == null ? "?" : s.envelope().subject()) + "\"").toList();
        out.println(label + ": SERVER_SEARCH is " + info.support() + " (" + info.reason() + ")");
        out.println("      " + hits.size() + " hit(s): " + String.join(", ", subjects));
    }
}

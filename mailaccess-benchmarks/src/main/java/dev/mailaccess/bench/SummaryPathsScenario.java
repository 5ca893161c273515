package dev.mailaccess.bench;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.testkit.LoopbackProxy;

import java.time.Duration;
import java.util.List;

/**
 * Scenario 8: every way to read summaries, not only the whole-folder listing scenario 1 measures, each against a raw
 * socket doing the same commands: the newest messages ({@code newest}, what the README's tour and the CLI's
 * {@code list} call), chosen messages ({@code summaries(refs)}), a listing with MIME structure and a header field, and
 * the changes since a MODSEQ ({@code changesSince} naming every message as changed; the floor reselects with QRESYNC
 * and then fetches the rest, as a client without the VANISHED modifier would). Warm, in one JVM; target 1.3× each
 * floor, commands constant in the folder's size. A run takes about 0.1 s, so one scheduler hiccup on a shared machine
 * moves a median of 5 by a tenth: each row takes three times the warm-ups and counted runs of the other scenarios.
 */
final class SummaryPathsScenario {
    static final String SCENARIO = "8 summary paths";
    private static final String ITEMS = "UID FLAGS ENVELOPE RFC822.SIZE INTERNALDATE";
    private static final String RICH_ITEMS = ITEMS + " BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (List-Id)]";
    private static final FetchSpec RICH = FetchSpec.LIST.with(FetchSpec.Item.STRUCTURE).withHeaders("List-Id");

    private final Bench b;
    private final String user;

    SummaryPathsScenario(Bench b, String user) {
        this.b = b;
        this.user = user;
    }

    /** One way to read summaries: the floor's commands and mailaccess's call, each returning the messages read. */
    private interface Path {
        long run(LoopbackProxy proxy) throws Exception;
    }

    void run() throws Exception {
        int n = b.settings.listSize();
        String size = n + " msgs";
        long uidValidity;
        List<MessageRef> refs;
        try (Mailbox mb = MailAccess.connect(b.dovecot.config("imap", user).build()); MailFolder inbox = mb.inbox()) {
            uidValidity = mb.status("INBOX").uidValidity();
            refs = inbox.refs();
        }
        String set = "1:" + refs.get(refs.size() - 1).uid();
        row(size, "newest(" + n + ", LIST)", "FETCH 1:" + n + " (" + ITEMS + ")",
                proxy -> floor(proxy, "FETCH 1:" + n + " (" + ITEMS + ")"),
                proxy -> inbox(proxy, f -> f.newest(n, FetchSpec.LIST).size()));
        row(size, "summaries(" + n + " refs, LIST)", "UID FETCH " + set + " (" + ITEMS + ")",
                proxy -> floor(proxy, "UID FETCH " + set + " (" + ITEMS + ")"),
                proxy -> inbox(proxy, f -> f.summaries(refs, FetchSpec.LIST).size()));
        row(size, "summaries(LIST + STRUCTURE + List-Id)", "UID FETCH 1:* (" + RICH_ITEMS + ")",
                proxy -> floor(proxy, "UID FETCH 1:* (" + RICH_ITEMS + ")"),
                proxy -> inbox(proxy, f -> f.summaries(RICH).size()));
        row(size, "changesSince(MODSEQ 1, LIST), QRESYNC", "SELECT (QRESYNC) + UID FETCH " + set,
                proxy -> {
                    try (RawImap imap = login(proxy)) {
                        imap.command("ENABLE QRESYNC", null);
                        long changed = imap.command("SELECT INBOX (QRESYNC (" + uidValidity + " 1))", null) - 5;
                        imap.command("UID FETCH " + set + " (" + ITEMS + ")", null);
                        return Math.min(changed, n);
                    }
                },
                proxy -> inbox(proxy, f -> {
                    FolderChanges c = f.changesSince(uidValidity, 1, FetchSpec.LIST);
                    return c.changed().size();
                }));
    }

    private void row(String size, String what, String floorCommands, Path floor, Path mine) throws Exception {
        String tool = "mailaccess " + what;
        b.log(SCENARIO + ": " + what);
        int n = b.settings.listSize();
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            Stats[] pair = Measure.alternate(SCENARIO + " floor " + what, () -> sample(proxy, floor),
                    SCENARIO + " " + what, () -> sample(proxy, mine), 3 * b.settings.warmups(), 3 * b.settings.runs(), -1);
            double ratio = pair[1].median() / pair[0].median();
            b.report.add(new Row(SCENARIO, size, "floor: raw socket, " + floorCommands, pair[0], pair[0].median(),
                    pair[0].commandsText(), "", "", "", ""));
            b.report.add(new Row(SCENARIO, size, tool, pair[1], pair[0].median(), pair[1].commandsText(), "",
                    "≤ 1.3× floor", Bench.met(ratio <= 1.3), alloc(pair[1]) + " (" + n + " messages); "
                    + 3 * b.settings.warmups() + " warm-ups + " + 3 * b.settings.runs() + " runs"));
        }
    }

    private static Sample sample(LoopbackProxy proxy, Path path) throws Exception {
        proxy.resetCounts();
        long t0 = System.nanoTime();
        long items = path.run(proxy);
        return new Sample(Measure.since(t0), proxy.commandCount(), items);
    }

    private RawImap login(LoopbackProxy proxy) throws Exception {
        RawImap imap = new RawImap(b.dovecot.host(), proxy.port());
        imap.login(user, b.dovecot.password(user));
        return imap;
    }

    private long floor(LoopbackProxy proxy, String command) throws Exception {
        try (RawImap imap = login(proxy)) {
            imap.select("INBOX", false);
            return imap.command(command, null);
        }
    }

    private interface OnInbox {
        long run(MailFolder inbox);
    }

    private long inbox(LoopbackProxy proxy, OnInbox body) {
        try (Mailbox mb = MailAccess.connect(b.config("imap", user, proxy)); MailFolder inbox = mb.inbox()) {
            return body.run(inbox);
        }
    }

    private static String alloc(Stats st) {
        long a = st.medianAllocated();
        return a < 0 ? "" : "allocated " + Bench.mib(a) + " per run (calling thread)";
    }
}

package dev.mailaccess.bench;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.testkit.LoopbackProxy;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

/** Scenarios 1 and 2: list the summaries of a folder over IMAP, without and with added latency. */
final class ListScenario {
    private final Bench b;
    private final String bigUser;
    private final String smallUser;

    ListScenario(Bench b, String bigUser, String smallUser) {
        this.b = b;
        this.bigUser = bigUser;
        this.smallUser = smallUser;
    }

    void run(String scenario, Duration latency, double limit) throws Exception {
        Settings s = b.settings;
        boolean delayed = !latency.isZero();
        String lat = delayed ? ", +" + latency.toMillis() + " ms RTT" : "";
        // the big folder
        String size = s.listSize() + " msgs" + lat;
        Stats floor = measure(scenario + " floor", bigUser, s.listSize(), latency, Tool.FLOOR, s.warmups());
        Stats mine = measure(scenario + " mailaccess", bigUser, s.listSize(), latency, Tool.MAILACCESS, s.warmups());
        Stats tuned = measure(scenario + " angus tuned", bigUser, s.listSize(), latency, Tool.ANGUS_TUNED, s.warmups());
        // the small folder: constant commands, and naive Angus
        String small = s.naiveSize() + " msgs" + lat;
        Stats floorSmall = measure(scenario + " floor", smallUser, s.naiveSize(), latency, Tool.FLOOR, s.warmups());
        Stats mineSmall = measure(scenario + " mailaccess", smallUser, s.naiveSize(), latency, Tool.MAILACCESS,
                s.warmups());
        Stats tunedSmall = measure(scenario + " angus tuned", smallUser, s.naiveSize(), latency, Tool.ANGUS_TUNED,
                s.warmups());
        // naive Angus pays the latency once per message and field: warming it up would only repeat the sleep
        Stats naive = measure(scenario + " angus naive", smallUser, s.naiveSize(), latency, Tool.ANGUS_NAIVE,
                delayed ? 0 : s.warmups());

        boolean constant = mine.medianCommands() == mineSmall.medianCommands();
        double ratio = mine.median() / floor.median();
        String target = "≤ " + limit + "× floor" + (delayed ? "" : "; commands constant in size");
        b.report.add(new Row(scenario, size, "floor: raw socket, 1 UID FETCH", floor, floor.median(),
                floor.commandsText(), "", "", "", alloc(floor)));
        b.report.add(new Row(scenario, size, "mailaccess summaries(LIST)", mine, floor.median(), mine.commandsText(),
                "", target, Bench.met(ratio <= limit && (delayed || constant)),
                alloc(mine) + "; commands at " + s.naiveSize() + " msgs: " + mineSmall.commandsText()));
        b.report.add(new Row(scenario, size, "Angus tuned (FetchProfile)", tuned, floor.median(),
                tuned.commandsText(), "", "", "", alloc(tuned)));
        b.report.add(new Row(scenario, small, "floor: raw socket, 1 UID FETCH", floorSmall, floorSmall.median(),
                floorSmall.commandsText(), "", "", "", alloc(floorSmall)));
        b.report.add(new Row(scenario, small, "mailaccess summaries(LIST)", mineSmall, floorSmall.median(),
                mineSmall.commandsText(), "", "", "", alloc(mineSmall)));
        b.report.add(new Row(scenario, small, "Angus tuned (FetchProfile)", tunedSmall, floorSmall.median(),
                tunedSmall.commandsText(), "", "", "", alloc(tunedSmall)));
        double perMessageMs = naive.median() * 1000 / s.naiveSize();
        b.report.add(new Row(scenario, small, "Angus naive (getters, no fetch)", naive, floorSmall.median(),
                naive.commandsText(), "", "", "",
                Bench.fmt("%.2f ms per message, %.1f commands per message", perMessageMs,
                        naive.medianCommands() / (double) s.naiveSize())
                        + (delayed ? "; no warm-up (latency-bound)" : "")));
    }

    private static String alloc(Stats st) {
        long a = st.medianAllocated();
        return a < 0 ? "" : "allocated " + Bench.mib(a) + " per run (calling thread)";
    }

    enum Tool { FLOOR, MAILACCESS, ANGUS_TUNED, ANGUS_NAIVE }

    private Stats measure(String what, String user, int expected, Duration latency, Tool tool, int warmups)
            throws Exception {
        b.log(what + " on " + expected + " messages" + (latency.isZero() ? "" : " +" + latency.toMillis() + " ms"));
        StringBuilder lastCommands = new StringBuilder();
        try (LoopbackProxy proxy = b.proxy("imap", latency)) {
            return Measure.repeat(what, warmups, b.settings.runs(), expected, () -> {
                proxy.resetCounts();
                long t0 = System.nanoTime();
                long items = switch (tool) {
                    case FLOOR -> floor(proxy, user);
                    case MAILACCESS -> mailaccess(proxy, user);
                    case ANGUS_TUNED -> angus(proxy, user, true);
                    case ANGUS_NAIVE -> angus(proxy, user, false);
                };
                double secs = Measure.since(t0);
                lastCommands.setLength(0);
                lastCommands.append(Bench.commandsSummary(proxy.commands()));
                return new Sample(secs, proxy.commandCount(), items);
            });
        } finally {
            b.log("  commands of the last run: " + lastCommands);
        }
    }

    private long floor(LoopbackProxy proxy, String user) throws Exception {
        try (RawImap imap = new RawImap(b.dovecot.host(), proxy.port())) {
            imap.login(user, b.dovecot.password(user));
            imap.select("INBOX", false);
            return imap.fetchSummaries();
        }
    }

    private long mailaccess(LoopbackProxy proxy, String user) {
        try (Mailbox mb = MailAccess.connect(b.config("imap", user, proxy));
             MailFolder inbox = mb.inbox()) {
            List<MessageSummary> list = inbox.summaries(FetchSpec.LIST);
            return list.size();
        }
    }

    static Session angusSession() {
        Properties p = new Properties();
        p.put("mail.imap.connectiontimeout", "20000");
        p.put("mail.imap.timeout", "120000");
        return Session.getInstance(p);
    }

    private long angus(LoopbackProxy proxy, String user, boolean tuned) throws Exception {
        Store store = angusSession().getStore("imap");
        store.connect(b.dovecot.host(), proxy.port(), user, b.dovecot.password(user));
        try {
            IMAPFolder f = (IMAPFolder) store.getFolder("INBOX");
            f.open(Folder.READ_WRITE); // SELECT, like the floor and mailaccess's inbox()
            try {
                Message[] msgs = f.getMessages();
                if (tuned) {
                    FetchProfile fp = new FetchProfile();
                    fp.add(FetchProfile.Item.ENVELOPE);
                    fp.add(FetchProfile.Item.FLAGS);
                    fp.add(FetchProfile.Item.SIZE);
                    fp.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
                    fp.add(UIDFolder.FetchProfileItem.UID);
                    f.fetch(msgs, fp);
                }
                long n = 0;
                for (Message m : msgs) {
                    long uid = f.getUID(m);
                    Flags flags = m.getFlags();
                    Object[] fields = {m.getFrom(), m.getSubject(), m.getSentDate(), m.getReceivedDate(), flags,
                            m.getSize(), uid};
                    if (fields.length == 7 && uid > 0) {
                        n++;
                    }
                }
                return n;
            } finally {
                f.close(false);
            }
        } finally {
            store.close();
        }
    }
}

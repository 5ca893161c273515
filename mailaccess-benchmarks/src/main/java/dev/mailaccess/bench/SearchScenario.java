package dev.mailaccess.bench;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.testkit.LoopbackProxy;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** Scenario 6: a subject substring search on the listing folder, on the server and on the client. */
final class SearchScenario {
    private final Bench b;
    private final String user;

    SearchScenario(Bench b, String user) {
        this.b = b;
        this.user = user;
    }

    /** A term that matches a handful of the numbered messages ("Message n") whatever the folder size. */
    static String term(int size) {
        return size >= 1000 ? "Message 123" : "Message 1";
    }

    static long expected(int size, String term) {
        long n = 0;
        for (int i = 1; i <= size; i++) {
            if (("Message " + i).toLowerCase(Locale.ROOT).contains(term.toLowerCase(Locale.ROOT))) {
                n++;
            }
        }
        return n;
    }

    void run() throws Exception {
        int size = b.settings.listSize();
        String term = term(size);
        long expected = expected(size, term);
        String scenario = "6 search subject";
        String label = size + " msgs, " + expected + " hits";
        Stats floor = measure("6 floor", expected, () -> floor(term));
        Stats server = measure("6 mailaccess server", expected, () -> server(term));
        Stats local = measure("6 mailaccess client-side", expected, () -> clientSide(term));
        b.report.add(new Row(scenario, label, "floor: raw UID SEARCH SUBJECT", floor, floor.median(),
                floor.commandsText(), "", "", "", ""));
        b.report.add(new Row(scenario, label, "mailaccess search(query) (planned, the default)", server, floor.median(),
                server.commandsText(), "", "", "", ""));
        b.report.add(new Row(scenario, label, "hand-made client-side: Subject headers fetched, matched here",
                local, floor.median(), local.commandsText(), "", "", "",
                Bench.fmt("client-side takes %.1f× the server-side time", local.median() / server.median())));
        Stats serverOnly = measure("6 mailaccess SERVER_ONLY", expected, () -> mode(term, SearchMode.SERVER_ONLY));
        Stats localOnly = measure("6 mailaccess LOCAL_ONLY", expected, () -> mode(term, SearchMode.LOCAL_ONLY));
        Stats planned = measure("6 mailaccess PLANNED", expected, () -> mode(term, SearchMode.PLANNED));
        SearchPlan plan = plan(term, SearchMode.PLANNED);
        boolean serverFaster = serverOnly.median() <= localOnly.median();
        boolean choseServer = !plan.hasLocalPart();
        b.report.add(new Row(scenario, label, "mailaccess search(SERVER_ONLY)", serverOnly, floor.median(),
                serverOnly.commandsText(), "", "", "", ""));
        b.report.add(new Row(scenario, label, "mailaccess search(LOCAL_ONLY)", localOnly, floor.median(),
                localOnly.commandsText(), "", "", "", "local data: " + plan(term, SearchMode.LOCAL_ONLY).localData()));
        b.report.add(new Row(scenario, label, "mailaccess search(PLANNED): the planner's choice", planned,
                floor.median(), planned.commandsText(), "", "planner picks the faster",
                Bench.met(choseServer == serverFaster),
                "chose " + (choseServer ? "the server" : "local evaluation (" + plan.localData() + ")")
                        + Bench.fmt("; measured: server-only %.3f s, local-only %.3f s", serverOnly.median(),
                        localOnly.median())
                        + "; plan: " + plan.serverCommand()));
    }

    private SearchPlan plan(String term, SearchMode mode) {
        try (Mailbox mb = MailAccess.connect(b.dovecot.config("imap", user).build());
             MailFolder inbox = mb.inbox()) {
            return inbox.plan(SearchQuery.subject(term), mode);
        }
    }

    private Search mode(String term, SearchMode mode) {
        return proxy -> {
            try (Mailbox mb = MailAccess.connect(b.config("imap", user, proxy));
                 MailFolder inbox = mb.inbox()) {
                return inbox.search(SearchQuery.subject(term), mode).size();
            }
        };
    }

    @FunctionalInterface
    interface Search {
        long find(LoopbackProxy proxy) throws Exception;
    }

    private Stats measure(String what, long expected, SearchFactory f) throws Exception {
        b.log(what);
        try (LoopbackProxy proxy = b.proxy("imap", Duration.ZERO)) {
            Search s = f.make();
            return Measure.repeat(what, b.settings.warmups(), b.settings.runs(), expected, () -> {
                proxy.resetCounts();
                long t0 = System.nanoTime();
                long found = s.find(proxy);
                return new Sample(Measure.since(t0), proxy.commandCount(), found);
            });
        }
    }

    @FunctionalInterface
    interface SearchFactory {
        Search make();
    }

    private Search floor(String term) {
        return proxy -> {
            try (RawImap imap = new RawImap(b.dovecot.host(), proxy.port())) {
                imap.login(user, b.dovecot.password(user));
                imap.select("INBOX", false);
                return imap.uidSearch("SUBJECT " + RawImap.quote(term));
            }
        };
    }

    private Search server(String term) {
        return proxy -> {
            try (Mailbox mb = MailAccess.connect(b.config("imap", user, proxy));
                 MailFolder inbox = mb.inbox()) {
                return inbox.search(SearchQuery.subject(term)).size();
            }
        };
    }

    private Search clientSide(String term) {
        String needle = term.toLowerCase(Locale.ROOT);
        return proxy -> {
            try (Mailbox mb = MailAccess.connect(b.config("imap", user, proxy));
                 MailFolder inbox = mb.inbox()) {
                List<MessageSummary> all = inbox.summaries(FetchSpec.of().withHeaders("Subject"));
                long n = 0;
                for (MessageSummary s : all) {
                    for (String v : s.headers().getOrDefault("Subject", List.of())) {
                        if (v.toLowerCase(Locale.ROOT).contains(needle)) {
                            n++;
                            break;
                        }
                    }
                }
                return n;
            }
        };
    }
}

package dev.mailaccess.search;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SearchableMessageTest {
    private static final String MULTIPART = String.join("\r\n",
            "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.test>",
            "To: Bob <bob@example.test>, carol@example.test",
            "Subject: =?ISO-8859-1?Q?Gr=FC=DFe?= aus =?UTF-8?B?0JzQvtGB0LrQstCw?=",
            "Date: Mon, 31 Dec 2012 23:30:00 -0800",
            "Message-ID: <abc.123@example.test>",
            "X-Folded: one",
            " two",
            "MIME-Version: 1.0",
            "Content-Type: multipart/mixed; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=ISO-8859-1",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "Caf=E9 cr=E8me, soft=",
            "break",
            "--b1",
            "Content-Type: text/plain; charset=KOI8-R",
            "Content-Transfer-Encoding: base64",
            "Content-Disposition: attachment; filename=\"notes.txt\"",
            "",
            "0NLJ18XU", // "привет" in KOI8-R
            "--b1",
            "Content-Type: application/octet-stream",
            "Content-Transfer-Encoding: base64",
            "",
            "AAECAwQ=",
            "--b1--",
            "");

    private static SearchableMessage msg(String raw) {
        return SearchableMessage.of(raw.getBytes(StandardCharsets.ISO_8859_1),
                new SearchableMessage.Facts(MessageRef.imap(5, 9), Flags.of(Flag.SEEN).plus(Flags.keywords("Work")),
                        Instant.parse("2024-03-01T12:00:00Z"), 1234, null));
    }

    private static boolean m(String query) {
        return msg(MULTIPART).matches(QueryParser.parse(query));
    }

    @Test
    void headersAreDecodedAndMatchedCaseInsensitively() {
        assertThat(m("from:jürgen")).isTrue();
        assertThat(m("from:\"MÜLLER <juergen@\"")).isTrue();
        assertThat(m("from:bob")).isFalse();
        assertThat(m("to:carol@EXAMPLE")).isTrue();
        assertThat(m("to:\"Bob <bob\"")).isTrue();
        assertThat(m("subject:grüße")).isTrue();
        assertThat(m("subject:\"aus москва\"")).isTrue();
        assertThat(m("message-id:abc.123")).isTrue();
        assertThat(m("header:X-Folded=\"one two\"")).isTrue();
        assertThat(m("cc:x")).isFalse();
    }

    @Test
    void bodyCoversEveryTextPartDecoded() {
        assertThat(m("body:café")).isTrue();
        assertThat(m("body:crème")).isTrue();
        assertThat(m("body:softbreak")).isTrue();
        assertThat(m("body:ПРИВЕТ")).isTrue(); // a text/plain attachment counts
        assertThat(m("body:juergen")).isFalse(); // BODY is not headers
        assertThat(m("text:juergen")).isTrue();
        assertThat(m("text:café")).isTrue();
        assertThat(m("has:attachment")).isTrue();
    }

    @Test
    void datesAreDaysAsWrittenAndFactsAreUsed() {
        assertThat(m("on:2012-12-31")).isTrue(); // 23:30 -0800 is already 2013 in UTC: the written day counts
        assertThat(m("before:2013-01-01 since:2012-12-31")).isTrue();
        assertThat(m("received-on:" + LocalDate.ofInstant(Instant.parse("2024-03-01T12:00:00Z"),
                java.time.ZoneId.systemDefault()))).isTrue();
        assertThat(m("larger:1233 smaller:1235")).isTrue();
        assertThat(m("flag:seen -flag:flagged keyword:Work nokeyword:Home")).isTrue();
        assertThat(m("ref:imap:5:9")).isTrue();
        assertThat(m("ref:imap:6:9")).isFalse();
        assertThat(m("(from:nobody OR subject:grüße) -(body:zzz)")).isTrue();
    }

    @Test
    void missingDataIsAnErrorNotAFalseAnswer() {
        SearchableMessage headers = SearchableMessage.headersOnly(MULTIPART.getBytes(StandardCharsets.ISO_8859_1),
                SearchableMessage.Facts.NONE);
        assertThat(headers.matches(SearchQuery.subject("grüße"))).isTrue();
        assertThatThrownBy(() -> headers.matches(SearchQuery.body("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> headers.matches(SearchQuery.flag(Flag.SEEN)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("replica");
        assertThatThrownBy(() -> headers.matches(SearchQuery.larger(1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void malformedMessagesDoNotThrow() {
        SearchableMessage broken = SearchableMessage.of(("Subject: =?bogus?Q?x?= hi\r\nDate: yesterday\r\n"
                + "Content-Type: multipart/mixed; boundary=zz\r\n\r\nno parts here").getBytes(StandardCharsets.US_ASCII),
                SearchableMessage.Facts.NONE);
        assertThat(broken.matches(SearchQuery.subject("hi"))).isTrue();
        // an unparsable Date counts as 1970-01-01, as on Dovecot
        assertThat(broken.matches(SearchQuery.sentOn(LocalDate.EPOCH))).isTrue();
        assertThat(broken.matches(SearchQuery.sentSince(LocalDate.of(1970, 1, 2)))).isFalse();
        assertThat(broken.matches(SearchQuery.body("parts"))).isFalse();
        assertThat(broken.matches(SearchQuery.hasAttachment())).isFalse();
    }

    private static CapabilitySet caps(String protocol, Support search, Support flags) {
        List<CapabilityInfo> infos = new ArrayList<>();
        for (Capability c : Capability.values()) {
            Support s = c == Capability.SERVER_SEARCH ? search
                    : c == Capability.SERVER_FLAGS || c == Capability.CUSTOM_KEYWORDS ? flags : Support.NATIVE;
            infos.add(new CapabilityInfo(c, s, "reason of " + c));
        }
        return CapabilitySet.of(protocol, infos);
    }

    @Test
    void plannerSplitsAndExplains() {
        CapabilitySet imap = caps("imap", Support.NATIVE, Support.NATIVE);
        SearchQuery q = QueryParser.parse("from:alice has:attachment subject:Grüße");
        SearchPlan p = SearchPlanner.plan(q, imap, false, SearchMode.PLANNED, 1000);
        assertThat(p.serverPart()).isEqualTo(QueryParser.parse("from:alice subject:Grüße"));
        assertThat(p.serverCommand()).isEqualTo("UID SEARCH CHARSET UTF-8 FROM \"alice\" SUBJECT \"Grüße\"");
        assertThat(p.localPart()).isEqualTo(SearchQuery.hasAttachment());
        assertThat(p.localData()).isEqualTo(SearchPlan.LocalData.STRUCTURE);
        assertThat(p.roundTrips()).isEqualTo(2);
        assertThat(p.explain()).contains("server:", "local:      has:attachment", "MIME structure");

        SearchPlan all = SearchPlanner.plan(QueryParser.parse("(to:bob OR cc:bob) -flag:seen since:2024-01-01 "
                + "ref:imap:3:1,imap:3:2,imap:3:3,imap:3:7"), imap, false, SearchMode.PLANNED, 10);
        assertThat(all.hasLocalPart()).isFalse();
        assertThat(all.serverCommand()).isEqualTo("UID SEARCH OR TO \"bob\" CC \"bob\" NOT SEEN SENTSINCE 1-Jan-2024 "
                + "UID 1:3,7");
        assertThat(all.roundTrips()).isEqualTo(1);

        SearchPlan orMixed = SearchPlanner.plan(QueryParser.parse("from:a OR has:attachment"), imap, false,
                SearchMode.PLANNED, 10);
        assertThat(orMixed.serverPart()).isEqualTo(SearchQuery.all());
        assertThat(orMixed.serverSets()).containsExactly(SearchQuery.from("a")); // asked as a set, not downloaded
        assertThat(orMixed.localData()).isEqualTo(SearchPlan.LocalData.STRUCTURE);
        assertThat(orMixed.roundTrips()).isEqualTo(3);
        assertThat(orMixed.explain()).contains("server set: UID SEARCH FROM \"a\"");
        assertThat(SearchPlanner.plan(QueryParser.parse("-(body:x has:attachment OR (subject:y larger:5))"), imap,
                false, SearchMode.PLANNED, 10).serverSets()).containsExactly(SearchQuery.body("x"),
                QueryParser.parse("subject:y larger:5"));

        assertThatThrownBy(() -> SearchPlanner.plan(SearchQuery.hasAttachment(), imap, false, SearchMode.SERVER_ONLY,
                10)).isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("has:attachment");
        assertThat(SearchPlanner.plan(SearchQuery.body("x"), imap, false, SearchMode.LOCAL_ONLY, 10).localData())
                .isEqualTo(SearchPlan.LocalData.BODY);
    }

    @Test
    void popIsLocalAndNeedsEmulation() {
        CapabilitySet pop = caps("pop3", Support.EMULATED, Support.UNSUPPORTED);
        SearchPlan p = SearchPlanner.plan(SearchQuery.subject("x"), pop, true, SearchMode.PLANNED, 100);
        assertThat(p.serverPart()).isEqualTo(SearchQuery.all());
        assertThat(p.localData()).isEqualTo(SearchPlan.LocalData.HEADERS);
        assertThat(p.explain()).contains("TOP n 0");
        assertThat(SearchPlanner.plan(SearchQuery.hasAttachment(), pop, true, SearchMode.PLANNED, 100).localData())
                .isEqualTo(SearchPlan.LocalData.BODY);
        assertThat(SearchPlanner.plan(SearchQuery.receivedOn(LocalDate.of(2024, 1, 1)), pop, true,
                SearchMode.PLANNED, 100).localData()).isEqualTo(SearchPlan.LocalData.HEADERS);
        assertThatThrownBy(() -> SearchPlanner.plan(SearchQuery.body("x"), pop, false, SearchMode.PLANNED, 100))
                .isInstanceOf(UnsupportedCapabilityException.class)
                .hasMessageContaining("every whole message (RETR)").hasMessageContaining("100 messages");
        assertThatThrownBy(() -> SearchPlanner.plan(SearchQuery.flag(Flag.SEEN), pop, true, SearchMode.PLANNED, 1))
                .isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("replica")
                .satisfies(e -> assertThat(((UnsupportedCapabilityException) e).capability())
                        .isEqualTo(Capability.SERVER_FLAGS));
        assertThatThrownBy(() -> SearchPlanner.plan(SearchQuery.subject("x"), pop, true, SearchMode.SERVER_ONLY, 1))
                .isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(Set.of(SearchPlan.LocalData.values())).hasSize(5);
    }
}

package dev.mailaccess.internal;

import jakarta.mail.internet.MimeUtility;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 2047 decoding and address display of stored header values. */
class HeaderTextTest {
    @Test
    void decodesBAndQWordsInAnyCharsetJavaKnows() {
        assertThat(HeaderText.decode("=?utf-8?q?quarterly_budget?=")).isEqualTo("quarterly budget");
        assertThat(HeaderText.decode("=?UTF-8?B?0JzQvtGB0LrQstCw?=")).isEqualTo("Москва");
        assertThat(HeaderText.decode("=?ISO-8859-1?Q?Gr=FC=DFe?= aus K=C3=B6ln")).isEqualTo("Grüße aus K=C3=B6ln");
        assertThat(HeaderText.decode("=?windows-1252?Q?=80_5?=")).isEqualTo("€ 5");
        assertThat(HeaderText.decode("=?Shift_JIS?B?k/qWe4zq?=")).isEqualTo("日本語");
        assertThat(HeaderText.decode("=?utf-8*en?q?with_language?=")).isEqualTo("with language"); // RFC 2231
    }

    @Test
    void joinsAdjacentEncodedWordsAndKeepsOtherSpace() {
        assertThat(HeaderText.decode("=?utf-8?q?quarterly_?= =?utf-8?q?budget?=")).isEqualTo("quarterly budget");
        // folded between two encoded words: the fold and the space both go
        assertThat(HeaderText.decode("=?utf-8?q?Gr=C3=BC?=\r\n =?utf-8?q?=C3=9Fe?=")).isEqualTo("Grüße");
        assertThat(HeaderText.decode("Re: =?utf-8?q?caf=C3=A9?= and =?utf-8?q?th=C3=A9?=")).isEqualTo(
                "Re: café and thé");
        assertThat(HeaderText.decode("plain\r\n folded")).isEqualTo("plain folded");
    }

    @Test
    void leavesMalformedWordsAsTheyAre() {
        assertThat(HeaderText.decode("=?no-such-charset?q?x?= ok")).isEqualTo("=?no-such-charset?q?x?= ok");
        assertThat(HeaderText.decode("=?utf-8?x?unknown_encoding?=")).isEqualTo("=?utf-8?x?unknown_encoding?=");
        assertThat(HeaderText.decode("=?utf-8?q?unterminated")).isEqualTo("=?utf-8?q?unterminated");
        assertThat(HeaderText.decode("=?utf-8?q?bad=ZZhex?=")).isEqualTo("=?utf-8?q?bad=ZZhex?=");
        // a malformed word between two good ones keeps its spaces
        assertThat(HeaderText.decode("=?utf-8?q?a?= =?bogus?q?b?= =?utf-8?q?c?=")).isEqualTo("a =?bogus?q?b?= c");
    }

    @Test
    void wellFormedValuesDecodeAsTheOnlineListingDecodesThem() throws Exception {
        for (String value : List.of("=?utf-8?q?quarterly_budget?=", "=?utf-8?q?a?= =?utf-8?q?b?=",
                "Re: =?ISO-8859-1?Q?Gr=FC=DFe?= from =?UTF-8?B?0JzQvtGB0LrQstCw?=", "no words at all")) {
            // the online path: MimeConversion.decodeText(MimeUtility.unfold(value))
            assertThat(HeaderText.decode(value)).as(value).isEqualTo(MimeUtility.decodeText(MimeUtility.unfold(value)));
        }
    }

    @Test
    void addressesShowDecodedNames() {
        assertThat(HeaderText.addresses("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>, bob@example.net"))
                .containsExactly("Jürgen Müller <juergen@example.de>", "bob@example.net");
        assertThat(HeaderText.addresses("\"=?utf-8?q?M=C3=BCller=2C_Hans?=\" <h@example.de>"))
                .containsExactly("Müller, Hans <h@example.de>");
        assertThat(HeaderText.addresses("Ann <ann@example.test>")).containsExactly("Ann <ann@example.test>");
        assertThat(HeaderText.addresses("undisclosed-recipients:;")).containsExactly("undisclosed-recipients:;");
        // a broken name (the quote is not closed) is still decoded, leniently
        assertThat(HeaderText.addresses("\"=?utf-8?q?caf=C3=A9?= <a@example.test>"))
                .containsExactly("\"café <a@example.test>");
    }
}

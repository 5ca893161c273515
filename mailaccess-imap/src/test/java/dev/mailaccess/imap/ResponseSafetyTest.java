package dev.mailaccess.imap;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ResponseSafetyTest {
    private static String problem(String response) {
        byte[] b = ("xx" + response).getBytes(StandardCharsets.ISO_8859_1);
        return ResponseSafety.problem(b, 2, b.length);
    }

    @Test
    void wellFormedAnswersPass() {
        assertThat(problem("* 1 FETCH (UID 7 FLAGS (\\Seen) ENVELOPE (NIL \"s\" NIL NIL NIL NIL NIL NIL NIL NIL))"))
                .isNull();
        assertThat(problem("* 2 fetch (uid 8 bodystructure (\"text\" \"plain\" NIL NIL NIL \"7bit\" 12 1))"))
                .isNull();
        assertThat(problem("* STATUS INBOX (MESSAGES 3 UIDNEXT 9)")).isNull();
        assertThat(problem("* 3 EXISTS")).isNull();
        assertThat(problem("A1 OK done")).isNull();
    }

    @Test
    void whatWouldMakeAngusSpinIsNamed() {
        assertThat(problem("* 1 FETCH (UID 7 envelope (NIL \"s\" ATOM NIL NIL NIL NIL NIL NIL NIL))"))
                .isEqualTo("ENVELOPE: 'ATOM' where only strings, numbers and NIL may stand");
        assertThat(problem("* 1 FETCH (BODY (\"text\" \"plain\" NIL NIL NIL \"7bit\" -12 1))"))
                .startsWith("BODY: '-12'");
        assertThat(problem("* 1 FETCH (BODYSTRUCTURE (\"text\" \"plain\" NIL NIL NIL \"7bit\" 12 1 x))"))
                .startsWith("BODYSTRUCTURE: 'x'");
        assertThat(problem("* 1 FETCH (UID 7 FLAGS (\\Seen)")).isEqualTo("a list is not closed");
        assertThat(problem("* STATUS INBOX (MESSAGES 3 UIDNEXT)"))
                .isEqualTo("STATUS list ends in the middle of an entry");
        assertThat(problem("* QUOTA \"\" (STORAGE 10)")).isEqualTo("QUOTA list ends in the middle of an entry");
    }

    @Test
    void wordsThatOnlyStartLikeAStructureAreNotStructures() {
        assertThat(problem("* 1 FETCH (UID 7 ENVELOPES (x) BODYX (y) BODY[1] {2}\r\nab)")).isNull();
    }
}

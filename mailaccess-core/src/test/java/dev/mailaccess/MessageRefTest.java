package dev.mailaccess;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageRefTest {

    @Test
    void textFormRoundTrips() {
        MessageRef imap = MessageRef.imap(1700000000L, 42);
        assertThat(imap.toString()).isEqualTo("imap:1700000000:42");
        assertThat(MessageRef.parse(imap.toString())).isEqualTo(imap);
        MessageRef pop = MessageRef.pop3("000001:abc.def");
        assertThat(MessageRef.parse(pop.toString())).isEqualTo(pop);
    }

    @Test
    void rejectsMalformedRefs() {
        assertThatThrownBy(() -> MessageRef.parse("42")).hasMessageContaining("imap:<uidvalidity>:<uid>");
        assertThatThrownBy(() -> MessageRef.parse("imap:1:x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageRef.imap(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MessageRef.pop3("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void imapRefsOrderByUid() {
        assertThat(MessageRef.imap(5, 2)).isLessThan(MessageRef.imap(5, 10));
    }
}

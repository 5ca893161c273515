package dev.mailaccess.kafka;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeenDigestTest {

    private static List<SeenDigest.Entry> imap(int from, int to) {
        List<SeenDigest.Entry> l = new ArrayList<>();
        for (int uid = from; uid <= to; uid++) {
            l.add(SeenDigest.imap(uid, "<m" + uid + "@x>", 1000 + uid));
        }
        return l;
    }

    @Test
    void offsetsRoundTrip() {
        SeenDigest d = SeenDigest.EMPTY.plus(imap(1, 300), 100_000).plus(imap(301, 600), 100_000);
        assertThat(d.size()).isEqualTo(600);
        assertThat(d.entries()).isEqualTo(imap(1, 600));
        FolderOffset o = new FolderOffset(7, 600, 42, d);
        FolderOffset back = FolderOffset.fromMap(o.toMap(false));
        assertThat(back.uidValidity()).isEqualTo(7);
        assertThat(back.lastUid()).isEqualTo(600);
        assertThat(back.highestModSeq()).isEqualTo(42);
        assertThat(back.seen().entries()).isEqualTo(d.entries());
        assertThat(back.seen().entries().get(9).uid()).isEqualTo(10);
        assertThat(back.seen().entries().get(9).idPart()).isEqualTo(SeenDigest.idPart("<m10@x>"));
        assertThat(o.toMap(false).values()).allMatch(v -> v instanceof Long || v instanceof String);
    }

    @Test
    void theWindowKeepsTheNewest() {
        SeenDigest d = SeenDigest.EMPTY.plus(imap(1, 250), 300).plus(imap(251, 2000), 300);
        assertThat(d.size()).isEqualTo(300);
        assertThat(d.entries()).isEqualTo(imap(1701, 2000));
        assertThat(SeenDigest.EMPTY.plus(imap(1, 5), 0).size()).isZero();
    }

    @Test
    void badOffsetsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> FolderOffset.fromMap(Map.of("lastUid", "x")))
                .hasMessageContaining("lastUid must be a number");
        assertThatThrownBy(() -> FolderOffset.fromMap(Map.of("lastUid", 5L)))
                .hasMessageContaining("uidValidity");
        assertThatThrownBy(() -> FolderOffset.fromMap(Map.of("uidValidity", 1L, "colour", 5L)))
                .hasMessageContaining("unknown offset field 'colour'");
        assertThatThrownBy(() -> FolderOffset.fromMap(Map.of("uidls", "AAAA")))
                .hasMessageContaining("not whole entries");
        assertThatThrownBy(() -> FolderOffset.fromMap(Map.of("uidls", "!!!!!!!!!!!!!!!!")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(FolderOffset.fromMap(null)).isEqualTo(FolderOffset.NONE);
        assertThat(FolderOffset.fromMap(Map.of("uidValidity", 3, "lastUid", 9)).lastUid()).isEqualTo(9);
    }

    @Test
    void pop3EntriesAreTheUidlsHash() {
        SeenDigest d = SeenDigest.of(List.of(SeenDigest.pop3("abc"), SeenDigest.pop3("def")));
        FolderOffset back = FolderOffset.fromMap(new FolderOffset(0, 0, 0, d).toMap(true));
        assertThat(back.seen().entries()).containsExactly(SeenDigest.pop3("abc"), SeenDigest.pop3("def"));
        assertThat(SeenDigest.pop3("abc").hash()).isNotEqualTo(SeenDigest.pop3("abd").hash());
    }
}

package dev.mailaccess.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FolderPatternsTest {

    @Test
    void globsWithInboxCaseInsensitive() {
        FolderPatterns p = new FolderPatterns(List.of("inbox", "Lists.%", "Archive*"), List.of("Archive.Old*"));
        assertThat(p.matches("INBOX", ".")).isTrue();
        assertThat(p.matches("Lists.kafka", ".")).isTrue();
        assertThat(p.matches("Lists.kafka.dev", ".")).isFalse();
        assertThat(p.matches("Archive.2024", ".")).isTrue();
        assertThat(p.matches("Archive.Old.2001", ".")).isFalse();
        assertThat(p.matches("Sent", ".")).isFalse();
        assertThat(new FolderPatterns(List.of("*"), List.of()).matches("a/b", "/")).isTrue();
        assertThat(new FolderPatterns(List.of("INBOX.*"), List.of()).matches("inbox.x", ".")).isTrue();
    }
}

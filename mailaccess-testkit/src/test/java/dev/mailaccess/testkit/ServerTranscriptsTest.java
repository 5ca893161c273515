package dev.mailaccess.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splitting a transcript into responses: literals (with line ends inside) stay in their response. */
class ServerTranscriptsTest {
    @TempDir
    Path tmp;

    @Test
    void aLiteralAndTheRestOfItsResponseAreOneResponse() throws Exception {
        Path file = tmp.resolve("t.txt");
        Files.writeString(file, "* 1 FETCH (UID 1 BODY[] {8}\r\na\r\n{2}\r\n FLAGS ())\r\n* 2 EXISTS\r\n"
                + "A######## OK done\r\n", StandardCharsets.ISO_8859_1);
        assertThat(ServerTranscripts.responses(file)).extracting(b -> new String(b, StandardCharsets.ISO_8859_1))
                .containsExactly("* 1 FETCH (UID 1 BODY[] {8}\r\na\r\n{2}\r\n FLAGS ())", "* 2 EXISTS",
                        "A######## OK done");
    }

    @Test
    void aFileThatIsNotCrlfIsRefused() throws Exception {
        Path file = tmp.resolve("lf.txt");
        Files.writeString(file, "* 2 EXISTS\n", StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ServerTranscripts.responses(file)).hasMessageContaining("without CR");
    }
}

package dev.mailaccess.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonLinesTest {
    @Test
    void everyItemIsOneLineThatStartsWithItsValue() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, false, StandardCharsets.UTF_8);
        JsonLines.print(List.of("a", "b\"c", "d"), out, (item, g) -> {
            g.writeStartObject();
            g.writeStringField("v", item);
            g.writeEndObject();
        });
        out.flush();

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .isEqualTo("{\"v\":\"a\"}\n{\"v\":\"b\\\"c\"}\n{\"v\":\"d\"}\n");
    }

    @Test
    void oneValueHasNoLineEnd() {
        assertThat(JsonLines.of(g -> g.writeNumber(42))).isEqualTo("42");
    }
}

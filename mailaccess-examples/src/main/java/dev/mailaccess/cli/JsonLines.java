package dev.mailaccess.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * JSON output with Jackson's streaming writer: the object mapper would load some 400 classes into every run of the
 * tool, a third of its start-up, to write a few flat objects.
 */
final class JsonLines {
    /** Writes one JSON value. */
    interface Value {
        void write(JsonGenerator g) throws IOException;
    }

    private JsonLines() {
    }

    /** One value as a string, without a line end. */
    static String of(Value value) {
        StringWriter text = new StringWriter();
        try (JsonGenerator g = Factory.INSTANCE.createGenerator(text)) {
            value.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
        return text.toString();
    }

    /** One line per item, written straight to {@code out} (not flushed: the caller's stream decides). */
    static <T> void print(Iterable<T> items, PrintStream out, ItemWriter<T> writer) {
        JsonGenerator g;
        try {
            g = Factory.INSTANCE.createGenerator(out);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            for (T item : items) {
                writer.write(item, g);
                g.writeRaw('\n');
            }
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write JSON", e);
        }
    }

    /** Writes one item as a JSON value. */
    interface ItemWriter<T> {
        void write(T item, JsonGenerator g) throws IOException;
    }

    /** Made on first use, so that commands without JSON output never load Jackson. */
    private static final class Factory {
        // Without this, Jackson writes a space before every root value after the first: lines would start with ' {'.
        static final JsonFactory INSTANCE = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
    }
}

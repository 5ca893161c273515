package dev.mailaccess.imap;

import dev.mailaccess.ServerLimits;
import dev.mailaccess.angus.internal.TransferClock;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Splitting a server's stream into whole responses, however the bytes arrive. */
class ResponseReaderTest {
    private static final String STREAM = "* 1 FETCH (UID 1 ENVELOPE (NIL {12}\r\nline\r\n{3}\r\nab NIL))\r\n"
            + "* 2 EXISTS\r\n"
            + "* 2 FETCH (UID 2 BODY[] {0}\r\n)\r\n"
            + "* 3 FETCH (UID 3 X {5}\r\n\r\n\r\n\n {2}\r\n{}  )\r\n"
            + "a1 OK done\r\n";
    private static final List<String> RESPONSES = List.of(
            "* 1 FETCH (UID 1 ENVELOPE (NIL {12}\r\nline\r\n{3}\r\nab NIL))",
            "* 2 EXISTS",
            "* 2 FETCH (UID 2 BODY[] {0}\r\n)",
            "* 3 FETCH (UID 3 X {5}\r\n\r\n\r\n\n {2}\r\n{}  )",
            "a1 OK done");

    static ResponseReader reader(InputStream in) {
        return new ResponseReader(in, ServerLimits.DEFAULT, new TransferClock(ServerLimits.DEFAULT));
    }

    /** Hands out at most a few bytes per read, as a slow network does. */
    private static InputStream trickle(byte[] bytes, long seed) {
        Random rnd = new Random(seed);
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + rnd.nextInt(7)));
            }
        };
    }

    private static List<String> readAll(ResponseReader r, int count) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            r.next();
            out.add(new String(r.buffer(), r.start(), r.end() - r.start(), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    @Test
    void literalsMayHoldLineEndsAndBraces() throws IOException {
        byte[] bytes = STREAM.getBytes(StandardCharsets.ISO_8859_1);
        ResponseReader r = reader(new ByteArrayInputStream(bytes));
        assertThat(readAll(r, RESPONSES.size())).isEqualTo(RESPONSES);
        assertThat(r.hasBuffered()).isFalse();
    }

    @Test
    void bytesArrivingInPiecesGiveTheSameResponses() throws IOException {
        byte[] bytes = STREAM.repeat(200).getBytes(StandardCharsets.ISO_8859_1);
        for (long seed = 0; seed < 20; seed++) {
            ResponseReader r = reader(trickle(bytes, seed));
            List<String> all = readAll(r, RESPONSES.size() * 200);
            for (int i = 0; i < all.size(); i++) {
                assertThat(all.get(i)).isEqualTo(RESPONSES.get(i % RESPONSES.size()));
            }
        }
    }

    @Test
    void aLiteralLargerThanTheBufferIsKeptWhole() throws IOException {
        String big = "x\r\n".repeat(100_000);
        String stream = "* 1 FETCH (UID 1 BODY[] {" + big.length() + "}\r\n" + big + ")\r\na1 OK\r\n";
        ResponseReader r = reader(trickle(stream.getBytes(StandardCharsets.ISO_8859_1), 1));
        List<String> all = readAll(r, 2);
        assertThat(all.get(0)).hasSize(stream.indexOf(")\r\na1") + 1).endsWith(big + ")");
        assertThat(all.get(1)).isEqualTo("a1 OK");
    }

    @Test
    void bytesReadPastAResponseAreKeptForTheNext() throws IOException {
        ResponseReader r = reader(new ByteArrayInputStream(
                "a1 OK done\r\n* BYE later\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(readAll(r, 1)).containsExactly("a1 OK done");
        assertThat(r.hasBuffered()).isTrue();
        assertThat(readAll(r, 1)).containsExactly("* BYE later");
        assertThat(r.hasBuffered()).isFalse();
    }

    @Test
    void aStreamEndingMidResponseIsAnEndOfFile() {
        for (String cut : List.of("* 1 FETCH (UID 1", "* 1 FETCH (UID 1 X {10}\r\nabc", "* 1 FETCH {3}\r\nabc")) {
            ResponseReader r = reader(new ByteArrayInputStream(cut.getBytes(StandardCharsets.US_ASCII)));
            assertThatThrownBy(r::next).as(cut).isInstanceOf(EOFException.class);
        }
    }
}

package dev.mailaccess.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What real IMAP and POP3 servers sent, from the shared transcript corpus ({@code shared/transcripts/corpus} beside
 * the repository; see its README). The corpus is not part of the repository: a test that reads it is skipped, with
 * the reason printed, where it is absent, as on a user's clone.
 */
public final class ServerTranscripts {
    /** System property naming the corpus folder, where it is not found beside the repository. */
    public static final String PROPERTY = "mailaccess.transcripts";

    private static final Path BESIDE_THE_REPOSITORY = Path.of("shared", "transcripts", "corpus");

    private ServerTranscripts() {
    }

    /**
     * A file of the corpus, e.g. {@code gmail/search-summary.txt}. Skips the calling test where the corpus or the
     * file is absent.
     */
    public static Path file(String relative) {
        Path corpus = corpus();
        Path file = corpus.resolve(relative);
        if (!Files.isRegularFile(file)) {
            skip("no " + relative + " in the transcript corpus " + corpus);
        }
        return file;
    }

    /**
     * The corpus folder: the system property {@value #PROPERTY}, else {@code shared/transcripts/corpus} in the
     * working directory or the nearest folder above it that has one (a module's tests run in the module folder;
     * the corpus sits beside the repository). Skips the calling test where there is none.
     */
    public static Path corpus() {
        String configured = System.getProperty(PROPERTY);
        return find().orElseGet(() -> {
            skip(configured != null ? PROPERTY + " names no folder: " + configured
                    : "no transcript corpus: " + BESIDE_THE_REPOSITORY + " is in neither "
                    + Path.of("").toAbsolutePath() + " nor a folder above it, and -D" + PROPERTY + " is not set");
            return null; // not reached: skip throws
        });
    }

    /** The corpus folder as {@link #corpus()} finds it, without skipping: empty where there is none. */
    public static Optional<Path> find() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null) {
            Path corpus = Path.of(configured);
            return Files.isDirectory(corpus) ? Optional.of(corpus) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path corpus = dir.resolve(BESIDE_THE_REPOSITORY);
            if (Files.isDirectory(corpus)) {
                return Optional.of(corpus);
            }
        }
        return Optional.empty();
    }

    /**
     * The server's responses in a corpus file, one element per response without its final CRLF (as an IMAP
     * reader hands a response on): a line, and where it ends in a literal ({@code {n}}), the literal and the rest
     * of the response after it. The tag placeholder {@code A########} is left as it is.
     */
    public static List<byte[]> responses(Path file) {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        int pos = 0;
        while (pos < all.length) {
            int lf = indexOf(all, (byte) '\n', pos);
            if (lf < 0) {
                throw new IllegalStateException(file + ": no CRLF after byte " + pos);
            }
            int literal = literalLength(all, pos, lf);
            if (literal >= 0) {
                pos = lf + 1 + literal; // the literal's bytes, then the response goes on
                continue;
            }
            if (lf == start || all[lf - 1] != '\r') {
                throw new IllegalStateException(file + ": a line without CR before its LF at byte " + lf);
            }
            out.add(Arrays.copyOfRange(all, start, lf - 1));
            pos = lf + 1;
            start = pos;
        }
        return out;
    }

    /** The n of a line ending in {@code {n}} CRLF, or -1. */
    private static int literalLength(byte[] b, int lineStart, int lf) {
        int close = lf - 2;
        if (close < lineStart || b[close] != '}' || b[lf - 1] != '\r') {
            return -1;
        }
        int open = close - 1;
        while (open >= lineStart && b[open] >= '0' && b[open] <= '9') {
            open--;
        }
        if (open < lineStart || b[open] != '{' || open == close - 1) {
            return -1;
        }
        return Integer.parseInt(new String(b, open + 1, close - open - 1, StandardCharsets.US_ASCII));
    }

    private static int indexOf(byte[] b, byte c, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static void skip(String reason) {
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
    }
}

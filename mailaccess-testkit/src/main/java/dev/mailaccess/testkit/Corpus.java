package dev.mailaccess.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Real servers' output captured from Gmail, Exchange, Domino, Zoho and others, kept outside the repository in
 * {@code ../shared/transcripts/corpus} (its {@code SOURCES.md} says where each file comes from). Found through the
 * system property {@code mailaccess.corpus}, else by looking for {@code shared/transcripts/corpus} beside the working
 * directory and each of its parents. Tests that need it skip, with the reason printed, where it is absent (a user's
 * clone); CI has it.
 */
public final class Corpus {
    /** The placeholder that stands for the client's tag on tagged lines. */
    public static final String TAG = "A########";

    private static final Optional<Path> DIR = find();

    private Corpus() {
    }

    private static Optional<Path> find() {
        String property = System.getProperty("mailaccess.corpus");
        if (property != null) {
            Path p = Path.of(property);
            return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("shared").resolve("transcripts").resolve("corpus");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The corpus folder, if there is one. */
    public static Optional<Path> dir() {
        return DIR;
    }

    /** Skips the calling test, saying why, when the corpus is absent. */
    public static Path assumePresent() {
        if (DIR.isEmpty()) {
            String why = "the corpus of real server output (../shared/transcripts/corpus, or -Dmailaccess.corpus=DIR)"
                    + " is not here; skipped";
            System.out.println("[corpus] " + why);
            Assumptions.assumeTrue(false, why);
        }
        return DIR.get();
    }

    /** A corpus file's bytes, e.g. {@code domino/fetch-extra-parens.txt}; skips the test when absent. */
    public static byte[] bytes(String relative) {
        Path file = assumePresent().resolve(relative);
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A corpus file as ISO-8859-1 text (every byte one char), with {@code tag} in place of {@link #TAG}. */
    public static String text(String relative, String tag) {
        return new String(bytes(relative), StandardCharsets.ISO_8859_1).replace(TAG, tag);
    }

    /** The files under a server's folder whose names start with {@code prefix}, sorted; skips when absent. */
    public static List<String> files(String server, String prefix) {
        Path dir = assumePresent().resolve(server);
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> server + "/" + p.getFileName())
                    .filter(n -> n.substring(server.length() + 1).startsWith(prefix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

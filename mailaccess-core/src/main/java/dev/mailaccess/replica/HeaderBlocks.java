package dev.mailaccess.replica;

import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The header-block store: the whole header block of each message recorded without its body (over the size limit),
 * under {@code headers/<local folder name>/<key>}, beside the Maildir (a Maildir holds whole messages only), so that
 * such messages list, read and search on every header offline. What the server's envelope said is kept in the
 * record too ({@link #envelopeText}), for a block that is missing.
 */
final class HeaderBlocks {
    private final Path root;

    HeaderBlocks(Path root) {
        this.root = root;
    }

    /**
     * Keeps the whole header block of messages recorded without their body, beside the Maildir (a Maildir holds
     * whole messages only), so that they read and search like downloaded ones. Fetched in batches of 500 (IMAP: one
     * FETCH each). A cache of server data: written without fsync; a missing block falls back to the envelope.
     */
    void keep(FolderState fs, MailFolder f, List<MessageRef> refs,
              java.util.function.Function<MessageRef, String> keyOf, Map<MessageRef, Instant> receivedDates) {
        Path dir = dir(fs);
        try {
            Files.createDirectories(dir);
            for (int i = 0; i < refs.size(); i += 500) {
                for (Map.Entry<MessageRef, byte[]> e : f.headerBlocks(refs.subList(i, Math.min(refs.size(), i + 500)))
                        .entrySet()) {
                    Path head = dir.resolve(keyOf.apply(e.getKey()));
                    Files.write(head, e.getValue());
                    Instant received = receivedDates.get(e.getKey());
                    if (received != null) {
                        Files.setLastModifiedTime(head, java.nio.file.attribute.FileTime.from(received));
                    }
                }
            }
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot keep headers in " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path dir(FolderState fs) {
        return root.resolve("headers").resolve(fs.safe);
    }

    /** Where the header block of a message is kept (if it is). */
    Path file(FolderState fs, Rec r) {
        return dir(fs).resolve(r.key);
    }

    /** The record's fallback for a missing block: "subject\tfrom\tdate" of the server's envelope, or null. */
    static String envelopeText(MessageSummary m) {
        if (m.envelope() == null) {
            return null;
        }
        String from = String.join(", ", m.envelope().from().stream().map(Object::toString).toList());
        String date = m.envelope().date() == null ? "" : m.envelope().date().toString();
        return (m.envelope().subject() + "\t" + from + "\t" + date).replace('\n', ' ');
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.MessageRef;
import dev.mailaccess.internal.HeaderText;
import dev.mailaccess.internal.PreviewText;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Offline reading: a folder's records and their stored files (the message, or its kept header block, or the
 * server's envelope) as the {@link ReplicaMessage} values and streams the caller reads.
 */
final class ReplicaMessages {
    private final ReplicaFolders folders;

    ReplicaMessages(ReplicaFolders folders) {
        this.folders = folders;
    }

    /** The messages of a folder, server order first (by UID), then local-only ones. */
    List<ReplicaMessage> list(String folder) {
        FolderState fs = folders.state(folder);
        List<ReplicaMessage> out = new ArrayList<>();
        for (Rec r : live(fs)) {
            out.add(of(fs, r));
        }
        return out;
    }

    /** The live records of a folder in the order {@link #list} gives them. */
    static List<Rec> live(FolderState fs) {
        return fs.recs.values().stream().filter(r -> r.status == Status.LIVE)
                .sorted(Comparator.comparing((Rec r) -> r.uid == 0 && r.uidl == null)
                        .thenComparingLong(r -> r.uid).thenComparing(r -> r.key)).toList();
    }

    /** One message by its local id. */
    ReplicaMessage one(String folder, String id) {
        FolderState fs = folders.state(folder);
        return of(fs, ReplicaFolders.rec(fs, id));
    }

    /** A record as the caller sees it, from its stored file, its kept header block or the server's envelope. */
    ReplicaMessage of(FolderState fs, Rec r) {
        Path file = fs.files.get(r.key);
        Path head = file == null ? folders.headerBlocks.file(fs, r) : null;
        byte[] start = file != null ? start(file) : null;
        Map<String, String> h = start != null ? StoredHeaders.headers(start)
                : Files.exists(head) ? StoredHeaders.headers(head) : Map.of();
        String subject;
        String from;
        if (file == null && h.isEmpty() && r.envelope != null) {
            // the server's envelope, decoded when it was listed
            String[] e = r.envelope.split("\t", -1);
            subject = e[0];
            from = e.length > 1 ? e[1] : "";
            h = Map.of("date", e.length > 2 ? e[2] : "");
        } else {
            subject = HeaderText.decode(h.getOrDefault("subject", ""));
            from = String.join(", ", HeaderText.addresses(h.getOrDefault("from", "")));
        }
        MessageRef ref = serverRef(fs, r);
        boolean pending = !fs.local
                && (r.hasLocalFlagChanges() || (!r.onServer() && !"pop3".equals(folders.protocol)));
        return new ReplicaMessage(fs.name, r.key, ref, r.flags, r.size, subject, from, h.getOrDefault("date", ""),
                r.msgId, r.downloaded, pending, modified(file != null ? file : head),
                start == null ? null : PreviewText.ofMessage(start));
    }

    /** The first 64 KB of a stored message: its header and enough of its body for the preview. */
    private static byte[] start(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null; // nothing stored (yet), or renamed by another Maildir client since the scan
        }
    }

    /** The message on the server as of the last sync, or null. */
    static MessageRef serverRef(FolderState fs, Rec r) {
        if (!fs.local && r.uid > 0 && fs.uidValidity > 0) {
            return MessageRef.imap(fs.uidValidity, r.uid);
        } else if (!fs.local && r.uidl != null) {
            return MessageRef.pop3(r.uidl);
        }
        return null;
    }

    /**
     * Streams a stored message (RFC 5322 bytes).
     *
     * @throws IllegalStateException if its body was not downloaded (size limit); see {@link Replica#fetchBody}
     */
    InputStream open(String folder, String id) {
        FolderState fs = folders.state(folder);
        Rec r = ReplicaFolders.rec(fs, id);
        Path file = fs.files.get(r.key);
        if (!r.downloaded || file == null) {
            throw new IllegalStateException("message " + id + " in " + folder + " is larger than the size limit and "
                    + "was not downloaded; fetch it with fetchBody while connected");
        }
        try {
            return Files.newInputStream(file);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The offline changes: flags and keywords, expunge, move, copy and append, each checked against the folders, then
 * written to the {@link Journal}, which applies it at once. What each change leaves in the records is pushed to the
 * server at the next sync.
 */
final class OfflineChanges {
    /** How much of an appended message's start is searched for a Message-ID header. */
    private static final int HEAD_BYTES = 64 * 1024;

    private final ReplicaFolders folders;
    private final Journal journal;

    OfflineChanges(ReplicaFolders folders, Journal journal) {
        this.folders = folders;
        this.journal = journal;
    }

    /** Records flags and keywords added to messages. */
    void addFlags(String folder, Collection<String> ids, Flags flags) {
        FolderState fs = folders.state(folder);
        for (String id : ids) {
            Rec r = ReplicaFolders.rec(fs, id);
            journal.log("FLAGS", fs.name, r.key, ReplicaFlags.flagsToken(r.flags.plus(flags)));
        }
    }

    /** Records flags and keywords removed from messages. */
    void removeFlags(String folder, Collection<String> ids, Flags flags) {
        FolderState fs = folders.state(folder);
        for (String id : ids) {
            Rec r = ReplicaFolders.rec(fs, id);
            journal.log("FLAGS", fs.name, r.key, ReplicaFlags.flagsToken(r.flags.minus(flags)));
        }
    }

    /** Records messages removed; the server copies are expunged at the next sync. */
    void expunge(String folder, Collection<String> ids) {
        FolderState fs = folders.state(folder);
        for (String id : ids) {
            journal.log("EXPUNGE", fs.name, ReplicaFolders.rec(fs, id).key);
        }
    }

    /** Records every message marked {@code \Deleted} in a folder as removed; returns how many. */
    int expungeDeleted(String folder) {
        FolderState fs = folders.state(folder);
        List<String> ids = fs.recs.values().stream()
                .filter(r -> r.status == Status.LIVE && r.flags.contains(Flag.DELETED)).map(r -> r.key).toList();
        expunge(folder, ids);
        return ids.size();
    }

    /** Records a move or copy ({@code op} is {@code MOVE} or {@code COPY}) to another folder; returns the new id. */
    String moveOrCopy(String op, String folder, String id, String target) {
        FolderState src = folders.state(folder);
        FolderState dst = folders.state(target);
        Rec r = ReplicaFolders.rec(src, id);
        if (src == dst) {
            throw new IllegalArgumentException("source and target folder are the same: " + folder);
        }
        // into a synchronised folder: moved on the server; a body not downloaded yet into a local-only folder: fetched
        // at the next sync, expunged on the server only after the local copy is durable
        boolean serverMove = op.equals("MOVE") && !src.local && r.uid > 0 && !"pop3".equals(folders.protocol)
                && (!dst.local || !r.downloaded);
        if (!r.downloaded && !serverMove) {
            throw new IllegalStateException("message " + id + " was not downloaded (size limit): fetch its body "
                    + "with fetchBody before you " + op.toLowerCase(Locale.ROOT) + " it to " + target);
        }
        String newKey = ReplicaStore.newKey();
        journal.log(op, src.name, r.key, dst.name, newKey, ReplicaFlags.flagsToken(r.flags), r.msgId,
                Long.toString(r.size), r.downloaded ? "1" : "0", serverMove ? "1" : "0", r.envelope);
        return newKey;
    }

    /** Stores a new message (with a Message-ID, see {@link Replica#append}) and records it; returns its id. */
    String append(String folder, InputStream rfc822, Flags flags) {
        FolderState fs = folders.state(folder);
        String key = ReplicaStore.newKey();
        try {
            byte[] head = rfc822.readNBytes(HEAD_BYTES);
            InputStream all = new SequenceInputStream(new ByteArrayInputStream(head), rfc822);
            String headText = new String(head, StandardCharsets.ISO_8859_1);
            if (!hasMessageId(headText)) {
                String crlf = headText.contains("\r\n") ? "\r\n" : "\n";
                byte[] id = ("Message-ID: <" + UUID.randomUUID() + "@replica.mailaccess>" + crlf)
                        .getBytes(StandardCharsets.US_ASCII);
                all = new SequenceInputStream(new ByteArrayInputStream(id), all);
            }
            fs.maildir.deliver(key, all);
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read the message to append: " + e.getMessage(), e);
        }
        journal.log("APPEND", fs.name, key, ReplicaFlags.flagsToken(flags));
        return key;
    }

    private static boolean hasMessageId(String head) {
        for (String line : head.split("\r?\n")) {
            if (line.isEmpty()) {
                return false;
            }
            if (line.regionMatches(true, 0, "Message-ID:", 0, 11)) {
                return true;
            }
        }
        return false;
    }
}

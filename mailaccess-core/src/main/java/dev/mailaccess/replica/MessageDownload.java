package dev.mailaccess.replica;

import dev.mailaccess.AccessMode;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/**
 * Messages from the server into a folder's Maildir: new ones in bulk during a sync (both protocols), and the body of
 * one recorded without it, on demand.
 */
final class MessageDownload {
    private final ReplicaFolders folders;

    MessageDownload(ReplicaFolders folders) {
        this.folders = folders;
    }

    /**
     * Downloads new messages into a folder's Maildir, batched or pipelined by the adapter
     * ({@link MailFolder#downloadMessages}). Each file goes straight into cur/ under its final name and is fsynced;
     * the directory is fsynced once before each state save, so the state never names a message that is not durable.
     * The state is saved after 500 messages, then each time the folder has doubled: each save rewrites the whole
     * state file, so saving every 500 would make a large download quadratic; what a crash leaves unsaved is found
     * again by {@link MaildirScan#scan} and not downloaded twice.
     */
    void download(FolderState fs, MailFolder f, Map<MessageRef, Rec> wanted,
                  java.util.function.Function<MessageRef, Instant> receivedDate, SyncCounts c) {
        int[] sinceCommit = {0};
        HeadCapture head = new HeadCapture();
        f.downloadMessages(wanted.keySet(), (ref, in) -> {
            Rec r = wanted.get(ref);
            Path existing = fs.files.get(r.key); // delivered before a crash, adopted by scan()
            if (existing != null) {
                r.msgId = StoredHeaders.headers(existing).getOrDefault("message-id", "");
                fs.recs.put(r.key, r);
                ReplicaStore.placeFile(fs, r, existing, false);
            } else {
                Path p = fs.maildir.deliverUnsynced(r.key, head.of(in), ":2," + ReplicaFlags.letters(r.flags),
                        receivedDate.apply(ref));
                r.msgId = head.header("message-id");
                String name = p.getFileName().toString(); // <key>.mailaccess,S=<size>:2,<flags>
                r.size = Long.parseLong(name, name.indexOf(",S=") + 3, name.indexOf(":2,"), 10);
                fs.recs.put(r.key, r);
                fs.files.put(r.key, p); // delivered under the name placeFile would give it
            }
            c.downloaded++;
            fs.highestUid = Math.max(fs.highestUid, r.uid);
            if (++sinceCommit[0] >= Math.max(500, fs.recs.size() / 2)) {
                sinceCommit[0] = 0;
                fs.maildir.syncDirectories();
                ReplicaStore.save(fs, folders.fsync);
            }
        });
        fs.maildir.syncDirectories();
    }

    /** Downloads and keeps the body of a message recorded without it (size limit). */
    void fetchBody(Mailbox mailbox, FolderState fs, Rec r) {
        if (r.downloaded) {
            return;
        }
        MessageRef ref = r.uidl != null ? MessageRef.pop3(r.uidl) : MessageRef.imap(fs.uidValidity, r.uid);
        try (MailFolder f = mailbox.folder(fs.name, AccessMode.READ_ONLY); InputStream in = f.openMessage(ref)) {
            Path p = existingOrDeliver(fs, r.key, in);
            r.downloaded = true;
            r.envelope = null;
            ReplicaStore.placeFile(fs, r, p, folders.fsync);
            Files.deleteIfExists(folders.headerBlocks.file(fs, r));
            fs.dirty = true;
            folders.commitStates();
        } catch (IOException e) {
            throw new ConnectionException("download of " + ref + " failed: " + e.getMessage(), true, e);
        }
    }

    /** The message's file if a scan found it (stored before a crash), else the stream stored. */
    static Path existingOrDeliver(FolderState fs, String key, InputStream in) {
        Path existing = fs.files.get(key); // scan() indexed every file; no listing per message
        return existing != null ? existing : fs.maildir.deliver(key, in);
    }
}

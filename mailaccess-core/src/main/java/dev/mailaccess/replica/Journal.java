package dev.mailaccess.replica;

import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The journal ({@code <root>/journal}): each offline change is appended as one line and fsynced before it is
 * applied to the Maildir and the folders' state, so a crash loses no change the caller saw succeed. Applying an
 * entry is idempotent per folder (a folder's state records the last entry it applied): {@link #replay} applies what
 * the committed states lack when the replica opens, and {@link #checkpoint} commits the states and empties the
 * journal (every 256 entries, at each sync and on close).
 */
final class Journal {
    private final Path journalFile;
    private final boolean fsync;
    private final ReplicaFolders folders;
    private final ReplicaLock lock;
    private long nextSeq = 1;
    private int entries;
    /** Whether the journal file is known to be empty, so a checkpoint need not rewrite it. */
    private boolean emptyOnDisk;

    Journal(ReplicaFolders folders, ReplicaLock lock) {
        this.journalFile = folders.root.resolve("journal");
        this.fsync = folders.fsync;
        this.folders = folders;
        this.lock = lock;
    }

    /** Appends an entry to the journal (fsynced), then applies it. */
    void log(String op, String... args) {
        lock.checkOpen();
        long seq = nextSeq++;
        String line = encodeLine(op, seq, args);
        try (FileChannel ch = FileChannel.open(journalFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            if (fsync) {
                ch.force(true);
            }
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot write the replica journal " + journalFile + ": "
                    + e.getMessage(), e);
        }
        apply(seq, op, args);
        if (++entries >= 256) {
            checkpoint();
        }
    }

    private static String encodeLine(String op, long seq, String[] args) {
        StringBuilder sb = new StringBuilder().append(seq).append(' ').append(op);
        for (String a : args) {
            sb.append(' ').append(ReplicaStore.enc(a));
        }
        return sb.append('\n').toString();
    }

    /** Applies a journal entry to the folders that have not applied it yet. Idempotent per folder. */
    private void apply(long seq, String op, String[] a) {
        switch (op) {
            case "FLAGS" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                Rec r = fs.recs.get(a[1]);
                if (r != null && r.status == Status.LIVE) {
                    r.flags = ReplicaFlags.parseFlags(a[2]);
                    Path file = fs.files.get(r.key);
                    if (file != null) {
                        ReplicaStore.placeFile(fs, r, file, fsync);
                    }
                }
                touched(fs, seq);
            }
            case "EXPUNGE" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                Rec r = fs.recs.get(a[1]);
                if (r != null && r.status == Status.LIVE) {
                    folders.removeFile(fs, r);
                    ReplicaFolders.tombstone(fs, r, Status.EXPUNGE, null);
                }
                touched(fs, seq);
            }
            case "APPEND" -> {
                FolderState fs = folders.get(a[0]);
                if (fs == null || fs.applied >= seq) {
                    return;
                }
                if (!fs.recs.containsKey(a[1])) {
                    Path file = fs.maildir.find(a[1]);
                    if (file != null) {
                        Rec r = new Rec();
                        r.key = a[1];
                        r.flags = ReplicaFlags.parseFlags(a[2]);
                        r.msgId = StoredHeaders.headers(file).getOrDefault("message-id", "");
                        fs.recs.put(r.key, r);
                        ReplicaStore.placeFile(fs, r, file, fsync);
                    }
                }
                touched(fs, seq);
            }
            case "MOVE", "COPY" -> {
                FolderState src = folders.get(a[0]);
                FolderState dst = folders.get(a[2]);
                boolean serverMove = a[8].equals("1");
                if (dst != null && dst.applied < seq) {
                    if (!dst.recs.containsKey(a[3])) {
                        Rec r = new Rec();
                        r.key = a[3];
                        r.flags = ReplicaFlags.parseFlags(a[4]);
                        r.msgId = a[5];
                        r.size = Long.parseLong(a[6]);
                        r.downloaded = a[7].equals("1");
                        r.envelope = a.length > 9 ? a[9] : null;
                        if (serverMove) {
                            r.link = a[0] + "\n" + a[1];
                        }
                        Path file = dst.maildir.find(r.key);
                        Path from = src == null ? null : src.files.get(a[1]);
                        if (file == null && from != null && r.downloaded) {
                            try (InputStream in = Files.newInputStream(from)) {
                                file = dst.maildir.deliver(r.key, in);
                                Files.setLastModifiedTime(file, Files.getLastModifiedTime(from)); // its received date
                            } catch (IOException e) {
                                throw new Maildir.StoreException("cannot copy " + from + ": " + e.getMessage(), e);
                            }
                        }
                        if (file == null && r.downloaded) {
                            // the source is gone and nothing was copied: nothing to record
                            touched(dst, seq);
                            return;
                        }
                        dst.recs.put(r.key, r);
                        if (file != null) {
                            ReplicaStore.placeFile(dst, r, file, fsync);
                        }
                    }
                    touched(dst, seq);
                }
                if (op.equals("MOVE") && src != null && src.applied < seq) {
                    Rec r = src.recs.get(a[1]);
                    if (r != null && r.status == Status.LIVE) {
                        folders.removeFile(src, r);
                        ReplicaFolders.tombstone(src, r, serverMove ? Status.MOVED : Status.EXPUNGE,
                                serverMove ? a[2] + "\n" + a[3] : null);
                    }
                    touched(src, seq);
                }
            }
            default -> throw new Maildir.StoreException("unknown replica journal entry " + op, null);
        }
    }

    private static void touched(FolderState fs, long seq) {
        fs.applied = seq;
        fs.dirty = true;
    }

    /** Commits every changed folder state, then empties the journal. */
    void checkpoint() {
        folders.commitStates();
        if (entries > 0 || !emptyOnDisk) {
            Maildir.writeAtomically(journalFile, new byte[0], fsync);
            emptyOnDisk = true;
        }
        entries = 0;
    }

    /** Applies the journal's entries that the committed folder states lack (on open). */
    void replay() {
        String text;
        try {
            text = Files.readString(journalFile, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            text = "";
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read " + journalFile + ": " + e.getMessage(), e);
        }
        emptyOnDisk = text.isEmpty();
        long maxApplied = folders.all().stream().mapToLong(f -> f.applied).max().orElse(0);
        nextSeq = maxApplied + 1;
        String[] lines = text.split("\n", -1);
        if (lines.length > 1) {
            // entries to apply: they find the messages' files through the folders' file index
            for (FolderState fs : folders.all()) {
                MaildirScan.locateFiles(fs);
            }
        }
        // the part after the last newline is a torn write: that change was never acknowledged to the caller
        for (int i = 0; i < lines.length - 1; i++) {
            String[] p = lines[i].split(" ");
            if (p.length < 3 || !p[0].matches("[0-9]+")) {
                continue;
            }
            long seq = Long.parseLong(p[0]);
            String[] args = new String[p.length - 2];
            for (int j = 2; j < p.length; j++) {
                args[j - 2] = ReplicaStore.dec(p[j]);
            }
            apply(seq, p[1], args);
            nextSeq = Math.max(nextSeq, seq + 1);
        }
    }
}

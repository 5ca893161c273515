package dev.mailaccess.replica;

import dev.mailaccess.Flags;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Maildir scanner: what another mail client did to a replica folder's Maildir since the replica last looked
 * (renamed a file to change its flags, deleted a file, dropped a new one into {@code new/} or {@code cur/}), found
 * by comparing the files with the records, on open and at each sync. Also keeps each folder's index of its files.
 */
final class MaildirScan {
    private final boolean fsync;

    MaildirScan(boolean fsync) {
        this.fsync = fsync;
    }

    /** Fills a folder's file index: from its records if the Maildir is unchanged since the last scan, else listed. */
    static void locateFiles(FolderState fs) {
        if (unchangedSinceScan(fs, dirMtimes(fs))) {
            expectFiles(fs);
        } else {
            fs.files.clear();
            for (Path p : fs.maildir.messages()) {
                String key = ReplicaStore.keyOf(p);
                if (key != null) {
                    fs.files.put(key, p);
                }
            }
            fs.filesKnown = true;
        }
    }

    /** No file added, removed or renamed since the last scan: every file is where the state says. */
    private static void expectFiles(FolderState fs) {
        fs.files.clear();
        for (Rec r : fs.recs.values()) {
            if (r.status == Status.LIVE && r.downloaded) {
                fs.files.put(r.key, ReplicaStore.expectedFile(fs, r));
            }
        }
        fs.filesKnown = true;
    }

    private static boolean unchangedSinceScan(FolderState fs, long[] mtimes) {
        return fs.newMtime != -1 && mtimes[0] == fs.newMtime && mtimes[1] == fs.curMtime;
    }

    /** Modification times of new/ and cur/ in nanoseconds, -1 where unreadable. */
    private static long[] dirMtimes(FolderState fs) {
        long[] out = new long[2];
        String[] subs = {"new", "cur"};
        for (int i = 0; i < 2; i++) {
            try {
                out[i] = Files.getLastModifiedTime(fs.maildir.root().resolve(subs[i]))
                        .to(java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (IOException e) {
                out[i] = -1;
            }
        }
        return out;
    }

    /**
     * Whether directory times read after {@code readAtMillis} will move with any later change, so that equal times
     * next time mean nothing changed: not if they are so recent that a change in the same clock tick would leave
     * them as they are. File systems with sub-second times (ext4, XFS, Btrfs, tmpfs, APFS, NTFS) take them from a
     * clock that ticks every 10 ms at most, so 100 ms is a wide margin; those with whole seconds (ext3, HFS+, FAT)
     * get 2 s.
     */
    static boolean settled(long[] mtimes, long readAtMillis) {
        if (mtimes[0] < 0 || mtimes[1] < 0) {
            return false;
        }
        boolean subSecond = mtimes[0] % 1_000_000_000L != 0 || mtimes[1] % 1_000_000_000L != 0;
        long limit = readAtMillis * 1_000_000L - (subSecond ? 100_000_000L : 2_000_000_000L);
        return mtimes[0] < limit && mtimes[1] < limit;
    }

    /**
     * Compares a folder's Maildir with the recorded state: adopts files another client dropped in, takes flags from
     * renamed files, turns deleted files into expunges. Skipped when new/ and cur/ have the times they had at the
     * last scan and those had settled then ({@link #settled}): nothing was added, removed or renamed since.
     */
    void scan(FolderState fs) {
        long readAt = System.currentTimeMillis(); // before the times: see settled()
        long[] before = dirMtimes(fs);
        if (unchangedSinceScan(fs, before)) {
            if (!fs.filesKnown) {
                expectFiles(fs);
            }
            return;
        }
        boolean settled = settled(before, readAt);
        long newMtime = settled ? before[0] : -1;
        long curMtime = settled ? before[1] : -1;
        if (newMtime != fs.newMtime || curMtime != fs.curMtime) {
            fs.newMtime = newMtime;
            fs.curMtime = curMtime;
            fs.dirty = true;
        }
        fs.files.clear();
        for (String sub : List.of("new", "cur")) {
            Path dir = fs.maildir.root().resolve(sub);
            try (java.nio.file.DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path p : files) {
                    scanFile(fs, p, sub.equals("cur"));
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot read " + dir + ": " + e.getMessage(), e);
            }
        }
        fs.filesKnown = true;
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.status == Status.LIVE && r.downloaded && !fs.files.containsKey(r.key)) {
                ReplicaFolders.tombstone(fs, r, Status.EXPUNGE, null);
                fs.dirty = true;
            }
        }
    }

    /** One file of a scan (see {@link #scan}). */
    private void scanFile(FolderState fs, Path p, boolean inCur) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
            return; // Maildir readers skip dot files
        }
        String key = ReplicaStore.keyOf(name);
        if (key == null || !Maildir.isKey(key)) {
            // a file another client delivered: adopt it under our naming
            Rec r = new Rec();
            r.key = ReplicaStore.newKey();
            r.flags = Maildir.flagsOf(p);
            r.msgId = StoredHeaders.headers(p).getOrDefault("message-id", "");
            fs.recs.put(r.key, r);
            ReplicaStore.placeFile(fs, r, p, fsync);
            fs.dirty = true;
            return;
        }
        Rec r = fs.recs.get(key);
        if (r != null && r.status == Status.LIVE && r.downloaded && inCur && r.size >= 0
                && name.equals(ReplicaStore.fileName(r))) {
            fs.files.put(key, p); // as this replica left it: the usual case, no parsing
            return;
        }
        if (r == null || r.status != Status.LIVE) {
            if (r != null) {
                // a tombstone's file came back (crash between journal and delete): delete it again
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new Maildir.StoreException("cannot delete " + p + ": " + e.getMessage(), e);
                }
                return;
            }
            r = new Rec();
            r.key = key;
            r.flags = Maildir.flagsOf(p);
            r.msgId = StoredHeaders.headers(p).getOrDefault("message-id", "");
            fs.recs.put(key, r);
            fs.dirty = true;
        } else {
            Flags fromName = ReplicaFlags.withSystemOf(r.flags, p);
            if (!fromName.equals(r.flags)) {
                r.flags = fromName;
                fs.dirty = true;
            }
            if (!r.downloaded) {
                r.downloaded = true;
                fs.dirty = true;
            }
        }
        ReplicaStore.placeFile(fs, r, p, fsync);
    }
}

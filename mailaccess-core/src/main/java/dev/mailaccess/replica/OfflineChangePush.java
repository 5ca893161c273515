package dev.mailaccess.replica;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.ConnectionException;
import dev.mailaccess.Flags;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The push of offline changes to an IMAP server: per folder, expunges, flags and uploads (offline appends and copies,
 * files another client dropped in); then the offline moves between folders, after every folder's pairing. A change
 * leaves the records only once the server acknowledged it; an upload is marked as sent before it goes, so one whose
 * answer was lost is re-paired by Message-ID instead of sent twice.
 */
final class OfflineChangePush {
    private final ReplicaFolders folders;

    OfflineChangePush(ReplicaFolders folders) {
        this.folders = folders;
    }

    /**
     * Pushes a folder's offline changes to the server: expunges, flag and keyword changes (merged with the
     * server's, see {@link ReplicaFlags#merge}), uploads; called by the IMAP folder sync between listing the
     * server's changes and pulling them, so {@code present} and {@code serverFlags} are brought up to date.
     */
    void pushFolder(Mailbox mb, MailFolder f, FolderState fs, long uv, Set<Long> present,
                    Map<Long, Flags> serverFlags, SyncCounts c) {
        pushExpunges(mb, f, fs, uv, present, c);
        pushFlags(f, fs, uv, present, serverFlags, c);
        pushUploads(f, fs, uv, present, c);
    }

    /** Expunges what was expunged offline; marks it {@code \Deleted} where single messages cannot be expunged. */
    private void pushExpunges(Mailbox mb, MailFolder f, FolderState fs, long uv, Set<Long> present, SyncCounts c) {
        List<MessageRef> toExpunge = new ArrayList<>();
        for (Rec r : fs.recs.values()) {
            if (r.status == Status.EXPUNGE && r.uid > 0 && present.contains(r.uid)) {
                toExpunge.add(MessageRef.imap(uv, r.uid));
            }
        }
        if (!toExpunge.isEmpty()) {
            if (mb.capabilities().isUsable(Capability.EXPUNGE, false)) {
                f.expunge(toExpunge);
            } else {
                f.delete(toExpunge);
                c.notes.add(fs.name + ": the server cannot expunge single messages; " + toExpunge.size()
                        + " marked \\Deleted only");
            }
            c.expunged += toExpunge.size();
            toExpunge.forEach(ref -> present.remove(ref.uid()));
        }
        fs.recs.values().removeIf(r -> r.status == Status.EXPUNGE && (r.uid == 0 || !present.contains(r.uid)));
    }

    /** Sends flag and keyword changes, one STORE per distinct change, and records the merge with the server's. */
    private void pushFlags(MailFolder f, FolderState fs, long uv, Set<Long> present, Map<Long, Flags> serverFlags,
                           SyncCounts c) {
        Map<Flags, List<MessageRef>> adds = new HashMap<>();
        Map<Flags, List<MessageRef>> removes = new HashMap<>();
        List<Rec> changed = new ArrayList<>();
        for (Rec r : fs.recs.values()) {
            if (r.status == Status.LIVE && r.uid > 0 && present.contains(r.uid) && r.hasLocalFlagChanges()) {
                Flags add = r.flags.minus(r.base);
                Flags rem = r.base.minus(r.flags);
                if (!add.isEmpty()) {
                    adds.computeIfAbsent(add, k -> new ArrayList<>()).add(MessageRef.imap(uv, r.uid));
                }
                if (!rem.isEmpty()) {
                    removes.computeIfAbsent(rem, k -> new ArrayList<>()).add(MessageRef.imap(uv, r.uid));
                }
                changed.add(r);
            }
        }
        adds.forEach((flags, refs) -> f.addFlags(refs, flags));
        removes.forEach((flags, refs) -> f.removeFlags(refs, flags));
        for (Rec r : changed) {
            Flags server = serverFlags.getOrDefault(r.uid, r.base);
            Flags merged = ReplicaFlags.merge(r.base, r.flags, server);
            if (!merged.equals(r.flags)) {
                c.notes.add(fs.name + ": " + r.key + " merged flags with the server's");
            }
            folders.setSynced(fs, r, merged);
            serverFlags.remove(r.uid);
            c.flagsPushed++;
        }
    }

    /** Uploads the messages the server does not have: offline appends and copies, files dropped in by others. */
    private void pushUploads(MailFolder f, FolderState fs, long uv, Set<Long> present, SyncCounts c) {
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.status == Status.LIVE && r.uid == 0 && !r.pushed && r.link == null && r.downloaded) {
                Path file = fs.files.get(r.key);
                if (file == null) {
                    continue;
                }
                java.util.Optional<MessageRef> ref;
                if (!r.sent) {
                    r.sent = true; // durable before the APPEND: its answer may be lost with the connection
                    ReplicaStore.save(fs, folders.fsync);
                }
                try (InputStream in = Files.newInputStream(file)) {
                    // the file's time is its received date here: the server keeps it as INTERNALDATE
                    ref = f.append(in, r.flags, Files.getLastModifiedTime(file).toInstant());
                } catch (IOException e) {
                    throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
                }
                if (ref.isPresent() && ref.get().uidValidity() == uv) {
                    r.uid = ref.get().uid();
                    present.add(r.uid);
                } else {
                    r.pushed = true;
                }
                r.sent = false;
                r.base = r.flags;
                c.appended++;
                ReplicaStore.save(fs, folders.fsync);
            }
        }
    }

    /**
     * Offline moves out of synchronised folders, after every folder's pairing: each either found done already,
     * dropped by the conflict rules, moved on the server, or (into a local-only folder) downloaded and expunged.
     */
    void pushMoves(Mailbox mb, SyncCounts c, Map<String, Set<Long>> gone) {
        for (FolderState src : folders.all()) {
            if (src.local) {
                continue;
            }
            List<Rec> moved = src.recs.values().stream().filter(r -> r.status == Status.MOVED).toList();
            if (moved.isEmpty()) {
                continue;
            }
            Set<Long> srcGone = gone.getOrDefault(src.name, Set.of());
            for (Rec t : moved) {
                String[] link = t.link.split("\n", 2);
                FolderState dst = folders.get(link[0]);
                Rec d = dst == null ? null : dst.recs.get(link[1]);
                if (d == null || d.status != Status.LIVE) {
                    t.status = Status.EXPUNGE; // moved, then removed locally: expunge at the next sync
                    t.link = null;
                    src.dirty = true;
                } else if (d.uid > 0) {
                    src.recs.remove(t.key); // the move got through before (answer lost) and was re-paired
                    d.link = null;
                    dst.dirty = true;
                    src.dirty = true;
                } else if (t.uid == 0 || srcGone.contains(t.uid)) {
                    // expunged on the server before the move went up: not resurrected
                    folders.removeFile(dst, d);
                    dst.recs.remove(d.key);
                    src.recs.remove(t.key);
                    c.removed++;
                    c.notes.add(src.name + ": a message moved offline to " + dst.name
                            + " was expunged on the server meanwhile; not resurrected");
                    dst.dirty = true;
                    src.dirty = true;
                } else if (dst.local) {
                    moveToLocalFolder(mb, src, t, dst, d, c);
                } else {
                    moveOnServer(mb, src, t, dst, d, c);
                }
            }
        }
    }

    /** Into a local-only folder: download first, expunge on the server once the copy is durable. */
    private void moveToLocalFolder(Mailbox mb, FolderState src, Rec t, FolderState dst, Rec d, SyncCounts c) {
        MessageRef ref = MessageRef.imap(src.uidValidity, t.uid);
        try (MailFolder f = mb.folder(src.name, AccessMode.READ_WRITE)) {
            if (!d.downloaded) {
                try (InputStream in = f.openMessage(ref)) {
                    Path p = MessageDownload.existingOrDeliver(dst, d.key, in);
                    d.downloaded = true;
                    d.envelope = null;
                    ReplicaStore.placeFile(dst, d, p, folders.fsync);
                } catch (IOException e) {
                    throw new ConnectionException("download of " + ref + " failed: " + e.getMessage(), true, e);
                }
                d.link = null;
                ReplicaStore.save(dst, folders.fsync);
                c.downloaded++;
            }
            if (mb.capabilities().isUsable(Capability.EXPUNGE, false)) {
                f.expunge(List.of(ref));
            } else {
                f.delete(List.of(ref));
            }
            c.expunged++;
            src.recs.remove(t.key);
            ReplicaStore.save(src, folders.fsync);
        } catch (MessageGoneException e) {
            folders.removeFile(dst, d);
            dst.recs.remove(d.key);
            src.recs.remove(t.key);
            c.notes.add(src.name + ": a message moved offline to " + dst.name + " was gone from the "
                    + "server before its body could be downloaded");
            dst.dirty = true;
            src.dirty = true;
        }
    }

    /** Between synchronised folders: moved on the server, the copy paired by the UID the server gives it. */
    private void moveOnServer(Mailbox mb, FolderState src, Rec t, FolderState dst, Rec d, SyncCounts c) {
        try (MailFolder f = mb.folder(src.name, AccessMode.READ_WRITE)) {
            MessageRef ref = MessageRef.imap(src.uidValidity, t.uid);
            Map<MessageRef, MessageRef> map = f.move(List.of(ref), dst.name);
            MessageRef n = map.get(ref);
            if (n != null && n.uidValidity() == dst.uidValidity) {
                d.uid = n.uid();
            } else {
                d.pushed = true;
            }
            d.base = t.base == null ? d.flags : t.base;
            d.link = null;
            src.recs.remove(t.key);
            c.moved++;
        } catch (MessageGoneException e) {
            return; // seen gone at the next sync
        }
        dst.dirty = true;
        src.dirty = true;
        ReplicaStore.save(dst, folders.fsync);
        ReplicaStore.save(src, folders.fsync);
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.Flags;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The IMAP folder sync: with QRESYNC, one STATUS for an unchanged folder and one {@code SELECT ... (QRESYNC ...)}
 * for a changed one; with CONDSTORE only, {@code CHANGEDSINCE} and expunges found by count; without either, a full
 * UID + FLAGS + SIZE scan (see the class comment of {@link Replica}). Then records are paired, changes pushed
 * ({@link OfflineChangePush}) and the server's changes pulled, new messages downloaded ({@link MessageDownload}).
 */
final class ImapFolderSync {
    /** INTERNALDATE too: a downloaded message's file gets it as its modification time, as Dovecot's Maildir does. */
    private static final FetchSpec SCAN = FetchSpec.of(FetchSpec.Item.FLAGS, FetchSpec.Item.SIZE,
            FetchSpec.Item.INTERNAL_DATE);
    private static final FetchSpec NEW = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.FLAGS,
            FetchSpec.Item.SIZE);

    private final ReplicaFolders folders;
    private final OfflineChangePush push;
    private final MessageDownload download;

    ImapFolderSync(ReplicaFolders folders, OfflineChangePush push) {
        this.folders = folders;
        this.push = push;
        this.download = new MessageDownload(folders);
    }

    /**
     * Syncs one folder: its status alone if nothing changed (CONDSTORE), else the server's changes are listed
     * ({@link #list}), local records without a UID paired with them ({@link #pair}), the offline changes pushed
     * ({@link OfflineChangePush#pushFolder}) and the server's changes pulled ({@link #pull}).
     *
     * @param gone filled with the UIDs of messages moved offline that the server expunged meanwhile
     */
    void sync(Mailbox mb, FolderState fs, SyncCounts c, Map<String, Set<Long>> gone) {
        boolean quick = mb.capabilities().isUsable(Capability.QUICK_RESYNC, false);
        long knownCount = fs.recs.values().stream().filter(r -> r.uid > 0).count();
        if (quick && fs.modSeq > 0 && !pendingWork(fs)) {
            FolderStatus s = mb.status(fs.name);
            if (s.uidValidity() == fs.uidValidity && s.highestModSeq() == fs.modSeq && s.uidNext() == fs.uidNext
                    && s.messages() == knownCount) {
                c.unchanged++;
                return;
            }
        }
        if (fs.uidValidity == 0) {
            try {
                mb.status(fs.name);
            } catch (FolderNotFoundException e) {
                mb.createFolder(fs.name); // first sync of a folder made offline
                c.notes.add(fs.name + ": created on the server");
            }
        }
        try (MailFolder f = mb.folder(fs.name, AccessMode.READ_WRITE)) {
            FolderStatus s = f.status();
            if (fs.uidValidity != 0 && s.uidValidity() != fs.uidValidity) {
                c.notes.add(fs.name + ": UIDVALIDITY changed from " + fs.uidValidity + " to " + s.uidValidity()
                        + "; re-pairing by Message-ID");
                for (Rec r : fs.recs.values()) {
                    if (r.uid > 0) {
                        r.uid = 0;
                        r.repair = true;
                    }
                }
                fs.highestUid = 0;
                fs.modSeq = 0;
                knownCount = 0;
            }
            long uv = s.uidValidity();
            Listing listing = list(f, fs, s, uv, quick, knownCount, c);
            pair(f, fs, uv, listing.fresh(), c);
            push.pushFolder(mb, f, fs, uv, listing.present(), listing.serverFlags(), c);
            pull(f, fs, s, uv, listing, gone, c);
        }
    }

    /** 1. What the server has: flags of changed or all messages, new messages, which known UIDs are gone. */
    private Listing list(MailFolder f, FolderState fs, FolderStatus s, long uv, boolean quick, long knownCount,
                         SyncCounts c) {
        Map<Long, Flags> serverFlags = new HashMap<>();
        Map<Long, MessageSummary> fresh = new LinkedHashMap<>();
        final Set<Long> present;
        Set<Long> known = new HashSet<>();
        fs.recs.values().forEach(r -> {
            if (r.uid > 0) {
                known.add(r.uid);
            }
        });
        if (quick && fs.modSeq > 0 && s.highestModSeq() > 0) {
            FolderChanges changes = f.changesSince(uv, fs.modSeq, SCAN);
            for (MessageSummary m : changes.changed()) {
                serverFlags.put(m.ref().uid(), m.flags());
                if (!known.contains(m.ref().uid())) {
                    fresh.put(m.ref().uid(), m);
                }
            }
            present = new HashSet<>(known);
            changes.vanished().forEach(ref -> present.remove(ref.uid()));
            present.addAll(fresh.keySet());
            // Without QRESYNC, or if the count disagrees (a message arrived or left while we looked), find
            // the expunges with one UID SEARCH of the whole folder.
            if (!changes.vanishedKnown() && s.messages() != knownCount + fresh.size()
                    || changes.vanishedKnown() && s.messages() != present.size()) {
                present.clear();
                f.refs().forEach(r -> present.add(r.uid()));
            }
        } else {
            c.fullScans++;
            present = new HashSet<>();
            for (MessageSummary m : f.summaries(SCAN)) {
                present.add(m.ref().uid());
                serverFlags.put(m.ref().uid(), m.flags());
                if (!known.contains(m.ref().uid())) {
                    fresh.put(m.ref().uid(), m);
                }
            }
        }
        return new Listing(serverFlags, fresh, present);
    }

    /** 2. Pair local records without a UID (offline appends and moves, answers lost, UIDVALIDITY change). */
    private void pair(MailFolder f, FolderState fs, long uv, Map<Long, MessageSummary> fresh, SyncCounts c) {
        List<Rec> unpaired = fs.recs.values().stream().filter(r -> r.uid == 0).toList();
        if (!unpaired.isEmpty() && !fresh.isEmpty()) {
            List<MessageRef> refs = fresh.keySet().stream().map(u -> MessageRef.imap(uv, u)).toList();
            Map<String, List<MessageSummary>> byId = new HashMap<>();
            for (MessageSummary m : f.summaries(refs, NEW)) {
                String id = m.envelope() == null ? "" : m.envelope().messageId();
                if (!id.isEmpty()) {
                    byId.computeIfAbsent(id, k -> new ArrayList<>()).add(m);
                }
            }
            for (Rec r : unpaired) {
                List<MessageSummary> cands = byId.get(r.msgId);
                if (r.msgId.isEmpty() || cands == null || cands.isEmpty()) {
                    continue;
                }
                MessageSummary m = cands.stream().filter(x -> x.size() == r.size).findFirst()
                        .orElse(cands.get(0));
                cands.remove(m);
                fresh.remove(m.ref().uid());
                r.uid = m.ref().uid();
                r.pushed = false;
                r.sent = false;
                if (r.repair) {
                    c.repaired++;
                    r.repair = false;
                }
                if (r.base == null) {
                    r.base = m.flags();
                }
                fs.dirty = true;
            }
        }
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.uid != 0) {
                continue;
            }
            if (r.repair) {
                r.repair = false;
                if (r.status == Status.LIVE && r.hasLocalFlagChanges() && r.downloaded) {
                    r.base = null; // uploaded again by the push: never silently drop local changes
                    c.notes.add(fs.name + ": message " + r.key + " not found after the UIDVALIDITY change; "
                            + "uploading it again because it has local changes");
                } else {
                    folders.removeFile(fs, r);
                    fs.recs.remove(r.key);
                    c.removed++;
                }
            } else if (r.pushed) {
                // uploaded earlier, and no longer among the server's new messages: expunged there since
                folders.removeFile(fs, r);
                fs.recs.remove(r.key);
                c.removed++;
            } else if (r.status != Status.LIVE) {
                fs.recs.remove(r.key);
            } else if (r.link != null && !tombstoneExists(r.link)) {
                // moved in offline; its source was expunged on the server: not resurrected
                folders.removeFile(fs, r);
                fs.recs.remove(r.key);
                c.removed++;
            }
        }
    }

    /** 4. Pull: expunged on the server, flag changes, new messages; then the folder's new sync state. */
    private void pull(MailFolder f, FolderState fs, FolderStatus s, long uv, Listing listing,
                      Map<String, Set<Long>> gone, SyncCounts c) {
        Set<Long> present = listing.present();
        Map<Long, Flags> serverFlags = listing.serverFlags();
        Map<Long, MessageSummary> fresh = listing.fresh();
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.uid > 0 && !present.contains(r.uid)) {
                if (r.status == Status.LIVE) {
                    folders.removeFile(fs, r);
                    fs.recs.remove(r.key);
                    c.removed++;
                } else if (r.status == Status.MOVED) {
                    gone.computeIfAbsent(fs.name, k -> new HashSet<>()).add(r.uid);
                }
            }
        }
        for (Map.Entry<Long, Flags> e : serverFlags.entrySet()) {
            Rec r = fs.byUid(e.getKey());
            if (r == null || r.status != Status.LIVE || fresh.containsKey(e.getKey())) {
                continue;
            }
            Flags merged = ReplicaFlags.merge(r.base, r.flags, e.getValue());
            if (!merged.equals(r.flags)) {
                c.flagsPulled++;
            }
            folders.setSynced(fs, r, merged);
        }
        Map<Long, String> bigIds = new HashMap<>();
        Map<String, String> bigEnvelopes = new HashMap<>();
        if (folders.maxMessageSize > 0) {
            List<MessageRef> big = fresh.values().stream().filter(m -> m.size() > folders.maxMessageSize)
                    .map(MessageSummary::ref).toList();
            if (!big.isEmpty()) {
                for (MessageSummary m : f.summaries(big, NEW)) { // one batched FETCH for all of them
                    bigIds.put(m.ref().uid(), m.envelope() == null ? "" : m.envelope().messageId());
                    bigEnvelopes.put(m.ref().toString(), HeaderBlocks.envelopeText(m));
                }
                Map<MessageRef, Instant> received = new HashMap<>();
                fresh.values().forEach(m -> {
                    if (m.internalDate() != null) {
                        received.put(m.ref(), m.internalDate());
                    }
                });
                folders.headerBlocks.keep(fs, f, big, ref -> "u" + uv + "_" + ref.uid(), received);
            }
        }
        Map<MessageRef, Rec> wanted = new LinkedHashMap<>();
        for (MessageSummary m : fresh.values()) {
            if (folders.maxMessageSize > 0 && m.size() > folders.maxMessageSize) {
                Rec r = newRec(uv, m);
                r.downloaded = false;
                r.msgId = bigIds.getOrDefault(r.uid, "");
                r.envelope = bigEnvelopes.get(m.ref().toString());
                fs.recs.put(r.key, r);
                fs.highestUid = Math.max(fs.highestUid, r.uid);
                c.headersOnly++;
            } else {
                wanted.put(m.ref(), newRec(uv, m));
            }
        }
        download.download(fs, f, wanted, ref -> fresh.get(ref.uid()).internalDate(), c);
        fs.uidValidity = uv;
        fs.uidNext = s.uidNext();
        fs.modSeq = Math.max(0, s.highestModSeq());
        for (Rec r : fs.recs.values()) {
            fs.highestUid = Math.max(fs.highestUid, r.uid);
        }
        fs.dirty = true;
    }

    private static boolean pendingWork(FolderState fs) {
        for (Rec r : fs.recs.values()) {
            if (r.status != Status.LIVE || r.uid == 0 || r.hasLocalFlagChanges() || r.base == null) {
                return true;
            }
        }
        return false;
    }

    private static Rec newRec(long uidValidity, MessageSummary m) {
        Rec r = new Rec();
        r.uid = m.ref().uid();
        r.key = "u" + uidValidity + "_" + r.uid;
        r.flags = m.flags() == null ? Flags.NONE : m.flags();
        r.base = r.flags;
        r.size = m.size();
        return r;
    }

    private boolean tombstoneExists(String link) {
        String[] p = link.split("\n", 2);
        FolderState src = folders.get(p[0]);
        Rec t = src == null ? null : src.recs.get(p[1]);
        return t != null && t.status == Status.MOVED;
    }

    /** What the server has, as {@link #list} found it: the later steps update it as they go. */
    private record Listing(Map<Long, Flags> serverFlags, Map<Long, MessageSummary> fresh, Set<Long> present) {
    }
}

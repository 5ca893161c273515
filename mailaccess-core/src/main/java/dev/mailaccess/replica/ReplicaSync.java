package dev.mailaccess.replica;

import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.Mailbox;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sync: the journal folded into the state, then each synchronised folder in turn (after a scan of its Maildir)
 * by the protocol's folder sync, then, over IMAP, the offline moves between folders, and the state committed.
 */
final class ReplicaSync {
    private final ReplicaFolders folders;
    private final Journal journal;
    private final MaildirScan scan;
    private final OfflineChangePush push;
    private final ImapFolderSync imap;
    private final PopFolderSync pop;

    ReplicaSync(ReplicaFolders folders, Journal journal, MaildirScan scan) {
        // one push for both uses: a folder's changes inside its IMAP sync, the moves after every folder's
        this.push = new OfflineChangePush(folders);
        this.imap = new ImapFolderSync(folders, push);
        this.pop = new PopFolderSync(folders);
        this.folders = folders;
        this.journal = journal;
        this.scan = scan;
    }

    /** One sync of every synchronised folder (see {@link Replica#sync(Mailbox)}). */
    SyncReport run(Mailbox mailbox) {
        long start = System.nanoTime();
        SyncCounts c = new SyncCounts();
        String proto = mailbox.capabilities().protocol().startsWith("pop3") ? "pop3" : "imap";
        if (!proto.equals(folders.protocol)) {
            folders.protocol = proto;
            folders.saveMeta();
        }
        journal.checkpoint();
        Map<String, Set<Long>> gone = new HashMap<>();
        for (FolderState fs : folders.all()) {
            scan.scan(fs);
            if (fs.detached) {
                c.notes.add(fs.name + ": no longer on the server; kept on this machine as a local-only folder");
            }
            if (fs.local) {
                continue;
            }
            if (proto.equals("pop3")) {
                if (!fs.name.equalsIgnoreCase("INBOX")) {
                    c.notes.add(fs.name + ": POP3 has only INBOX; the folder stays local");
                    continue;
                }
                pop.sync(mailbox, fs, c);
            } else {
                try {
                    imap.sync(mailbox, fs, c, gone);
                } catch (FolderNotFoundException e) {
                    if (fs.uidValidity == 0) {
                        throw e;
                    }
                    detach(fs, c);
                }
            }
            if (fs.dirty) {
                ReplicaStore.save(fs, folders.fsync);
            }
        }
        if (proto.equals("imap")) {
            push.pushMoves(mailbox, c, gone);
            // uploads and moves the server did not number (no UIDPLUS): pair them by Message-ID now
            for (FolderState fs : folders.all()) {
                if (!fs.local && fs.recs.values().stream().anyMatch(r -> r.pushed)) {
                    imap.sync(mailbox, fs, c, new HashMap<>());
                    ReplicaStore.save(fs, folders.fsync);
                }
            }
        }
        journal.checkpoint();
        return c.report(Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * A synchronised folder that vanished from the server (deleted, or renamed: IMAP cannot tell) becomes a
     * local-only folder: its downloaded messages and their flags stay on this machine, nothing is recreated or
     * uploaded there, and nothing is lost. Messages moved out of it offline stay where they were moved to and are
     * uploaded there. Messages whose body was never downloaded cannot be kept.
     */
    private void detach(FolderState fs, SyncCounts c) {
        int kept = 0;
        for (Rec r : List.copyOf(fs.recs.values())) {
            if (r.status == Status.MOVED && r.link != null) {
                String[] link = r.link.split("\n", 2);
                FolderState dst = folders.get(link[0]);
                Rec d = dst == null ? null : dst.recs.get(link[1]);
                if (d != null) {
                    d.link = null; // now an ordinary new message of the target folder
                    dst.dirty = true;
                    ReplicaStore.save(dst, folders.fsync);
                }
                fs.recs.remove(r.key);
            } else if (r.status != Status.LIVE) {
                fs.recs.remove(r.key);
            } else if (!r.downloaded) {
                folders.removeFile(fs, r);
                fs.recs.remove(r.key);
                c.removed++;
            } else {
                r.uid = 0;
                r.pushed = false;
                r.sent = false;
                r.repair = false;
                r.base = r.flags;
                kept++;
            }
        }
        fs.local = true;
        fs.detached = true;
        fs.uidValidity = 0;
        fs.modSeq = 0;
        fs.uidNext = 0;
        fs.highestUid = 0;
        fs.dirty = true;
        folders.saveMeta();
        c.notes.add(fs.name + ": gone from the server (deleted or renamed there); its " + kept
                + " downloaded message(s) are kept on this machine as a local-only folder");
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.internal.Sha256;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The POP3 folder sync ("pseudo-online"): the server's UIDL list against the records. Mail stays on the server;
 * flags, keywords and other folders exist on this machine only; messages gone from the UIDL list are removed here,
 * new ones downloaded, and a local delete becomes DELE unless {@link Replica#deleteOnPop3Server} is off.
 */
final class PopFolderSync {
    /** The server's messages: the UIDL and size of each. */
    private static final FetchSpec UIDL_LIST = FetchSpec.of(FetchSpec.Item.SIZE);
    /** For messages over the size limit: what their record keeps, their body not being downloaded. */
    private static final FetchSpec OVER_LIMIT = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.SIZE);

    private final ReplicaFolders folders;
    private final MessageDownload download;

    PopFolderSync(ReplicaFolders folders) {
        this.folders = folders;
        this.download = new MessageDownload(folders);
    }

    /** Syncs the INBOX of a POP3 replica against the server's UIDL list. */
    void sync(Mailbox mb, FolderState fs, SyncCounts c) {
        try (MailFolder f = mb.inbox()) {
            c.fullScans++;
            Map<String, MessageSummary> server = new LinkedHashMap<>();
            for (MessageSummary m : f.summaries(UIDL_LIST)) {
                server.put(m.ref().uidl(), m);
            }
            Map<String, Rec> byUidl = new HashMap<>();
            for (Rec r : fs.recs.values()) {
                if (r.uidl != null) {
                    byUidl.put(r.uidl, r);
                }
                if (r.base == null || r.hasLocalFlagChanges()) {
                    r.base = r.flags; // flags live on this machine only
                    fs.dirty = true;
                }
            }
            List<MessageRef> dele = new ArrayList<>();
            for (Rec r : List.copyOf(fs.recs.values())) {
                if (r.uidl == null) {
                    continue;
                }
                if (!server.containsKey(r.uidl)) {
                    if (r.status == Status.LIVE) {
                        folders.removeFile(fs, r);
                        c.removed++;
                    }
                    fs.recs.remove(r.key);
                } else if (r.status != Status.LIVE) {
                    if (folders.deleteOnPop3Server) {
                        dele.add(MessageRef.pop3(r.uidl));
                    } // else: deleted here only; the tombstone keeps it from coming down again
                }
            }
            if (!dele.isEmpty()) {
                f.delete(dele); // final at QUIT; the tombstones go when the UIDL list no longer has them
                c.expunged += dele.size();
            }
            Map<String, MessageSummary> bigEnvelopes = new HashMap<>();
            if (folders.maxMessageSize > 0) {
                List<MessageRef> big = server.values().stream().filter(m -> m.size() > folders.maxMessageSize
                        && !byUidl.containsKey(m.ref().uidl())).map(MessageSummary::ref).toList();
                if (!big.isEmpty()) {
                    for (MessageSummary m : f.summaries(big, OVER_LIMIT)) {
                        bigEnvelopes.put(m.ref().uidl(), m);
                    }
                    folders.headerBlocks.keep(fs, f, big, ref -> "p" + Sha256.hex(ref.uidl()).substring(0, 32),
                            Map.of());
                }
            }
            Map<MessageRef, Rec> wanted = new LinkedHashMap<>();
            for (MessageSummary m : server.values()) {
                if (byUidl.containsKey(m.ref().uidl())) {
                    continue;
                }
                Rec r = new Rec();
                r.uidl = m.ref().uidl();
                r.key = "p" + Sha256.hex(r.uidl).substring(0, 32);
                r.flags = Flags.NONE;
                r.base = Flags.NONE;
                r.size = m.size();
                if (folders.maxMessageSize > 0 && m.size() > folders.maxMessageSize) {
                    r.downloaded = false;
                    MessageSummary env = bigEnvelopes.get(r.uidl);
                    if (env != null && env.envelope() != null) {
                        r.msgId = env.envelope().messageId();
                        r.envelope = HeaderBlocks.envelopeText(env);
                    }
                    fs.recs.put(r.key, r);
                    c.headersOnly++;
                    continue;
                }
                wanted.put(m.ref(), r);
            }
            download.download(fs, f, wanted, ref -> null, c); // POP3 has no received date
            fs.dirty = true;
        }
    }
}

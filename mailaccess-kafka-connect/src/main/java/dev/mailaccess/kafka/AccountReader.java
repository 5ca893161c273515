package dev.mailaccess.kafka;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * One read of one account, on a session the caller opened: for each folder, what is new since its offset becomes
 * records, within a budget of messages and bytes; in move mode, what is committed is deleted first. A folder's
 * records and its new offset are kept only if the folder was read to the end of its part of the budget, so a failure
 * halfway loses nothing (the offset stays where its last kept record put it).
 *
 * <p>IMAP, per folder: one STATUS; an unchanged folder (same UIDVALIDITY, UIDNEXT, and HIGHESTMODSEQ when flags are
 * wanted) costs nothing more. Otherwise the UIDs (move mode: with sizes), one FETCH of the new messages' envelopes,
 * flags, sizes and dates, and one batched body download. POP3: UIDL and LIST, the new messages' headers (TOP), RETR.
 */
final class AccountReader {
    private static final Logger LOG = LoggerFactory.getLogger(AccountReader.class);
    private static final FetchSpec SUMMARY = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.FLAGS,
            FetchSpec.Item.SIZE, FetchSpec.Item.INTERNAL_DATE).bestEffort();
    private static final FetchSpec SIZES = FetchSpec.of(FetchSpec.Item.SIZE);
    private static final FetchSpec REPAIR = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.SIZE);
    private static final FetchSpec FLAGS = FetchSpec.of(FetchSpec.Item.FLAGS);

    /** What one read gave: records in order, whether more is waiting, and the failure that ended it, if any. */
    record Chunk(AccountState account, List<SourceRecord> records, boolean more, RuntimeException failure) {
    }

    private final String topic;
    private final String flagsTopic;
    private final boolean move;
    private final int maxMessageBytes;
    private final int maxMessages;
    private final long maxBytes;
    private final int maxIds;
    private final FolderPatterns patterns;
    /** Loads a folder's committed offset: (account, folder) to offset. */
    private final BiFunction<String, String, FolderOffset> offsets;

    AccountReader(MailSourceConfig c, BiFunction<String, String, FolderOffset> offsets) {
        this.topic = c.topic();
        this.flagsTopic = c.flagsTopic();
        this.move = c.mode() == MailSourceConfig.Mode.MOVE;
        this.maxMessageBytes = c.maxMessageBytes();
        this.maxMessages = c.batchMaxMessages();
        this.maxBytes = c.batchMaxBytes();
        this.maxIds = c.offsetMaxIds();
        this.patterns = new FolderPatterns(c.foldersInclude(), c.foldersExclude());
        this.offsets = offsets;
    }

    /** Reads the account once; never throws (a failure comes back in the chunk with what was read before it). */
    Chunk read(AccountState a, Mailbox mb) {
        Budget budget = new Budget(maxMessages, maxBytes);
        List<SourceRecord> out = new ArrayList<>();
        boolean more = false;
        try {
            if (a.account.isPop3()) {
                more = readPop3(a, mb, budget, out);
            } else {
                for (String folder : folders(mb)) {
                    if (budget.exhausted()) {
                        more = true;
                        break;
                    }
                    more |= readImapFolder(a, mb, folder, budget, out);
                }
            }
            return new Chunk(a, out, more, null);
        } catch (RuntimeException e) {
            return new Chunk(a, out, more, e);
        }
    }

    private List<String> folders(Mailbox mb) {
        List<String> names = new ArrayList<>();
        for (FolderInfo f : mb.folders()) {
            if (f.selectable() && patterns.matches(f.path(), f.delimiter())) {
                names.add(f.path());
            }
        }
        return names;
    }

    private FolderState state(AccountState a, String folder) {
        FolderState fs = a.folder(folder);
        if (fs == null) {
            fs = new FolderState(a.account.id(), folder, offsets.apply(a.account.id(), folder));
            a.folders.put(folder, fs);
        }
        return fs;
    }

    /** Reads one IMAP folder; returns whether it has more to read. */
    private boolean readImapFolder(AccountState a, Mailbox mb, String name, Budget budget, List<SourceRecord> out) {
        FolderState fs = state(a, name);
        FolderOffset o = fs.offset;
        FolderStatus st = mb.status(name);
        boolean flags = flagsTopic != null && mb.capabilities().isUsable(Capability.QUICK_RESYNC, false);
        boolean uidValidityChanged = o.uidValidity() != 0 && st.uidValidity() != o.uidValidity();
        boolean settled = fs.inFlight.get() == 0;
        boolean sweep = move && settled && st.messages() > 0;
        boolean newMail = st.uidNext() <= 0 || st.uidNext() > o.lastUid() + 1 || uidValidityChanged;
        boolean flagChanges = flags && o.highestModSeq() > 0 && st.highestModSeq() > o.highestModSeq();
        if (!newMail && !sweep && !flagChanges) {
            return false;
        }
        if (uidValidityChanged && !settled) {
            return true; // re-pair only when every record sent under the old UIDVALIDITY is committed
        }
        try (MailFolder f = mb.folder(name, move ? AccessMode.READ_WRITE : AccessMode.READ_ONLY)) {
            long uv = f.status().uidValidity();
            if (o.uidValidity() != 0 && uv != o.uidValidity()) {
                o = rePair(a, name, f, o, uv);
                fs.offset = o; // nothing to send for it; carried by the next record, redone after a restart
            }
            long knownUpTo = o.lastUid();
            long maxSeen = fs.maxSeenUid();
            Set<Long> rePaired = maxSeen > o.lastUid() ? seenUidsAbove(o) : Set.of();
            List<MessageRef> refs;
            if (move) {
                List<MessageSummary> listing = f.summaries(SIZES);
                refs = listing.stream().map(MessageSummary::ref).toList();
                if (fs.inFlight.get() == 0) {
                    o = sweepImap(mb, f, fs, o, listing, rePaired);
                    fs.offset = o;
                }
            } else {
                refs = f.refs();
            }
            List<MessageRef> fresh = new ArrayList<>();
            for (MessageRef r : refs) {
                if (r.uid() > o.lastUid() && !rePaired.contains(r.uid())) {
                    fresh.add(r);
                }
            }
            List<SourceRecord> records = new ArrayList<>();
            long modSeq = flags && o.highestModSeq() > 0 ? o.highestModSeq() : Math.max(0, st.highestModSeq());
            boolean more = !fresh.isEmpty() && budget.messages <= 0;
            if (!fresh.isEmpty() && budget.messages > 0) {
                Batch batch = fetch(f, fresh, budget);
                more |= batch.more();
                List<MessageSummary> send = batch.send();
                List<SeenDigest.Entry> entries = new ArrayList<>();
                for (MessageSummary s : send) {
                    if (maxIds > 0) {
                        String id = s.envelope() == null ? "" : s.envelope().messageId();
                        entries.add(SeenDigest.imap(s.ref().uid(), id, s.size()));
                    }
                }
                long lastUid = batch.taken().get(batch.taken().size() - 1).ref().uid();
                FolderOffset end = new FolderOffset(uv, lastUid, modSeq, o.seen().plus(entries, maxIds));
                for (int i = 0; i < send.size(); i++) {
                    MessageSummary s = send.get(i);
                    // only the folder's last record carries the new digest (offsets are single strings, so each
                    // record carrying its own would cost memory quadratic in the read); with exactly-once a read is
                    // never split between transactions, so that is the one committed
                    FolderOffset at = i == send.size() - 1 ? end : new FolderOffset(uv, s.ref().uid(), modSeq, o.seen());
                    records.add(MessageRecords.message(topic, a.account.id(), name, s, body(batch.bodies(), s),
                            fs.partition, at.toMap(false)));
                }
                o = end;
            }
            if (flagChanges && o.highestModSeq() > 0) {
                o = flagRecords(a, name, f, fs, o, knownUpTo, uv, st.highestModSeq(), records);
            }
            out.addAll(records);
            fs.offset = o;
            return more;
        }
    }

    /** After a UIDVALIDITY change: which of the folder's messages were sent already, by Message-ID and size. */
    private FolderOffset rePair(AccountState a, String name, MailFolder f, FolderOffset o, long uv) {
        Map<Long, List<SeenDigest.Entry>> byId = new HashMap<>();
        for (SeenDigest.Entry e : o.seen().entries()) {
            byId.computeIfAbsent(e.idPart(), k -> new ArrayList<>()).add(e);
        }
        List<SeenDigest.Entry> kept = new ArrayList<>();
        int paired = 0;
        List<MessageSummary> all = f.summaries(REPAIR);
        for (MessageSummary m : all) {
            String id = m.envelope() == null ? "" : m.envelope().messageId();
            if (id.isEmpty()) {
                continue;
            }
            List<SeenDigest.Entry> cands = byId.get(SeenDigest.idPart(id));
            if (cands == null || cands.isEmpty()) {
                continue;
            }
            // prefer the same size, as the replica does, then any with the same Message-ID
            SeenDigest.Entry want = SeenDigest.imap(0, id, m.size());
            SeenDigest.Entry match = cands.stream().filter(e -> e.hash() == want.hash()).findFirst()
                    .orElse(cands.get(0));
            cands.remove(match);
            kept.add(new SeenDigest.Entry(m.ref().uid(), match.hash()));
            paired++;
        }
        LOG.warn("{} {}: UIDVALIDITY changed from {} to {}; {} of {} message(s) re-paired by Message-ID, the "
                        + "other {} will be sent again under the new UIDVALIDITY", a.account, name, o.uidValidity(), uv,
                paired, all.size(), all.size() - paired);
        return new FolderOffset(uv, 0, 0, SeenDigest.of(kept));
    }

    private static Set<Long> seenUidsAbove(FolderOffset o) {
        Set<Long> uids = new HashSet<>();
        for (SeenDigest.Entry e : o.seen().entries()) {
            if (e.uid() > o.lastUid()) {
                uids.add(e.uid());
            }
        }
        return uids;
    }

    /**
     * Move mode, with nothing of the folder in flight: every message up to the offset (and every re-paired one) is
     * committed in Kafka, so it is expunged now, except those sent without their body.
     */
    private FolderOffset sweepImap(Mailbox mb, MailFolder f, FolderState fs, FolderOffset o,
                                   List<MessageSummary> listing, Set<Long> rePaired) {
        List<MessageRef> delete = new ArrayList<>();
        for (MessageSummary s : listing) {
            long uid = s.ref().uid();
            if ((uid <= o.lastUid() || rePaired.contains(uid)) && s.size() <= maxMessageBytes) {
                delete.add(s.ref());
            }
        }
        if (delete.isEmpty()) {
            return o;
        }
        if (mb.capabilities().isUsable(Capability.EXPUNGE, false)) {
            f.expunge(delete); // UID EXPUNGE: exactly these, never what another client marked deleted
        } else {
            f.delete(delete);
            LOG.warn("{} {}: the server has no UIDPLUS; {} committed message(s) are marked \\Deleted and left for "
                    + "another client to expunge", mb.config().displayUri(), fs.folder, delete.size());
        }
        Set<Long> gone = new HashSet<>();
        delete.forEach(r -> gone.add(r.uid()));
        List<SeenDigest.Entry> kept = o.seen().entries().stream().filter(e -> !gone.contains(e.uid())).toList();
        return o.withSeen(SeenDigest.of(kept));
    }

    /**
     * Flag changes and expunges since the offset's HIGHESTMODSEQ of the messages sent before this read (those sent
     * in it carry their flags), as records keyed by message. Only the last record moves the baseline, so a crash in
     * between sends the changes again and never loses one.
     */
    private FolderOffset flagRecords(AccountState a, String name, MailFolder f, FolderState fs, FolderOffset o,
                                     long knownUpTo, long uv, long newModSeq, List<SourceRecord> records) {
        FolderChanges changes = f.changesSince(uv, o.highestModSeq(), FLAGS);
        List<MessageSummary> changed = new ArrayList<>();
        for (MessageSummary m : changes.changed()) {
            if (m.ref().uid() <= knownUpTo && m.flags() != null) {
                changed.add(m);
            }
        }
        List<MessageRef> vanished = changes.vanished().stream().filter(r -> r.uid() <= knownUpTo).toList();
        FolderOffset after = new FolderOffset(uv, o.lastUid(), newModSeq, o.seen());
        int total = changed.size() + vanished.size();
        int i = 0;
        for (MessageSummary m : changed) {
            FolderOffset at = ++i == total ? after : o;
            records.add(MessageRecords.flags(flagsTopic, a.account.id(), name, m.ref(), m.flags(), newModSeq,
                    fs.partition, at.toMap(false)));
        }
        for (MessageRef gone : vanished) {
            FolderOffset at = ++i == total ? after : o;
            records.add(MessageRecords.flags(flagsTopic, a.account.id(), name, gone, null, newModSeq,
                    fs.partition, at.toMap(false)));
        }
        return after; // with nothing to send, the new baseline is carried by the folder's next record
    }

    /** Reads POP3's only folder; returns whether more is waiting. */
    private boolean readPop3(AccountState a, Mailbox mb, Budget budget, List<SourceRecord> out) {
        FolderState fs = state(a, "INBOX");
        FolderOffset o = fs.offset;
        try (MailFolder f = mb.inbox()) {
            List<MessageSummary> listing = f.summaries(SIZES);
            Map<Long, MessageSummary> present = new HashMap<>();
            for (MessageSummary s : listing) {
                present.put(SeenDigest.pop3(s.ref().uidl()).hash(), s);
            }
            // forget UIDLs no longer on the server: the digest holds only what is there
            List<SeenDigest.Entry> kept = new ArrayList<>();
            Set<Long> seen = new HashSet<>();
            for (SeenDigest.Entry e : o.seen().entries()) {
                if (present.containsKey(e.hash()) && seen.add(e.hash())) {
                    kept.add(e);
                }
            }
            if (kept.size() != o.seen().size()) {
                o = o.withSeen(SeenDigest.of(kept));
            }
            if (move && fs.inFlight.get() == 0) {
                List<MessageRef> delete = new ArrayList<>();
                for (SeenDigest.Entry e : kept) {
                    MessageSummary s = present.get(e.hash());
                    if (s.size() <= maxMessageBytes) {
                        delete.add(s.ref());
                    }
                }
                if (!delete.isEmpty()) {
                    f.delete(delete); // final at QUIT; the next session's listing shows whether it took
                }
            }
            List<MessageRef> fresh = new ArrayList<>();
            for (MessageSummary s : listing) {
                if (!seen.contains(SeenDigest.pop3(s.ref().uidl()).hash())) {
                    fresh.add(s.ref());
                }
            }
            List<SourceRecord> records = new ArrayList<>();
            boolean more = !fresh.isEmpty() && budget.messages <= 0;
            if (!fresh.isEmpty() && budget.messages > 0) {
                if (!move && kept.size() + Math.min(fresh.size(), budget.messages) > maxIds) {
                    throw new IllegalStateException("POP3 in copy mode remembers each message left on the server; "
                            + "this maildrop has " + (kept.size() + fresh.size()) + ", over " + MailSourceConfig
                            .OFFSET_MAX_IDS + " = " + maxIds + ": raise it, or use move mode or IMAP");
                }
                Batch batch = fetch(f, fresh, budget);
                more |= batch.more();
                List<MessageSummary> send = batch.send();
                List<SeenDigest.Entry> entries = new ArrayList<>();
                send.forEach(s -> entries.add(SeenDigest.pop3(s.ref().uidl())));
                FolderOffset end = o.withSeen(o.seen().plus(entries, Integer.MAX_VALUE));
                for (int i = 0; i < send.size(); i++) {
                    MessageSummary s = send.get(i);
                    FolderOffset at = i == send.size() - 1 ? end : o; // as for IMAP: the read's last record
                    records.add(MessageRecords.message(topic, a.account.id(), "INBOX", s, body(batch.bodies(), s),
                            fs.partition, at.toMap(true)));
                }
                o = end;
            }
            out.addAll(records);
            fs.offset = o;
            return more;
        }
    }

    /** Marks a body that turned out larger than the limit while downloading (the server's size was wrong). */
    private static final byte[] OVERSIZED = new byte[0];

    /**
     * The new messages one read takes, oldest first: those within the budget ({@code taken}), and of them the ones to
     * send ({@code send}: without those expunged between the listing and the download) with their bodies.
     */
    private record Batch(List<MessageSummary> taken, List<MessageSummary> send, Map<MessageRef, byte[]> bodies,
                         boolean more) {
    }

    private Batch fetch(MailFolder f, List<MessageRef> fresh, Budget budget) {
        List<MessageRef> candidates = fresh.subList(0, Math.min(fresh.size(), budget.messages));
        boolean more = fresh.size() > candidates.size();
        List<MessageSummary> taken = new ArrayList<>();
        more |= budget.take(f.summaries(candidates, SUMMARY), maxMessageBytes, taken);
        Map<MessageRef, byte[]> bodies = download(f, taken);
        List<MessageSummary> send = new ArrayList<>();
        for (MessageSummary s : taken) {
            if (bodies.containsKey(s.ref()) || s.size() > maxMessageBytes) {
                send.add(s);
            }
        }
        return new Batch(taken, send, bodies, more);
    }

    /** The body to send, or null for a message sent without it (over the limit, by its size or its bytes). */
    private byte[] body(Map<MessageRef, byte[]> bodies, MessageSummary s) {
        byte[] raw = bodies.get(s.ref());
        return raw == null || raw == OVERSIZED || s.size() > maxMessageBytes ? null : raw;
    }

    /** Downloads the bodies of the messages within the size limit, in one batched call. */
    private Map<MessageRef, byte[]> download(MailFolder f, List<MessageSummary> take) {
        List<MessageRef> refs = new ArrayList<>();
        for (MessageSummary s : take) {
            if (s.size() <= maxMessageBytes) {
                refs.add(s.ref());
            }
        }
        Map<MessageRef, byte[]> bodies = new HashMap<>();
        if (refs.isEmpty()) {
            return bodies;
        }
        f.downloadMessages(refs, (ref, in) -> bodies.put(ref, readCapped(in)));
        return bodies;
    }

    private byte[] readCapped(InputStream in) throws IOException {
        byte[] b = in.readNBytes(maxMessageBytes + 1);
        if (b.length > maxMessageBytes) {
            in.transferTo(OutputStream.nullOutputStream());
            return OVERSIZED;
        }
        return b;
    }

    /** What one read may still take. */
    static final class Budget {
        int messages;
        long bytes;

        Budget(int messages, long bytes) {
            this.messages = messages;
            this.bytes = bytes;
        }

        boolean exhausted() {
            return messages <= 0 || bytes <= 0;
        }

        /**
         * Takes summaries in order while the budget lasts (a message sent without its body costs no bytes; a
         * single message larger than the byte budget goes alone); returns whether some were left.
         */
        boolean take(List<MessageSummary> summaries, int maxMessageBytes, List<MessageSummary> into) {
            for (MessageSummary s : summaries) {
                long size = s.size() > maxMessageBytes ? 0 : Math.max(0, s.size());
                if (messages <= 0 || (!into.isEmpty() && size > bytes)) {
                    return true;
                }
                into.add(s);
                messages--;
                bytes -= size;
            }
            return false;
        }
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSink;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.SortKey;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.angus.internal.Errors;
import dev.mailaccess.angus.internal.MimeConversion;
import dev.mailaccess.angus.internal.SearchTerms;
import dev.mailaccess.internal.ImapSearchSyntax;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.util.SharedFileInputStream;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.SortTerm;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An open IMAP folder. Every message is addressed by UID (never by sequence number); listings are one batched FETCH;
 * bodies stream with {@code BODY.PEEK} in 256 KB chunks; expunges are {@code UID EXPUNGE} of exactly the chosen
 * messages; closing never expunges.
 */
public final class ImapFolder implements MailFolder {
    /** Ends IDLE at the caller's deadline; one daemon thread for all folders. */
    private static final ScheduledExecutorService IDLE_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailaccess-imap-idle-timer");
        t.setDaemon(true);
        return t;
    });

    private final ImapSession session;
    private final IMAPFolder folder;
    private final String path;
    private final AccessMode mode;
    private final long uidValidity;
    private volatile boolean closed;
    /** How the folder's connection failed, as Angus saw it (its own exceptions drop the cause). */
    private volatile Exception connectionFailure;
    private final ResponseHandler failureWatcher;
    /** UID to size of the last listing with sizes (sizes of a UID never change). */
    private volatile Map<Long, Long> lastListedSizes = Map.of();

    ImapFolder(ImapSession session, IMAPFolder folder, String path, AccessMode mode) throws MessagingException {
        this.session = session;
        this.folder = folder;
        this.path = path;
        this.mode = mode;
        this.uidValidity = folder.getUIDValidity();
        this.failureWatcher = r -> {
            if (r.isBYE()) {
                Exception e = r.getException();
                connectionFailure = e != null ? e
                        : new java.io.EOFException("the server ended the connection: " + r.getRest());
            }
        };
        watchConnection();
    }

    private void watchConnection() throws MessagingException {
        folder.doCommand(p -> {
            p.removeResponseHandler(failureWatcher);
            p.addResponseHandler(failureWatcher);
            return null;
        });
    }

    /**
     * Translates a failure of a call that started at {@code startNanos}. When the connection died, Angus often
     * reports only "folder closed" and drops the cause; the cause is recovered from a BYE Angus synthesised where it
     * passed one on, and a connection that died after waiting the full read timeout is reported as a timeout.
     */
    MailAccessException translate(Exception e, String where, long startNanos) {
        Exception failure = connectionFailure;
        boolean connectionGone = !isOpen() || e instanceof jakarta.mail.FolderClosedException
                || e instanceof jakarta.mail.StoreClosedException;
        MailAccessException t;
        if (failure != null && connectionGone && !(e instanceof MailAccessException)) {
            t = Errors.translate(new MessagingException(String.valueOf(e.getMessage()), failure), where);
        } else {
            t = Errors.translate(ImapSession.withConnectionCause(e), where);
        }
        return session.timeoutAware(t, e, where, startNanos, connectionGone);
    }

    /**
     * Whether the folder is still open. Not Angus's {@code isOpen()}, which sends a NOOP when the connection has
     * been quiet for a second: a round trip before every call after a pause.
     */
    private boolean isOpen() {
        return VanishedSafeFolder.isOpen(folder);
    }

    /** The number of messages the folder had at its last answer, without Angus's NOOP probe. */
    private int messageCount() throws MessagingException {
        return folder instanceof VanishedSafeFolder v ? v.messageCountWithoutProbe() : folder.getMessageCount();
    }

    /** Angus's fetch can swallow a dead connection; make it visible. */
    private void ensureOpen() throws MessagingException {
        if (!isOpen()) {
            throw new jakarta.mail.FolderClosedException(folder, "lost the connection to the server");
        }
    }

    /** What a call does, for exception messages. */
    private String where(String what) {
        return what + " in " + path + session.on();
    }

    private interface AngusCall<T> {
        T run() throws MessagingException, IOException;
    }

    private <T> T call(String what, MessageRef ref, AngusCall<T> body) {
        long start = System.nanoTime();
        try {
            reopenIfStale();
            return body.run();
        } catch (MessageRemovedException | IndexOutOfBoundsException e) {
            throw new MessageGoneException(ref, "expunged by another client while " + where(what));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw translate(e, where(what), start);
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public AccessMode mode() {
        return mode;
    }

    @Override
    public FolderStatus status() {
        return call("reading the status", null, () -> session.status(folder, path));
    }

    // ---------------------------------------------------------------- references

    private MessageRef ref(Message m) throws MessagingException {
        return MessageRef.imap(uidValidity, folder.getUID(m));
    }

    private void checkRef(MessageRef ref) {
        if (!ref.isImap()) {
            throw new MessageGoneException(ref, "not an IMAP reference; " + path + " has UIDVALIDITY " + uidValidity);
        }
        if (ref.uidValidity() != uidValidity) {
            throw new MessageGoneException(ref, "the UIDVALIDITY of " + path + " is now " + uidValidity
                    + ", so every older reference is stale");
        }
    }

    /** The live messages for the refs, in folder order; refs of vanished messages are left out. One command at most. */
    private List<IMAPMessage> lookup(Collection<MessageRef> refs) throws MessagingException {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return List.of();
        }
        long[] uids = refs.stream().mapToLong(MessageRef::uid).distinct().toArray();
        Message[] found = folder.getMessagesByUID(uids);
        List<IMAPMessage> out = new ArrayList<>(found.length);
        for (Message m : found) {
            if (m != null && !m.isExpunged()) {
                out.add((IMAPMessage) m);
            }
        }
        out.sort(Comparator.comparingInt(Message::getMessageNumber));
        return out;
    }

    private IMAPMessage lookupOne(MessageRef ref) throws MessagingException {
        List<IMAPMessage> found = lookup(List.of(ref));
        if (found.isEmpty()) {
            throw new MessageGoneException(ref, "no message with UID " + ref.uid() + " in " + path);
        }
        return found.get(0);
    }

    /** UIDs of the messages, fetched in one command where not yet known, as refs in the given order. */
    private List<MessageRef> refsOf(Message[] msgs) throws MessagingException {
        if (msgs == null || msgs.length == 0) {
            return List.of();
        }
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(msgs, fp);
        ensureOpen();
        List<MessageRef> out = new ArrayList<>(msgs.length);
        for (Message m : msgs) {
            if (!m.isExpunged()) {
                out.add(ref(m));
            }
        }
        return List.copyOf(out);
    }

    /**
     * NOOP: lets the server report new and expunged messages before a listing of "all" or "the newest" messages,
     * so the listing is current (Angus would otherwise only ask when the connection was idle for a second).
     */
    private void refresh() throws MessagingException {
        folder.doCommand(p -> {
            p.noop();
            return null;
        });
        reopenIfStale();
    }

    /**
     * Reselects the folder when the server reported a vanished message this connection never numbered (see
     * {@link VanishedSafeFolder}): Angus's sequence numbers can no longer be trusted. Two commands; rare.
     */
    private void reopenIfStale() throws MessagingException {
        if (folder instanceof VanishedSafeFolder v && v.takeStale()) {
            folder.close(false);
            folder.open(mode == AccessMode.READ_ONLY ? Folder.READ_ONLY : Folder.READ_WRITE);
            watchConnection();
        }
    }

    @Override
    public List<MessageRef> refs() {
        return call("listing messages", null, () -> {
            refresh();
            return refsOf(folder.getMessages());
        });
    }

    // ---------------------------------------------------------------- summaries

    @Override
    public List<MessageSummary> summaries(FetchSpec spec) {
        return call("listing summaries", null, () -> {
            if (messageCount() == 0) {
                refresh(); // an empty folder: ask whether mail arrived (a FETCH of 1:* would be refused)
                if (messageCount() == 0) {
                    return List.of();
                }
            }
            // no NOOP first: the answer covers whatever is in the folder now
            return listed(fetchSummaries("UID FETCH 1:* (" + ListingReader.items(spec) + ")", spec), spec);
        });
    }

    @Override
    public List<MessageSummary> newest(int count, FetchSpec spec) {
        return call("listing the newest summaries", null, () -> {
            refresh();
            int total = messageCount();
            if (count <= 0 || total <= 0) {
                return List.of();
            }
            int start = Math.max(1, total - count + 1);
            return listed(fetchSummaries("FETCH " + start + ":" + total + " (" + ListingReader.items(spec) + ")",
                    spec), spec);
        });
    }

    @Override
    public List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec) {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return List.of();
        }
        return call("listing summaries", null, () -> listed(fetchSummaries(
                "UID FETCH " + uidSet(refs) + " (" + ListingReader.items(spec) + ")", spec), spec));
    }

    private static String uidSet(Collection<MessageRef> refs) {
        long[] uids = refs.stream().mapToLong(MessageRef::uid).sorted().distinct().toArray();
        return UIDSet.toString(UIDSet.createUIDSets(uids));
    }

    /**
     * Sends one summary FETCH (any message set, by UID or sequence number) and returns its answers by UID, read by
     * {@link ListingReader} (bulk reads, the fast parser, one bad answer never failing the rest); Angus reads them
     * where the connection has no bounded reader. No Angus message objects: they number by sequence, which a server
     * reporting an expunge in the middle of the answers (GreenMail) can leave paired with the wrong UID.
     */
    private Map<Long, MessageSummary> fetchSummaries(String command, FetchSpec spec) throws MessagingException {
        String server = session.config().displayUri();
        @SuppressWarnings("unchecked")
        Map<Long, MessageSummary> answers = (Map<Long, MessageSummary>) folder.doCommand(
                p -> ListingReader.list(p, command, uidValidity, spec, server));
        if (answers == null) {
            answers = new LinkedHashMap<>();
            for (FetchResponse fr : rawFetch(command).values()) {
                try {
                    MessageSummary m = ListingReader.summary(fr, uidValidity);
                    answers.put(m.ref().uid(), ListingReader.complete(m, spec, server));
                } catch (IllegalArgumentException unusableUid) {
                    // no message can be addressed by it: left out, as the bounded reader leaves it out
                }
            }
        }
        ensureOpen();
        return answers;
    }

    /** The answers in folder (UID) order; their sizes are remembered for {@link #downloadMessages}. */
    private List<MessageSummary> listed(Map<Long, MessageSummary> answers, FetchSpec spec) {
        List<MessageSummary> out = new ArrayList<>(answers.values());
        out.sort(Comparator.comparingLong(m -> m.ref().uid()));
        if (spec.has(FetchSpec.Item.SIZE)) {
            Map<Long, Long> sizes = new java.util.HashMap<>(out.size() * 2);
            for (MessageSummary m : out) {
                sizes.put(m.ref().uid(), m.size());
            }
            lastListedSizes = sizes; // lets downloadMessages skip its size FETCH right after a listing
        }
        return List.copyOf(out);
    }

    @Override
    public List<MessageSummary> changedSince(long modSeq, FetchSpec spec) {
        if (session.capabilities().support(Capability.QUICK_RESYNC) == Support.UNSUPPORTED) {
            throw new UnsupportedCapabilityException(session.capabilities().info(Capability.QUICK_RESYNC),
                    session.capabilities().protocol());
        }
        return call("listing changes since MODSEQ " + modSeq, null, () -> {
            if (messageCount() == 0) {
                return List.of();
            }
            return listed(fetchSummaries("UID FETCH 1:* (" + ListingReader.items(spec) + ") (CHANGEDSINCE "
                    + modSeq + ")", spec), spec);
        });
    }

    /**
     * With QRESYNC: UNSELECT, then {@code SELECT path (QRESYNC (uidValidity modSeq))} (Angus sends ENABLE QRESYNC
     * first), whose untagged answers carry both the changed messages and {@code VANISHED (EARLIER)}; then one FETCH
     * for the rest of the spec. With CONDSTORE only: {@link #changedSince}.
     */
    @Override
    public FolderChanges changesSince(long knownUidValidity, long modSeq, FetchSpec spec) {
        if (knownUidValidity != uidValidity) {
            throw new IllegalArgumentException("UIDVALIDITY of " + path + " is " + uidValidity + ", not "
                    + knownUidValidity);
        }
        if (!session.serverHas("QRESYNC") || !(folder instanceof VanishedSafeFolder)) {
            // without the VANISHED fix (Angus loaded the folder class from elsewhere), never enable QRESYNC
            return new FolderChanges(changedSince(modSeq, spec), List.of(), false);
        }
        return call("resynchronising since MODSEQ " + modSeq, null, () -> {
            folder.close(false);
            List<jakarta.mail.event.MailEvent> events = folder.open(
                    mode == AccessMode.READ_ONLY ? Folder.READ_ONLY : Folder.READ_WRITE,
                    new org.eclipse.angus.mail.imap.ResyncData(knownUidValidity, modSeq));
            watchConnection();
            if (folder.getUIDValidity() != knownUidValidity) {
                throw new MailAccessException("UIDVALIDITY of " + path + " changed during the resync");
            }
            List<MessageRef> changed = new ArrayList<>();
            Set<Long> vanished = new java.util.TreeSet<>();
            for (jakarta.mail.event.MailEvent e : events == null ? List.<jakarta.mail.event.MailEvent>of() : events) {
                if (e instanceof org.eclipse.angus.mail.imap.MessageVanishedEvent v) {
                    for (long uid : v.getUIDs()) {
                        vanished.add(uid);
                    }
                } else if (e instanceof jakarta.mail.event.MessageChangedEvent c && !c.getMessage().isExpunged()) {
                    changed.add(ref(c.getMessage()));
                }
            }
            ensureOpen();
            List<MessageSummary> summaries = changed.isEmpty() ? List.of() : listed(fetchSummaries(
                    "UID FETCH " + uidSet(changed) + " (" + ListingReader.items(spec) + ")", spec), spec);
            return new FolderChanges(summaries,
                    vanished.stream().map(uid -> MessageRef.imap(uidValidity, uid)).toList(), true);
        });
    }

    // ---------------------------------------------------------------- bodies

    @Override
    public InputStream openMessage(MessageRef ref) {
        checkRef(ref);
        return SectionStream.open(folder, ref, "", 0, -1, ImapProvider.CHUNK_SIZE,
                where("reading message " + ref), this::translate);
    }

    /** The header block with {@code UID FETCH n BODY.PEEK[HEADER]} (one round trip; does not set \Seen). */
    @Override
    public InputStream openHeaders(MessageRef ref) {
        checkRef(ref);
        return call("reading the headers of " + ref, ref, () -> {
            IMAPMessage m = lookupOne(ref);
            byte[] block = headerBlock(m); // BODY.PEEK[HEADER] unless cached
            ensureOpen();
            return new java.io.ByteArrayInputStream(block);
        });
    }

    /** Messages up to this size go into batched FETCHes; larger ones stream in chunks on their own. */
    private static final long BATCHED_MESSAGE_MAX = ImapProvider.CHUNK_SIZE;
    /** Bytes of message data one batched FETCH may bring into memory. */
    private static final long BATCH_BYTES = 8L << 20;
    private static final int BATCH_MESSAGES = 1000;

    /**
     * One FETCH of the sizes, then small messages in {@code UID FETCH set (UID BODY.PEEK[])} batches of at most
     * 8 MB, pipelined ({@link #downloadBatches}), large ones through {@link #openMessage}: a few round trips per
     * thousand small messages instead of one each, and never more than a batch in memory.
     */
    @Override
    public void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return;
        }
        Map<Long, Long> sizes = new java.util.HashMap<>();
        Map<Long, Long> listed = lastListedSizes;
        if (refs.stream().allMatch(r -> listed.containsKey(r.uid()))) {
            refs.forEach(r -> sizes.put(r.uid(), listed.get(r.uid()))); // sizes never change: no FETCH needed
        } else {
            uidFetch(refs, "RFC822.SIZE", "reading the sizes of " + refs.size() + " messages").forEach((uid, fr) -> {
                org.eclipse.angus.mail.imap.protocol.RFC822SIZE size =
                        fr.getItem(org.eclipse.angus.mail.imap.protocol.RFC822SIZE.class);
                if (size != null) {
                    sizes.put(uid, size.size);
                }
            });
        }
        List<List<MessageRef>> batches = new ArrayList<>(); // in a row, with no large message between them
        List<MessageRef> batch = new ArrayList<>();
        long bytes = 0;
        for (MessageRef ref : refs) {
            Long size = sizes.get(ref.uid());
            if (size == null) {
                continue; // gone
            }
            if (size > BATCHED_MESSAGE_MAX) {
                if (!batch.isEmpty()) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                downloadBatches(batches, sink);
                batches.clear();
                MailFolder.super.downloadMessages(List.of(ref), sink);
                continue;
            }
            if (!batch.isEmpty() && (bytes + size > BATCH_BYTES || batch.size() >= BATCH_MESSAGES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(ref);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        downloadBatches(batches, sink);
    }

    /**
     * Downloads batches of small messages with one {@code UID FETCH set (UID BODY.PEEK[])} each, pipelined: the
     * FETCH of the next batch is sent before this one goes to the sink, so the server reads and sends it while
     * the sink stores this one, instead of each side waiting for the other. While the sink runs, that one command
     * is in flight and its answer unread: nothing may touch the folder then (not even {@code isOpen()}, which can
     * send a NOOP that would swallow the answer), so the steps skip {@link #call}'s reopen, and a failing sink
     * has the answer read and dropped before its exception goes on.
     */
    private void downloadBatches(List<List<MessageRef>> batches, MessageSink sink) {
        if (batches.isEmpty()) {
            return;
        }
        String what = "downloading " + batches.stream().mapToInt(List::size).sum() + " messages";
        String first = bodiesCommand(batches.get(0));
        String tag = call(what, null, () -> (String) folder.doCommand(p -> send(p, first)));
        for (int i = 0; i < batches.size(); i++) {
            String inFlight = tag;
            String next = i + 1 < batches.size() ? bodiesCommand(batches.get(i + 1)) : null;
            BatchAnswer answer = inFlight(what, () -> (BatchAnswer) folder.doCommand(p -> receive(p, inFlight, next)));
            tag = answer.nextTag();
            try {
                for (MessageRef ref : batches.get(i)) {
                    ByteArray ba = answer.bodies().get(ref.uid());
                    if (ba != null) { // else expunged meanwhile
                        dev.mailaccess.internal.ReadTracking.deliver(ref,
                                new java.io.ByteArrayInputStream(ba.getBytes(), ba.getStart(), ba.getCount()), sink);
                    }
                }
            } catch (RuntimeException e) {
                if (tag != null) {
                    String unread = tag;
                    try {
                        inFlight(what, () -> folder.doCommand(p -> {
                            answerOf(p, unread);
                            return null;
                        }));
                    } catch (RuntimeException drainFailure) {
                        e.addSuppressed(drainFailure);
                    }
                }
                throw e;
            }
        }
    }

    /** One batch's bodies by UID, and the tag of the next batch's FETCH (sent meanwhile), or null. */
    private record BatchAnswer(Map<Long, ByteArray> bodies, String nextTag) {
    }

    private static String bodiesCommand(List<MessageRef> batch) {
        long[] uids = batch.stream().mapToLong(MessageRef::uid).sorted().distinct().toArray();
        return "UID FETCH " + UIDSet.toString(UIDSet.createUIDSets(uids)) + " (UID BODY.PEEK[])";
    }

    /** Reads the answer to a FETCH in flight, then sends {@code next} (if any) once the answer was OK. */
    private static BatchAnswer receive(org.eclipse.angus.mail.imap.protocol.IMAPProtocol p, String tag,
                                       String next) throws org.eclipse.angus.mail.iap.ProtocolException {
        Response[] r = answerOf(p, tag);
        p.handleResult(r[r.length - 1]);
        Map<Long, ByteArray> bodies = new java.util.HashMap<>();
        for (Response x : r) {
            if (x instanceof FetchResponse fr) {
                UID u = fr.getItem(UID.class);
                BODY b = fr.getItem(BODY.class);
                if (u != null && b != null && b.getByteArray() != null) {
                    bodies.put(u.uid, b.getByteArray());
                }
            }
        }
        return new BatchAnswer(bodies, next == null ? null : send(p, next));
    }

    /** Writes a command without waiting for its answer; a failed write ends the connection as Angus's would. */
    private static String send(org.eclipse.angus.mail.imap.protocol.IMAPProtocol p, String command)
            throws org.eclipse.angus.mail.iap.ProtocolException {
        try {
            return p.writeCommand(command, null);
        } catch (IOException | org.eclipse.angus.mail.iap.ProtocolException | RuntimeException e) {
            p.handleResult(Response.byeResponse(e)); // throws: the connection is gone
            throw new IllegalStateException("unreachable", e);
        }
    }

    /**
     * The responses up to the tagged one of a command already sent, read as Angus's {@code Protocol.command} reads
     * them (a BYE or a broken connection comes last); every one but the FETCH answers goes to the folder, as in
     * {@link #rawFetch}.
     */
    private static Response[] answerOf(org.eclipse.angus.mail.imap.protocol.IMAPProtocol p, String tag) {
        List<Response> answer = new ArrayList<>();
        Response bye = null;
        while (true) {
            Response r;
            try {
                r = p.readResponse();
            } catch (IOException e) {
                if (bye == null) {
                    bye = Response.byeResponse(e);
                }
                break;
            } catch (org.eclipse.angus.mail.iap.ProtocolException e) {
                continue; // a bad response: skipped, as Angus does
            }
            if (r.isBYE()) {
                bye = r;
                continue;
            }
            answer.add(r);
            if (r.isTagged() && tag.equals(r.getTag())) {
                break;
            }
        }
        if (bye != null) {
            answer.add(bye);
        }
        Response[] all = answer.toArray(new Response[0]);
        p.notifyResponseHandlers(java.util.Arrays.stream(all).filter(x -> !(x instanceof FetchResponse))
                .toArray(Response[]::new));
        return all;
    }

    /** {@link #call} for a step while a command is in flight: the same translation of failures, no reopen. */
    private <T> T inFlight(String what, AngusCall<T> body) {
        long start = System.nanoTime();
        try {
            return body.run();
        } catch (MessagingException | IOException | RuntimeException e) {
            throw translate(e, where(what), start);
        }
    }

    /**
     * {@code UID FETCH set (UID items)} as one raw command, answers keyed by the UID in each answer. Angus's message
     * objects are not involved: they number by sequence, which a server reporting an expunge in the middle of the
     * answers (GreenMail) can leave paired with the wrong UID. Unsolicited responses still reach the folder.
     */
    private Map<Long, FetchResponse> uidFetch(Collection<MessageRef> refs, String items, String what) {
        long[] uids = refs.stream().mapToLong(MessageRef::uid).sorted().distinct().toArray();
        String command = "UID FETCH " + UIDSet.toString(UIDSet.createUIDSets(uids)) + " (UID " + items + ")";
        return call(what, null, () -> rawFetch(command));
    }

    /**
     * Sends a FETCH command as it is and returns its answers keyed by the UID each carries, in the server's order.
     * The folder still gets the unsolicited responses (EXISTS, EXPUNGE, ...), not the FETCH answers: some servers
     * (GreenMail) number those as if an expunge reported later in the same answer had already happened.
     */
    @SuppressWarnings("unchecked")
    private Map<Long, FetchResponse> rawFetch(String command) throws MessagingException {
        return (Map<Long, FetchResponse>) folder.doCommand(p -> {
            Response[] r = p.command(command, null);
            p.notifyResponseHandlers(java.util.Arrays.stream(r).filter(x -> !(x instanceof FetchResponse))
                    .toArray(Response[]::new));
            p.handleResult(r[r.length - 1]);
            Map<Long, FetchResponse> out = new LinkedHashMap<>();
            for (Response x : r) {
                if (x instanceof FetchResponse fr) {
                    UID u = fr.getItem(UID.class);
                    if (u != null) {
                        out.put(u.uid, fr);
                    }
                }
            }
            return out;
        });
    }

    /** One {@code UID FETCH set (UID BODY.PEEK[HEADER])} for all of them. */
    @Override
    public Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        refs.forEach(this::checkRef);
        return call("reading headers of " + refs.size() + " messages", null, () -> {
            List<IMAPMessage> msgs = lookup(refs);
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(IMAPFolder.FetchProfileItem.HEADERS);
            folder.fetch(msgs.toArray(new Message[0]), fp);
            ensureOpen();
            Map<MessageRef, byte[]> out = new LinkedHashMap<>();
            for (IMAPMessage m : msgs) {
                if (!m.isExpunged()) {
                    out.put(ref(m), headerBlock(m));
                }
            }
            return out;
        });
    }

    private static byte[] headerBlock(IMAPMessage m) throws MessagingException {
        StringBuilder block = new StringBuilder();
        java.util.Enumeration<String> lines = m.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            block.append(lines.nextElement()).append("\r\n");
        }
        block.append("\r\n");
        // lines hold the raw bytes as ISO-8859-1 chars (or UTF-8 text): write them back as read
        return block.toString().getBytes(
                block.chars().anyMatch(c -> c > 255) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    @Override
    public InputStream openMessage(MessageRef ref, long offset, long length) {
        checkRef(ref);
        if (length == 0) {
            call("reading message " + ref, ref, () -> lookupOne(ref));
            return InputStream.nullInputStream();
        }
        return SectionStream.open(folder, ref, "", offset, length, ImapProvider.CHUNK_SIZE,
                where("reading message " + ref), this::translate);
    }

    @Override
    public InputStream openPart(MessageRef ref, String partPath) {
        checkRef(ref);
        String what = "reading part '" + partPath + "' of message " + ref;
        String[] sectionAndEncoding = call(what, ref, () -> {
            IMAPMessage m = lookupOne(ref);
            FetchProfile fp = new FetchProfile();
            fp.add(FetchProfile.Item.CONTENT_INFO);
            folder.fetch(new Message[] {m}, fp);
            ensureOpen();
            boolean multipart = m.isMimeType("multipart/*");
            Part part = MimeConversion.partAt(m, partPath);
            if (part == null) {
                BodyPart structure = MimeConversion.structure(m);
                List<String> known = structure.flatten().stream().map(BodyPart::path).filter(p -> !p.isEmpty())
                        .toList();
                throw new MessageGoneException(ref, "it has no MIME part '" + partPath + "' (its parts: "
                        + (known.isEmpty() ? "only the body, path \"\"" : String.join(", ", known)) + ")");
            }
            String section;
            if (!multipart && (partPath.isEmpty() || partPath.equals("1"))) {
                section = "TEXT";
            } else if (partPath.isEmpty()) {
                // The whole body of a multipart message, as sent: no transfer decoding applies.
                return new String[] {"TEXT", ""};
            } else {
                section = partPath;
            }
            String encoding = part instanceof MimePart mp && mp.getEncoding() != null
                    ? mp.getEncoding().toLowerCase(Locale.ROOT).strip() : "";
            return new String[] {section, encoding};
        });
        InputStream raw = SectionStream.open(folder, ref, sectionAndEncoding[0], 0, -1, ImapProvider.CHUNK_SIZE,
                where(what), this::translate);
        String encoding = sectionAndEncoding[1];
        if (encoding.isEmpty() || encoding.equals("7bit") || encoding.equals("8bit")
                || encoding.equals("binary")) {
            return raw;
        }
        try {
            return MimeUtility.decode(raw, encoding);
        } catch (MessagingException e) {
            // An unknown transfer encoding: hand out the bytes as stored.
            return raw;
        }
    }

    // ---------------------------------------------------------------- flags and deletion

    @Override
    public void addFlags(Collection<MessageRef> refs, Flags flags) {
        setFlags(refs, flags, true);
    }

    @Override
    public void removeFlags(Collection<MessageRef> refs, Flags flags) {
        setFlags(refs, flags, false);
    }

    private void setFlags(Collection<MessageRef> refs, Flags flags, boolean value) {
        if (flags.isEmpty() || refs.isEmpty()) {
            refs.forEach(this::checkRef);
            return;
        }
        call(value ? "adding flags" : "removing flags", null, () -> {
            List<IMAPMessage> msgs = lookup(refs);
            if (!msgs.isEmpty()) {
                folder.setFlags(msgs.toArray(new Message[0]), MimeConversion.jakartaFlags(flags), value);
            }
            return null;
        });
    }

    @Override
    public void delete(Collection<MessageRef> refs) {
        setFlags(refs, Flags.of(Flag.DELETED), true);
    }

    @Override
    public void expunge(Collection<MessageRef> refs) {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return;
        }
        call("expunging messages", null, () -> {
            List<IMAPMessage> msgs = lookup(refs);
            if (!msgs.isEmpty()) {
                Message[] arr = msgs.toArray(new Message[0]);
                // UID EXPUNGE removes only messages marked \Deleted: mark exactly these, then expunge exactly these.
                folder.setFlags(arr, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
                folder.expunge(arr);
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- copy, move, append

    @Override
    public Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder) {
        return transfer(refs, targetFolder, false);
    }

    @Override
    public Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder) {
        return transfer(refs, targetFolder, true);
    }

    private Map<MessageRef, MessageRef> transfer(Collection<MessageRef> refs, String targetFolder, boolean move) {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return Map.of();
        }
        String what = (move ? "moving messages to " : "copying messages to ") + targetFolder;
        Folder target;
        try {
            target = session.store().getFolder(targetFolder);
        } catch (MessagingException e) {
            throw translate(e, where(what), System.nanoTime());
        }
        long start = System.nanoTime();
        try {
            List<IMAPMessage> msgs = lookup(refs);
            if (msgs.isEmpty()) {
                return Map.of();
            }
            Message[] arr = msgs.toArray(new Message[0]);
            List<MessageRef> oldRefs = new ArrayList<>(arr.length);
            for (Message m : arr) {
                oldRefs.add(ref(m));
            }
            AppendUID[] uids;
            if (!move) {
                uids = folder.copyUIDMessages(arr, target);
            } else if (session.serverHas("MOVE")) {
                uids = folder.moveUIDMessages(arr, target);
            } else if (session.serverHas("UIDPLUS")) {
                uids = folder.copyUIDMessages(arr, target);
                folder.setFlags(arr, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
                folder.expunge(arr);
            } else {
                throw new UnsupportedCapabilityException(session.capabilities().info(Capability.MOVE),
                        session.capabilities().protocol());
            }
            Map<MessageRef, MessageRef> out = new LinkedHashMap<>();
            if (uids != null) {
                for (int i = 0; i < arr.length && i < uids.length; i++) {
                    if (uids[i] != null && uids[i].uid > 0 && uids[i].uidvalidity > 0) {
                        out.put(oldRefs.get(i), MessageRef.imap(uids[i].uidvalidity, uids[i].uid));
                    }
                }
            }
            return out;
        } catch (MessageRemovedException e) {
            throw new MessageGoneException(null, "expunged by another client while " + where(what));
        } catch (MessagingException | RuntimeException e) {
            throw targetFailure(target, targetFolder, e, what, start);
        }
    }

    private MailAccessException targetFailure(Folder target, String targetFolder, Exception e, String what,
                                              long start) {
        if (!isOpen()) {
            return translate(e, where(what), start);
        }
        MailAccessException t = session.notFoundOr(target, targetFolder, e, where(what), start);
        if (t instanceof FolderNotFoundException && !(e instanceof jakarta.mail.FolderNotFoundException)) {
            return new FolderNotFoundException(targetFolder, e);
        }
        return t;
    }

    @Override
    public Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate) {
        return call("appending a message", null, () -> {
            Path tmp = Files.createTempFile("mailaccess-append-", ".eml");
            try {
                // Spool to disk so that a large message is never held in memory; the parsed message reads its
                // content from the file and is written out unchanged.
                Files.copy(rfc822, tmp, StandardCopyOption.REPLACE_EXISTING);
                SharedFileInputStream in = new SharedFileInputStream(tmp.toFile());
                try {
                    AppendMessage m = new AppendMessage(session.jakartaSession(), in,
                            MimeConversion.jakartaFlags(flags),
                            internalDate == null ? null : Date.from(internalDate));
                    AppendUID[] r = folder.appendUIDMessages(new Message[] {m});
                    if (r == null || r.length == 0 || r[0] == null || r[0].uid <= 0 || r[0].uidvalidity <= 0) {
                        return Optional.<MessageRef>empty();
                    }
                    return Optional.of(MessageRef.imap(r[0].uidvalidity, r[0].uid));
                } finally {
                    in.close();
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }

    // ---------------------------------------------------------------- search and sort

    /**
     * One {@code UID SEARCH} with the criteria of {@link ImapSearchSyntax} ({@code CHARSET UTF-8} and literals where
     * a string is not ASCII): the server answers with UIDs, so the result needs no further round trip. Core calls
     * this only with the server part of a plan (no {@code has:attachment}).
     */
    @Override
    public List<MessageRef> search(SearchQuery query) {
        if (!ImapSearchSyntax.expressible(query)) {
            throw new IllegalArgumentException("no IMAP SEARCH key for " + query.toQueryString()
                    + "; search through Mailbox.folder(), which plans a local residual");
        }
        List<ImapSearchSyntax.Token> tokens = ImapSearchSyntax.tokens(query, uidValidity);
        boolean utf8 = ImapSearchSyntax.needsUtf8(tokens);
        return call("searching", null, () -> {
            Object result = folder.doCommand(p -> {
                Argument args = new Argument();
                java.util.ArrayDeque<Argument> stack = new java.util.ArrayDeque<>();
                Argument current = args;
                for (ImapSearchSyntax.Token t : tokens) {
                    switch (t.kind()) {
                        case ATOM -> current.writeAtom(t.text());
                        case STRING -> current.writeString(t.text(), StandardCharsets.UTF_8);
                        case OPEN -> {
                            stack.push(current);
                            current = new Argument();
                        }
                        case CLOSE -> {
                            Argument inner = current;
                            current = stack.pop();
                            current.writeArgument(inner);
                        }
                    }
                }
                Response[] r = p.command(utf8 ? "UID SEARCH CHARSET UTF-8" : "UID SEARCH", args);
                Response status = r[r.length - 1];
                java.util.TreeSet<Long> uids = new java.util.TreeSet<>();
                if (status.isOK()) {
                    for (Response each : r) {
                        if (each instanceof IMAPResponse ir && ir.keyEquals("SEARCH")) {
                            long uid;
                            while ((uid = ir.readLong()) != -1) {
                                uids.add(uid);
                            }
                        }
                    }
                }
                p.notifyResponseHandlers(r);
                p.handleResult(status);
                return uids;
            });
            ensureOpen();
            List<MessageRef> out = new ArrayList<>();
            for (Object uid : (java.util.Set<?>) result) {
                out.add(MessageRef.imap(uidValidity, (Long) uid));
            }
            return List.copyOf(out);
        });
    }

    @Override
    public List<MessageRef> sort(List<SortKey> keys, SearchQuery query) {
        return call("sorting", null, () -> {
            List<SortTerm> terms = new ArrayList<>();
            for (SortKey k : keys) {
                if (k.reverse()) {
                    terms.add(SortTerm.REVERSE);
                }
                terms.add(switch (k.field()) {
                    case ARRIVAL -> SortTerm.ARRIVAL;
                    case DATE -> SortTerm.DATE;
                    case FROM -> SortTerm.FROM;
                    case TO -> SortTerm.TO;
                    case CC -> SortTerm.CC;
                    case SUBJECT -> SortTerm.SUBJECT;
                    case SIZE -> SortTerm.SIZE;
                });
            }
            if (terms.isEmpty()) {
                terms.add(SortTerm.ARRIVAL);
            }
            SearchTerm term = SearchTerms.toTerm(query == null ? SearchQuery.all() : query);
            return refsOf(folder.getSortedMessages(terms.toArray(new SortTerm[0]), term));
        });
    }

    // ---------------------------------------------------------------- push

    @Override
    public boolean awaitChange(Duration maxWait) {
        if (session.capabilities().support(Capability.PUSH) == Support.UNSUPPORTED) {
            throw new UnsupportedCapabilityException(session.capabilities().info(Capability.PUSH),
                    session.capabilities().protocol());
        }
        long waitMillis = Math.max(0, maxWait.toMillis());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        AtomicBoolean changed = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        ResponseHandler watcher = r -> {
            if (r instanceof IMAPResponse ir && ir.isUnTagged()
                    && (ir.keyEquals("EXISTS") || ir.keyEquals("EXPUNGE") || ir.keyEquals("FETCH")
                    || ir.keyEquals("VANISHED"))) {
                changed.set(true);
            }
        };
        return call("waiting for changes (IDLE)", null, () -> {
            // Any command aborts a running IDLE (Angus sends DONE first); repeat until the waiting thread is out.
            ScheduledFuture<?> stopper = IDLE_TIMER.scheduleAtFixedRate(() -> {
                if (!finished.get()) {
                    try {
                        folder.doCommand(p -> null);
                    } catch (MessagingException | RuntimeException ignored) {
                        // the waiting thread sees the failure itself
                    }
                }
            }, waitMillis, 50, TimeUnit.MILLISECONDS);
            try {
                folder.doCommand(p -> {
                    p.addResponseHandler(watcher);
                    // Changes the server has not yet told about (since the last command) count too.
                    p.noop();
                    return null;
                });
                while (!changed.get() && System.nanoTime() - deadline < 0) {
                    folder.idle(true);
                }
                return changed.get();
            } finally {
                finished.set(true);
                stopper.cancel(false);
                try {
                    folder.doCommand(p -> {
                        p.removeResponseHandler(watcher);
                        return null;
                    });
                } catch (MessagingException | RuntimeException ignored) {
                    // the connection is gone; so is the handler
                }
            }
        });
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        session.forget(this);
        // never expunges: UNSELECT (or EXAMINE + CLOSE), now or when the session next needs the connection, or
        // LOGOUT if the session is closed first
        session.park(folder);
    }

    @Override
    public String toString() {
        return "ImapFolder[" + path + ", " + mode + (closed ? ", closed" : "") + "]";
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
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
import dev.mailaccess.angus.internal.MimeConversion;
import dev.mailaccess.angus.internal.SearchTerms;
import dev.mailaccess.internal.ImapSearchSyntax;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.util.SharedFileInputStream;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.SortTerm;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private final SelectedFolder selected;
    private final ImapSummaries summaries;
    private final ImapBodies bodies;
    private final ImapDownload download;
    private volatile boolean closed;
    // aliases for the commands not yet moved out
    private final ImapSession session;
    private final IMAPFolder folder;
    private final String path;
    private final AccessMode mode;
    private final long uidValidity;

    ImapFolder(ImapSession session, IMAPFolder folder, String path, AccessMode mode) throws MessagingException {
        this.selected = new SelectedFolder(session, folder, path, mode);
        this.summaries = new ImapSummaries(selected);
        this.bodies = new ImapBodies(selected);
        this.download = new ImapDownload(selected, (refs, sink) -> MailFolder.super.downloadMessages(refs, sink));
        this.session = session;
        this.folder = folder;
        this.path = path;
        this.mode = mode;
        this.uidValidity = selected.uidValidity;
    }

    private MailAccessException translate(Exception e, String where, long startNanos) {
        return selected.translate(e, where, startNanos);
    }

    private boolean isOpen() {
        return selected.isOpen();
    }

    private void ensureOpen() throws MessagingException {
        selected.ensureOpen();
    }

    private String where(String what) {
        return selected.where(what);
    }

    private <T> T call(String what, MessageRef ref, SelectedFolder.AngusCall<T> body) {
        return selected.call(what, ref, body);
    }

    private MessageRef ref(Message m) throws MessagingException {
        return selected.ref(m);
    }

    private void checkRef(MessageRef ref) {
        selected.checkRef(ref);
    }

    private List<IMAPMessage> lookup(Collection<MessageRef> refs) throws MessagingException {
        return selected.lookup(refs);
    }

    private List<MessageRef> refsOf(Message[] msgs) throws MessagingException {
        return selected.refsOf(msgs);
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

    @Override
    public List<MessageRef> refs() {
        return summaries.refs();
    }

    @Override
    public List<MessageSummary> summaries(FetchSpec spec) {
        return summaries.summaries(spec);
    }

    @Override
    public List<MessageSummary> newest(int count, FetchSpec spec) {
        return summaries.newest(count, spec);
    }

    @Override
    public List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec) {
        return summaries.summaries(refs, spec);
    }

    @Override
    public List<MessageSummary> changedSince(long modSeq, FetchSpec spec) {
        return summaries.changedSince(modSeq, spec);
    }

    @Override
    public FolderChanges changesSince(long knownUidValidity, long modSeq, FetchSpec spec) {
        return summaries.changesSince(knownUidValidity, modSeq, spec);
    }

    @Override
    public InputStream openMessage(MessageRef ref) {
        return bodies.openMessage(ref);
    }

    @Override
    public InputStream openMessage(MessageRef ref, long offset, long length) {
        return bodies.openMessage(ref, offset, length);
    }

    @Override
    public InputStream openPart(MessageRef ref, String partPath) {
        return bodies.openPart(ref, partPath);
    }

    @Override
    public InputStream openHeaders(MessageRef ref) {
        return bodies.openHeaders(ref);
    }

    @Override
    public Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        return bodies.headerBlocks(refs);
    }

    @Override
    public void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        download.downloadMessages(refs, sink);
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

package dev.mailaccess.pop.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.Envelope;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSink;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ProtocolException;
import dev.mailaccess.ReadOnlyFolderException;
import dev.mailaccess.SortKey;
import dev.mailaccess.angus.internal.MimeConversion;
import dev.mailaccess.internal.PreviewText;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import org.eclipse.angus.mail.pop3.POP3Message;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A view of the POP3 maildrop (INBOX). Messages are addressed by UIDL; the UIDL list comes from one UIDL command
 * per connection. Closing the view keeps deletions pending until the session ends (POP3 commits them at QUIT).
 */
public final class PopFolder implements MailFolder {
    private final PopSession session;
    private final AccessMode mode;
    private boolean closed;

    PopFolder(PopSession session, AccessMode mode) {
        this.session = session;
        this.mode = mode;
    }

    private Maildrop maildrop() {
        if (closed) {
            throw new MailAccessException("INBOX was closed; open it again with Mailbox.inbox()");
        }
        return session.maildrop();
    }

    @Override
    public String path() {
        return "INBOX";
    }

    @Override
    public AccessMode mode() {
        return mode;
    }

    @Override
    public FolderStatus status() {
        Maildrop md = maildrop();
        int count = session.io("counting messages", md::count);
        return new FolderStatus("INBOX", count, -1, -1, -1, -1);
    }

    @Override
    public List<MessageRef> refs() {
        requireIds();
        Maildrop md = maildrop();
        return session.io("listing UIDLs", md::refs);
    }

    private void requireIds() {
        if (session.capabilities().support(Capability.STABLE_IDS) == dev.mailaccess.Support.UNSUPPORTED) {
            throw session.unsupported(Capability.STABLE_IDS);
        }
    }

    @Override
    public List<MessageSummary> summaries(FetchSpec spec) {
        return summaries(refs(), spec);
    }

    @Override
    public List<MessageSummary> newest(int count, FetchSpec spec) {
        List<MessageRef> all = refs();
        return summaries(all.subList(Math.max(0, all.size() - count), all.size()), spec);
    }

    @Override
    public List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec) {
        if (spec.has(FetchSpec.Item.FLAGS)) {
            throw session.unsupported(Capability.SERVER_FLAGS);
        }
        requireIds();
        Maildrop md = maildrop();
        return session.io("fetching summaries", () -> {
            TreeSet<Integer> numbers = new TreeSet<>();
            for (MessageRef ref : refs) {
                int n = md.number(ref);
                if (n > 0) {
                    numbers.add(n);
                }
            }
            int[] sizes = spec.has(FetchSpec.Item.SIZE) && !numbers.isEmpty() ? md.sizes() : null;
            List<MessageSummary> out = new ArrayList<>(numbers.size());
            for (int n : numbers) {
                out.add(summary(md, n, spec, sizes));
            }
            return out;
        });
    }

    private MessageSummary summary(Maildrop md, int n, FetchSpec spec, int[] sizes)
            throws MessagingException, IOException {
        POP3Message m = md.message(n);
        Envelope envelope = null;
        Map<String, List<String>> headers = Map.of();
        if (spec.has(FetchSpec.Item.ENVELOPE) || !spec.headers().isEmpty()) {
            m.getAllHeaders(); // TOP n 0 (RETR where the server lacks TOP); fails loudly, unlike the getters
        }
        if (spec.has(FetchSpec.Item.ENVELOPE)) {
            envelope = MimeConversion.envelope(m);
        }
        if (!spec.headers().isEmpty()) {
            headers = MimeConversion.headers(m, spec.headers());
        }
        BodyPart structure = null;
        if (spec.has(FetchSpec.Item.STRUCTURE)) {
            try {
                structure = MimeConversion.structure(m);
            } finally {
                m.invalidate(false); // drop the parsed content; headers stay
            }
        }
        long size = sizes == null ? -1 : sizes[n - 1];
        String preview = spec.has(FetchSpec.Item.PREVIEW) ? preview(m) : null;
        return new MessageSummary(MessageRef.pop3(md.uidl(n)), envelope, null, size, null, structure, headers,
                preview);
    }

    /**
     * The emulated preview: the header and the first {@value #PREVIEW_LINES} body lines ({@code TOP n 100}), or,
     * where the server lacks TOP, the header lines Angus parsed from RETR followed by the start of the body (its
     * raw stream is the body alone, without the header that names the type and charset), reduced to text by
     * {@link PreviewText}; at most {@value #PREVIEW_BYTES} bytes are read either way.
     */
    private String preview(POP3Message m) throws MessagingException, IOException {
        boolean top = session.capabilities().support(Capability.HEADERS) == dev.mailaccess.Support.NATIVE;
        if (top) {
            try (InputStream in = m.top(PREVIEW_LINES)) {
                return PreviewText.ofMessage(in.readNBytes(PREVIEW_BYTES));
            }
        }
        try (InputStream in = m.getRawInputStream()) {
            java.io.ByteArrayOutputStream start = new java.io.ByteArrayOutputStream();
            for (java.util.Enumeration<String> lines = m.getAllHeaderLines(); lines.hasMoreElements(); ) {
                start.writeBytes((lines.nextElement() + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            start.writeBytes(new byte[] {'\r', '\n'});
            start.writeBytes(in.readNBytes(Math.max(0, PREVIEW_BYTES - start.size())));
            return PreviewText.ofMessage(start.toByteArray());
        } finally {
            m.invalidate(false); // drop the downloaded content; headers stay
        }
    }

    /** The most of a message a POP3 preview reads. */
    private static final int PREVIEW_BYTES = 64 * 1024;

    /** Body lines a POP3 preview reads: the first text part of a usual message starts well within them. */
    private static final int PREVIEW_LINES = 100;

    private POP3Message resolve(Maildrop md, MessageRef ref) throws MessagingException {
        int n = md.number(ref);
        if (n <= 0) {
            throw new MessageGoneException(ref, "no message with this UIDL in the POP3 maildrop");
        }
        return md.message(n);
    }

    @Override
    public InputStream openMessage(MessageRef ref) {
        Maildrop md = maildrop();
        return session.io("downloading " + ref + " (RETR)", () -> {
            POP3Message m = resolve(md, ref);
            // RETR straight into a private temp file (cachewriteto=false), then hand out a stream over the file.
            return Spool.of(out -> m.writeTo(out));
        });
    }

    /** RETRs sent ahead of the answer being read, where the server announced PIPELINING. */
    private static final int RETR_WINDOW = 32;

    /**
     * RETR around Angus ({@link RawRetr}): 64 KB reads instead of Angus's byte at a time, and with PIPELINING up to
     * 32 RETRs in flight, so thousands of small messages cost no round trip each. The sink reads each message
     * straight from the connection; a failure mid-answer ends the connection (its state is unknown).
     */
    @Override
    public void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        Maildrop md = maildrop();
        List<MessageRef> wanted = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        session.io("numbering " + refs.size() + " messages", () -> {
            for (MessageRef ref : refs) {
                if (ref.isImap()) {
                    throw new MessageGoneException(ref, "not a POP3 reference");
                }
                int n = md.number(ref);
                if (n > 0) {
                    wanted.add(ref);
                    numbers.add(n);
                }
            }
            return null;
        });
        if (wanted.isEmpty()) {
            return;
        }
        session.io("downloading " + wanted.size() + " messages (RETR)", () -> {
            java.net.Socket socket = session.connection();
            if (socket == null) {
                throw new java.io.EOFException("the connection is closed");
            }
            RawRetr retr = new RawRetr(socket);
            int window = session.pipelining() ? RETR_WINDOW : 1;
            int sent = 0;
            try {
                for (int done = 0; done < wanted.size(); done++) {
                    if (sent == done || sent < wanted.size() && sent - done < window / 2) {
                        while (sent < wanted.size() && sent - done < window) {
                            retr.retr(numbers.get(sent++));
                        }
                        retr.flush();
                    }
                    if (!retr.status()) {
                        continue; // -ERR: deleted meanwhile (another session cannot; a DELE of ours can)
                    }
                    RawRetr.Body body = retr.body();
                    dev.mailaccess.internal.ReadTracking.deliver(wanted.get(done), body, sink);
                    body.skipRest();
                }
                if (!retr.drained()) {
                    throw new ProtocolException("the server sent more than the RETR answers asked for",
                            null);
                }
            } catch (IOException | RuntimeException e) {
                session.abortConnection(); // mid-answer: the connection is out of step
                throw e;
            }
            return null;
        });
    }

    /**
     * The header block, from {@code TOP n 0} once per connection: Angus keeps a message's headers after the first
     * TOP, so searching the same maildrop again costs no further download.
     */
    @Override
    public InputStream openHeaders(MessageRef ref) {
        Maildrop md = maildrop();
        return session.io("reading the headers of " + ref + " (TOP)", () -> {
            POP3Message m = resolve(md, ref);
            m.getAllHeaders(); // TOP n 0 unless cached; fails loudly, unlike the line getters
            StringBuilder block = new StringBuilder();
            java.util.Enumeration<String> lines = m.getAllHeaderLines();
            while (lines.hasMoreElements()) {
                block.append(lines.nextElement()).append("\r\n");
            }
            block.append("\r\n");
            // header lines are kept as ISO-8859-1 chars of the raw bytes (or UTF-8 text): write them back as read
            return new java.io.ByteArrayInputStream(block.toString().getBytes(
                    block.chars().anyMatch(c -> c > 255) ? java.nio.charset.StandardCharsets.UTF_8
                            : java.nio.charset.StandardCharsets.ISO_8859_1));
        });
    }

    @Override
    public InputStream openMessage(MessageRef ref, long offset, long length) {
        InputStream whole = openMessage(ref);
        try {
            return Spool.range(whole, offset, length);
        } catch (IOException | RuntimeException e) {
            try {
                whole.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new MailAccessException("cannot read the downloaded copy of " + ref + ": " + e, e);
        }
    }

    @Override
    public InputStream openPart(MessageRef ref, String partPath) {
        Maildrop md = maildrop();
        return session.io("downloading part " + partPath + " of " + ref + " (RETR)", () -> {
            POP3Message m = resolve(md, ref);
            try {
                Part part = MimeConversion.partAt(m, partPath);
                if (part == null) {
                    throw new MailAccessException("message " + ref + " has no part '" + partPath + "'");
                }
                return Spool.of(out -> {
                    try (InputStream in = part.getInputStream()) {
                        in.transferTo(out);
                    }
                });
            } finally {
                m.invalidate(false);
            }
        });
    }

    @Override
    public void addFlags(Collection<MessageRef> refs, Flags flags) {
        throw session.unsupported(flags.system().isEmpty() && !flags.keywords().isEmpty()
                ? Capability.CUSTOM_KEYWORDS : Capability.SERVER_FLAGS);
    }

    @Override
    public void removeFlags(Collection<MessageRef> refs, Flags flags) {
        addFlags(refs, flags);
    }

    private void requireWritable() {
        if (mode != AccessMode.READ_WRITE) {
            throw new ReadOnlyFolderException("INBOX");
        }
    }

    @Override
    public void delete(Collection<MessageRef> refs) {
        requireWritable();
        Maildrop md = maildrop();
        session.io("marking messages deleted", () -> {
            for (MessageRef ref : refs) {
                int n = md.number(ref);
                if (n > 0) {
                    md.message(n).setFlag(jakarta.mail.Flags.Flag.DELETED, true);
                }
            }
            return null;
        });
    }

    @Override
    public void expunge(Collection<MessageRef> refs) {
        requireWritable();
        Maildrop md = maildrop();
        Set<String> targets = new LinkedHashSet<>();
        Set<String> otherPending = new LinkedHashSet<>();
        session.io("preparing to expunge", () -> {
            for (MessageRef ref : refs) {
                if (md.number(ref) > 0) {
                    targets.add(ref.uidl());
                }
            }
            if (targets.isEmpty()) {
                return null;
            }
            // Only the targets go at this QUIT; other pending deletions are carried over to the next connection.
            for (int n = 1; n <= md.count(); n++) {
                POP3Message m = md.message(n);
                String id = md.uidl(n);
                boolean target = id != null && targets.contains(id);
                if (!target && m.isSet(jakarta.mail.Flags.Flag.DELETED)) {
                    if (id != null) {
                        otherPending.add(id);
                    }
                    m.setFlag(jakarta.mail.Flags.Flag.DELETED, false);
                }
                if (target) {
                    m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
                }
            }
            return null;
        });
        if (targets.isEmpty()) {
            return;
        }
        session.commitAndReconnect();
        Maildrop fresh = session.maildrop();
        List<String> survivors = session.io("checking the expunge", () -> {
            List<String> left = new ArrayList<>();
            for (String id : targets) {
                if (fresh.number(MessageRef.pop3(id)) > 0) {
                    left.add(id);
                }
            }
            for (String id : otherPending) {
                int n = fresh.number(MessageRef.pop3(id));
                if (n > 0) {
                    fresh.message(n).setFlag(jakarta.mail.Flags.Flag.DELETED, true);
                }
            }
            return left;
        });
        if (!survivors.isEmpty()) {
            throw new ProtocolException("the POP3 server on " + session.displayUri() + " did not remove "
                    + survivors.size() + " message(s) at QUIT (UIDL " + survivors + ")", null);
        }
    }

    @Override
    public Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder) {
        throw session.unsupported(Capability.COPY);
    }

    @Override
    public Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder) {
        throw session.unsupported(Capability.MOVE);
    }

    @Override
    public Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate) {
        throw session.unsupported(Capability.APPEND);
    }

    /**
     * Never reached: core evaluates every query on a POP3 folder itself ({@code SearchExecution} over headers and
     * bodies read here), since POP3 has no search command. Refused rather than half-implemented twice.
     */
    @Override
    public List<MessageRef> search(SearchQuery query) {
        throw session.unsupported(Capability.SERVER_SEARCH);
    }

    @Override
    public List<MessageRef> sort(List<SortKey> keys, SearchQuery query) {
        throw session.unsupported(Capability.SORT);
    }

    @Override
    public boolean awaitChange(Duration maxWait) {
        throw session.unsupported(Capability.PUSH);
    }

    /** Closes this view only; deletions stay pending until the mailbox is closed (QUIT). */
    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "PopFolder[INBOX, " + mode + (closed ? ", closed" : "") + "]";
    }
}

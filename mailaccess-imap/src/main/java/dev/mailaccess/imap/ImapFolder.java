package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.MessageSink;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.SortKey;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open IMAP folder. Every message is addressed by UID (never by sequence number); listings are one batched FETCH;
 * bodies stream with one {@code BODY.PEEK} each; expunges are {@code UID EXPUNGE} of exactly the chosen
 * messages; closing never expunges.
 *
 * <p>The work is done by one class per concern, which share the folder's state through a {@link SelectedFolder}:
 * {@link ImapSummaries} (listings), {@link ImapBodies} (streams and header blocks), {@link ImapDownload} (many
 * messages at once), {@link ImapFlags} (flags, deletion, expunge), {@link ImapTransfer} (copy, move, append),
 * {@link ImapSearch} (search and sort) and {@link ImapPush} (IDLE).
 */
public final class ImapFolder implements MailFolder, dev.mailaccess.spi.MultiFolderPush {
    private final SelectedFolder selected;
    private final ImapSummaries summaries;
    private final ImapBodies bodies;
    private final ImapDownload download;
    private final ImapFlags flagging;
    private final ImapTransfer transfer;
    private final ImapSearch search;
    private final ImapPush push;
    private volatile boolean closed;

    ImapFolder(ImapSession session, IMAPFolder folder, String path, AccessMode mode) throws MessagingException {
        this.selected = new SelectedFolder(session, folder, path, mode);
        this.summaries = new ImapSummaries(selected);
        this.bodies = new ImapBodies(selected);
        // a message too large for a batch streams through openMessage, as the interface's default does it
        this.download = new ImapDownload(selected, (refs, sink) -> MailFolder.super.downloadMessages(refs, sink));
        this.flagging = new ImapFlags(selected);
        this.transfer = new ImapTransfer(selected);
        this.search = new ImapSearch(selected);
        this.push = new ImapPush(selected);
    }

    @Override
    public String path() {
        return selected.path;
    }

    @Override
    public AccessMode mode() {
        return selected.mode;
    }

    @Override
    public FolderStatus status() {
        return selected.call("reading the status", null, () -> selected.session.status(selected.folder, selected.path));
    }

    // ---------------------------------------------------------------- listings

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

    /** See {@link ImapSummaries#changesSince}. */
    @Override
    public FolderChanges changesSince(long knownUidValidity, long modSeq, FetchSpec spec) {
        return summaries.changesSince(knownUidValidity, modSeq, spec);
    }

    // ---------------------------------------------------------------- bodies

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

    /** The header block with {@code UID FETCH n BODY.PEEK[HEADER]} (one round trip; does not set \Seen). */
    @Override
    public InputStream openHeaders(MessageRef ref) {
        return bodies.openHeaders(ref);
    }

    /** One {@code UID FETCH set (UID BODY.PEEK[HEADER])} for all of them. */
    @Override
    public Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        return bodies.headerBlocks(refs);
    }

    /** See {@link ImapDownload#downloadMessages}: pipelined batches of small messages, large ones streamed. */
    @Override
    public void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        download.downloadMessages(refs, sink);
    }

    // ---------------------------------------------------------------- flags and deletion

    @Override
    public void addFlags(Collection<MessageRef> refs, Flags flags) {
        flagging.setFlags(refs, flags, true);
    }

    @Override
    public void removeFlags(Collection<MessageRef> refs, Flags flags) {
        flagging.setFlags(refs, flags, false);
    }

    @Override
    public void delete(Collection<MessageRef> refs) {
        flagging.delete(refs);
    }

    @Override
    public void expunge(Collection<MessageRef> refs) {
        flagging.expunge(refs);
    }

    // ---------------------------------------------------------------- copy, move, append

    @Override
    public Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder) {
        return transfer.transfer(refs, targetFolder, false);
    }

    @Override
    public Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder) {
        return transfer.transfer(refs, targetFolder, true);
    }

    @Override
    public Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate) {
        return transfer.append(rfc822, flags, internalDate);
    }

    // ---------------------------------------------------------------- search, sort, push

    /** See {@link ImapSearch#search}: one {@code UID SEARCH}, for the server part of a plan only. */
    @Override
    public List<MessageRef> search(SearchQuery query) {
        return search.search(query);
    }

    @Override
    public List<MessageRef> sort(List<SortKey> keys, SearchQuery query) {
        return search.sort(keys, query);
    }

    /**
     * {@code UID THREAD} where the server announces {@code THREAD=} this algorithm; otherwise the local algorithm
     * on one FETCH of the threading headers (the interface's default).
     */
    @Override
    public List<MessageThread> threads(ThreadAlgorithm algorithm, SearchQuery query) {
        SearchQuery q = query == null ? SearchQuery.all() : query;
        if (selected.session.serverHas("THREAD=" + algorithm.imapName())) {
            return search.threads(algorithm, q);
        }
        return MailFolder.super.threads(algorithm, q);
    }

    @Override
    public boolean awaitChange(Duration maxWait) {
        return push.awaitChange(maxWait, List.of());
    }

    @Override
    public boolean canWatchOthers() {
        return selected.session.serverHas("NOTIFY") && selected.session.serverHas("IDLE");
    }

    @Override
    public boolean awaitChange(Collection<String> others, Duration maxWait) {
        return push.awaitChange(maxWait, List.copyOf(others));
    }

    // ---------------------------------------------------------------- close

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        selected.session.forget(this);
        // never expunges: UNSELECT (or EXAMINE + CLOSE), now or when the session next needs the connection, or
        // LOGOUT if the session is closed first
        selected.session.park(selected.folder);
    }

    @Override
    public String toString() {
        return "ImapFolder[" + selected.path + ", " + selected.mode + (closed ? ", closed" : "") + "]";
    }
}

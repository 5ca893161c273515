package dev.mailaccess;

import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchQuery;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An open folder. Messages are addressed by {@link MessageRef}, never by position. Listing many summaries is one
 * batched request on IMAP; streams read bodies lazily and never set {@code \Seen}.
 *
 * <p>Each method names the {@link Capability} it needs; see {@link Mailbox} for how capabilities are enforced and
 * for the threading rules.
 */
public interface MailFolder extends AutoCloseable {

    /** The folder's path. */
    String path();

    /** How the folder was opened. */
    AccessMode mode();

    /** Counters as of now. */
    FolderStatus status();

    /** References to every message, oldest first. Needs {@link Capability#STABLE_IDS}. */
    List<MessageRef> refs();

    /** Summaries of every message, oldest first. See {@link #summaries(Collection, FetchSpec)}. */
    List<MessageSummary> summaries(FetchSpec spec);

    /** Summaries of the newest {@code count} messages, oldest first. */
    List<MessageSummary> newest(int count, FetchSpec spec);

    /**
     * Summaries of the given messages, in folder order; refs of messages that no longer exist are left out.
     * Needs {@link Capability#HEADERS} for envelope or headers, {@link Capability#SERVER_FLAGS} for flags and
     * {@link Capability#BODY_PART} for structure; a {@linkplain FetchSpec#bestEffort() best-effort} spec leaves out
     * what the session cannot give instead.
     */
    List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec);

    /**
     * Streams the whole raw message (RFC 5322 bytes). Does not set {@code \Seen}. Needs {@link Capability#BODY}.
     * The caller closes the stream.
     *
     * @throws MessageGoneException if the message no longer exists
     */
    InputStream openMessage(MessageRef ref);

    /** Streams {@code length} raw bytes from {@code offset}. Needs {@link Capability#PARTIAL_BODY}. */
    InputStream openMessage(MessageRef ref, long offset, long length);

    /**
     * Streams one MIME part, by its {@link BodyPart#path()}, with its transfer encoding decoded. Needs
     * {@link Capability#BODY_PART}.
     */
    InputStream openPart(MessageRef ref, String partPath);

    /** Adds flags and keywords. Needs {@link Capability#SERVER_FLAGS} / {@link Capability#CUSTOM_KEYWORDS}. */
    void addFlags(Collection<MessageRef> refs, Flags flags);

    /** Removes flags and keywords. Needs {@link Capability#SERVER_FLAGS} / {@link Capability#CUSTOM_KEYWORDS}. */
    void removeFlags(Collection<MessageRef> refs, Flags flags);

    /**
     * Marks messages deleted; they stay until {@link #expunge} (IMAP) or until the session ends (POP3, where a
     * deletion becomes final at QUIT). Needs {@link Capability#DELETE}.
     */
    void delete(Collection<MessageRef> refs);

    /**
     * Removes exactly these messages for good, marking them deleted first if they are not yet (IMAP: STORE
     * \Deleted, then UID EXPUNGE), never others that another client marked deleted. Needs
     * {@link Capability#EXPUNGE}.
     */
    void expunge(Collection<MessageRef> refs);

    /**
     * Copies messages to another folder. Needs {@link Capability#COPY}.
     *
     * @return new references by old reference, where the server says them (UIDPLUS); otherwise empty
     */
    Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder);

    /**
     * Moves messages to another folder (MOVE, or COPY then UID EXPUNGE where the server lacks MOVE). Needs
     * {@link Capability#MOVE}.
     *
     * @return new references by old reference, where the server says them; otherwise empty
     */
    Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder);

    /**
     * Uploads a raw RFC 5322 message into this folder. Needs {@link Capability#APPEND}.
     *
     * @param internalDate the received date to record, or null for now
     * @return the new message's reference where the server says it (UIDPLUS)
     */
    Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate);

    /**
     * Messages matching the query, oldest first. Needs {@link Capability#SERVER_SEARCH} (POP3: emulated, see
     * {@link #search(SearchQuery, SearchMode)}). Through {@link Mailbox#folder} this is
     * {@code search(query, SearchMode.PLANNED)}; an adapter implements it for the server part only.
     */
    List<MessageRef> search(SearchQuery query);

    /**
     * Messages matching the query, oldest first, evaluated where {@code mode} says: {@link SearchMode#PLANNED} sends
     * what the server can answer and filters the rest locally, {@link SearchMode#SERVER_ONLY} sends everything,
     * {@link SearchMode#LOCAL_ONLY} downloads what the query needs and evaluates it locally with
     * {@link dev.mailaccess.search.SearchableMessage}. See {@link #plan} for what a search will cost.
     *
     * @throws UnsupportedCapabilityException if the mode is impossible here (SERVER_ONLY on POP3 or with
     *         {@code has:attachment}; flags on POP3; POP3 without emulation allowed), before any I/O
     */
    default List<MessageRef> search(SearchQuery query, SearchMode mode) {
        if (mode == SearchMode.LOCAL_ONLY) {
            throw new UnsupportedOperationException(getClass().getName() + " has no local search");
        }
        return search(query);
    }

    /**
     * How {@link #search(SearchQuery, SearchMode)} would run here, with estimates; asks the server for the message
     * count (one request), searches nothing.
     */
    default SearchPlan plan(SearchQuery query, SearchMode mode) {
        throw new UnsupportedOperationException(getClass().getName() + " has no search planner");
    }

    /**
     * Streams the raw header block of a message, up to and including the empty line. Needs
     * {@link Capability#HEADERS}. IMAP reads it with {@code BODY.PEEK[HEADER]}, POP3 with {@code TOP n 0}; the
     * default reads the start of {@link #openMessage(MessageRef)}.
     */
    default InputStream openHeaders(MessageRef ref) {
        return MailFolderDefaults.headersFromMessage(this, ref);
    }

    /**
     * Downloads several whole messages to {@code sink}, one at a time in the order of {@code refs}, in as few round
     * trips as the protocol allows: IMAP batches small messages into one {@code UID FETCH ... BODY.PEEK[]} per few
     * megabytes and streams large ones in chunks, so memory stays bounded; POP3 retrieves each with RETR. Messages
     * that are gone are skipped. Does not set \Seen. Needs {@link Capability#BODY}.
     *
     * @throws java.io.UncheckedIOException if the sink fails (its IOException is the cause)
     * @throws ConnectionException          if the connection fails
     */
    default void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        MailFolderDefaults.downloadEach(this, refs, sink);
    }

    /**
     * The header blocks (raw bytes, ending with the empty line) of several messages, in as few round trips as the
     * protocol allows: IMAP sends one {@code UID FETCH ... BODY.PEEK[HEADER]} for all of them; the default (POP3)
     * reads each with {@link #openHeaders}. Messages that are gone are left out. Does not set \Seen. Needs
     * {@link Capability#HEADERS}.
     */
    default Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        return MailFolderDefaults.headerBlocksOfEach(this, refs);
    }

    /** Messages matching the query, sorted by the server. Needs {@link Capability#SORT}. */
    List<MessageRef> sort(List<SortKey> keys, SearchQuery query);

    /**
     * Waits until the server reports a change to the folder (new, removed or changed messages) or the time is up.
     * Needs {@link Capability#PUSH}.
     *
     * @return true if something changed
     */
    boolean awaitChange(Duration maxWait);

    /**
     * Summaries of the messages whose flags changed or that arrived since {@code modSeq} (a
     * {@link FolderStatus#highestModSeq()} seen earlier), in a constant number of round trips whatever the folder's size (CONDSTORE
     * {@code CHANGEDSINCE}). Needs {@link Capability#QUICK_RESYNC}.
     */
    default List<MessageSummary> changedSince(long modSeq, FetchSpec spec) {
        // Reached only if an adapter declares QUICK_RESYNC usable without implementing it: an adapter bug.
        throw new UnsupportedOperationException(getClass().getName() + " declares QUICK_RESYNC but has no changedSince");
    }

    /**
     * Everything that changed since a known state ({@code uidValidity} and a {@link FolderStatus#highestModSeq()}
     * seen earlier) in a constant number of round trips: flag changes and new messages, and, where the server has
     * QRESYNC (RFC 7162), the expunged messages too ({@code SELECT ... (QRESYNC (uidvalidity modseq))} and its
     * {@code VANISHED (EARLIER)} answer). With CONDSTORE only, {@link FolderChanges#vanishedKnown()} is false. Needs
     * {@link Capability#QUICK_RESYNC}.
     *
     * @throws IllegalArgumentException if {@code uidValidity} is not the folder's current UIDVALIDITY: then nothing
     *                                  known about the old UIDs holds, and the caller must list the folder again
     */
    default FolderChanges changesSince(long uidValidity, long modSeq, FetchSpec spec) {
        if (uidValidity != status().uidValidity()) {
            throw new IllegalArgumentException("UIDVALIDITY is " + status().uidValidity() + ", not " + uidValidity);
        }
        return new FolderChanges(changedSince(modSeq, spec), List.of(), false);
    }

    /** Closes the folder without expunging anything. */
    @Override
    void close();
}

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

    /**
     * The folder's path.
     *
     * @return full path with the server's delimiter, e.g. {@code INBOX/Projects}
     */
    String path();

    /**
     * How the folder was opened.
     *
     * @return read-only or read-write
     */
    AccessMode mode();

    /**
     * Counters as of now.
     *
     * @return message count, unseen count, UIDNEXT, UIDVALIDITY, HIGHESTMODSEQ (-1 where the protocol has none)
     */
    FolderStatus status();

    /**
     * References to every message, oldest first. Needs {@link Capability#STABLE_IDS}.
     *
     * @return the references, empty for an empty folder
     */
    List<MessageRef> refs();

    /**
     * Summaries of every message, oldest first. See {@link #summaries(Collection, FetchSpec)}.
     *
     * @param spec what to fetch for each message
     * @return one summary per message
     */
    List<MessageSummary> summaries(FetchSpec spec);

    /**
     * Summaries of the newest {@code count} messages, oldest first. See {@link #summaries(Collection, FetchSpec)}.
     *
     * @param count how many messages at most; all of them if the folder has fewer
     * @param spec  what to fetch for each message
     * @return at most {@code count} summaries
     * @throws IllegalArgumentException if {@code count} is negative
     */
    List<MessageSummary> newest(int count, FetchSpec spec);

    /**
     * Summaries of the given messages, in folder order; refs of messages that no longer exist are left out.
     * Needs {@link Capability#HEADERS} for envelope or headers, {@link Capability#SERVER_FLAGS} for flags and
     * {@link Capability#BODY_PART} for structure; a {@linkplain FetchSpec#bestEffort() best-effort} spec leaves out
     * what the session cannot give instead.
     *
     * @param refs messages of this folder
     * @param spec what to fetch for each message
     * @return one summary per message that still exists
     * @throws MessageGoneException if a reference is stale (IMAP: another UIDVALIDITY) or of another protocol
     */
    List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec);

    /**
     * Streams the whole raw message (RFC 5322 bytes). Does not set {@code \Seen}. Needs {@link Capability#BODY}.
     * The caller closes the stream.
     *
     * @param ref the message
     * @return the message's bytes, read as the caller reads
     * @throws MessageGoneException if the message no longer exists or the reference is stale (another UIDVALIDITY)
     */
    InputStream openMessage(MessageRef ref);

    /**
     * Streams {@code length} raw bytes from {@code offset}. Needs {@link Capability#PARTIAL_BODY}. The caller closes
     * the stream.
     *
     * @param ref    the message
     * @param offset the first byte, counting from 0
     * @param length how many bytes at most; fewer if the message ends first
     * @return the bytes of the range
     * @throws IllegalArgumentException if {@code offset} or {@code length} is negative
     * @throws MessageGoneException if the message no longer exists or the reference is stale (another UIDVALIDITY)
     */
    InputStream openMessage(MessageRef ref, long offset, long length);

    /**
     * Streams one MIME part, by its {@link BodyPart#path()}, with its transfer encoding decoded. Needs
     * {@link Capability#BODY_PART}. The caller closes the stream.
     *
     * @param ref      the message
     * @param partPath the part's path, e.g. {@code 1} or {@code 2.1}; empty for the body of a message that is not
     *                 multipart
     * @return the part's decoded content
     * @throws IllegalArgumentException if {@code partPath} is not a part path
     * @throws MessageGoneException if the message no longer exists or the reference is stale (another UIDVALIDITY)
     */
    InputStream openPart(MessageRef ref, String partPath);

    /**
     * Adds flags and keywords. Needs {@link Capability#SERVER_FLAGS} for system flags and
     * {@link Capability#CUSTOM_KEYWORDS} for keywords.
     *
     * @param refs  messages of this folder
     * @param flags flags and keywords to set; others stay as they are
     * @throws ReadOnlyFolderException if the folder was opened read-only
     */
    void addFlags(Collection<MessageRef> refs, Flags flags);

    /**
     * Removes flags and keywords. Needs {@link Capability#SERVER_FLAGS} for system flags and
     * {@link Capability#CUSTOM_KEYWORDS} for keywords.
     *
     * @param refs  messages of this folder
     * @param flags flags and keywords to clear; others stay as they are
     * @throws ReadOnlyFolderException if the folder was opened read-only
     */
    void removeFlags(Collection<MessageRef> refs, Flags flags);

    /**
     * Marks messages deleted; they stay until {@link #expunge} (IMAP) or until the session ends (POP3, where a
     * deletion becomes final at QUIT). Needs {@link Capability#DELETE}.
     *
     * @param refs messages of this folder
     * @throws ReadOnlyFolderException if the folder was opened read-only
     */
    void delete(Collection<MessageRef> refs);

    /**
     * Removes exactly these messages for good, marking them deleted first if they are not yet (IMAP: STORE
     * \Deleted, then UID EXPUNGE), never others that another client marked deleted. Needs
     * {@link Capability#EXPUNGE}.
     *
     * @param refs messages of this folder
     * @throws ReadOnlyFolderException if the folder was opened read-only
     */
    void expunge(Collection<MessageRef> refs);

    /**
     * Copies messages to another folder. Needs {@link Capability#COPY}.
     *
     * @param refs         messages of this folder
     * @param targetFolder full path of the folder to copy to
     * @return new references by old reference, where the server says them (UIDPLUS); otherwise empty
     * @throws FolderNotFoundException if the target folder does not exist
     */
    Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder);

    /**
     * Moves messages to another folder (MOVE, or COPY then UID EXPUNGE where the server lacks MOVE). Needs
     * {@link Capability#MOVE}.
     *
     * @param refs         messages of this folder
     * @param targetFolder full path of the folder to move to
     * @return new references by old reference, where the server says them; otherwise empty
     * @throws FolderNotFoundException if the target folder does not exist
     * @throws ReadOnlyFolderException if this folder was opened read-only
     */
    Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder);

    /**
     * Uploads a raw RFC 5322 message into this folder. Needs {@link Capability#APPEND}.
     *
     * @param rfc822       the message's bytes, read to the end; the caller closes the stream
     * @param flags        flags to set on the new message; null for none
     * @param internalDate the received date to record, or null for now
     * @return the new message's reference where the server says it (UIDPLUS)
     */
    Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate);

    /**
     * Messages matching the query, oldest first. Needs {@link Capability#SERVER_SEARCH} (POP3: emulated, see
     * {@link #search(SearchQuery, SearchMode)}). Through {@link Mailbox#folder} this is
     * {@code search(query, SearchMode.PLANNED)}; an adapter implements it for the server part only.
     *
     * @param query what to look for
     * @return the matching messages
     */
    List<MessageRef> search(SearchQuery query);

    /**
     * Messages matching the query, oldest first, evaluated where {@code mode} says: {@link SearchMode#PLANNED} sends
     * what the server can answer and filters the rest locally, {@link SearchMode#SERVER_ONLY} sends everything,
     * {@link SearchMode#LOCAL_ONLY} downloads what the query needs and evaluates it locally with
     * {@link dev.mailaccess.search.SearchableMessage}. See {@link #plan} for what a search will cost.
     *
     * @param query what to look for
     * @param mode  where to evaluate it
     * @return the matching messages
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
     *
     * @param query what to look for
     * @param mode  where it would be evaluated
     * @return the plan: the server's part, the local part, what must be downloaded and an estimate of its size
     * @throws UnsupportedCapabilityException if the search is impossible here, as for {@code search}, before any I/O
     */
    default SearchPlan plan(SearchQuery query, SearchMode mode) {
        throw new UnsupportedOperationException(getClass().getName() + " has no search planner");
    }

    /**
     * Streams the raw header block of a message, up to and including the empty line. Needs
     * {@link Capability#HEADERS}. IMAP reads it with {@code BODY.PEEK[HEADER]}, POP3 with {@code TOP n 0}; the
     * default reads the start of {@link #openMessage(MessageRef)}. The caller closes the stream.
     *
     * @param ref the message
     * @return the header block's bytes
     * @throws MessageGoneException if the message no longer exists or the reference is stale (another UIDVALIDITY)
     */
    default InputStream openHeaders(MessageRef ref) {
        return MailFolderDefaults.headersFromMessage(this, ref);
    }

    /**
     * Downloads several whole messages to {@code sink}, one at a time in the order of {@code refs}, in as few round
     * trips as the protocol allows: IMAP batches small messages into one {@code UID FETCH ... BODY.PEEK[]} per few
     * megabytes and streams large ones on their own, so memory stays bounded; POP3 retrieves each with RETR,
     * pipelined where the server announces PIPELINING. Messages
     * that are gone are skipped. Does not set \Seen. Needs {@link Capability#BODY}.
     *
     * @param refs messages of this folder
     * @param sink receives each message; its stream is valid only during the call
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
     *
     * @param refs messages of this folder
     * @return each header block by reference
     */
    default Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        return MailFolderDefaults.headerBlocksOfEach(this, refs);
    }

    /**
     * Messages matching the query, sorted by the server. Needs {@link Capability#SORT}.
     *
     * @param keys  sort criteria, the first one deciding first, ties kept in folder order; empty for arrival order
     * @param query which messages; null for all
     * @return the matching messages in sorted order
     */
    List<MessageRef> sort(List<SortKey> keys, SearchQuery query);

    /**
     * The messages matching the query, grouped into conversations by an RFC 5256 algorithm. Needs
     * {@link Capability#THREADS}: NATIVE where the IMAP server has THREAD ({@code UID THREAD}, one command),
     * EMULATED elsewhere, by the same algorithm run locally on the threading headers of the matching messages
     * (Message-ID, In-Reply-To, References, Subject, Date), fetched in one batch (POP3: TOP per message).
     *
     * @param algorithm {@link ThreadAlgorithm#REFERENCES} or {@link ThreadAlgorithm#ORDEREDSUBJECT}
     * @param query     which messages; null for all. Through {@link Mailbox#folder} any query works (a part the
     *                  server cannot answer is planned as for {@link #search(SearchQuery, SearchMode)}); an
     *                  adapter is handed only queries its server can answer
     * @return the threads, each a tree of messages, in the order the algorithm gives (by sent date)
     */
    default List<MessageThread> threads(ThreadAlgorithm algorithm, SearchQuery query) {
        return MailFolderDefaults.threadLocally(this, algorithm, query == null ? SearchQuery.all() : query);
    }

    /**
     * Waits until the server reports a change to the folder (new, removed or changed messages) or the time is up.
     * News the server gave since the previous wait, while the caller read the folder, counts too (then this returns
     * at once), so that a loop of wait-then-read loses nothing. Needs {@link Capability#PUSH}.
     *
     * @param maxWait how long to wait at most
     * @return true if something changed, false if the time ran out
     */
    boolean awaitChange(Duration maxWait);

    /**
     * Summaries of the messages whose flags changed or that arrived since {@code modSeq} (a
     * {@link FolderStatus#highestModSeq()} seen earlier), in a constant number of round trips whatever the folder's
     * size (CONDSTORE {@code CHANGEDSINCE}). Needs {@link Capability#QUICK_RESYNC}.
     *
     * @param modSeq the HIGHESTMODSEQ the caller saw, not negative
     * @param spec   what to fetch for each message
     * @return summaries of the changed and new messages, empty if nothing changed
     * @throws IllegalArgumentException if {@code modSeq} is negative
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
     * @param uidValidity the folder's UIDVALIDITY when the caller saw it
     * @param modSeq      the HIGHESTMODSEQ the caller saw then, not negative
     * @param spec        what to fetch for each changed or new message
     * @return the changes, and the expunges where the server reports them
     * @throws IllegalArgumentException if {@code modSeq} is negative, or if {@code uidValidity} is not the folder's
     *                                  current UIDVALIDITY: then nothing known about the old UIDs holds, and the
     *                                  caller must list the folder again
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

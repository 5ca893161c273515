package dev.mailaccess.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailFolder;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.MessageSink;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.ReadOnlyFolderException;
import dev.mailaccess.SortKey;
import dev.mailaccess.search.SearchMode;
import dev.mailaccess.search.SearchPlan;
import dev.mailaccess.search.SearchPlanner;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.spi.MultiFolderPush;

import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Core's wrapper around an adapter folder: capability and mode checks first, then the serialised call. */
final class CheckedFolder implements MailFolder {
    private final CheckedMailbox mailbox;
    private final MailFolder folder;

    CheckedFolder(CheckedMailbox mailbox, MailFolder folder) {
        this.mailbox = mailbox;
        this.folder = folder;
    }

    /**
     * The spec to hand to the adapter: a best-effort spec narrowed to what this session can give, a strict one as
     * it is once every capability it needs has been checked (so that an unsupported item throws before any I/O).
     */
    private FetchSpec checkedFetch(FetchSpec spec) {
        mailbox.require(Capability.STABLE_IDS);
        FetchSpec given = spec.skipUnsupported()
                ? spec.narrowedTo(mailbox.capabilities(), mailbox.config().allowEmulation()) : spec;
        if (given.has(FetchSpec.Item.ENVELOPE) || !given.headers().isEmpty()) {
            mailbox.require(Capability.HEADERS);
        }
        if (given.has(FetchSpec.Item.FLAGS)) {
            mailbox.require(Capability.SERVER_FLAGS);
        }
        if (given.has(FetchSpec.Item.STRUCTURE)) {
            mailbox.require(Capability.BODY_PART);
        }
        if (given.has(FetchSpec.Item.PREVIEW)) {
            mailbox.require(Capability.PREVIEW);
        }
        return given;
    }

    private void requireFlags(Flags flags) {
        if (!flags.system().isEmpty()) {
            mailbox.require(Capability.SERVER_FLAGS);
        }
        if (!flags.keywords().isEmpty()) {
            mailbox.require(Capability.CUSTOM_KEYWORDS);
        }
    }

    private void requireWritable() {
        if (folder.mode() != AccessMode.READ_WRITE) {
            throw new ReadOnlyFolderException(folder.path());
        }
    }

    @Override
    public String path() {
        return folder.path();
    }

    @Override
    public AccessMode mode() {
        return folder.mode();
    }

    @Override
    public FolderStatus status() {
        return mailbox.call(folder::status);
    }

    @Override
    public List<MessageRef> refs() {
        mailbox.require(Capability.STABLE_IDS);
        return mailbox.call(folder::refs);
    }

    @Override
    public List<MessageSummary> summaries(FetchSpec spec) {
        FetchSpec given = checkedFetch(spec);
        return mailbox.call(() -> folder.summaries(given));
    }

    @Override
    public List<MessageSummary> newest(int count, FetchSpec spec) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative: " + count);
        }
        FetchSpec given = checkedFetch(spec);
        return mailbox.call(() -> folder.newest(count, given));
    }

    @Override
    public List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec) {
        FetchSpec given = checkedFetch(spec);
        List<MessageRef> copy = List.copyOf(refs);
        return mailbox.call(() -> folder.summaries(copy, given));
    }

    @Override
    public InputStream openMessage(MessageRef ref) {
        Objects.requireNonNull(ref, "ref");
        mailbox.require(Capability.BODY);
        return mailbox.call(() -> folder.openMessage(ref));
    }

    @Override
    public InputStream openHeaders(MessageRef ref) {
        Objects.requireNonNull(ref, "ref");
        mailbox.require(Capability.HEADERS);
        return mailbox.call(() -> folder.openHeaders(ref));
    }

    @Override
    public InputStream openMessage(MessageRef ref, long offset, long length) {
        Objects.requireNonNull(ref, "ref");
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must not be negative");
        }
        mailbox.require(Capability.PARTIAL_BODY);
        return mailbox.call(() -> folder.openMessage(ref, offset, length));
    }

    @Override
    public InputStream openPart(MessageRef ref, String partPath) {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(partPath, "partPath");
        if (!partPath.isEmpty() && !partPath.matches("[1-9][0-9]*(\\.[1-9][0-9]*)*")) {
            throw new IllegalArgumentException("not a part path: '" + partPath + "' (e.g. 1, 2.1)");
        }
        mailbox.require(Capability.BODY_PART);
        return mailbox.call(() -> folder.openPart(ref, partPath));
    }

    @Override
    public void addFlags(Collection<MessageRef> refs, Flags flags) {
        requireFlags(flags);
        requireWritable();
        List<MessageRef> copy = List.copyOf(refs);
        mailbox.run(() -> folder.addFlags(copy, flags));
    }

    @Override
    public void removeFlags(Collection<MessageRef> refs, Flags flags) {
        requireFlags(flags);
        requireWritable();
        List<MessageRef> copy = List.copyOf(refs);
        mailbox.run(() -> folder.removeFlags(copy, flags));
    }

    @Override
    public void delete(Collection<MessageRef> refs) {
        mailbox.require(Capability.DELETE);
        requireWritable();
        List<MessageRef> copy = List.copyOf(refs);
        mailbox.run(() -> folder.delete(copy));
    }

    @Override
    public void expunge(Collection<MessageRef> refs) {
        mailbox.require(Capability.EXPUNGE);
        requireWritable();
        List<MessageRef> copy = List.copyOf(refs);
        mailbox.run(() -> folder.expunge(copy));
    }

    @Override
    public Map<MessageRef, MessageRef> copy(Collection<MessageRef> refs, String targetFolder) {
        mailbox.require(Capability.COPY);
        List<MessageRef> copy = List.copyOf(refs);
        return mailbox.call(() -> folder.copy(copy, targetFolder));
    }

    @Override
    public Map<MessageRef, MessageRef> move(Collection<MessageRef> refs, String targetFolder) {
        mailbox.require(Capability.MOVE);
        requireWritable();
        List<MessageRef> copy = List.copyOf(refs);
        return mailbox.call(() -> folder.move(copy, targetFolder));
    }

    @Override
    public Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate) {
        Objects.requireNonNull(rfc822, "rfc822");
        mailbox.require(Capability.APPEND);
        Flags f = flags == null ? Flags.NONE : flags;
        return mailbox.call(() -> folder.append(rfc822, f, internalDate));
    }

    @Override
    public List<MessageRef> search(SearchQuery query) {
        return search(query, SearchMode.PLANNED);
    }

    @Override
    public List<MessageRef> search(SearchQuery query, SearchMode mode) {
        SearchPlan plan = checkedPlan(query, mode, -1);
        boolean serverFlags = mailbox.capabilities().isUsable(Capability.SERVER_FLAGS,
                mailbox.config().allowEmulation());
        boolean nativeServer = mailbox.capabilities().support(Capability.SERVER_SEARCH) == dev.mailaccess.Support.NATIVE;
        return mailbox.call(() -> SearchExecution.run(plan, folder, serverFlags, nativeServer));
    }

    @Override
    public SearchPlan plan(SearchQuery query, SearchMode mode) {
        checkedPlan(query, mode, -1); // refuse before any I/O
        int count = status().messages();
        return checkedPlan(query, mode, count);
    }

    /** Plans and checks every capability the plan uses, before any I/O. */
    private SearchPlan checkedPlan(SearchQuery query, SearchMode mode, long count) {
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(mode, "mode");
        SearchPlan plan = SearchPlanner.plan(query, mailbox.capabilities(), mailbox.config().allowEmulation(), mode,
                count);
        if (!(plan.serverPart() instanceof SearchQuery.All)) {
            mailbox.require(Capability.SERVER_SEARCH);
        }
        mailbox.require(Capability.STABLE_IDS);
        switch (plan.localData()) {
            case NONE -> {
            }
            case FACTS -> {
                if (plan.localPart().needsFlags()) {
                    mailbox.require(Capability.SERVER_FLAGS);
                }
            }
            case STRUCTURE -> mailbox.require(Capability.BODY_PART);
            case HEADERS -> mailbox.require(Capability.HEADERS);
            case BODY -> mailbox.require(Capability.BODY);
        }
        if (plan.localPart().needsFlags()) {
            mailbox.require(Capability.SERVER_FLAGS);
        }
        return plan;
    }

    @Override
    public List<MessageRef> sort(List<SortKey> keys, SearchQuery query) {
        mailbox.require(Capability.SORT);
        List<SortKey> copy = List.copyOf(keys);
        return mailbox.call(() -> folder.sort(copy, query == null ? SearchQuery.all() : query));
    }

    /**
     * Native where the server threads ({@code UID THREAD} with the query, or with the UIDs the planned search found
     * where the server cannot answer the query whole); otherwise, with emulation allowed, the planned search, one
     * batch of threading headers and {@link Threader} here.
     */
    @Override
    public List<MessageThread> threads(ThreadAlgorithm algorithm, SearchQuery query) {
        Objects.requireNonNull(algorithm, "algorithm");
        mailbox.require(Capability.THREADS);
        mailbox.require(Capability.STABLE_IDS);
        SearchQuery q = query == null ? SearchQuery.all() : query;
        boolean all = q instanceof SearchQuery.All;
        if (mailbox.capabilities().support(Capability.THREADS) == dev.mailaccess.Support.NATIVE) {
            if (all || ImapSearchSyntax.expressible(q)) {
                return mailbox.call(() -> folder.threads(algorithm, q));
            }
            List<MessageRef> found = search(q, SearchMode.PLANNED);
            return found.isEmpty() ? List.of()
                    : mailbox.call(() -> folder.threads(algorithm, SearchQuery.refIn(Set.copyOf(found))));
        }
        List<MessageRef> found = all ? refs() : search(q, SearchMode.PLANNED);
        if (found.isEmpty()) {
            return List.of();
        }
        return Threader.thread(algorithm, Threader.messages(summaries(found, Threader.SPEC)));
    }

    @Override
    public boolean awaitChange(Duration maxWait) {
        mailbox.require(Capability.PUSH);
        return mailbox.call(() -> folder.awaitChange(maxWait));
    }

    /** Whether the adapter can wait here for news of other folders too ({@link MultiFolderPush}). For watches. */
    boolean canWatchOthers() {
        return folder instanceof MultiFolderPush push && push.canWatchOthers();
    }

    /** Waits for news of this folder or the others; only where {@link #canWatchOthers()}. For watches. */
    boolean awaitChange(Collection<String> others, Duration maxWait) {
        mailbox.require(Capability.PUSH);
        return mailbox.call(() -> ((MultiFolderPush) folder).awaitChange(others, maxWait));
    }

    @Override
    public List<MessageSummary> changedSince(long modSeq, FetchSpec spec) {
        mailbox.require(Capability.QUICK_RESYNC);
        if (modSeq < 0) {
            throw new IllegalArgumentException("modSeq must not be negative: " + modSeq);
        }
        FetchSpec given = checkedFetch(spec);
        return mailbox.call(() -> folder.changedSince(modSeq, given));
    }

    @Override
    public void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        mailbox.require(Capability.STABLE_IDS);
        mailbox.require(Capability.BODY);
        Objects.requireNonNull(sink, "sink");
        mailbox.run(() -> folder.downloadMessages(refs, sink));
    }

    @Override
    public Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        mailbox.require(Capability.STABLE_IDS);
        mailbox.require(Capability.HEADERS);
        return mailbox.call(() -> folder.headerBlocks(refs));
    }

    @Override
    public FolderChanges changesSince(long uidValidity, long modSeq, FetchSpec spec) {
        mailbox.require(Capability.QUICK_RESYNC);
        if (modSeq < 0) {
            throw new IllegalArgumentException("modSeq must not be negative: " + modSeq);
        }
        FetchSpec given = checkedFetch(spec);
        return mailbox.call(() -> folder.changesSince(uidValidity, modSeq, given));
    }

    @Override
    public void close() {
        if (mailbox.isClosed()) {
            return;
        }
        mailbox.run(folder::close);
    }

    @Override
    public String toString() {
        return "MailFolder[" + folder.path() + ", " + folder.mode() + "]";
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.search.SearchQuery;
import dev.mailaccess.search.SearchableMessage;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The replica search: a query answered offline on the local files and flags, with IMAP's semantics
 * ({@link SearchableMessage}), and a cache of parsed messages so that a series of searches does not parse every file
 * again.
 */
final class ReplicaSearch {
    private final ReplicaFolders folders;
    private final ReplicaMessages messages;
    /**
     * Parsed messages of recent offline searches, so that a series of searches does not read and parse every file
     * again: keyed by file, its size and mtime and the facts, so a renamed, changed or re-flagged file is a miss.
     * Bounded by the files' bytes (least recently used out; a file larger than an eighth of the budget is not kept).
     */
    private final LinkedHashMap<SearchKey, SearchableMessage> searchCache = new LinkedHashMap<>(256, 0.75f, true);
    private long searchCacheBytes;
    private static final long SEARCH_CACHE_BYTES = 32L << 20;

    private record SearchKey(Path file, long length, long mtime, SearchableMessage.Facts facts) {
    }

    ReplicaSearch(ReplicaFolders folders, ReplicaMessages messages) {
        this.folders = folders;
        this.messages = messages;
    }

    /**
     * Searches a folder offline, with IMAP's semantics ({@link SearchableMessage}) on the local files and local
     * flags. Messages kept without their body (size limit) are matched on their kept header block (every header);
     * a query that needs their body throws {@link IllegalStateException} naming the message
     * ({@link Replica#fetchBody} it first).
     *
     * @return local ids of the matching messages, in {@link Replica#messages} order
     */
    List<String> search(String folder, SearchQuery query) {
        FolderState fs = folders.state(folder);
        List<String> out = new ArrayList<>();
        for (Rec r : ReplicaMessages.live(fs)) {
            Path file = fs.files.get(r.key);
            // the message view reads the file's headers: only needed for one kept without its body
            ReplicaMessage m = file != null ? null : messages.of(fs, r);
            SearchableMessage sm;
            try {
                Path timed = file != null ? file : Files.exists(headerBlock(fs, r)) ? headerBlock(fs, r) : null;
                java.nio.file.attribute.BasicFileAttributes a = timed == null ? null : Files.readAttributes(timed,
                        java.nio.file.attribute.BasicFileAttributes.class);
                // the file's modification time is the server's INTERNALDATE (or when it arrived here)
                SearchableMessage.Facts facts = new SearchableMessage.Facts(ReplicaMessages.serverRef(fs, r), r.flags,
                        a == null ? null : a.lastModifiedTime().toInstant(), r.size, null);
                if (file != null) {
                    SearchKey key = new SearchKey(file, a.size(), a.lastModifiedTime().toMillis(), facts);
                    sm = searchCache.get(key);
                    if (sm == null) {
                        sm = SearchableMessage.of(Files.readAllBytes(file), facts);
                        cacheForSearch(key, sm);
                    }
                } else if (Files.exists(headerBlock(fs, r))) {
                    sm = SearchableMessage.headersOnly(Files.readAllBytes(headerBlock(fs, r)), facts);
                } else {
                    String head = "Subject: " + m.subject() + "\r\nFrom: " + m.from() + "\r\nDate: " + m.date()
                            + "\r\nMessage-ID: " + m.messageId() + "\r\n\r\n";
                    sm = SearchableMessage.headersOnly(head.getBytes(StandardCharsets.UTF_8), facts);
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot read " + file + ": " + e.getMessage(), e);
            }
            try {
                if (sm.matches(query)) {
                    out.add(r.key);
                }
            } catch (IllegalStateException e) {
                throw new IllegalStateException("message " + r.key + " in " + folder + " was kept without its body "
                        + "(size limit); fetch it with fetchBody to search its text: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void cacheForSearch(SearchKey key, SearchableMessage sm) {
        if (key.length() > SEARCH_CACHE_BYTES / 8) {
            return;
        }
        searchCache.put(key, sm);
        searchCacheBytes += key.length();
        var it = searchCache.keySet().iterator();
        while (searchCacheBytes > SEARCH_CACHE_BYTES && it.hasNext()) {
            searchCacheBytes -= it.next().length();
            it.remove();
        }
    }

    private Path headerBlock(FolderState fs, Rec r) {
        return folders.headerBlocks.file(fs, r);
    }
}

package dev.mailaccess.kafka;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a task knows of one folder of one account: its offset as of the last record it produced (authoritative once
 * loaded from the offset store), and how many of its records are produced but not yet committed. Changed only by
 * the one reader of its account at a time, except {@link #inFlight}.
 */
final class FolderState {
    final String folder;
    final Map<String, String> partition;
    volatile FolderOffset offset;
    /** Records handed to Kafka and not yet committed: while above 0, move mode deletes nothing it cannot pin down. */
    final AtomicInteger inFlight = new AtomicInteger();

    FolderState(String account, String folder, FolderOffset offset) {
        this.folder = folder;
        this.partition = FolderOffset.partition(account, folder);
        this.offset = offset;
    }

    /** The highest UID in the digest: above {@code lastUid} only right after a UIDVALIDITY re-pairing. */
    long maxSeenUid() {
        long max = 0;
        if (offset.seen().size() > 0) {
            for (SeenDigest.Entry e : offset.seen().entries()) {
                max = Math.max(max, e.uid());
            }
        }
        return max;
    }
}

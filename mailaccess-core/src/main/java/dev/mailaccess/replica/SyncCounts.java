package dev.mailaccess.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a sync has done so far, counted by every part of it; {@link #report} makes the {@link SyncReport}. */
final class SyncCounts {
    int flagsPushed;
    int expunged;
    int appended;
    int moved;
    int downloaded;
    int headersOnly;
    int flagsPulled;
    int removed;
    int repaired;
    int fullScans;
    int unchanged;
    final List<String> notes = new ArrayList<>();

    /** The report of the sync, with its wall time. */
    SyncReport report(Duration elapsed) {
        return new SyncReport(flagsPushed, expunged, appended, moved, downloaded, headersOnly, flagsPulled, removed,
                repaired, fullScans, unchanged, notes, elapsed);
    }
}

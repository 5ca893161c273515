package dev.mailaccess.replica;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link Replica#sync} did.
 *
 * @param flagsPushed      messages whose flag or keyword changes went up
 * @param expungedOnServer messages expunged (IMAP) or deleted (POP3 DELE) on the server
 * @param appended         messages uploaded (offline appends, copies, messages dropped in by another client)
 * @param moved            messages moved on the server (offline moves between synchronised folders)
 * @param downloaded       new server messages stored locally (whole)
 * @param headersOnly      new server messages recorded without their body (larger than the size limit)
 * @param flagsPulled      messages whose flags changed on the server and were updated locally
 * @param removedLocally   messages removed locally because they were expunged on the server (or, by the conflict
 *                         rules, not to be resurrected)
 * @param repaired         messages re-paired by Message-ID after a UIDVALIDITY change
 * @param fullScans        folders that needed a full UID + FLAGS scan (no CONDSTORE, first sync, UIDVALIDITY change)
 * @param unchanged        folders found unchanged by their status alone (CONDSTORE fast path)
 * @param notes            human-readable notes (conflicts resolved, UIDVALIDITY changes)
 * @param elapsed          wall time
 */
public record SyncReport(int flagsPushed, int expungedOnServer, int appended, int moved, int downloaded,
                         int headersOnly, int flagsPulled, int removedLocally, int repaired, int fullScans,
                         int unchanged, List<String> notes, Duration elapsed) {
    /**
     * Copies the notes.
     *
     * @param flagsPushed      messages whose flag or keyword changes went up
     * @param expungedOnServer messages expunged or deleted on the server
     * @param appended         messages uploaded
     * @param moved            messages moved on the server
     * @param downloaded       new server messages stored locally
     * @param headersOnly      new server messages recorded without their body
     * @param flagsPulled      messages whose flags were updated from the server
     * @param removedLocally   messages removed locally
     * @param repaired         messages re-paired by Message-ID
     * @param fullScans        folders that needed a full scan
     * @param unchanged        folders found unchanged by their status alone
     * @param notes            human-readable notes; must not be null
     * @param elapsed          wall time
     */
    public SyncReport {
        notes = List.copyOf(notes);
    }

    /**
     * Changes that went up.
     *
     * @return flags pushed + expunged on the server + appended + moved
     */
    public int up() {
        return flagsPushed + expungedOnServer + appended + moved;
    }

    /**
     * Changes that came down.
     *
     * @return downloaded + headers only + flags pulled + removed locally
     */
    public int down() {
        return downloaded + headersOnly + flagsPulled + removedLocally;
    }
}

package dev.mailaccess.kafka;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A folder's source offset, the whole of what a task needs to resume it (nothing lives in the task's memory or on
 * its disk): IMAP {@code {uidValidity, lastUid, highestModSeq, messageIds}}, POP3 {@code {uidls}}. The source
 * partition is {@code {account, folder}}.
 *
 * @param uidValidity   the folder's UIDVALIDITY when {@code lastUid} was sent; 0 before the first message (and POP3)
 * @param lastUid       the highest UID sent; every message up to it was sent (IMAP UIDs only grow)
 * @param highestModSeq the folder's HIGHESTMODSEQ up to which flag changes were sent (0: none known)
 * @param seen          IMAP: Message-IDs sent (to re-pair after a UIDVALIDITY change); POP3: UIDLs sent and still
 *                      on the server
 */
record FolderOffset(long uidValidity, long lastUid, long highestModSeq, SeenDigest seen) {
    static final String ACCOUNT = "account";
    static final String FOLDER = "folder";
    static final String UID_VALIDITY = "uidValidity";
    static final String LAST_UID = "lastUid";
    static final String HIGHEST_MOD_SEQ = "highestModSeq";
    static final String MESSAGE_IDS = "messageIds";
    static final String UIDLS = "uidls";

    static final FolderOffset NONE = new FolderOffset(0, 0, 0, SeenDigest.EMPTY);

    /**
     * The source partition. A HashMap of the default capacity on purpose: Connect finds an offset by the partition's
     * serialised bytes, which follow the map's iteration order, and when it reads partitions back (the REST API, an
     * offset reset) it makes them HashMaps of the default capacity. Map.of's order changes from one JVM to the next,
     * and a HashMap of another capacity may order these two keys otherwise: either way the REST API would show the
     * folder without its offset and could not reset it.
     */
    static Map<String, String> partition(String account, String folder) {
        Map<String, String> p = new HashMap<>();
        p.put(ACCOUNT, account);
        p.put(FOLDER, folder);
        return Collections.unmodifiableMap(p);
    }

    Map<String, Object> toMap(boolean pop3) {
        Map<String, Object> m = new HashMap<>(6);
        if (pop3) {
            m.put(UIDLS, seen.encoded());
        } else {
            m.put(UID_VALIDITY, uidValidity);
            m.put(LAST_UID, lastUid);
            m.put(HIGHEST_MOD_SEQ, highestModSeq);
            m.put(MESSAGE_IDS, seen.encoded());
        }
        return m;
    }

    /**
     * Reads a stored offset (null: none).
     *
     * @throws IllegalArgumentException if it is not one this connector wrote, naming what is wrong
     */
    static FolderOffset fromMap(Map<String, ?> m) {
        if (m == null) {
            return NONE;
        }
        for (String k : m.keySet()) {
            if (!Set.of(UID_VALIDITY, LAST_UID, HIGHEST_MOD_SEQ, MESSAGE_IDS, UIDLS).contains(k)) {
                throw new IllegalArgumentException("unknown offset field '" + k + "'");
            }
        }
        long uv = number(m, UID_VALIDITY);
        long last = number(m, LAST_UID);
        long modSeq = number(m, HIGHEST_MOD_SEQ);
        if (uv < 0 || uv > 0xFFFF_FFFFL || last < 0 || last > 0xFFFF_FFFFL || modSeq < 0) {
            throw new IllegalArgumentException("uidValidity and lastUid must be unsigned 32-bit numbers and "
                    + "highestModSeq not negative");
        }
        if (last > 0 && uv == 0) {
            throw new IllegalArgumentException("lastUid needs the uidValidity it belongs to");
        }
        Object seen = m.containsKey(UIDLS) ? m.get(UIDLS) : m.get(MESSAGE_IDS);
        return new FolderOffset(uv, last, modSeq, SeenDigest.fromOffset(seen));
    }

    private static long number(Map<String, ?> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalArgumentException(key + " must be a number, not '" + v + "'");
    }

    FolderOffset withSeen(SeenDigest s) {
        return new FolderOffset(uidValidity, lastUid, highestModSeq, s);
    }
}

package dev.mailaccess;

import java.util.Objects;

/**
 * A stable reference to a message in a folder: for IMAP the folder's UIDVALIDITY and the message's UID, for POP3 the
 * server's UIDL. Never a sequence number, so it stays valid when other messages are removed. Its text form
 * ({@link #toString()}, {@link #parse(String)}) is {@code imap:<uidvalidity>:<uid>} or {@code pop3:<uidl>}.
 *
 * @param uidValidity IMAP UIDVALIDITY, 0 for POP3
 * @param uid         IMAP UID, 0 for POP3
 * @param uidl        POP3 unique id, null for IMAP
 */
public record MessageRef(long uidValidity, long uid, String uidl) implements Comparable<MessageRef> {

    /**
     * Checks that the reference is either an IMAP or a POP3 one.
     *
     * @param uidValidity IMAP UIDVALIDITY, positive; 0 for POP3
     * @param uid         IMAP UID, positive; 0 for POP3
     * @param uidl        POP3 unique id, not empty; null for IMAP
     * @throws IllegalArgumentException if the values mix the two kinds or are out of range
     */
    public MessageRef {
        if (uidl == null) {
            if (uid <= 0 || uidValidity <= 0) {
                throw new IllegalArgumentException("IMAP refs need a positive UIDVALIDITY and UID");
            }
        } else if (uid != 0 || uidValidity != 0 || uidl.isEmpty()) {
            throw new IllegalArgumentException("a POP3 ref has only a non-empty UIDL");
        }
    }

    /**
     * An IMAP reference.
     *
     * @param uidValidity the folder's UIDVALIDITY, positive
     * @param uid         the message's UID, positive
     * @return the reference
     * @throws IllegalArgumentException if either number is not positive
     */
    public static MessageRef imap(long uidValidity, long uid) {
        return new MessageRef(uidValidity, uid, null);
    }

    /**
     * A POP3 reference.
     *
     * @param uidl the server's unique id for the message (UIDL), not empty
     * @return the reference
     * @throws NullPointerException     if {@code uidl} is null
     * @throws IllegalArgumentException if {@code uidl} is empty
     */
    public static MessageRef pop3(String uidl) {
        return new MessageRef(0, 0, Objects.requireNonNull(uidl, "uidl"));
    }

    /**
     * Whether this is an IMAP reference.
     *
     * @return true for an IMAP (UIDVALIDITY, UID) reference, false for a POP3 (UIDL) one
     */
    public boolean isImap() {
        return uidl == null;
    }

    /**
     * Parses the text form, the inverse of {@link #toString()}.
     *
     * @param text {@code imap:<uidvalidity>:<uid>} or {@code pop3:<uidl>}
     * @return the reference
     * @throws IllegalArgumentException if the text is not a reference
     */
    public static MessageRef parse(String text) {
        if (text.startsWith("pop3:")) {
            return pop3(text.substring(5));
        }
        if (text.startsWith("imap:")) {
            String[] parts = text.substring(5).split(":", -1);
            if (parts.length == 2) {
                try {
                    return imap(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
                } catch (NumberFormatException e) {
                    // fall through to the error below
                }
            }
        }
        throw new IllegalArgumentException("not a message reference: '" + text
                + "' (expected imap:<uidvalidity>:<uid> or pop3:<uidl>)");
    }

    @Override
    public int compareTo(MessageRef o) {
        if (isImap() && o.isImap()) {
            int c = Long.compare(uidValidity, o.uidValidity);
            return c != 0 ? c : Long.compare(uid, o.uid);
        }
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return isImap() ? "imap:" + uidValidity + ":" + uid : "pop3:" + uidl;
    }
}

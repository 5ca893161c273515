package dev.mailaccess.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The messages a folder's offset remembers as already sent, compact and immutable: 12 bytes per message (the IMAP
 * UID, or 0, and a 64-bit hash), base64, so exactly 16 characters per message and a digest plus more entries is the
 * two strings joined. (Connect offsets hold only primitive values, so this is one string.)
 *
 * <p>IMAP: the hash is 48 bits of the Message-ID's SHA-256 and the low 16 bits of the size, so a message can be
 * re-paired after a UIDVALIDITY change by Message-ID, preferring equal size, as the replica does. POP3: 64 bits of
 * the UIDL's SHA-256 (a false match needs about 2^64 / n tries).
 */
final class SeenDigest {
    static final int ENTRY = 12;
    static final int CHARS = 16;
    static final SeenDigest EMPTY = new SeenDigest("");

    /** One remembered message. */
    record Entry(long uid, long hash) {
        /** The Message-ID part of an IMAP hash. */
        long idPart() {
            return hash >>> 16;
        }
    }

    private final String encoded;

    private SeenDigest(String encoded) {
        this.encoded = encoded;
    }

    int size() {
        return encoded.length() / CHARS;
    }

    /** The offset's value. */
    String encoded() {
        return encoded;
    }

    /**
     * Reads an offset's value.
     *
     * @throws IllegalArgumentException if it is not base64 of whole entries
     */
    static SeenDigest fromOffset(Object value) {
        if (value == null) {
            return EMPTY;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("expected a base64 string, got " + value.getClass().getSimpleName());
        }
        if (s.length() % CHARS != 0) {
            throw new IllegalArgumentException("a digest of " + s.length() + " characters is not whole entries");
        }
        Base64.getDecoder().decode(s); // throws IllegalArgumentException on a bad character
        return new SeenDigest(s);
    }

    /** Every entry, oldest first. */
    List<Entry> entries() {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(encoded));
        List<Entry> out = new ArrayList<>(size());
        while (b.remaining() >= ENTRY) {
            out.add(new Entry(Integer.toUnsignedLong(b.getInt()), b.getLong()));
        }
        return out;
    }

    /** A digest of exactly these entries (after pruning). */
    static SeenDigest of(List<Entry> entries) {
        return EMPTY.plus(entries, Integer.MAX_VALUE);
    }

    /** This digest and the entries, keeping the newest {@code max}. */
    SeenDigest plus(List<Entry> more, int max) {
        if (more.isEmpty() && size() <= max) {
            return this;
        }
        ByteBuffer b = ByteBuffer.allocate(more.size() * ENTRY);
        for (Entry e : more) {
            b.putInt((int) e.uid()).putLong(e.hash());
        }
        String all = encoded + Base64.getEncoder().encodeToString(b.array());
        int drop = all.length() / CHARS - max;
        return new SeenDigest(drop > 0 ? all.substring(drop * CHARS) : all);
    }

    /** An IMAP entry: 48 bits of the Message-ID's hash, 16 of the size. */
    static Entry imap(long uid, String messageId, long size) {
        return new Entry(uid, (sha256Long(messageId) & 0xFFFF_FFFF_FFFF_0000L) | (size & 0xFFFF));
    }

    /** The Message-ID part an IMAP entry would have. */
    static long idPart(String messageId) {
        return sha256Long(messageId) >>> 16;
    }

    /** A POP3 entry: 64 bits of the UIDL's hash. */
    static Entry pop3(String uidl) {
        return new Entry(0, sha256Long(uidl));
    }

    private static long sha256Long(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.Flags;
import dev.mailaccess.internal.Sha256;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The on-disk pieces of a {@link Replica}: records and folder state, their state files, local names, the encoding
 * of a field and where a message file goes. Not public.
 */
final class ReplicaStore {
    static final String SUFFIX = ".mailaccess";

    private ReplicaStore() {
    }

    /** What a local record is. */
    enum Status {
        /** A message in the folder. */
        LIVE,
        /** Expunged (or moved to a local-only folder) offline; the server copy is to be expunged. */
        EXPUNGE,
        /** Moved offline to another synchronised folder; the move on the server is pending. */
        MOVED
    }

    /** One message (or tombstone) of a folder. */
    static final class Rec {
        String key;
        long uid;
        String uidl;
        long size;
        Status status = Status.LIVE;
        /** Appended to the server, but the server did not tell the new UID: paired by Message-ID later. */
        boolean pushed;
        /** Its UID went stale with a UIDVALIDITY change; to be re-paired by Message-ID. */
        boolean repair;
        /**
         * An upload of it was started and its answer never came (a dropped connection): it may be on the server,
         * so it is paired by Message-ID before anything else, and an offline delete or move of it still expunges it
         * there; if it turns out not to be there, it is uploaded again.
         */
        boolean sent;
        String msgId = "";
        Flags flags = Flags.NONE;
        /** Flags at the last sync (the common ancestor for the per-flag merge), or null if never synced. */
        Flags base;
        /** MOVED: "dstFolder\nkey" of the copy; LIVE moved-in: "srcFolder\nkey" of the tombstone. */
        String link;
        boolean downloaded = true;
        /** For a message without its body: "subject\tfrom\tdate" from the server's envelope, or null. */
        String envelope;

        boolean onServer() {
            return uid > 0 || uidl != null;
        }

        boolean hasLocalFlagChanges() {
            return base != null && !base.equals(flags);
        }
    }

    /** A replica folder: its Maildir, records and sync state. */
    static final class FolderState {
        String name;
        String safe;
        boolean local;
        /** Was synchronised, then vanished from the server: kept as local-only. */
        boolean detached;
        Maildir maildir;
        Path stateFile;
        long uidValidity;
        long highestUid;
        long modSeq;
        long uidNext;
        long applied;
        final Map<String, Rec> recs = new LinkedHashMap<>();
        final Map<String, Path> files = new LinkedHashMap<>();
        /**
         * Modification times (ns) of new/ and cur/ when last scanned, if they had settled by then; -1 if not
         * known. Equal times mean no file was added, removed or renamed since: the scan can be skipped.
         */
        long newMtime = -1;
        long curMtime = -1;
        /** Whether {@link #files} holds every message file (listed, or known to be where the records say). */
        boolean filesKnown;
        boolean dirty;

        Rec byUid(long uid) {
            for (Rec r : recs.values()) {
                if (r.uid == uid) {
                    return r;
                }
            }
            return null;
        }
    }

    // ---------------------------------------------------------------- names

    /**
     * A file-name-safe, reversible local name for a folder name: ASCII letters, digits, '_' and '-' stay, every other
     * UTF-8 byte (including '.', '/', NUL and control characters) becomes {@code %XX}. Names longer than 120 characters
     * after encoding become a hash; the real name is recorded in the folder's state file.
     */
    static String safeName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty folder name");
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
                sb.append((char) c);
            } else {
                sb.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        if (sb.length() > 120) {
            return "%h" + Sha256.hex(name).substring(0, 40); // "%h" is never produced by the escaping
        }
        return sb.toString();
    }

    /** The inverse of {@link #safeName} for names that were not hashed. */
    static String unsafeName(String safe) {
        return URLDecoder.decode(safe.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** A new local id for a message the server has not numbered: added offline or by another mail client. */
    static String newKey() {
        return "L" + UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * A field of a state file or journal line: {@code -} for null, else {@code =} and the text with {@code %XX}
     * for the bytes that would end a field or a line or be misread when decoding ('%', '+', space, control
     * characters); everything else is written as it is. Versions before this one decode with {@link URLDecoder},
     * which passes those characters through, so they read these files unchanged; and {@link #dec} reads theirs
     * (fully URL-encoded, '+' for a space).
     */
    static String enc(String s) {
        if (s == null) {
            return "-";
        }
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return "=" + s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 8).append('=').append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (escaped(c)) {
                sb.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean escaped(char c) {
        return c <= ' ' || c == '%' || c == '+' || c == 0x7f;
    }

    static String dec(String s) {
        return s.equals("-") ? null : decode(s, 1, s.length());
    }

    /** {@link #dec} of {@code s[from, to)}; only a field with an escape pays for URL decoding. */
    private static String decode(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%' || c == '+') {
                return URLDecoder.decode(s.substring(from, to), StandardCharsets.UTF_8);
            }
        }
        return s.substring(from, to);
    }

    // ---------------------------------------------------------------- files

    static String keyOf(Path file) {
        return keyOf(file.getFileName().toString());
    }

    static String keyOf(String fileName) {
        int i = fileName.indexOf(SUFFIX);
        return i > 0 ? fileName.substring(0, i) : null;
    }

    /** A downloaded record's file name in cur/: {@code <key>.mailaccess,S=<size>:2,<system flag letters>}. */
    static String fileName(Rec r) {
        return r.key + SUFFIX + ",S=" + r.size + ":2," + ReplicaFlags.letters(r.flags);
    }

    /** Where a downloaded record's file is, once {@link #placeFile} has put it there. */
    static Path expectedFile(FolderState fs, Rec r) {
        return fs.maildir.root().resolve("cur").resolve(fileName(r));
    }

    /** Renames a message file into cur/ with the record's system flags (and its size, read if unknown). */
    static Path placeFile(FolderState fs, Rec r, Path current, boolean fsync) {
        if (r.size >= 0 && current.getFileName().toString().equals(fileName(r))
                && current.getParent().getFileName().toString().equals("cur")) {
            fs.files.put(r.key, current); // already where and as it should be: no stat, no rename
            return current;
        }
        try {
            r.size = Files.size(current);
            Path target = expectedFile(fs, r);
            if (!current.equals(target)) {
                Files.move(current, target, StandardCopyOption.ATOMIC_MOVE);
                if (fsync) {
                    fsyncDir(target.getParent());
                }
            }
            fs.files.put(r.key, target);
            return target;
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot rename " + current + ": " + e.getMessage(), e);
        }
    }

    /** Forces a directory's entries to disk, so a rename or a delete in it survives a crash. */
    static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    // ---------------------------------------------------------------- state files

    static void save(FolderState fs, boolean fsync) {
        StringBuilder sb = new StringBuilder(256 + 100 * fs.recs.size());
        sb.append("mailaccess-replica-folder 1\n");
        sb.append("name ").append(enc(fs.name)).append('\n');
        sb.append("local ").append(fs.local ? 1 : 0).append('\n');
        sb.append("uidvalidity ").append(fs.uidValidity).append('\n');
        sb.append("highestuid ").append(fs.highestUid).append('\n');
        sb.append("modseq ").append(fs.modSeq).append('\n');
        sb.append("uidnext ").append(fs.uidNext).append('\n');
        sb.append("applied ").append(fs.applied).append('\n');
        sb.append("dirs ").append(fs.newMtime).append(' ').append(fs.curMtime).append('\n');
        for (Rec r : fs.recs.values()) {
            appendRecord(sb, r);
        }
        Maildir.writeAtomically(fs.stateFile, sb.toString().getBytes(StandardCharsets.UTF_8), fsync);
        fs.dirty = false;
    }

    /** One record's line; a method of its own so that the JIT compiles it once, not again inside each caller. */
    private static void appendRecord(StringBuilder sb, Rec r) {
        sb.append("R ").append(r.key).append(' ').append(r.uid).append(' ').append(enc(r.uidl)).append(' ')
                .append(r.size).append(' ').append(r.status).append(' ').append(r.pushed ? 1 : 0)
                .append(r.repair ? 1 : 0).append(r.downloaded ? 1 : 0).append(r.sent ? 1 : 0).append(' ')
                .append(enc(r.msgId)).append(' ').append(ReplicaFlags.flagsToken(r.flags)).append(' ')
                .append(ReplicaFlags.flagsToken(r.base)).append(' ').append(enc(r.link)).append(' ')
                .append(enc(r.envelope)).append('\n');
    }

    /**
     * Reads a folder's state file, written by {@link #save} of this or an older version. Made for a large folder
     * opened often: one pass over the text, no regular expressions, URL decoding only for fields with an escape,
     * and each distinct flags field parsed once (most messages share a handful of flag sets).
     */
    static void load(FolderState fs) {
        String text;
        try {
            text = new String(Files.readAllBytes(fs.stateFile), StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot read replica state " + fs.stateFile + ": " + e.getMessage(), e);
        }
        Map<String, Flags> parsedFlags = new HashMap<>();
        try {
            int start = 0;
            while (start < text.length()) {
                int newline = text.indexOf('\n', start);
                int end = newline < 0 ? text.length() : newline;
                Fields p = new Fields(text, start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
                start = end + 1;
                switch (p.next()) {
                    case "name" -> fs.name = p.nextText();
                    case "local" -> fs.local = p.next().equals("1");
                    case "uidvalidity" -> fs.uidValidity = p.nextLong();
                    case "highestuid" -> fs.highestUid = p.nextLong();
                    case "modseq" -> fs.modSeq = p.nextLong();
                    case "uidnext" -> fs.uidNext = p.nextLong();
                    case "applied" -> fs.applied = p.nextLong();
                    case "dirs" -> {
                        fs.newMtime = p.nextLong();
                        fs.curMtime = p.nextLong();
                    }
                    case "R" -> {
                        Rec r = new Rec();
                        r.key = p.next();
                        r.uid = p.nextLong();
                        r.uidl = p.nextText();
                        r.size = p.nextLong();
                        r.status = Status.valueOf(p.next());
                        String bits = p.next();
                        r.pushed = bits.charAt(0) == '1';
                        r.repair = bits.charAt(1) == '1';
                        r.downloaded = bits.charAt(2) == '1';
                        r.sent = bits.length() > 3 && bits.charAt(3) == '1';
                        r.msgId = p.nextText();
                        r.flags = p.nextFlags(parsedFlags);
                        r.base = p.nextFlags(parsedFlags);
                        r.link = p.nextText();
                        r.envelope = p.hasNext() ? p.nextText() : null;
                        fs.recs.put(r.key, r);
                    }
                    default -> {
                        // header line or a field from a newer version: ignore
                    }
                }
            }
        } catch (RuntimeException e) {
            throw new Maildir.StoreException("cannot read replica state " + fs.stateFile + ": " + e.getMessage(),
                    new IOException(e));
        }
    }

    /** The space-separated fields of one line of a state file, read left to right. */
    private static final class Fields {
        private final String text;
        private final int end;
        private int pos;

        Fields(String text, int start, int end) {
            this.text = text;
            this.pos = start;
            this.end = end;
        }

        boolean hasNext() {
            return pos < end;
        }

        /** The next field as it is. */
        String next() {
            int stop = stop();
            String field = text.substring(pos, stop);
            pos = stop + 1;
            return field;
        }

        /** The next field, an {@link #enc} text or null. */
        String nextText() {
            int stop = stop();
            if (pos >= stop) {
                throw new IllegalArgumentException("missing field");
            }
            String value = stop - pos == 1 && text.charAt(pos) == '-' ? null : decode(text, pos + 1, stop);
            pos = stop + 1;
            return value;
        }

        long nextLong() {
            int stop = stop();
            long value = Long.parseLong(text, pos, stop, 10);
            pos = stop + 1;
            return value;
        }

        /** The next field, a {@link ReplicaFlags#flagsToken}; parsed once per distinct field. */
        Flags nextFlags(Map<String, Flags> parsed) {
            String token = next();
            if (token.equals("-")) {
                return null;
            }
            Flags flags = parsed.get(token);
            if (flags == null) {
                flags = ReplicaFlags.parseFlags(token);
                parsed.put(token, flags);
            }
            return flags;
        }

        private int stop() {
            int space = text.indexOf(' ', pos);
            return space < 0 || space > end ? end : space;
        }
    }
}

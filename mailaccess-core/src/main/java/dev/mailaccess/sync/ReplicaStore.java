package dev.mailaccess.sync;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The on-disk pieces of a {@link Replica}: folder state, records, names, file naming. Not public. */
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
            return "%h" + OfflineFetch.hash(name).substring(0, 40); // "%h" is never produced by the escaping
        }
        return sb.toString();
    }

    /** The inverse of {@link #safeName} for names that were not hashed. */
    static String unsafeName(String safe) {
        return URLDecoder.decode(safe.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    static String enc(String s) {
        return s == null ? "-" : "=" + URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String dec(String s) {
        return s.equals("-") ? null : URLDecoder.decode(s.substring(1), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- flags

    static String letters(Flags flags) {
        TreeSet<Character> cs = new TreeSet<>();
        for (Flag f : flags.system()) {
            cs.add(f.maildirLetter());
        }
        StringBuilder sb = new StringBuilder();
        cs.forEach(sb::append);
        return sb.toString();
    }

    static String flagsToken(Flags flags) {
        if (flags == null) {
            return "-";
        }
        StringBuilder sb = new StringBuilder(letters(flags));
        for (String k : flags.keywords()) {
            sb.append(' ').append(k);
        }
        return enc(sb.toString());
    }

    static Flags parseFlags(String token) {
        String s = dec(token);
        if (s == null) {
            return null;
        }
        String[] parts = s.split(" ", -1);
        EnumSet<Flag> sys = EnumSet.noneOf(Flag.class);
        for (char c : parts[0].toCharArray()) {
            for (Flag f : Flag.values()) {
                if (f.maildirLetter() == c) {
                    sys.add(f);
                }
            }
        }
        List<String> kw = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                kw.add(parts[i]);
            }
        }
        return Flags.of(sys, kw);
    }

    /** The same keywords, system flags taken from a Maildir file name. */
    static Flags withSystemOf(Flags flags, Path file) {
        return Flags.of(Maildir.flagsOf(file).system(), flags.keywords());
    }

    /** Local wins per flag: a flag changed locally since {@code base} keeps its local value, others the server's. */
    static Flags merge(Flags base, Flags local, Flags server) {
        if (base == null) {
            return local.plus(server);
        }
        EnumSet<Flag> sys = EnumSet.noneOf(Flag.class);
        for (Flag f : Flag.values()) {
            boolean localChanged = base.contains(f) != local.contains(f);
            if (localChanged ? local.contains(f) : server.contains(f)) {
                sys.add(f);
            }
        }
        TreeSet<String> all = new TreeSet<>(base.keywords());
        all.addAll(local.keywords());
        all.addAll(server.keywords());
        List<String> kw = new ArrayList<>();
        for (String k : all) {
            boolean localChanged = base.containsKeyword(k) != local.containsKeyword(k);
            if (localChanged ? local.containsKeyword(k) : server.containsKeyword(k)) {
                kw.add(k);
            }
        }
        return Flags.of(sys, kw);
    }

    // ---------------------------------------------------------------- files

    static String keyOf(Path file) {
        String n = file.getFileName().toString();
        int i = n.indexOf(SUFFIX);
        return i > 0 ? n.substring(0, i) : null;
    }

    /** Renames a message file into cur/ with the record's system flags; returns the new path. */
    /** Where a downloaded record's file is, once {@link #placeFile} has put it there. */
    static Path expectedFile(FolderState fs, Rec r) {
        return fs.maildir.root().resolve("cur").resolve(r.key + SUFFIX + ",S=" + r.size + ":2," + letters(r.flags));
    }

    static Path placeFile(FolderState fs, Rec r, Path current, boolean fsync) {
        String expected = r.key + SUFFIX + ",S=" + r.size + ":2," + letters(r.flags);
        if (r.size >= 0 && current.getFileName().toString().equals(expected)
                && current.getParent().getFileName().toString().equals("cur")) {
            fs.files.put(r.key, current); // already where and as it should be: no stat, no rename
            return current;
        }
        try {
            long size = Files.size(current);
            r.size = size;
            Path target = fs.maildir.root().resolve("cur")
                    .resolve(r.key + SUFFIX + ",S=" + size + ":2," + letters(r.flags));
            if (!current.equals(target)) {
                Files.move(current, target, StandardCopyOption.ATOMIC_MOVE);
                if (fsync) {
                    Replica.fsyncDir(target.getParent());
                }
            }
            fs.files.put(r.key, target);
            return target;
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot rename " + current + ": " + e.getMessage(), e);
        }
    }

    /** A few header values of a stored message, unfolded, raw. */
    static Map<String, String> headers(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new LinkedHashMap<>();
        }
        return headers(head);
    }

    /** The same, from the first bytes of a message. */
    static Map<String, String> headers(byte[] head) {
        Map<String, String> out = new LinkedHashMap<>();
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String current = null;
        StringBuilder value = new StringBuilder();
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                value.append(' ').append(line.strip());
                continue;
            }
            if (current != null) {
                out.putIfAbsent(current, value.toString().strip());
            }
            int colon = line.indexOf(':');
            current = colon > 0 ? line.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : null;
            value = new StringBuilder(colon > 0 ? line.substring(colon + 1) : "");
        }
        if (current != null) {
            out.putIfAbsent(current, value.toString().strip());
        }
        return out;
    }

    // ---------------------------------------------------------------- state files

    static void save(FolderState fs, boolean fsync) {
        StringBuilder sb = new StringBuilder();
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
            sb.append("R ").append(r.key).append(' ').append(r.uid).append(' ').append(enc(r.uidl)).append(' ')
                    .append(r.size).append(' ').append(r.status).append(' ').append(r.pushed ? 1 : 0)
                    .append(r.repair ? 1 : 0).append(r.downloaded ? 1 : 0).append(r.sent ? 1 : 0).append(' ').append(enc(r.msgId))
                    .append(' ').append(flagsToken(r.flags)).append(' ').append(flagsToken(r.base)).append(' ')
                    .append(enc(r.link)).append(' ').append(enc(r.envelope)).append('\n');
        }
        Maildir.writeAtomically(fs.stateFile, sb.toString().getBytes(StandardCharsets.UTF_8), fsync);
        fs.dirty = false;
    }

    static void load(FolderState fs) {
        if (!Files.exists(fs.stateFile)) {
            return;
        }
        try {
            for (String line : Files.readAllLines(fs.stateFile, StandardCharsets.UTF_8)) {
                String[] p = line.split(" ");
                switch (p[0]) {
                    case "name" -> fs.name = dec(p[1]);
                    case "local" -> fs.local = p[1].equals("1");
                    case "uidvalidity" -> fs.uidValidity = Long.parseLong(p[1]);
                    case "highestuid" -> fs.highestUid = Long.parseLong(p[1]);
                    case "modseq" -> fs.modSeq = Long.parseLong(p[1]);
                    case "uidnext" -> fs.uidNext = Long.parseLong(p[1]);
                    case "applied" -> fs.applied = Long.parseLong(p[1]);
                    case "dirs" -> {
                        fs.newMtime = Long.parseLong(p[1]);
                        fs.curMtime = Long.parseLong(p[2]);
                    }
                    case "R" -> {
                        Rec r = new Rec();
                        r.key = p[1];
                        r.uid = Long.parseLong(p[2]);
                        r.uidl = dec(p[3]);
                        r.size = Long.parseLong(p[4]);
                        r.status = Status.valueOf(p[5]);
                        r.pushed = p[6].charAt(0) == '1';
                        r.repair = p[6].charAt(1) == '1';
                        r.downloaded = p[6].charAt(2) == '1';
                        r.sent = p[6].length() > 3 && p[6].charAt(3) == '1';
                        r.msgId = dec(p[7]);
                        r.flags = parseFlags(p[8]);
                        r.base = parseFlags(p[9]);
                        r.link = dec(p[10]);
                        r.envelope = p.length > 11 ? dec(p[11]) : null;
                        fs.recs.put(r.key, r);
                    }
                    default -> {
                        // header line or a field from a newer version: ignore
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new Maildir.StoreException("cannot read replica state " + fs.stateFile + ": " + e.getMessage(),
                    e instanceof IOException ? e : new IOException(e));
        }
    }
}

package dev.mailaccess.store;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MailAccessException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A Maildir on disk ({@code tmp/}, {@code new/}, {@code cur/}), readable by Dovecot, mutt and mbsync. Messages are
 * delivered the durable way: written to {@code tmp/}, fsynced, renamed into {@code new/}, and the directory fsynced,
 * so a message is either completely there or not at all. The root and every file are private to the user
 * (0700 / 0600) where the file system supports POSIX permissions.
 *
 * <p>Each message file is named after a caller-chosen key ({@code <key>.mailaccess,S=<size>}), which is what lets a
 * rerun after a crash recognise a message it already stored.
 */
public final class Maildir {
    private static final String SUFFIX = ".mailaccess";
    private final Path root;
    private final boolean fsync;

    private Maildir(Path root, boolean fsync) {
        this.root = root;
        this.fsync = fsync;
    }

    /**
     * Opens a Maildir, creating it (private to the user) if needed.
     *
     * @param root the Maildir's directory, holding {@code tmp/}, {@code new/} and {@code cur/}
     * @return the Maildir, fsyncing what it stores
     * @throws StoreException if it cannot be created or is not writable
     */
    public static Maildir open(Path root) {
        return open(root, true);
    }

    /**
     * Like {@link #open(Path)}; {@code fsync=false} trades durability for speed (tests, benchmarks).
     *
     * @param root  the Maildir's directory
     * @param fsync whether stored files and directories are fsynced; false may lose messages on a crash
     * @return the Maildir
     * @throws StoreException if it cannot be created or is not writable
     */
    public static Maildir open(Path root, boolean fsync) {
        try {
            createPrivateDirectory(root);
            for (String sub : List.of("tmp", "new", "cur")) {
                createPrivateDirectory(root.resolve(sub));
            }
            if (!Files.isWritable(root.resolve("tmp")) || !Files.isWritable(root.resolve("new"))) {
                throw new StoreException("Maildir " + root + " is not writable", null);
            }
            return new Maildir(root, fsync);
        } catch (IOException e) {
            throw new StoreException("cannot create Maildir " + root + ": " + e.getMessage(), e);
        }
    }

    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (Files.exists(dir)) {
            throw new IOException(dir + " exists and is not a directory");
        }
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: rely on its defaults
        }
    }

    /**
     * The Maildir's directory.
     *
     * @return the path given to {@link #open}
     */
    public Path root() {
        return root;
    }

    /**
     * Stores a message durably under {@code new/}. The caller makes sure the key is not stored yet ({@link #keys()}
     * once, or {@link #find(String)}): a second delivery under the same key is not detected; it replaces the first
     * file if the sizes are equal and adds a second file otherwise.
     *
     * @param key     a file-name-safe unique key ({@code [A-Za-z0-9_-]+}), e.g. a hash of the message's source id
     * @param content the message's bytes, read to the end; the caller closes the stream
     * @return the message file
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws StoreException when the disk is full or not writable; nothing partial is left in new/
     */
    public Path deliver(String key, InputStream content) {
        Path target = deliverUnsynced(key, content);
        if (fsync) {
            try {
                fsyncDirectory(root.resolve("new"));
            } catch (IOException e) {
                throw new StoreException("cannot sync " + root.resolve("new") + ": " + e.getMessage(), e);
            }
        }
        return target;
    }

    /**
     * Like {@link #deliver}, but leaves the fsync of {@code new/} to the caller, who delivers many messages and then
     * calls {@link #syncDirectories()} once, before recording them as stored: one fsync per message (the file)
     * instead of two.
     *
     * @param key     a file-name-safe unique key ({@code [A-Za-z0-9_-]+})
     * @param content the message's bytes, read to the end; the caller closes the stream
     * @return the message file, in {@code new/}
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws StoreException           when the disk is full or not writable; nothing partial is left in new/
     */
    public Path deliverUnsynced(String key, InputStream content) {
        return store(key, content, "new", "", null);
    }

    /**
     * Stores a message straight under {@code cur/} as {@code <key>.mailaccess,S=<size><info>}, for a caller that
     * records many messages at once: the file itself is fsynced (when this Maildir fsyncs) but the directory is not;
     * call {@link #syncDirectories()} before recording the messages as stored. One rename and no directory fsync per
     * message instead of two and two.
     *
     * @param key     a file-name-safe unique key ({@code [A-Za-z0-9_-]+})
     * @param content the message's bytes, read to the end; the caller closes the stream
     * @param info    the Maildir info suffix, e.g. {@code ":2,S"}; empty for none
     * @return the message file, in {@code cur/}
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws StoreException           when the disk is full or not writable; nothing partial is left in cur/
     */
    public Path deliverUnsynced(String key, InputStream content, String info) {
        return store(key, content, "cur", info, null);
    }

    /**
     * Like {@link #deliverUnsynced(String, InputStream, String)}, and the file gets {@code received} as its
     * modification (and access) time before it is renamed into cur/, as Maildir readers expect of a message's
     * received date: a file in cur/ never has a wrong date, and setting it costs no extra stat.
     *
     * @param key      a file-name-safe unique key ({@code [A-Za-z0-9_-]+})
     * @param content  the message's bytes, read to the end; the caller closes the stream
     * @param info     the Maildir info suffix, e.g. {@code ":2,S"}; empty for none
     * @param received the message's received date (IMAP INTERNALDATE), or null to keep the time of writing
     * @return the message file, in {@code cur/}
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws StoreException           when the disk is full or not writable; nothing partial is left in cur/
     */
    public Path deliverUnsynced(String key, InputStream content, String info, java.time.Instant received) {
        return store(key, content, "cur", info, received == null ? null : FileTime.from(received));
    }

    /**
     * Writes {@code tmp/}, fsyncs the file (when this Maildir fsyncs), renames it into {@code sub/}. A message is
     * in new/ or cur/ only complete: a crash while writing leaves at most a file in tmp/, which readers ignore.
     */
    private Path store(String key, InputStream content, String sub, String info, FileTime received) {
        checkKey(key);
        Path tmp = root.resolve("tmp").resolve(key + TMP_SUFFIX);
        try {
            long size;
            try (FileChannel ch = createPrivate(tmp)) {
                size = copy(content, ch);
                if (fsync) {
                    ch.force(true);
                }
            }
            if (received != null) {
                // both times given: the JDK sets them without reading the old ones first
                Files.getFileAttributeView(tmp, BasicFileAttributeView.class).setTimes(received, received, null);
            }
            Path target = root.resolve(sub).resolve(key + SUFFIX + ",S=" + size + info);
            moveAtomically(tmp, target);
            return target;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the tmp file is harmless; Maildir readers ignore tmp/
            }
            throw new StoreException("cannot store message in " + root + ": " + e.getMessage(), e);
        }
    }

    /** A copy buffer per thread: a fresh one per message (as InputStream.transferTo makes) was most of the garbage. */
    private static final ThreadLocal<byte[]> COPY_BUFFER = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private static long copy(InputStream in, FileChannel out) throws IOException {
        byte[] buffer = COPY_BUFFER.get();
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; total += n) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(buffer, 0, n);
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
        }
        return total;
    }

    /** The name of a message while it is written in tmp/: per key and process. */
    private static final String TMP_SUFFIX = SUFFIX + "." + ProcessHandle.current().pid();

    /**
     * Creates a file that must not exist yet, private from the start; one left by a crash is deleted first. One
     * system call in the usual case, instead of a delete that finds nothing and then the create.
     */
    private static FileChannel createPrivate(Path file) throws IOException {
        try {
            return FileChannel.open(file, PRIVATE_NEW_FILE, PRIVATE);
        } catch (FileAlreadyExistsException e) {
            Files.delete(file);
            return FileChannel.open(file, PRIVATE_NEW_FILE, PRIVATE);
        }
    }

    /**
     * Makes the renames into {@code new/} and {@code cur/} so far durable (when this Maildir fsyncs).
     *
     * @throws StoreException if a directory cannot be synced
     */
    public void syncDirectories() {
        if (!fsync) {
            return;
        }
        try {
            fsyncDirectory(root.resolve("new"));
            fsyncDirectory(root.resolve("cur"));
        } catch (IOException e) {
            throw new StoreException("cannot sync " + root + ": " + e.getMessage(), e);
        }
    }

    private static final java.util.Set<StandardOpenOption> PRIVATE_NEW_FILE = java.util.Set.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    /** rw------- at creation: one system call less than setting it afterwards. */
    private static final java.nio.file.attribute.FileAttribute<?>[] PRIVATE = privateAttribute();

    private static java.nio.file.attribute.FileAttribute<?>[] privateAttribute() {
        boolean posix = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        return posix ? new java.nio.file.attribute.FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new java.nio.file.attribute.FileAttribute<?>[0];
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
            throw new IOException("atomic rename into " + to.getParent() + " failed: " + e.getMessage(), e);
        }
    }

    private static void setPrivate(Path file) {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // not POSIX: keep the default
        }
    }

    /** Forces a directory's entries to disk, so a rename survives a crash. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")) {
                throw e;
            }
        }
    }

    /**
     * The stored file for a key, in new/ or cur/ (whatever flags a mail reader added).
     *
     * @param key a key as given to {@link #deliver}
     * @return the file, or null if none is stored under the key
     * @throws IllegalArgumentException if {@code key} is not a valid key
     * @throws StoreException           if a directory cannot be read
     */
    public Path find(String key) {
        checkKey(key);
        String prefix = key + SUFFIX;
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(root.resolve(sub))) {
                Path hit = files.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.startsWith(prefix) && (n.length() == prefix.length()
                            || n.charAt(prefix.length()) == ',' || n.charAt(prefix.length()) == ':');
                }).findFirst().orElse(null);
                if (hit != null) {
                    return hit;
                }
            } catch (IOException e) {
                throw new StoreException("cannot read " + root.resolve(sub) + ": " + e.getMessage(), e);
            }
        }
        return null;
    }

    /**
     * Keys of every message this library stored here (in new/ or cur/).
     *
     * @return the keys, in no particular order; one delivered twice with different sizes appears twice
     * @throws StoreException if a directory cannot be read
     */
    public List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(root.resolve(sub))) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.contains(SUFFIX))
                        .forEach(n -> keys.add(n.substring(0, n.indexOf(SUFFIX))));
            } catch (IOException e) {
                throw new StoreException("cannot read " + root.resolve(sub) + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    /**
     * Every message file in new/ and cur/, whoever stored it; dot files are skipped.
     *
     * @return the files, those of new/ first, each directory's sorted by name
     * @throws StoreException if a directory cannot be read
     */
    public List<Path> messages() {
        List<Path> out = new ArrayList<>();
        for (String sub : List.of("new", "cur")) {
            try (Stream<Path> files = Files.list(root.resolve(sub))) {
                // by name: a stat per file would dominate a large folder's scan; Maildir readers skip dot files
                files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new StoreException("cannot read " + root.resolve(sub) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * The flags encoded in a Maildir file name ({@code :2,FRS}); letters that are no system flag are ignored.
     *
     * @param file a message file; only its name is read
     * @return its system flags, without keywords; none if the name has no {@code :2,} info
     */
    public static Flags flagsOf(Path file) {
        String name = file.getFileName().toString();
        int info = name.indexOf(":2,");
        List<Flag> flags = new ArrayList<>();
        if (info >= 0) {
            for (char c : name.substring(info + 3).toCharArray()) {
                for (Flag f : Flag.values()) {
                    if (f.maildirLetter() == c) {
                        flags.add(f);
                    }
                }
            }
        }
        return Flags.of(flags, List.of());
    }

    private static void checkKey(String key) {
        if (!isKey(key)) {
            throw new IllegalArgumentException("Maildir key must match [A-Za-z0-9_-]+: " + key);
        }
    }

    /**
     * Whether a string is a key this class accepts: {@code [A-Za-z0-9_-]+}, checked without a regular expression.
     *
     * @param key the candidate
     * @return true if it is non-empty and only has ASCII letters, digits, {@code _} and {@code -}
     */
    public static boolean isKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** The Maildir or its state could not be written or read. Nothing on the server is deleted after this. */
    public static final class StoreException extends MailAccessException {
        /**
         * Creates the exception.
         *
         * @param message what could not be written or read, and why
         * @param cause   the underlying I/O failure, or null
         */
        public StoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Writes a small file durably: write a new file, fsync it, rename it over the old one, fsync the directory.
     * Readers see the old content or the new, never a mix.
     *
     * @param file    the file to write; its directory is created if needed
     * @param content the whole new content
     * @param fsync   whether to fsync the file and the directory
     * @throws StoreException if the file cannot be written
     */
    public static void writeAtomically(Path file, byte[] content, boolean fsync) {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        try {
            createPrivateDirectory(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                setPrivate(tmp);
                ch.write(java.nio.ByteBuffer.wrap(content));
                if (fsync) {
                    ch.force(true);
                }
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsync) {
                fsyncDirectory(file.getParent());
            }
        } catch (IOException e) {
            throw new StoreException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}

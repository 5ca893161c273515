package dev.mailaccess.replica;

import dev.mailaccess.Flags;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.replica.ReplicaStore.Status;
import dev.mailaccess.store.Maildir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The folders of an open replica and its settings ({@code replica.meta}): the state every part of the replica works
 * on, and the changes of a record they share (a tombstone, a message's stored files removed).
 */
final class ReplicaFolders {
    final Path root;
    final boolean fsync;
    final HeaderBlocks headerBlocks;
    private final Map<String, FolderState> folders = new LinkedHashMap<>();
    /** The protocol of the last sync ({@code imap} or {@code pop3}), empty before the first. */
    String protocol = "";
    /** The size limit of a download; 0: none (see {@link Replica#maxMessageSize}). */
    long maxMessageSize;
    boolean deleteOnPop3Server = true;

    ReplicaFolders(Path root, boolean fsync) {
        this.root = root;
        this.fsync = fsync;
        this.headerBlocks = new HeaderBlocks(root);
    }

    /** Creates the replica's directories if needed and reads its settings and every folder's committed state. */
    void load() {
        try {
            Files.createDirectories(root.resolve("state"));
            Files.createDirectories(root.resolve("mail"));
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot create replica " + root + ": " + e.getMessage(), e);
        }
        Path meta = root.resolve("replica.meta");
        List<String[]> folderLines = new ArrayList<>();
        if (Files.exists(meta)) {
            try {
                for (String line : Files.readAllLines(meta, StandardCharsets.UTF_8)) {
                    String[] p = line.split(" ");
                    switch (p[0]) {
                        case "protocol" -> protocol = ReplicaStore.dec(p[1]);
                        case "maxsize" -> maxMessageSize = Long.parseLong(p[1]);
                        case "popdelete" -> deleteOnPop3Server = p[1].equals("1");
                        case "folder" -> folderLines.add(p);
                        default -> {
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new Maildir.StoreException("cannot read " + meta + ": " + e.getMessage(), e);
            }
        }
        for (String[] p : folderLines) {
            FolderState fs = newState(ReplicaStore.dec(p[1]), !p[2].equals("sync"));
            fs.detached = p[2].equals("detached");
            ReplicaStore.load(fs);
            folders.put(fs.name, fs);
        }
    }

    private FolderState newState(String name, boolean local) {
        FolderState fs = new FolderState();
        fs.name = name;
        fs.local = local;
        fs.safe = ReplicaStore.safeName(name);
        Path dir = root.resolve("mail").resolve(fs.safe).normalize();
        if (!dir.getParent().equals(root.resolve("mail"))) {
            throw new IllegalArgumentException("folder name maps outside the replica: " + name);
        }
        fs.maildir = Maildir.open(dir, fsync);
        fs.stateFile = root.resolve("state").resolve(fs.safe + ".state");
        return fs;
    }

    /** Adds a folder, synchronised or local-only; nothing happens if it is there already as that kind. */
    void add(String name, boolean local) {
        Objects.requireNonNull(name, "folder");
        FolderState existing = folders.get(name);
        if (existing != null) {
            if (existing.detached && !local) {
                return; // gone from the server earlier and kept here; sync() says so each time
            }
            if (existing.local != local) {
                throw new IllegalArgumentException("folder " + name + " already exists as a "
                        + (existing.local ? "local-only" : "synchronised") + " folder");
            }
            return;
        }
        for (FolderState fs : folders.values()) {
            if (fs.safe.equals(ReplicaStore.safeName(name))) {
                throw new IllegalArgumentException("folder " + name + " has the same local name as " + fs.name);
            }
        }
        FolderState fs = newState(name, local);
        fs.dirty = true;
        folders.put(name, fs);
        ReplicaStore.save(fs, fsync);
        saveMeta();
    }

    /** Commits the settings and the list of folders. */
    void saveMeta() {
        StringBuilder sb = new StringBuilder("mailaccess-replica 1\n");
        sb.append("protocol ").append(ReplicaStore.enc(protocol)).append('\n');
        sb.append("maxsize ").append(maxMessageSize).append('\n');
        sb.append("popdelete ").append(deleteOnPop3Server ? 1 : 0).append('\n');
        for (FolderState fs : folders.values()) {
            sb.append("folder ").append(ReplicaStore.enc(fs.name)).append(' ').append(fs.detached ? "detached" : fs.local ? "local" : "sync")
                    .append('\n');
        }
        Maildir.writeAtomically(root.resolve("replica.meta"), sb.toString().getBytes(StandardCharsets.UTF_8), fsync);
    }

    /** Every folder, synchronised and local-only, in the order they were added. */
    Collection<FolderState> all() {
        return folders.values();
    }

    /** A folder by name, or null. */
    FolderState get(String folder) {
        return folders.get(folder);
    }

    /** A folder by name; an unknown name is the caller's mistake. */
    FolderState state(String folder) {
        FolderState fs = folders.get(Objects.requireNonNull(folder, "folder"));
        if (fs == null) {
            throw new IllegalArgumentException("no folder '" + folder + "' in the replica " + root
                    + " (folders: " + folders.keySet() + ")");
        }
        return fs;
    }

    /** A message of a folder by its local id; an unknown or removed one is the caller's mistake. */
    static Rec rec(FolderState fs, String id) {
        Rec r = fs.recs.get(id);
        if (r == null || r.status != Status.LIVE) {
            throw new IllegalArgumentException("no message '" + id + "' in replica folder " + fs.name);
        }
        return r;
    }

    /** Commits the state of every folder changed since its last commit. */
    void commitStates() {
        for (FolderState fs : folders.values()) {
            if (fs.dirty) {
                ReplicaStore.save(fs, fsync);
            }
        }
    }

    /** Turns a record into a tombstone, or drops it if the server never had it. */
    static void tombstone(FolderState fs, Rec r, Status status, String link) {
        if (fs.local || (!r.onServer() && !r.pushed && !r.repair && !r.sent)) {
            fs.recs.remove(r.key);
            return;
        }
        r.status = status;
        r.link = link;
    }

    /** Deletes what is stored of a message: its file, and its header block if it was kept without its body. */
    void removeFile(FolderState fs, Rec r) {
        try {
            Files.deleteIfExists(headerBlocks.file(fs, r));
        } catch (IOException e) {
            throw new Maildir.StoreException("cannot delete the headers of " + r.key + ": " + e.getMessage(), e);
        }
        Path file = fs.files.remove(r.key);
        if (file != null) {
            try {
                Files.deleteIfExists(file);
                if (fsync) {
                    ReplicaStore.fsyncDir(file.getParent());
                }
            } catch (IOException e) {
                throw new Maildir.StoreException("cannot delete " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Records merged flags as the flags at the last sync, renaming the file if its system flags change. */
    void setSynced(FolderState fs, Rec r, Flags merged) {
        boolean rename = !merged.system().equals(r.flags.system());
        r.flags = merged;
        r.base = merged;
        Path file = fs.files.get(r.key);
        if (rename && file != null) {
            ReplicaStore.placeFile(fs, r, file, fsync);
        }
        fs.dirty = true;
    }
}

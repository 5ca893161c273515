package dev.mailaccess.internal;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;
import dev.mailaccess.FolderInfo;
import dev.mailaccess.FolderStatus;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxClosedException;
import dev.mailaccess.MailboxConfig;
import dev.mailaccess.Quota;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.Watch;
import dev.mailaccess.WatchListener;
import dev.mailaccess.WatchOptions;
import dev.mailaccess.spi.MailboxSession;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Core's wrapper around an adapter session: checks capabilities before any I/O, serialises calls, and turns a close
 * from another thread into an abort of the call in progress.
 */
public final class CheckedMailbox implements Mailbox {
    private final MailboxSession session;
    private final MailboxConfig config;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile boolean closed;

    public CheckedMailbox(MailboxSession session, MailboxConfig config) {
        this.session = session;
        this.config = config;
    }

    /** Throws unless the capability may be used now. */
    void require(Capability capability) {
        CapabilitySet caps = session.capabilities();
        if (!caps.isUsable(capability, config.allowEmulation())) {
            CapabilityInfo info = caps.info(capability);
            throw new UnsupportedCapabilityException(info, caps.protocol());
        }
    }

    /** Runs an adapter call under the session lock, translating failures caused by a concurrent close. */
    <T> T call(Supplier<T> body) {
        ensureOpen();
        lock.lock();
        try {
            ensureOpen();
            return body.get();
        } catch (MailboxClosedException e) {
            throw e;
        } catch (MailAccessException e) {
            if (closed) {
                throw new MailboxClosedException("the mailbox was closed while this call was in progress", e);
            }
            throw e;
        } catch (IllegalArgumentException e) {
            throw e; // a caller mistake the adapter detected (e.g. no such part): report it as is
        } catch (RuntimeException e) {
            if (closed) {
                throw new MailboxClosedException("the mailbox was closed while this call was in progress", e);
            }
            throw new MailAccessException("unexpected failure in the " + session.capabilities().protocol()
                    + " adapter: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    void run(Runnable body) {
        call(() -> {
            body.run();
            return null;
        });
    }

    private void ensureOpen() {
        if (closed) {
            throw new MailboxClosedException("the mailbox is closed", null);
        }
    }

    @Override
    public CapabilitySet capabilities() {
        return session.capabilities();
    }

    @Override
    public MailboxConfig config() {
        return config;
    }

    @Override
    public List<FolderInfo> folders() {
        require(Capability.FOLDERS);
        return call(session::folders);
    }

    @Override
    public MailFolder folder(String path, AccessMode mode) {
        if (!"INBOX".equalsIgnoreCase(path)) {
            require(Capability.FOLDERS);
        }
        MailFolder folder = call(() -> session.folder(path, mode));
        return new CheckedFolder(this, folder);
    }

    @Override
    public FolderStatus status(String path) {
        if (!"INBOX".equalsIgnoreCase(path)) {
            require(Capability.FOLDERS);
        }
        return call(() -> session.status(path));
    }

    @Override
    public List<Quota> quota(String folder) {
        require(Capability.QUOTA);
        return call(() -> session.quota(folder));
    }

    @Override
    public void createFolder(String path) {
        require(Capability.FOLDERS);
        run(() -> session.createFolder(path));
    }

    @Override
    public void deleteFolder(String path) {
        require(Capability.FOLDERS);
        run(() -> session.deleteFolder(path));
    }

    @Override
    public Watch watch(Collection<String> folders, WatchListener listener, WatchOptions options) {
        require(Capability.WATCH);
        for (String f : folders) {
            if (!"INBOX".equalsIgnoreCase(f)) {
                require(Capability.FOLDERS);
            }
        }
        ensureOpen();
        return FolderWatcher.start(config, List.copyOf(folders), listener, options,
                "pop3".equalsIgnoreCase(session.capabilities().protocol()));
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        if (type.isInstance(session)) {
            return type.cast(session);
        }
        return session.unwrap(type);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (lock.tryLock()) {
            try {
                closed = true;
                session.close();
            } finally {
                lock.unlock();
            }
            return;
        }
        // A call is in progress on another thread: cut the connection so it fails now, then close cleanly.
        closed = true;
        session.abort();
        lock.lock();
        try {
            session.close();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "Mailbox[" + config.displayUri() + (closed ? ", closed" : "") + "]";
    }
}

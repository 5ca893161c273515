package dev.mailaccess;

import java.util.Collection;
import java.util.List;

/**
 * A logged-in session with one mail account, over IMAP or POP3. Get one from {@link MailAccess}.
 *
 * <p>Every operation first checks {@link #capabilities()}: an {@link Support#UNSUPPORTED} operation, or an
 * {@link Support#EMULATED} one that the configuration did not allow, throws {@link UnsupportedCapabilityException}
 * before any network I/O.
 *
 * <p><b>Threads:</b> a mailbox and its folders may be shared between threads. Calls are serialised: one command
 * sequence at a time runs on the connection, the others wait. {@link #close()} from another thread aborts a call in
 * progress, which then throws {@link MailboxClosedException}.
 *
 * <p>POP3 deletions take effect only when the session ends cleanly, so close a POP3 mailbox with {@link #close()}.
 */
public interface Mailbox extends AutoCloseable {

    /**
     * The live capabilities of this session, refined from the server's CAPABILITY / CAPA answer. No I/O.
     *
     * @return every capability with its support in this session
     */
    CapabilitySet capabilities();

    /**
     * The configuration this session was opened with.
     *
     * @return the configuration
     */
    MailboxConfig config();

    /**
     * All folders, with attributes and special-use roles. Needs {@link Capability#FOLDERS}.
     *
     * @return every folder the server lists, including those that cannot be opened ({@link FolderInfo#selectable()})
     */
    List<FolderInfo> folders();

    /**
     * Opens INBOX read-write (the only folder POP3 has).
     *
     * @return the open folder; the caller closes it
     */
    default MailFolder inbox() {
        return folder("INBOX", AccessMode.READ_WRITE);
    }

    /**
     * Opens a folder. Any folder other than INBOX needs {@link Capability#FOLDERS}.
     *
     * @param path full path with the server's delimiter, e.g. {@code INBOX/Projects}; {@code INBOX} in any case
     * @param mode read-only, or read-write to change flags and messages
     * @return the open folder; the caller closes it
     * @throws FolderNotFoundException if it does not exist
     */
    MailFolder folder(String path, AccessMode mode);

    /**
     * Counters of a folder, without selecting it where the protocol allows (IMAP STATUS). Any folder other than
     * INBOX needs {@link Capability#FOLDERS}.
     *
     * @param path full path of the folder
     * @return its counters as of now
     * @throws FolderNotFoundException if it does not exist
     */
    FolderStatus status(String path);

    /**
     * Creates a folder. Needs {@link Capability#FOLDERS}.
     *
     * @param path full path with the server's delimiter
     */
    void createFolder(String path);

    /**
     * Deletes a folder and the messages in it. Needs {@link Capability#FOLDERS}.
     *
     * @param path full path of the folder
     */
    void deleteFolder(String path);

    /**
     * Watches folders for new, expunged and flag-changed messages with {@link WatchOptions#DEFAULTS}; see
     * {@link #watch(Collection, WatchListener, WatchOptions)}.
     *
     * @param folders  the folders' paths
     * @param listener told of each change
     * @return the running watch; the caller closes it
     */
    default Watch watch(Collection<String> folders, WatchListener listener) {
        return watch(folders, listener, WatchOptions.DEFAULTS);
    }

    /**
     * Watches folders for new, expunged and flag-changed messages until closed. Needs {@link Capability#WATCH}
     * (and {@link Capability#FOLDERS} for a folder other than INBOX). The watch has a session of its own, made from
     * {@link #config()}, so this mailbox stays free; it starts from the folders' state when this method returns
     * (that state is read before it returns, so a folder that does not exist fails here), and reports each later
     * change once. Over IMAP with IDLE the first folder is pushed and the others checked at the poll interval; over
     * POP3 each poll logs in again and compares the UIDL list. A broken connection is reconnected with backoff and
     * the changes made meanwhile are reported from the comparison with the last state seen.
     *
     * @param folders  the folders' paths, at least one
     * @param listener told of each change, on the watch's thread
     * @param options  poll interval and reconnects
     * @return the running watch; the caller closes it
     */
    default Watch watch(Collection<String> folders, WatchListener listener, WatchOptions options) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot watch");
    }

    /**
     * The quota roots that apply to a folder, with usage and limits ("is my mailbox full?" before an append fails).
     * Needs {@link Capability#QUOTA}: IMAP servers with QUOTA (RFC 9208); POP3 has none.
     *
     * @param folder full path of the folder, e.g. {@code INBOX}
     * @return one entry per quota root, empty when no quota applies to the folder
     * @throws UnsupportedCapabilityException before any I/O when the session has no QUOTA
     * @throws FolderNotFoundException         if the server says the folder does not exist (not every server checks:
     *                                         Dovecot's quota roots are the user's and it answers for any name)
     */
    default List<Quota> quota(String folder) {
        throw new UnsupportedCapabilityException(capabilities().info(Capability.QUOTA), capabilities().protocol());
    }

    /**
     * Adapter-specific access, e.g. {@code unwrap(jakarta.mail.Store.class)} for the underlying Angus store. Using it
     * bypasses the capability checks and the call serialisation.
     *
     * @param <T>  the type wanted
     * @param type the class of the type wanted
     * @return the adapter's object of that type
     * @throws IllegalArgumentException if this adapter offers no such type
     */
    <T> T unwrap(Class<T> type);

    /** Ends the session (LOGOUT / QUIT); safe to call more than once and from another thread. */
    @Override
    void close();
}

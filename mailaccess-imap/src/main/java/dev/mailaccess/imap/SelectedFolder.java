package dev.mailaccess.imap;

import dev.mailaccess.AccessMode;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.angus.internal.Errors;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.UID;
import org.eclipse.angus.mail.imap.protocol.UIDSet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every command class of an open {@link ImapFolder} shares: the Angus folder and its session, the path, the
 * mode and UIDVALIDITY, the error handling of a call ({@link #call}, {@link #translate}) and the lookups from
 * {@link MessageRef} to Angus's messages. One per open folder.
 */
final class SelectedFolder {
    final ImapSession session;
    final IMAPFolder folder;
    final String path;
    final AccessMode mode;
    final long uidValidity;
    /** How the folder's connection failed, as Angus saw it (its own exceptions drop the cause). */
    private volatile Exception connectionFailure;
    private final ResponseHandler failureWatcher;
    /** UID to size of the last listing with sizes (sizes of a UID never change). */
    private volatile Map<Long, Long> lastListedSizes = Map.of();

    SelectedFolder(ImapSession session, IMAPFolder folder, String path, AccessMode mode) throws MessagingException {
        this.session = session;
        this.folder = folder;
        this.path = path;
        this.mode = mode;
        this.uidValidity = folder.getUIDValidity();
        this.failureWatcher = r -> {
            if (r.isBYE()) {
                Exception e = r.getException();
                connectionFailure = e != null ? e
                        : new java.io.EOFException("the server ended the connection: " + r.getRest());
            }
        };
        watchConnection();
    }

    /** Watches the connection for a BYE; again after every reselect, which may take another connection. */
    void watchConnection() throws MessagingException {
        folder.doCommand(p -> {
            p.removeResponseHandler(failureWatcher);
            p.addResponseHandler(failureWatcher);
            return null;
        });
    }

    /**
     * Translates a failure of a call that started at {@code startNanos}. When the connection died, Angus often
     * reports only "folder closed" and drops the cause; the cause is recovered from a BYE Angus synthesised where it
     * passed one on, and a connection that died after waiting the full read timeout is reported as a timeout.
     */
    MailAccessException translate(Exception e, String where, long startNanos) {
        Exception failure = connectionFailure;
        boolean connectionGone = !isOpen() || e instanceof jakarta.mail.FolderClosedException
                || e instanceof jakarta.mail.StoreClosedException;
        MailAccessException t;
        if (failure != null && connectionGone && !(e instanceof MailAccessException)) {
            t = Errors.translate(new MessagingException(String.valueOf(e.getMessage()), failure), where);
        } else {
            t = Errors.translate(ImapSession.withConnectionCause(e), where);
        }
        return session.timeoutAware(t, e, where, startNanos, connectionGone);
    }

    /**
     * Whether the folder is still open. Not Angus's {@code isOpen()}, which sends a NOOP when the connection has
     * been quiet for a second: a round trip before every call after a pause.
     */
    boolean isOpen() {
        return VanishedSafeFolder.isOpen(folder);
    }

    /** The number of messages the folder had at its last answer, without Angus's NOOP probe. */
    int messageCount() throws MessagingException {
        return folder instanceof VanishedSafeFolder v ? v.messageCountWithoutProbe() : folder.getMessageCount();
    }

    /** Angus's fetch can swallow a dead connection; make it visible. */
    void ensureOpen() throws MessagingException {
        if (!isOpen()) {
            throw new jakarta.mail.FolderClosedException(folder, "lost the connection to the server");
        }
    }

    /** What a call does, for exception messages. */
    String where(String what) {
        return what + " in " + path + session.on();
    }

    /** A step of a call, in Angus's terms. */
    interface AngusCall<T> {
        T run() throws MessagingException, IOException;
    }

    /**
     * Runs one call on the folder: reselects first where the folder went stale, reports a message removed meanwhile
     * as {@link MessageGoneException} (of {@code ref}, or null) and translates every other failure.
     */
    <T> T call(String what, MessageRef ref, AngusCall<T> body) {
        long start = System.nanoTime();
        try {
            reopenIfStale();
            return body.run();
        } catch (MessageRemovedException | IndexOutOfBoundsException e) {
            throw new MessageGoneException(ref, "expunged by another client while " + where(what));
        } catch (MessagingException | IOException | RuntimeException e) {
            throw translate(e, where(what), start);
        }
    }

    /** Angus's folder mode for this folder's access mode. */
    int angusMode() {
        return mode == AccessMode.READ_ONLY ? Folder.READ_ONLY : Folder.READ_WRITE;
    }

    /**
     * NOOP: lets the server report new and expunged messages before a listing of "all" or "the newest" messages,
     * so the listing is current (Angus would otherwise only ask when the connection was idle for a second).
     */
    void refresh() throws MessagingException {
        folder.doCommand(p -> {
            p.noop();
            return null;
        });
        reopenIfStale();
    }

    /**
     * Reselects the folder when the server reported a vanished message this connection never numbered (see
     * {@link VanishedSafeFolder}): Angus's sequence numbers can no longer be trusted. Two commands; rare.
     */
    private void reopenIfStale() throws MessagingException {
        if (folder instanceof VanishedSafeFolder v && v.takeStale()) {
            folder.close(false);
            folder.open(angusMode());
            watchConnection();
        }
    }

    // ---------------------------------------------------------------- references

    MessageRef ref(Message m) throws MessagingException {
        return MessageRef.imap(uidValidity, folder.getUID(m));
    }

    /** Refuses a ref that is not of this folder's UIDVALIDITY. */
    void checkRef(MessageRef ref) {
        if (!ref.isImap()) {
            throw new MessageGoneException(ref, "not an IMAP reference; " + path + " has UIDVALIDITY " + uidValidity);
        }
        if (ref.uidValidity() != uidValidity) {
            throw new MessageGoneException(ref, "the UIDVALIDITY of " + path + " is now " + uidValidity
                    + ", so every older reference is stale");
        }
    }

    /** The live messages for the refs, in folder order; refs of vanished messages are left out. One command at most. */
    List<IMAPMessage> lookup(Collection<MessageRef> refs) throws MessagingException {
        refs.forEach(this::checkRef);
        if (refs.isEmpty()) {
            return List.of();
        }
        long[] uids = refs.stream().mapToLong(MessageRef::uid).distinct().toArray();
        Message[] found = folder.getMessagesByUID(uids);
        List<IMAPMessage> out = new ArrayList<>(found.length);
        for (Message m : found) {
            if (m != null && !m.isExpunged()) {
                out.add((IMAPMessage) m);
            }
        }
        out.sort(Comparator.comparingInt(Message::getMessageNumber));
        return out;
    }

    IMAPMessage lookupOne(MessageRef ref) throws MessagingException {
        List<IMAPMessage> found = lookup(List.of(ref));
        if (found.isEmpty()) {
            throw new MessageGoneException(ref, "no message with UID " + ref.uid() + " in " + path);
        }
        return found.get(0);
    }

    /** UIDs of the messages, fetched in one command where not yet known, as refs in the given order. */
    List<MessageRef> refsOf(Message[] msgs) throws MessagingException {
        if (msgs == null || msgs.length == 0) {
            return List.of();
        }
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(msgs, fp);
        ensureOpen();
        List<MessageRef> out = new ArrayList<>(msgs.length);
        for (Message m : msgs) {
            if (!m.isExpunged()) {
                out.add(ref(m));
            }
        }
        return List.copyOf(out);
    }

    /** The refs' UIDs as an IMAP UID set, ascending: e.g. {@code 1:3,7}. */
    static String uidSet(Collection<MessageRef> refs) {
        long[] uids = refs.stream().mapToLong(MessageRef::uid).sorted().distinct().toArray();
        return UIDSet.toString(UIDSet.createUIDSets(uids));
    }

    // ---------------------------------------------------------------- FETCH without Angus's messages

    /**
     * Sends a FETCH command as it is and returns its answers keyed by the UID each carries, in the server's order.
     * The folder still gets the unsolicited responses (EXISTS, EXPUNGE, ...), not the FETCH answers: some servers
     * (GreenMail) number those as if an expunge reported later in the same answer had already happened.
     */
    @SuppressWarnings("unchecked")
    Map<Long, FetchResponse> rawFetch(String command) throws MessagingException {
        return (Map<Long, FetchResponse>) folder.doCommand(p -> {
            Response[] r = p.command(command, null);
            p.notifyResponseHandlers(java.util.Arrays.stream(r).filter(x -> !(x instanceof FetchResponse))
                    .toArray(Response[]::new));
            p.handleResult(r[r.length - 1]);
            Map<Long, FetchResponse> out = new LinkedHashMap<>();
            for (Response x : r) {
                if (x instanceof FetchResponse fr) {
                    UID u = fr.getItem(UID.class);
                    if (u != null) {
                        out.put(u.uid, fr);
                    }
                }
            }
            return out;
        });
    }

    /** Sizes by UID of the last listing that had sizes: they never change, so a download need not ask again. */
    Map<Long, Long> lastListedSizes() {
        return lastListedSizes;
    }

    void rememberListedSizes(Map<Long, Long> sizes) {
        lastListedSizes = sizes;
    }
}

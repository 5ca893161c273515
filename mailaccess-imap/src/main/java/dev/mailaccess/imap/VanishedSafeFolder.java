package dev.mailaccess.imap;

import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.UIDSet;

import java.io.IOException;

/**
 * The Angus folder with one fix, installed through {@code mail.imap.folder.class}: once QRESYNC is enabled the
 * server reports expunges as {@code VANISHED uid-set} instead of {@code n EXPUNGE}, and Angus 2.0.5 mishandles
 * those: a set of two or more UIDs fails with a NullPointerException ({@code createMessagesForUIDs} advances its
 * index twice per UID), and it passes message numbers where its cache expects sequence numbers, so after an earlier
 * expunge it marks the wrong message expunged. Each vanished UID is restated as the {@code EXPUNGE} of its current
 * sequence number, which Angus handles correctly. A UID the folder never learnt cannot be placed; the folder is then
 * marked {@linkplain #takeStale() stale} so the adapter reopens it before trusting sequence numbers again.
 * Not part of the API: public only because Angus creates it by reflection.
 */
public final class VanishedSafeFolder extends IMAPFolder {
    private volatile boolean stale;

    /**
     * Called by Angus's IMAPStore for a folder named by the caller.
     *
     * @param fullName    the folder's full name
     * @param separator   the hierarchy separator, or {@code UNKNOWN_SEPARATOR} if not known yet
     * @param store       the store the folder belongs to
     * @param isNamespace whether the folder is a namespace, or null if not known
     */
    public VanishedSafeFolder(String fullName, char separator, IMAPStore store, Boolean isNamespace) {
        super(fullName, separator, store, isNamespace);
    }

    /**
     * Called by Angus's IMAPStore for a folder from a LIST answer.
     *
     * @param li    the folder as the server listed it
     * @param store the store the folder belongs to
     */
    public VanishedSafeFolder(ListInfo li, IMAPStore store) {
        super(li, store);
    }

    /**
     * Whether the folder is open, as Angus last learned it (a BYE or a lost connection closes it), without the NOOP
     * that {@link #isOpen()} sends when the connection has been quiet for a second.
     */
    synchronized boolean isOpenWithoutProbe() {
        try {
            checkOpened();
            return true;
        } catch (jakarta.mail.FolderClosedException | IllegalStateException closed) {
            return false;
        }
    }

    /**
     * The number of messages as Angus last learned it, without the NOOP probe of {@code getMessageCount()}. The
     * folder's monitor first, then the message cache lock, in Angus's order ({@code doCommand}): the other order
     * deadlocked against the IDLE timer's command on the same folder.
     */
    synchronized int messageCountWithoutProbe() throws jakarta.mail.FolderClosedException {
        synchronized (messageCacheLock) {
            if (messageCache == null || !isOpenWithoutProbe()) {
                throw new jakarta.mail.FolderClosedException(this, "lost the connection to the server");
            }
            return messageCache.size();
        }
    }

    /** {@link #isOpenWithoutProbe()} for this adapter's folders; Angus's probing {@code isOpen()} for any other. */
    static boolean isOpen(IMAPFolder folder) {
        return folder instanceof VanishedSafeFolder v ? v.isOpenWithoutProbe() : folder.isOpen();
    }

    /** Whether a vanished message could not be placed since the last call; clears the mark. */
    boolean takeStale() {
        boolean was = stale;
        stale = false;
        return was;
    }

    @Override
    public void handleResponse(Response r) {
        if (r instanceof IMAPResponse ir && ir.keyEquals("VANISHED")) {
            long[] uids;
            try {
                uids = unsolicitedVanished(ir.toString(), protocol instanceof BoundedImapProtocol b
                        ? b.maxMessages() : dev.mailaccess.ServerLimits.DEFAULT.maxMessages());
            } catch (dev.mailaccess.ServerLimitException tooMany) {
                stale = true; // nothing to place one by one: the folder is selected anew, which learns the truth
                return;
            }
            if (uids != null) {
                for (long uid : uids) {
                    IMAPMessage m = uidTable == null ? null : uidTable.get(uid);
                    int seqnum = m == null || m.isExpunged() || messageCache == null ? -1
                            : messageCache.seqnumOf(m.getMessageNumber());
                    if (seqnum > 0) {
                        super.handleResponse(restate("* " + seqnum + " EXPUNGE", ir));
                    } else if (m == null) {
                        stale = true;
                    }
                }
                return;
            }
        }
        super.handleResponse(r);
    }

    private static IMAPResponse restate(String line, IMAPResponse original) {
        try {
            return new IMAPResponse(line);
        } catch (IOException | ProtocolException e) {
            throw new IllegalStateException("cannot restate " + original, e); // our own well-formed text
        }
    }

    /**
     * The UIDs of {@code * VANISHED (EARLIER) uid-set}, the answer to a FETCH with the VANISHED modifier; null for
     * any other response.
     *
     * @throws dev.mailaccess.ServerLimitException if the set names more than {@code max} UIDs
     */
    static long[] earlierVanished(String line, int max) {
        return vanished(line, true, max);
    }

    /**
     * The UIDs of {@code * VANISHED uid-set}; null for {@code VANISHED (EARLIER)}, which Angus handles itself.
     *
     * @throws dev.mailaccess.ServerLimitException if the set names more than {@code max} UIDs
     */
    static long[] unsolicitedVanished(String line, int max) {
        return vanished(line, false, max);
    }

    /** The UIDs of a VANISHED response with or without {@code (EARLIER)}, as {@code earlier} says; else null. */
    private static long[] vanished(String line, boolean earlier, int max) {
        String[] words = line.trim().split("\\s+");
        if (words.length != (earlier ? 4 : 3) || !words[1].equalsIgnoreCase("VANISHED")
                || (earlier ? !words[2].equalsIgnoreCase("(EARLIER)") : words[2].startsWith("("))) {
            return null;
        }
        UIDSet[] sets = UIDSet.parseUIDSets(words[words.length - 1]);
        if (sets == null) {
            return null;
        }
        long size = UIDSet.size(sets); // a set such as 1:4294967295 is never made into an array
        if (size > max || size < 0) {
            throw new dev.mailaccess.ServerLimitException(dev.mailaccess.ServerLimits.Limit.MESSAGE_COUNT,
                    "the server reports " + size + " vanished messages, more than " + max
                            + " (ServerLimits.maxMessages)", null);
        }
        return UIDSet.toArray(sets);
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** Waiting for news of an {@link ImapFolder} with IDLE, ended at the caller's deadline. */
final class ImapPush {
    /** Ends IDLE at the caller's deadline; one daemon thread for all folders. */
    private static final ScheduledExecutorService IDLE_TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mailaccess-imap-idle-timer");
        t.setDaemon(true);
        return t;
    });

    private final SelectedFolder selected;

    ImapPush(SelectedFolder selected) {
        this.selected = selected;
    }

    /** The other folders NOTIFY was last set for on this connection; null before the first NOTIFY SET. */
    private volatile List<String> notifying;

    /**
     * Set by news the server gives between two waits: a STATUS answer about another folder (NOTIFY sends one at any
     * time), an EXPUNGE, VANISHED or EXISTS (a server may send them in the middle of a UID FETCH). The caller reads
     * its folders between two waits; what comes then is passed on by the listing and would be forgotten, while the
     * state the caller read may predate it: the next wait ends at once for it. Own FETCH answers never count (the
     * listing reads them itself), so a wait is not ended by the reading it caused.
     */
    private final AtomicBoolean told = new AtomicBoolean();
    private final ResponseHandler toldWatcher = r -> {
        if (r instanceof IMAPResponse ir && ir.isUnTagged() && (ir.keyEquals("EXISTS") || ir.keyEquals("EXPUNGE")
                || ir.keyEquals("VANISHED") || (notifying != null && ir.keyEquals("STATUS")))) {
            told.set(true);
        }
    };
    /** The connection {@link #toldWatcher} listens on (a reconnected folder has a new one). */
    private Object toldOn;

    /**
     * Waits with IDLE for news of this folder, and of {@code others} too where that list is not empty: then a
     * {@code NOTIFY SET} (RFC 5465) first, once per list, so that the server sends a STATUS answer for a change in
     * one of them, which ends the wait as well.
     */
    boolean awaitChange(Duration maxWait, List<String> others) {
        ImapSession session = selected.session;
        if (session.capabilities().support(Capability.PUSH) == Support.UNSUPPORTED) {
            throw new UnsupportedCapabilityException(session.capabilities().info(Capability.PUSH),
                    session.capabilities().protocol());
        }
        long waitMillis = Math.max(0, maxWait.toMillis());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
        AtomicBoolean changed = new AtomicBoolean();
        AtomicBoolean finished = new AtomicBoolean();
        boolean notify = !others.isEmpty();
        ResponseHandler watcher = r -> { // an unsolicited FETCH (a flag change) while waiting; the rest sets told
            if (r instanceof IMAPResponse ir && ir.isUnTagged() && ir.keyEquals("FETCH")) {
                changed.set(true);
            }
        };
        return selected.call("waiting for changes (IDLE)", null, () -> {
            // Any command aborts a running IDLE (Angus sends DONE first); repeat until the waiting thread is out.
            ScheduledFuture<?> stopper = IDLE_TIMER.scheduleAtFixedRate(() -> {
                if (!finished.get()) {
                    try {
                        selected.folder.doCommand(p -> null);
                    } catch (MessagingException | RuntimeException ignored) {
                        // the waiting thread sees the failure itself
                    }
                }
            }, waitMillis, 50, TimeUnit.MILLISECONDS);
            try {
                if (notify && !others.equals(notifying)) {
                    notifySet(others);
                }
                selected.folder.doCommand(p -> {
                    if (toldOn != p) {
                        p.addResponseHandler(toldWatcher); // for the connection's life
                        toldOn = p;
                    }
                    p.addResponseHandler(watcher);
                    // Changes the server has not yet told about (since the last command) count too.
                    p.noop();
                    return null;
                });
                while (!changed.get() && !told.get() && System.nanoTime() - deadline < 0) {
                    selected.folder.idle(true);
                }
                // cleared only here, so that news that comes while the caller reads ends the next wait
                boolean toldMeanwhile = told.getAndSet(false);
                return changed.get() || toldMeanwhile;
            } finally {
                finished.set(true);
                stopper.cancel(false);
                try {
                    selected.folder.doCommand(p -> {
                        p.removeResponseHandler(watcher);
                        return null;
                    });
                } catch (MessagingException | RuntimeException ignored) {
                    // the connection is gone; so is the handler
                }
            }
        });
    }

    /**
     * {@code NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) (mailboxes (...) (MessageNew
     * MessageExpunge FlagChange))}: news of this folder as usual (EXISTS, EXPUNGE, FETCH), of the others as STATUS.
     */
    private void notifySet(List<String> others) throws MessagingException {
        StringBuilder names = new StringBuilder();
        for (String other : others) {
            if (names.length() > 0) {
                names.append(' ');
            }
            String encoded = BASE64MailboxEncoder.encode(other); // modified UTF-7 (RFC 3501)
            names.append('"').append(encoded.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
        String command = "NOTIFY SET (selected (MessageNew MessageExpunge FlagChange)) (mailboxes (" + names
                + ") (MessageNew MessageExpunge FlagChange))";
        // Without CONDSTORE a STATUS carries only counters, and Dovecot sends none for a flag change that leaves
        // them alone; with it the HIGHESTMODSEQ changes with every flag change (RFC 5465 section 5.4).
        boolean condstore = selected.session.serverHas("ENABLE") && selected.session.serverHas("CONDSTORE");
        selected.folder.doCommand(p -> {
            if (condstore) {
                Response[] enabled = p.command("ENABLE CONDSTORE", null);
                p.notifyResponseHandlers(enabled);
                p.handleResult(enabled[enabled.length - 1]);
            }
            Response[] answer = p.command(command, null);
            p.notifyResponseHandlers(answer);
            p.handleResult(answer[answer.length - 1]);
            return null;
        });
        notifying = others;
    }
}

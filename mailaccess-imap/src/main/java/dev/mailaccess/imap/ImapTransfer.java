package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.Flags;
import dev.mailaccess.FolderNotFoundException;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessageRemovedException;
import jakarta.mail.MessagingException;
import jakarta.mail.util.SharedFileInputStream;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Messages into and out of an {@link ImapFolder}: COPY, MOVE (or COPY, STORE {@code \Deleted} and UID EXPUNGE where
 * the server has UIDPLUS but no MOVE) and APPEND, with the new references where the server says them (UIDPLUS).
 */
final class ImapTransfer {
    private final SelectedFolder selected;

    ImapTransfer(SelectedFolder selected) {
        this.selected = selected;
    }

    Map<MessageRef, MessageRef> transfer(Collection<MessageRef> refs, String targetFolder, boolean move) {
        refs.forEach(selected::checkRef);
        if (refs.isEmpty()) {
            return Map.of();
        }
        ImapSession session = selected.session;
        String what = (move ? "moving messages to " : "copying messages to ") + targetFolder;
        Folder target;
        try {
            target = session.store().getFolder(targetFolder);
        } catch (MessagingException e) {
            throw selected.translate(e, selected.where(what), System.nanoTime());
        }
        long start = System.nanoTime();
        try {
            List<IMAPMessage> msgs = selected.lookup(refs);
            if (msgs.isEmpty()) {
                return Map.of();
            }
            Message[] arr = msgs.toArray(new Message[0]);
            List<MessageRef> oldRefs = new ArrayList<>(arr.length);
            for (Message m : arr) {
                oldRefs.add(selected.ref(m));
            }
            AppendUID[] uids;
            if (!move) {
                uids = selected.folder.copyUIDMessages(arr, target);
            } else if (session.serverHas("MOVE")) {
                uids = selected.folder.moveUIDMessages(arr, target);
            } else if (session.serverHas("UIDPLUS")) {
                uids = selected.folder.copyUIDMessages(arr, target);
                selected.folder.setFlags(arr, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
                selected.folder.expunge(arr);
            } else {
                throw new UnsupportedCapabilityException(session.capabilities().info(Capability.MOVE),
                        session.capabilities().protocol());
            }
            Map<MessageRef, MessageRef> out = new LinkedHashMap<>();
            if (uids != null) {
                for (int i = 0; i < arr.length && i < uids.length; i++) {
                    if (uids[i] != null && uids[i].uid > 0 && uids[i].uidvalidity > 0) {
                        out.put(oldRefs.get(i), MessageRef.imap(uids[i].uidvalidity, uids[i].uid));
                    }
                }
            }
            return out;
        } catch (MessageRemovedException e) {
            throw new MessageGoneException(null, "expunged by another client while " + selected.where(what));
        } catch (MessagingException | RuntimeException e) {
            throw targetFailure(target, targetFolder, e, what, start);
        }
    }

    private MailAccessException targetFailure(Folder target, String targetFolder, Exception e, String what,
                                              long start) {
        if (!selected.isOpen()) {
            return selected.translate(e, selected.where(what), start);
        }
        MailAccessException t = selected.session.notFoundOr(target, targetFolder, e, selected.where(what), start);
        if (t instanceof FolderNotFoundException && !(e instanceof jakarta.mail.FolderNotFoundException)) {
            return new FolderNotFoundException(targetFolder, e);
        }
        return t;
    }

    Optional<MessageRef> append(InputStream rfc822, Flags flags, Instant internalDate) {
        return selected.call("appending a message", null, () -> {
            Path tmp = Files.createTempFile("mailaccess-append-", ".eml");
            try {
                // Spool to disk so that a large message is never held in memory; the parsed message reads its
                // content from the file and is written out unchanged.
                Files.copy(rfc822, tmp, StandardCopyOption.REPLACE_EXISTING);
                SharedFileInputStream in = new SharedFileInputStream(tmp.toFile());
                try {
                    AppendMessage m = new AppendMessage(selected.session.jakartaSession(), in,
                            MimeConversion.jakartaFlags(flags),
                            internalDate == null ? null : Date.from(internalDate));
                    AppendUID[] r = selected.folder.appendUIDMessages(new Message[] {m});
                    if (r == null || r.length == 0 || r[0] == null || r[0].uid <= 0 || r[0].uidvalidity <= 0) {
                        return Optional.<MessageRef>empty();
                    }
                    return Optional.of(MessageRef.imap(r[0].uidvalidity, r[0].uid));
                } finally {
                    in.close();
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        });
    }
}

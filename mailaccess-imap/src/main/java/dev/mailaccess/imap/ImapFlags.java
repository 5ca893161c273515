package dev.mailaccess.imap;

import dev.mailaccess.Flag;
import dev.mailaccess.Flags;
import dev.mailaccess.MessageRef;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.Message;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.util.Collection;
import java.util.List;

/**
 * Flag commands of an {@link ImapFolder}: {@code UID STORE} of flags and keywords, deletion as the
 * {@code \Deleted} flag, and {@code UID EXPUNGE} of exactly the chosen messages.
 */
final class ImapFlags {
    private final SelectedFolder selected;

    ImapFlags(SelectedFolder selected) {
        this.selected = selected;
    }

    void setFlags(Collection<MessageRef> refs, Flags flags, boolean value) {
        if (flags.isEmpty() || refs.isEmpty()) {
            refs.forEach(selected::checkRef);
            return;
        }
        selected.call(value ? "adding flags" : "removing flags", null, () -> {
            List<IMAPMessage> msgs = selected.lookup(refs);
            if (!msgs.isEmpty()) {
                selected.folder.setFlags(msgs.toArray(new Message[0]), MimeConversion.jakartaFlags(flags), value);
            }
            return null;
        });
    }

    void delete(Collection<MessageRef> refs) {
        setFlags(refs, Flags.of(Flag.DELETED), true);
    }

    void expunge(Collection<MessageRef> refs) {
        refs.forEach(selected::checkRef);
        if (refs.isEmpty()) {
            return;
        }
        selected.call("expunging messages", null, () -> {
            List<IMAPMessage> msgs = selected.lookup(refs);
            if (!msgs.isEmpty()) {
                Message[] arr = msgs.toArray(new Message[0]);
                // UID EXPUNGE removes only messages marked \Deleted: mark exactly these, then expunge exactly these.
                selected.folder.setFlags(arr, new jakarta.mail.Flags(jakarta.mail.Flags.Flag.DELETED), true);
                selected.folder.expunge(arr);
            }
            return null;
        });
    }
}

package dev.mailaccess.pop.internal;

import dev.mailaccess.MessageRef;
import jakarta.mail.FetchProfile;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One open POP3 maildrop (the Angus INBOX folder on one connection) with its UIDL index and LIST sizes, each
 * fetched at most once per connection: message numbers and UIDLs cannot change while a POP3 session lasts.
 */
final class Maildrop {
    final POP3Folder folder;
    private final boolean uidl;
    private List<String> uidls;
    private Map<String, Integer> numbers;
    private int[] sizes;

    Maildrop(POP3Folder folder, boolean uidl) {
        this.folder = folder;
        this.uidl = uidl;
    }

    int count() throws MessagingException {
        return folder.getMessageCount();
    }

    /** Builds the UIDL index with a single UIDL command. */
    private void index() throws MessagingException {
        if (numbers != null) {
            return;
        }
        Message[] msgs = folder.getMessages();
        List<String> ids = new ArrayList<>(msgs.length);
        Map<String, Integer> byId = new HashMap<>();
        if (uidl && msgs.length > 0) {
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            folder.fetch(msgs, fp);
            for (int i = 0; i < msgs.length; i++) {
                String id = folder.getUID(msgs[i]);
                if (id != null && !id.isEmpty() && !byId.containsKey(id)) {
                    byId.put(id, i + 1);
                    ids.add(id);
                } else {
                    ids.add(null);
                }
            }
        } else {
            ids.addAll(Collections.nCopies(msgs.length, null));
        }
        uidls = ids;
        numbers = byId;
    }

    /** Every message with a UIDL, in maildrop order. */
    List<MessageRef> refs() throws MessagingException {
        index();
        List<MessageRef> out = new ArrayList<>(uidls.size());
        for (String id : uidls) {
            if (id != null) {
                out.add(MessageRef.pop3(id));
            }
        }
        return out;
    }

    /** The message number of a reference, or 0 if there is no such message. */
    int number(MessageRef ref) throws MessagingException {
        if (ref == null || ref.isImap()) {
            return 0;
        }
        index();
        Integer n = numbers.get(ref.uidl());
        return n == null ? 0 : n;
    }

    /** The UIDL of a message number, or null. */
    String uidl(int number) throws MessagingException {
        index();
        return number >= 1 && number <= uidls.size() ? uidls.get(number - 1) : null;
    }

    POP3Message message(int number) throws MessagingException {
        return (POP3Message) folder.getMessage(number);
    }

    /** Sizes of all messages from one LIST command (index = number - 1); -1 where the server said nothing. */
    int[] sizes() throws MessagingException, IOException {
        if (sizes != null) {
            return sizes;
        }
        int[] s = new int[count()];
        Arrays.fill(s, -1);
        try (InputStream in = folder.listCommand();
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split("\\s+");
                if (f.length < 2) {
                    continue;
                }
                try {
                    int n = Integer.parseInt(f[0]);
                    int size = Integer.parseInt(f[1]);
                    if (n >= 1 && n <= s.length && size >= 0) {
                        s[n - 1] = size;
                    }
                } catch (NumberFormatException e) {
                    // a line we do not understand: leave that size unknown
                }
            }
        }
        sizes = s;
        return s;
    }
}

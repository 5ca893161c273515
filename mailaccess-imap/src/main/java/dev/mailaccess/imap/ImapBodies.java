package dev.mailaccess.imap;

import dev.mailaccess.BodyPart;
import dev.mailaccess.MessageGoneException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.FetchProfile;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Part;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPMessage;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Message bytes of an {@link ImapFolder}, one message at a time: whole messages, ranges and MIME parts streamed in
 * chunks by {@link SectionStream} ({@code BODY.PEEK}, so {@code \Seen} is never set), and header blocks with
 * {@code BODY.PEEK[HEADER]}. Many whole messages at once: {@link ImapDownload}.
 */
final class ImapBodies {
    private final SelectedFolder selected;

    ImapBodies(SelectedFolder selected) {
        this.selected = selected;
    }

    InputStream openMessage(MessageRef ref) {
        selected.checkRef(ref);
        return SectionStream.open(selected.folder, ref, "", 0, -1, ImapProvider.CHUNK_SIZE,
                selected.where("reading message " + ref), selected::translate);
    }

    InputStream openMessage(MessageRef ref, long offset, long length) {
        selected.checkRef(ref);
        if (length == 0) {
            selected.call("reading message " + ref, ref, () -> selected.lookupOne(ref));
            return InputStream.nullInputStream();
        }
        return SectionStream.open(selected.folder, ref, "", offset, length, ImapProvider.CHUNK_SIZE,
                selected.where("reading message " + ref), selected::translate);
    }

    InputStream openPart(MessageRef ref, String partPath) {
        selected.checkRef(ref);
        String what = "reading part '" + partPath + "' of message " + ref;
        String[] sectionAndEncoding = selected.call(what, ref, () -> {
            IMAPMessage m = selected.lookupOne(ref);
            FetchProfile fp = new FetchProfile();
            fp.add(FetchProfile.Item.CONTENT_INFO);
            selected.folder.fetch(new Message[] {m}, fp);
            selected.ensureOpen();
            boolean multipart = m.isMimeType("multipart/*");
            Part part = MimeConversion.partAt(m, partPath);
            if (part == null) {
                BodyPart structure = MimeConversion.structure(m);
                List<String> known = structure.flatten().stream().map(BodyPart::path).filter(p -> !p.isEmpty())
                        .toList();
                throw new MessageGoneException(ref, "it has no MIME part '" + partPath + "' (its parts: "
                        + (known.isEmpty() ? "only the body, path \"\"" : String.join(", ", known)) + ")");
            }
            String section;
            if (!multipart && (partPath.isEmpty() || partPath.equals("1"))) {
                section = "TEXT";
            } else if (partPath.isEmpty()) {
                // The whole body of a multipart message, as sent: no transfer decoding applies.
                return new String[] {"TEXT", ""};
            } else {
                section = partPath;
            }
            String encoding = part instanceof MimePart mp && mp.getEncoding() != null
                    ? mp.getEncoding().toLowerCase(Locale.ROOT).strip() : "";
            return new String[] {section, encoding};
        });
        InputStream raw = SectionStream.open(selected.folder, ref, sectionAndEncoding[0], 0, -1,
                ImapProvider.CHUNK_SIZE, selected.where(what), selected::translate);
        String encoding = sectionAndEncoding[1];
        if (encoding.isEmpty() || encoding.equals("7bit") || encoding.equals("8bit")
                || encoding.equals("binary")) {
            return raw;
        }
        try {
            return MimeUtility.decode(raw, encoding);
        } catch (MessagingException e) {
            // An unknown transfer encoding: hand out the bytes as stored.
            return raw;
        }
    }

    /** The header block with {@code UID FETCH n BODY.PEEK[HEADER]} (one round trip; does not set \Seen). */
    InputStream openHeaders(MessageRef ref) {
        selected.checkRef(ref);
        return selected.call("reading the headers of " + ref, ref, () -> {
            IMAPMessage m = selected.lookupOne(ref);
            byte[] block = headerBlock(m); // BODY.PEEK[HEADER] unless cached
            selected.ensureOpen();
            return new java.io.ByteArrayInputStream(block);
        });
    }

    /** One {@code UID FETCH set (UID BODY.PEEK[HEADER])} for all of them. */
    Map<MessageRef, byte[]> headerBlocks(Collection<MessageRef> refs) {
        refs.forEach(selected::checkRef);
        return selected.call("reading headers of " + refs.size() + " messages", null, () -> {
            List<IMAPMessage> msgs = selected.lookup(refs);
            FetchProfile fp = new FetchProfile();
            fp.add(UIDFolder.FetchProfileItem.UID);
            fp.add(IMAPFolder.FetchProfileItem.HEADERS);
            selected.folder.fetch(msgs.toArray(new Message[0]), fp);
            selected.ensureOpen();
            Map<MessageRef, byte[]> out = new LinkedHashMap<>();
            for (IMAPMessage m : msgs) {
                if (!m.isExpunged()) {
                    out.put(selected.ref(m), headerBlock(m));
                }
            }
            return out;
        });
    }

    private static byte[] headerBlock(IMAPMessage m) throws MessagingException {
        StringBuilder block = new StringBuilder();
        java.util.Enumeration<String> lines = m.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            block.append(lines.nextElement()).append("\r\n");
        }
        block.append("\r\n");
        // lines hold the raw bytes as ISO-8859-1 chars (or UTF-8 text): write them back as read
        return block.toString().getBytes(
                block.chars().anyMatch(c -> c > 255) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }
}

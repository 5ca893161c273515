package dev.mailaccess.imap;

import dev.mailaccess.BodyPart;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParseException;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An Angus {@link BODYSTRUCTURE} as a {@link BodyPart}, with the values {@link MimeConversion#structure} gives for
 * an Angus message that fetched the same BODYSTRUCTURE (it reads the same fields through Angus's message and part
 * objects), but without creating those objects.
 */
final class BodyStructures {
    private BodyStructures() {
    }

    static BodyPart toBodyPart(BODYSTRUCTURE bs) {
        return toBodyPart(bs, "", true);
    }

    private static BodyPart toBodyPart(BODYSTRUCTURE bs, String path, boolean top) {
        String type = baseType(bs);
        List<BodyPart> children = new ArrayList<>();
        if (type.startsWith("multipart/") && bs.bodies != null) {
            for (int i = 0; i < bs.bodies.length; i++) {
                String childPath = path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1);
                children.add(toBodyPart(bs.bodies[i], childPath, false));
            }
        }
        String charset = bs.cParams == null ? null : bs.cParams.get("charset");
        String fileName = bs.dParams == null ? null : bs.dParams.get("filename");
        if ((fileName == null || !top && fileName.isEmpty()) && bs.cParams != null) {
            fileName = bs.cParams.get("name"); // a part falls back on an empty filename too, the message only on none
        }
        String ownPath = top && children.isEmpty() ? "" : path;
        return new BodyPart(ownPath, type, charset == null ? "" : charset,
                fileName == null ? "" : MimeConversion.decodeText(fileName),
                bs.disposition == null ? "" : bs.disposition.toLowerCase(Locale.ROOT),
                bs.encoding == null ? "" : bs.encoding.toLowerCase(Locale.ROOT), top ? -1 : bs.size, children);
    }

    /** Type and subtype as Angus's parts would report them, lower case; unreadable ones as octet-stream. */
    private static String baseType(BODYSTRUCTURE bs) {
        try {
            String raw = new ContentType(bs.type, bs.subtype, bs.cParams).toString();
            return raw == null ? "text/plain" : new ContentType(raw).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException | RuntimeException e) {
            return "application/octet-stream";
        }
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.BodyPart;
import dev.mailaccess.angus.internal.MimeConversion;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.ParameterList;
import jakarta.mail.internet.ParseException;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A body structure as a {@link BodyPart}, with the values {@link MimeConversion#structure} gives for an Angus message
 * that fetched the same BODYSTRUCTURE (it reads the same fields through Angus's message and part objects), but
 * without creating those objects. The structure comes from Angus's parser ({@link #toBodyPart(BODYSTRUCTURE)}) or
 * from the listing's own ({@link StructureReader}); both give a {@link Node} first.
 */
final class BodyStructures {
    private BodyStructures() {
    }

    /**
     * One part as a BODYSTRUCTURE answer gives it: type and subtype as sent, the Content-Type parameters, the
     * disposition and its parameters, the transfer encoding, the size in bytes (-1 unknown), and the parts of a
     * multipart (a nested message's inner parts are not kept: its BodyPart is a leaf).
     */
    record Node(String type, String subtype, Params params, String disposition, Params dispositionParams,
                String encoding, int size, List<Node> children) {
    }

    /** A parameter list's values by name, ignoring case; null where the list has no such parameter. */
    interface Params {
        String get(String name);

        /** Angus's or Jakarta Mail's list; null for none. */
        static Params of(ParameterList list) {
            return list == null ? null : list::get;
        }
    }

    static BodyPart toBodyPart(BODYSTRUCTURE bs) {
        return toBodyPart(node(bs), "", true);
    }

    static BodyPart toBodyPart(Node node) {
        return toBodyPart(node, "", true);
    }

    private static Node node(BODYSTRUCTURE bs) {
        List<Node> children = new ArrayList<>();
        if (bs.isMulti() && bs.bodies != null) {
            for (BODYSTRUCTURE child : bs.bodies) {
                children.add(node(child));
            }
        }
        return new Node(bs.type, bs.subtype, Params.of(bs.cParams), bs.disposition, Params.of(bs.dParams), bs.encoding,
                bs.size, children);
    }

    private static BodyPart toBodyPart(Node bs, String path, boolean top) {
        String type = baseType(bs);
        List<BodyPart> children = new ArrayList<>();
        if (type.startsWith("multipart/")) {
            for (int i = 0; i < bs.children().size(); i++) {
                String childPath = path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1);
                children.add(toBodyPart(bs.children().get(i), childPath, false));
            }
        }
        String charset = bs.params() == null ? null : bs.params().get("charset");
        String fileName = bs.dispositionParams() == null ? null : bs.dispositionParams().get("filename");
        if ((fileName == null || !top && fileName.isEmpty()) && bs.params() != null) {
            fileName = bs.params().get("name"); // a part falls back on an empty filename too, the message only on none
        }
        String ownPath = top && children.isEmpty() ? "" : path;
        return new BodyPart(ownPath, type, charset == null ? "" : charset,
                fileName == null ? "" : MimeConversion.decodeText(fileName),
                bs.disposition() == null ? "" : bs.disposition().toLowerCase(Locale.ROOT),
                bs.encoding() == null ? "" : bs.encoding().toLowerCase(Locale.ROOT), top ? -1 : bs.size(), children);
    }

    /**
     * Type and subtype as Angus's parts would report them, lower case; unreadable ones as octet-stream. Angus builds
     * a Content-Type from them and parses it back; for two plain tokens (all but a few odd answers) that is just the
     * lower-cased pair, without the two objects per part.
     */
    private static String baseType(Node bs) {
        if (token(bs.type()) && token(bs.subtype())) {
            return (bs.type() + "/" + bs.subtype()).toLowerCase(Locale.ROOT);
        }
        try {
            ParameterList none = null;
            String raw = new ContentType(bs.type(), bs.subtype(), none).toString();
            return raw == null ? "text/plain" : new ContentType(raw).getBaseType().toLowerCase(Locale.ROOT);
        } catch (ParseException | RuntimeException e) {
            return "application/octet-stream";
        }
    }

    /** A MIME token of the characters real types use (RFC 2045 allows more; those take the long way). */
    private static boolean token(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '+' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}

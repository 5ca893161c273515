package dev.mailaccess.imap;

import jakarta.mail.internet.ParameterList;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a BODYSTRUCTURE (RFC 3501's {@code body}) in the listing's own parser, into a {@link BodyStructures.Node}:
 * the grammar as well-behaved servers send it, the parts a {@link dev.mailaccess.BodyPart} needs kept, the rest
 * skipped. Anything off the grammar (a server quirk Angus works around, or throws on) is {@link
 * AnswerReader.Unparsed}, so Angus's parser decides exactly as it would have.
 */
final class StructureReader {
    private final AnswerReader in;

    StructureReader(AnswerReader in) {
        this.in = in;
    }

    /** The body structure at the reader's position: {@code (...)}. */
    BodyStructures.Node body() throws AnswerReader.Unparsed {
        in.expect('(');
        in.skipSpaces();
        return in.peek() == '(' ? multipart() : single();
    }

    private BodyStructures.Node multipart() throws AnswerReader.Unparsed {
        List<BodyStructures.Node> parts = new ArrayList<>();
        do {
            parts.add(body());
            in.skipSpaces();
        } while (in.peek() == '(');
        String subtype = string();
        BodyStructures.Params params = null;
        Disposition disposition = Disposition.NONE;
        if (!closes()) {
            params = parameters();
            if (!closes()) {
                disposition = dispositionAndExtensions("a multipart disposition that is no list"); // Exchange's
            }
        }
        return new BodyStructures.Node("multipart", subtype, params, disposition.type(), disposition.params(), null,
                -1, parts);
    }

    private BodyStructures.Node single() throws AnswerReader.Unparsed {
        String type = string();
        String subtype = string();
        BodyStructures.Params params = parameters();
        in.nstring(); // Content-ID
        in.nstring(); // Content-Description
        String encoding = string().trim(); // office365 sends a trailing space; Angus trims it
        long size = in.number();
        if (type.equalsIgnoreCase("text")) {
            in.number(); // lines
        } else if (type.equalsIgnoreCase("message") && subtype.equalsIgnoreCase("rfc822")) {
            in.skipSpaces();
            if (in.peek() != '(') {
                throw new AnswerReader.Unparsed("a nested message without its envelope"); // Gmail's
            }
            in.skipValue(); // the envelope
            in.skipValue(); // the nested body: its parts are not listed
            in.number(); // lines
        }
        Disposition disposition = Disposition.NONE;
        if (!closes()) {
            in.nstring(); // MD5
            if (!closes()) {
                disposition = dispositionAndExtensions("a disposition that is no list");
            }
        }
        if (size > Integer.MAX_VALUE) {
            throw new AnswerReader.Unparsed("a part larger than Angus's sizes");
        }
        return new BodyStructures.Node(type, subtype, params, disposition.type(), disposition.params(), encoding,
                (int) size, List.of());
    }

    /** A part's Content-Disposition as the structure gives it; NONE where it has none. */
    private record Disposition(String type, BodyStructures.Params params) {
        static final Disposition NONE = new Disposition(null, null);
    }

    /** {@code (type params)} or NIL, then whatever extension data follows up to the part's end. */
    private Disposition dispositionAndExtensions(String offGrammar) throws AnswerReader.Unparsed {
        Disposition d = Disposition.NONE;
        in.skipSpaces();
        if (in.peek() == '(') {
            in.pos++;
            String type = string();
            d = new Disposition(type, parameters());
            in.expect(')');
        } else if (in.nstring() != null) {
            throw new AnswerReader.Unparsed(offGrammar);
        }
        skipExtensions();
        return d;
    }

    /** A string that must be there (NIL is a quirk Angus works around). */
    private String string() throws AnswerReader.Unparsed {
        String s = in.nstring();
        if (s == null) {
            throw new AnswerReader.Unparsed("NIL where the grammar has a string");
        }
        return s;
    }

    /**
     * NIL, or {@code (name value ...)} read as Angus reads it: a NIL value is empty, the last of two values wins,
     * names ignore case. A list with RFC 2231 parameters ({@code name*}) goes through Jakarta Mail's
     * {@link ParameterList}, which decodes and joins them; a plain list is a small map.
     */
    private BodyStructures.Params parameters() throws AnswerReader.Unparsed {
        in.skipSpaces();
        if (in.peek() != '(') {
            if (in.nstring() != null) {
                throw new AnswerReader.Unparsed("parameters that are no list");
            }
            return null;
        }
        in.pos++;
        List<String> pairs = new ArrayList<>(4);
        boolean extended = false;
        while (!closes()) {
            String name = string();
            String value = in.nstring();
            extended |= name.indexOf('*') >= 0;
            pairs.add(name);
            pairs.add(value == null ? "" : value);
        }
        if (extended) {
            ParameterList list = new ParameterList();
            for (int i = 0; i < pairs.size(); i += 2) {
                list.set(pairs.get(i), pairs.get(i + 1));
            }
            list.combineSegments();
            return BodyStructures.Params.of(list);
        }
        java.util.Map<String, String> byName = new java.util.HashMap<>(pairs.size());
        for (int i = 0; i < pairs.size(); i += 2) {
            byName.put(pairs.get(i).toLowerCase(java.util.Locale.ROOT), pairs.get(i + 1));
        }
        return name -> byName.get(name.toLowerCase(java.util.Locale.ROOT));
    }

    /** Whether the list ends here, eating its {@code )}. */
    private boolean closes() throws AnswerReader.Unparsed {
        in.skipSpaces();
        if (in.peek() == ')') {
            in.pos++;
            return true;
        }
        return false;
    }

    /** Language, location and any extension data after the disposition, up to and with the body's {@code )}. */
    private void skipExtensions() throws AnswerReader.Unparsed {
        while (!closes()) {
            in.skipValue();
        }
    }
}

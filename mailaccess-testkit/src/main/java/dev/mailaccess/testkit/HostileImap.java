// long because it is a whole fake IMAP4rev1 server (greeting to LOGOUT, message sets, literals, FETCH items and
// body sections), small enough per command to replace any answer.
package dev.mailaccess.testkit;

import dev.mailaccess.testkit.HostileServer.Conversation;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The well-behaved IMAP4rev1 script of {@link HostileServer#imap()}, one per connection. It keeps no session state,
 * so a replaced LOGIN or SELECT leaves the rest working, and answers:
 * <ul>
 * <li>the greeting {@code * OK [CAPABILITY ...] hostile test server ready}; CAPABILITY the same list;</li>
 * <li>LOGIN, and AUTHENTICATE PLAIN (after a {@code + } continuation, or with an initial response): any user and
 * password, {@code OK [CAPABILITY ...]};</li>
 * <li>SELECT and EXAMINE of INBOX (any other mailbox: {@code NO [NONEXISTENT]}): EXISTS, RECENT 0, UIDVALIDITY,
 * UIDNEXT (highest UID + 1), FLAGS, PERMANENTFLAGS, {@code OK [READ-WRITE]} or {@code [READ-ONLY]};</li>
 * <li>FETCH and UID FETCH of a message set (numbers, ranges either way round, {@code *}, comma lists), each answer
 * with {@code UID n}, as {@link HostileServer.Imap#message(long, String, byte[])} says;</li>
 * <li>SEARCH and UID SEARCH of {@code ALL}, {@code UID <set>} or {@code <set>} (anything else: {@code NO});</li>
 * <li>STATUS INBOX (MESSAGES, RECENT, UIDNEXT, UIDVALIDITY, UNSEEN), LIST (INBOX, and {@code ""} for the delimiter),
 * NOOP, UNSELECT, CLOSE, IDLE (until {@code DONE}); LOGOUT: {@code * BYE}, the tagged OK, then close;</li>
 * <li>anything else: {@code BAD}.</li>
 * </ul>
 * Client literals ({@code {n}}, {@code {n+}}) are read as part of their command; a synchronising one gets
 * {@code + go ahead} first.
 */
final class HostileImap implements HostileServer.Session {
    private static final Pattern LITERAL_AT_END = Pattern.compile("\\{(\\d{1,10})(\\+?)\\}$");
    private static final String FLAGS = "\\Answered \\Flagged \\Deleted \\Seen \\Draft";
    private static final Map<String, List<String>> MACROS = Map.of(
            "ALL", List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"),
            "FAST", List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE"),
            "FULL", List.of("FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"));

    private final HostileServer.Imap config;

    HostileImap(HostileServer.Imap config) {
        this.config = config;
    }

    @Override
    public void greet(Conversation c) throws IOException {
        c.sendLine("* OK [CAPABILITY " + config.capabilities() + "] hostile test server ready");
    }

    @Override
    public String read(Conversation c) throws IOException {
        String line = c.readRawLine();
        if (line == null) {
            return null;
        }
        StringBuilder command = new StringBuilder(line);
        Matcher literal;
        while ((literal = LITERAL_AT_END.matcher(line)).find()) {
            long size = Long.parseLong(literal.group(1));
            if (size > HostileServer.MAX_CLIENT_BYTES) {
                throw new IOException("client literal of " + size + " bytes");
            }
            if (literal.group(2).isEmpty()) {
                c.sendLine("+ go ahead");
            }
            byte[] data = c.readBytes((int) size);
            line = c.readRawLine();
            if (line == null) {
                throw new EOFException("client ended inside a command");
            }
            command.append("\r\n").append(new String(data, StandardCharsets.ISO_8859_1)).append(line);
        }
        return command.toString();
    }

    @Override
    public String tag(String line) {
        int space = line.indexOf(' ');
        return space < 0 ? line : line.substring(0, space);
    }

    @Override
    public String name(String line) {
        String[] words = line.split(" ", 4);
        if (words.length < 2) {
            return "";
        }
        String first = words[1].toUpperCase(Locale.ROOT);
        return first.equals("UID") && words.length > 2 ? "UID " + words[2].toUpperCase(Locale.ROOT) : first;
    }

    @Override
    public void answer(Conversation c, String tag, String name, String line) throws IOException {
        if (tag.isEmpty() || name.isEmpty()) {
            c.sendLine((tag.isEmpty() ? "*" : tag) + " BAD Error in IMAP command received by server.");
            return;
        }
        Args args = new Args(line);
        args.raw(); // the tag
        for (int words = name.split(" ").length; words > 0; words--) {
            args.raw();
        }
        try {
            answer(c, tag, name, args);
        } catch (IllegalArgumentException e) {
            c.sendLine(tag + " BAD Error in IMAP command " + name + ": " + e.getMessage());
        }
    }

    private void answer(Conversation c, String tag, String name, Args args) throws IOException {
        String capabilities = config.capabilities();
        switch (name) {
            case "CAPABILITY" -> c.send("* CAPABILITY " + capabilities + "\r\n"
                    + tag + " OK Capability completed.\r\n");
            case "LOGIN" -> c.sendLine(tag + " OK [CAPABILITY " + capabilities + "] Logged in");
            case "AUTHENTICATE" -> authenticate(c, tag, args);
            case "SELECT", "EXAMINE" -> select(c, tag, args, name.equals("EXAMINE"));
            case "FETCH", "UID FETCH" -> fetch(c, tag, args, name.startsWith("UID"));
            case "SEARCH", "UID SEARCH" -> search(c, tag, args, name.startsWith("UID"));
            case "STATUS" -> status(c, tag, args);
            case "LIST" -> list(c, tag, args);
            case "NOOP", "UNSELECT", "CLOSE" -> c.sendLine(tag + " OK " + name + " completed.");
            case "IDLE" -> idle(c, tag);
            case "LOGOUT" -> {
                c.send("* BYE Logging out\r\n" + tag + " OK Logout completed.\r\n");
                c.close();
            }
            default -> c.sendLine(tag + " BAD Error in IMAP command " + name + ": Unknown command.");
        }
    }

    private void authenticate(Conversation c, String tag, Args args) throws IOException {
        if (!args.raw().equalsIgnoreCase("PLAIN")) {
            c.sendLine(tag + " NO Unsupported authentication mechanism.");
            return;
        }
        String response = args.atEnd() ? null : args.raw(); // SASL-IR sends it with the command
        if (response == null) {
            c.sendLine("+ ");
            response = c.readLine();
            if (response == null) {
                throw new EOFException("client ended inside AUTHENTICATE");
            }
        }
        if (response.strip().equals("*")) {
            c.sendLine(tag + " BAD Authentication aborted by client.");
        } else {
            c.sendLine(tag + " OK [CAPABILITY " + config.capabilities() + "] Logged in");
        }
    }

    private void select(Conversation c, String tag, Args args, boolean readOnly) throws IOException {
        if (!inbox(c, tag, args)) {
            return;
        }
        List<Message> messages = config.messages();
        c.send("* " + messages.size() + " EXISTS\r\n"
                + "* 0 RECENT\r\n"
                + "* OK [UIDVALIDITY " + config.uidValidity() + "] UIDs valid\r\n"
                + "* OK [UIDNEXT " + uidNext(messages) + "] Predicted next UID\r\n"
                + "* FLAGS (" + FLAGS + ")\r\n"
                + (readOnly ? "* OK [PERMANENTFLAGS ()] Read-only mailbox.\r\n"
                        : "* OK [PERMANENTFLAGS (" + FLAGS + " \\*)] Flags permitted.\r\n")
                + tag + (readOnly ? " OK [READ-ONLY] Examine completed.\r\n"
                        : " OK [READ-WRITE] Select completed.\r\n"));
    }

    /** Reads the mailbox argument; answers NO unless it is INBOX. */
    private static boolean inbox(Conversation c, String tag, Args args) throws IOException {
        String mailbox = args.string();
        if (mailbox.equalsIgnoreCase("INBOX")) {
            return true;
        }
        c.sendLine(tag + " NO [NONEXISTENT] Mailbox doesn't exist: " + mailbox);
        return false;
    }

    private static long uidNext(List<Message> messages) {
        return messages.isEmpty() ? 1 : messages.get(messages.size() - 1).uid + 1;
    }

    private void fetch(Conversation c, String tag, Args args, boolean byUid) throws IOException {
        MessageSet set = MessageSet.parse(args.raw());
        String items = args.raw();
        List<String> requested = new ArrayList<>();
        for (String item : Args.items(items)) {
            requested.addAll(MACROS.getOrDefault(item.toUpperCase(Locale.ROOT), List.of(item)));
        }
        List<Message> messages = config.messages();
        for (int seq : set.select(messages, byUid)) {
            c.send(messages.get(seq - 1).fetch(seq, requested));
        }
        c.sendLine(tag + " OK Fetch completed.");
    }

    private void search(Conversation c, String tag, Args args, boolean byUid) throws IOException {
        String criterion = args.raw().toUpperCase(Locale.ROOT);
        if (criterion.equals("CHARSET")) {
            args.raw();
            criterion = args.raw().toUpperCase(Locale.ROOT);
        }
        List<Message> messages = config.messages();
        List<Integer> found;
        if (criterion.equals("ALL")) {
            found = MessageSet.parse("1:*").select(messages, false);
        } else if (criterion.equals("UID")) {
            found = MessageSet.parse(args.raw()).select(messages, true);
        } else if (criterion.matches("[0-9*:,]+")) {
            found = MessageSet.parse(criterion).select(messages, false);
        } else {
            found = null;
        }
        if (found == null || !args.atEnd()) {
            c.sendLine(tag + " NO [CANNOT] The hostile test server searches only ALL, UID <set> or <set>.");
            return;
        }
        StringBuilder answer = new StringBuilder("* SEARCH");
        for (int seq : found) {
            answer.append(' ').append(byUid ? messages.get(seq - 1).uid : seq);
        }
        c.send(answer + "\r\n" + tag + " OK Search completed.\r\n");
    }

    private void status(Conversation c, String tag, Args args) throws IOException {
        if (!inbox(c, tag, args)) {
            return;
        }
        String items = args.raw();
        List<Message> messages = config.messages();
        List<String> answers = new ArrayList<>();
        for (String item : Args.items(items)) {
            String name = item.toUpperCase(Locale.ROOT);
            switch (name) {
                case "MESSAGES" -> answers.add(name + " " + messages.size());
                case "RECENT" -> answers.add(name + " 0");
                case "UIDNEXT" -> answers.add(name + " " + uidNext(messages));
                case "UIDVALIDITY" -> answers.add(name + " " + config.uidValidity());
                case "UNSEEN" -> answers.add(name + " " + messages.stream().filter(m -> !m.seen()).count());
                default -> throw new IllegalArgumentException("Invalid status item " + item);
            }
        }
        c.send("* STATUS INBOX (" + String.join(" ", answers) + ")\r\n" + tag + " OK Status completed.\r\n");
    }

    private static void list(Conversation c, String tag, Args args) throws IOException {
        String reference = args.string();
        String pattern = args.string();
        String answer = "";
        if (pattern.isEmpty()) {
            answer = "* LIST (\\Noselect) \"/\" \"\"\r\n";
        } else if (wildcard(reference + pattern).matcher("INBOX").matches()) {
            answer = "* LIST (\\HasNoChildren) \"/\" INBOX\r\n";
        }
        c.send(answer + tag + " OK List completed.\r\n");
    }

    private static Pattern wildcard(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            regex.append(ch == '*' ? ".*" : ch == '%' ? "[^/]*" : Pattern.quote(String.valueOf(ch)));
        }
        return Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE);
    }

    private static void idle(Conversation c, String tag) throws IOException {
        c.sendLine("+ idling");
        String line;
        while ((line = c.readLine()) != null) {
            if (line.strip().equalsIgnoreCase("DONE")) {
                c.sendLine(tag + " OK Idle completed.");
                return;
            }
        }
    }

    /** A message of the fake mailbox: its UID, the FETCH items given for it and its RFC 822 text. */
    static final class Message {
        private static final Pattern PARTIAL = Pattern.compile("<(\\d+)\\.(\\d+)>$");
        private static final DateTimeFormatter INTERNALDATE =
                DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss xx", Locale.US);
        private final long uid;
        private final String items;
        private final byte[] raw;
        private final Map<String, String> given; // by item key; null: the items do not parse, sent whole

        Message(long uid, String items, byte[] raw) {
            if (uid < 1) {
                throw new IllegalArgumentException("UIDs are positive: " + uid);
            }
            this.uid = uid;
            this.items = items.strip();
            this.raw = raw;
            this.given = parseItems(this.items);
        }

        long uid() {
            return uid;
        }

        boolean seen() {
            String flags = given == null ? items : given.getOrDefault("FLAGS", "");
            return flags.toUpperCase(Locale.ROOT).contains("\\SEEN");
        }

        private static Map<String, String> parseItems(String items) {
            Map<String, String> parsed = new LinkedHashMap<>();
            try {
                Args args = new Args(items);
                while (!args.atEnd()) {
                    String name = args.raw();
                    parsed.put(key(name), name + " " + args.raw());
                }
                return parsed;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** An item's name as answered and looked up: upper case, no {@code .PEEK}, no partial range. */
        private static String key(String item) {
            return PARTIAL.matcher(item.toUpperCase(Locale.ROOT).replace(".PEEK[", "[")).replaceFirst("");
        }

        /** The untagged FETCH answer for this message, as number {@code seq}, to the {@code requested} items. */
        byte[] fetch(int seq, List<String> requested) {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            text(answer, "* " + seq + " FETCH (" + (given != null && given.containsKey("UID") ? given.get("UID")
                    : "UID " + uid));
            if (given == null && !items.isEmpty()) {
                text(answer, " " + items);
            }
            for (String item : requested) {
                String key = key(item);
                if (key.equals("UID")) {
                    continue;
                }
                if (given != null && given.containsKey(key)) {
                    text(answer, " " + given.get(key));
                } else if (given != null || key.startsWith("BODY[") || key.startsWith("RFC822") && !key.endsWith(
                        ".SIZE")) {
                    derive(answer, item, key);
                }
            }
            text(answer, ")\r\n");
            return answer.toByteArray();
        }

        private void derive(ByteArrayOutputStream answer, String item, String key) {
            int headerEnd = HostileServer.Mail.headerEnd(raw);
            switch (key) {
                case "FLAGS" -> text(answer, " FLAGS ()");
                case "RFC822.SIZE" -> text(answer, " RFC822.SIZE " + raw.length);
                case "INTERNALDATE" -> text(answer, " INTERNALDATE \"" + internalDate() + "\"");
                case "ENVELOPE" -> text(answer, " ENVELOPE " + envelope());
                case "RFC822" -> literal(answer, " RFC822 ", raw);
                case "RFC822.HEADER" -> literal(answer, " RFC822.HEADER ", Arrays.copyOf(raw, headerEnd));
                case "RFC822.TEXT" -> literal(answer, " RFC822.TEXT ", Arrays.copyOfRange(raw, headerEnd, raw.length));
                default -> {
                    if (key.startsWith("BODY[") && key.endsWith("]")) {
                        body(answer, item, key);
                    } // else an item only sent when given (BODYSTRUCTURE, MODSEQ...)
                }
            }
        }

        private void body(ByteArrayOutputStream answer, String item, String key) {
            byte[] data = section(key.substring("BODY[".length(), key.length() - 1));
            Matcher partial = PARTIAL.matcher(item);
            String name = key;
            if (data != null && partial.find()) {
                int origin = (int) Math.min(Long.parseLong(partial.group(1)), data.length);
                int end = (int) Math.min(origin + Long.parseLong(partial.group(2)), data.length);
                data = Arrays.copyOfRange(data, origin, end);
                name += "<" + partial.group(1) + ">";
            }
            if (data == null) {
                text(answer, " " + name + " NIL");
            } else {
                literal(answer, " " + name + " ", data);
            }
        }

        /** A body section of this single-part message; null for one it does not have. */
        private byte[] section(String section) {
            int headerEnd = HostileServer.Mail.headerEnd(raw);
            if (section.isEmpty()) {
                return raw;
            } else if (section.equals("HEADER")) {
                return Arrays.copyOf(raw, headerEnd);
            } else if (section.equals("TEXT") || section.equals("1")) {
                return Arrays.copyOfRange(raw, headerEnd, raw.length);
            } else if (section.startsWith("HEADER.FIELDS")) {
                boolean not = section.startsWith("HEADER.FIELDS.NOT");
                int open = section.indexOf('(');
                List<String> names = new ArrayList<>();
                for (String field : section.substring(open + 1, section.lastIndexOf(')')).split("\\s+")) {
                    names.add(field.replace("\"", ""));
                }
                StringBuilder fields = new StringBuilder();
                for (Map.Entry<String, String> field : fields(headerEnd).entrySet()) {
                    String fieldName = field.getKey().substring(0, field.getKey().indexOf('#'));
                    if (names.contains(fieldName) != not) {
                        fields.append(field.getValue());
                    }
                }
                return fields.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
            }
            return null;
        }

        /**
         * The header fields in order, keyed by upper-case name and {@code #index} (a name may repeat), each the
         * field's whole text with its line end.
         */
        private Map<String, String> fields(int headerEnd) {
            Map<String, String> fields = new LinkedHashMap<>();
            String header = new String(raw, 0, headerEnd, StandardCharsets.ISO_8859_1);
            String current = null;
            StringBuilder text = new StringBuilder();
            for (String line : header.split("(?<=\n)")) {
                boolean continuation = line.startsWith(" ") || line.startsWith("\t");
                if (!continuation && current != null) {
                    fields.put(current + "#" + fields.size(), text.toString());
                    current = null;
                }
                if (continuation && current != null) {
                    text.append(line);
                } else if (line.indexOf(':') > 0) {
                    current = line.substring(0, line.indexOf(':')).strip().toUpperCase(Locale.ROOT);
                    text.setLength(0);
                    text.append(line);
                }
            }
            if (current != null) {
                fields.put(current + "#" + fields.size(), text.toString());
            }
            return fields;
        }

        /** The unfolded value of the first header field {@code name} (upper case), or null. */
        private String header(String name) {
            for (Map.Entry<String, String> field : fields(HostileServer.Mail.headerEnd(raw)).entrySet()) {
                if (field.getKey().startsWith(name + "#")) {
                    String text = field.getValue();
                    return text.substring(text.indexOf(':') + 1).replaceAll("\r?\n", "").strip();
                }
            }
            return null;
        }

        private String internalDate() {
            String date = header("DATE");
            try {
                String plain = date.replaceAll("\\s*\\([^)]*\\)\\s*$", "");
                return INTERNALDATE.format(ZonedDateTime.parse(plain, DateTimeFormatter.RFC_1123_DATE_TIME));
            } catch (RuntimeException e) {
                return "15-Jan-2024 10:00:00 +0000"; // no Date, or one java.time cannot read: some plausible date
            }
        }

        private String envelope() {
            String from = header("FROM");
            String sender = header("SENDER");
            String replyTo = header("REPLY-TO");
            return "(" + nstring(header("DATE")) + " " + nstring(header("SUBJECT")) + " " + addresses(from) + " "
                    + addresses(sender != null ? sender : from) + " " + addresses(replyTo != null ? replyTo : from)
                    + " " + addresses(header("TO")) + " " + addresses(header("CC")) + " " + addresses(header("BCC"))
                    + " " + nstring(header("IN-REPLY-TO")) + " " + nstring(header("MESSAGE-ID")) + ")";
        }

        /** An address list header as an envelope address list; groups as their start and end markers. */
        private static String addresses(String value) {
            if (value == null) {
                return "NIL";
            }
            StringBuilder list = new StringBuilder();
            StringBuilder current = new StringBuilder();
            boolean quoted = false;
            int angle = 0;
            int comment = 0;
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                if (quoted || comment > 0) {
                    if (ch == '\\' && i + 1 < value.length()) {
                        i++;
                        if (quoted) {
                            current.append(ch).append(value.charAt(i));
                        }
                    } else if (quoted) {
                        current.append(ch);
                        quoted = ch != '"';
                    } else {
                        comment += ch == '(' ? 1 : ch == ')' ? -1 : 0;
                    }
                    continue;
                }
                boolean separator = angle == 0 && (ch == ',' || ch == ':' || ch == ';');
                if (separator) {
                    if (ch == ':') {
                        list.append("(NIL NIL ").append(nstring(unquote(current.toString().strip()))).append(" NIL)");
                    } else {
                        list.append(address(current.toString().strip()));
                    }
                    current.setLength(0);
                    if (ch == ';') {
                        list.append("(NIL NIL NIL NIL)");
                    }
                    continue;
                }
                quoted = ch == '"';
                comment = ch == '(' ? 1 : 0;
                angle += ch == '<' ? 1 : ch == '>' ? -1 : 0;
                if (comment == 0) {
                    current.append(ch);
                }
            }
            list.append(address(current.toString().strip()));
            return list.length() == 0 ? "NIL" : "(" + list + ")";
        }

        private static String address(String text) {
            if (text.isEmpty()) {
                return "";
            }
            int open = text.lastIndexOf('<');
            String name = open < 0 ? null : unquote(text.substring(0, open).strip());
            String address = open < 0 ? text : text.substring(open + 1, text.indexOf('>', open) < 0 ? text.length()
                    : text.indexOf('>', open));
            address = address.substring(address.indexOf(':') + 1).strip(); // a source route @a,@b:
            int at = address.lastIndexOf('@');
            return "(" + nstring(name == null || name.isEmpty() ? null : name) + " NIL "
                    + nstring(at < 0 ? address : address.substring(0, at)) + " "
                    + nstring(at < 0 ? null : address.substring(at + 1)) + ")";
        }

        private static String unquote(String text) {
            if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
                return text.substring(1, text.length() - 1).replaceAll("\\\\(.)", "$1");
            }
            return text;
        }

        /** NIL, a quoted string, or a literal where quoting cannot carry the text (8-bit, CR, LF). */
        private static String nstring(String text) {
            if (text == null) {
                return "NIL";
            }
            if (text.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            }
            return "{" + text.length() + "}\r\n" + text; // ISO-8859-1 characters: one a byte
        }

        private static void text(ByteArrayOutputStream out, String text) {
            out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        }

        private static void literal(ByteArrayOutputStream out, String prefix, byte[] data) {
            text(out, prefix + "{" + data.length + "}\r\n");
            out.writeBytes(data);
        }
    }

    /** An IMAP message set: numbers and ranges, {@code *} standing for the highest. */
    static final class MessageSet {
        private static final long STAR = -1;
        private final List<long[]> ranges;

        private MessageSet(List<long[]> ranges) {
            this.ranges = ranges;
        }

        static MessageSet parse(String text) {
            List<long[]> ranges = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                String[] ends = part.split(":", -1);
                if (ends.length > 2) {
                    throw new IllegalArgumentException("Invalid messageset " + text);
                }
                long first = number(ends[0], text);
                ranges.add(new long[] {first, ends.length == 2 ? number(ends[1], text) : first});
            }
            return new MessageSet(ranges);
        }

        private static long number(String text, String set) {
            if (text.equals("*")) {
                return STAR;
            }
            if (!text.matches("[1-9][0-9]{0,9}")) {
                throw new IllegalArgumentException("Invalid messageset " + set);
            }
            return Long.parseLong(text);
        }

        /** The sequence numbers, ascending, of the {@code messages} in this set of UIDs or sequence numbers. */
        List<Integer> select(List<Message> messages, boolean byUid) {
            long star = messages.isEmpty() ? 0 : byUid ? messages.get(messages.size() - 1).uid : messages.size();
            List<Integer> selected = new ArrayList<>();
            for (int seq = 1; seq <= messages.size(); seq++) {
                long number = byUid ? messages.get(seq - 1).uid : seq;
                for (long[] range : ranges) {
                    long a = range[0] == STAR ? star : range[0];
                    long b = range[1] == STAR ? star : range[1];
                    if (number >= Math.min(a, b) && number <= Math.max(a, b)) {
                        selected.add(seq);
                        break;
                    }
                }
            }
            return selected;
        }
    }

    /** Reads IMAP arguments: atoms (with {@code [...]} sections), quoted strings, literals, parenthesised lists. */
    static final class Args {
        private static final Pattern LITERAL = Pattern.compile("\\{(\\d{1,10})\\+?\\}\r\n");
        private final String text;
        private int pos;

        Args(String text) {
            this.text = text;
        }

        boolean atEnd() {
            while (pos < text.length() && text.charAt(pos) == ' ') {
                pos++;
            }
            return pos >= text.length();
        }

        /** The next argument as written. */
        String raw() {
            if (atEnd()) {
                throw new IllegalArgumentException("Missing argument");
            }
            int start = pos;
            char ch = text.charAt(pos);
            if (ch == '(') {
                skipList();
            } else if (ch == '"') {
                skipQuoted();
            } else if (ch == '{' && literalAhead()) {
                skipLiteral();
            } else {
                skipAtom();
            }
            return text.substring(start, pos);
        }

        /** The next argument as a string value: an atom, or a quoted string or literal without its syntax. */
        String string() {
            String raw = raw();
            if (raw.startsWith("\"")) {
                return Message.unquote(raw);
            } else if (raw.startsWith("{")) {
                return raw.substring(raw.indexOf('\n') + 1);
            } else if (raw.startsWith("(")) {
                throw new IllegalArgumentException("A list where a string belongs");
            }
            return raw;
        }

        /** The items of a parenthesised list as written, or {@code listOrSingle} alone. */
        static List<String> items(String listOrSingle) {
            return listOrSingle.startsWith("(")
                    ? new Args(listOrSingle.substring(1, listOrSingle.length() - 1)).all() : List.of(listOrSingle);
        }

        /** Every remaining argument as written. */
        List<String> all() {
            List<String> all = new ArrayList<>();
            while (!atEnd()) {
                all.add(raw());
            }
            return all;
        }

        private boolean literalAhead() {
            return LITERAL.matcher(text).region(pos, text.length()).lookingAt();
        }

        private void skipLiteral() {
            Matcher m = LITERAL.matcher(text).region(pos, text.length());
            m.lookingAt();
            pos = m.end() + Integer.parseInt(m.group(1));
            if (pos > text.length()) {
                throw new IllegalArgumentException("Literal longer than the command");
            }
        }

        private void skipQuoted() {
            for (pos++; pos < text.length(); pos++) {
                char ch = text.charAt(pos);
                if (ch == '\\') {
                    pos++;
                } else if (ch == '"') {
                    pos++;
                    return;
                }
            }
            throw new IllegalArgumentException("Unterminated quoted string");
        }

        private void skipList() {
            int depth = 0;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (ch == '"') {
                    skipQuoted();
                    continue;
                } else if (ch == '{' && literalAhead()) {
                    skipLiteral();
                    continue;
                }
                pos++;
                depth += ch == '(' ? 1 : ch == ')' ? -1 : 0;
                if (depth == 0) {
                    return;
                }
            }
            throw new IllegalArgumentException("Unbalanced parentheses");
        }

        private void skipAtom() {
            int start = pos;
            int brackets = 0;
            while (pos < text.length()) {
                char ch = text.charAt(pos);
                if (brackets == 0 && (ch == ' ' || ch == '(' || ch == ')')) {
                    break;
                }
                brackets += ch == '[' ? 1 : ch == ']' ? -1 : 0;
                pos++;
            }
            if (pos == start || brackets != 0) {
                throw new IllegalArgumentException("Invalid atom at " + text.substring(start));
            }
        }
    }
}

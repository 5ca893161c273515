package dev.mailaccess.testkit;

import dev.mailaccess.MessageRef;
import dev.mailaccess.internal.Threader;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * A seeded corpus of conversations for threading tests: reply chains with full References, replies with only
 * In-Reply-To, truncated and broken References (ids of messages that are not there), messages without a
 * Message-ID, duplicate Message-IDs, subject-only threads ({@code Re:}, {@code Fwd:}, {@code [list]} blobs,
 * {@code (fwd)} trailers, case and RFC 2047 variants), replies dated before what they answer, equal dates, missing
 * and unreadable Date headers, delivered in shuffled order. Each item also carries what threading should read of it
 * ({@link Item#input}), written down as generated, so the local algorithm's answer (the oracle) does not depend on
 * any parser under test.
 */
public final class ThreadCorpus {
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z",
            Locale.ROOT);
    private static final List<String> TOPICS = List.of("quarterly report", "lunch on Friday", "server release",
            "budget review", "holiday plans", "kiwi delivery", "project deadline", "falcon launch", "marble order",
            "Grüsse aus Zürich");

    /**
     * One message of the corpus.
     *
     * @param raw        the RFC 5322 bytes, CRLF line ends
     * @param messageId  the Message-ID header as written, null if none
     * @param inReplyTo  the In-Reply-To header as written, null if none
     * @param references the References header as written, null if none
     * @param subject    the subject, decoded
     * @param sent       the Date header's instant, null if none or unreadable
     * @param from       the sender's address
     */
    public record Item(byte[] raw, String messageId, String inReplyTo, String references, String subject,
                       Instant sent, String from) {
        /** What the local algorithm reads of this message, under the given reference. */
        public Threader.Message input(MessageRef ref) {
            return new Threader.Message(ref, messageId, inReplyTo, references, subject, sent);
        }
    }

    /** Kinds of irregular message a server may thread differently; a test can leave any of them out. */
    public enum Kind {
        /** A reply with In-Reply-To and no References. */
        IN_REPLY_TO_ONLY,
        /** References with only the parent's id. */
        TRUNCATED_REFERENCES,
        /** References that start with the id of a message that is not in the folder. */
        BROKEN_REFERENCES,
        /** A reply with neither References nor In-Reply-To: threaded by subject alone. */
        SUBJECT_ONLY,
        /** A message without a Message-ID. */
        MISSING_ID,
        /** A message whose Message-ID another message already has. */
        DUPLICATE_ID,
        /** A reply dated before the message it answers. */
        EARLY_REPLY,
        /** A missing or unreadable Date header. */
        MISSING_DATE,
        /** Forward markers: {@code Fwd:}, {@code (fwd)}, {@code [Fwd: ...]}. */
        FORWARD_MARKERS,
        /** A subject written as an RFC 2047 encoded word. */
        ENCODED_SUBJECT
    }

    private final Random r;
    private final Set<Kind> leftOut;
    private final List<Item> items = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private int serial;

    private ThreadCorpus(long seed, Set<Kind> leftOut) {
        this.r = new Random(seed);
        this.leftOut = leftOut;
    }

    /** {@code count} messages from the seed, in delivery order, without the kinds {@code leftOut}. */
    public static List<Item> generate(long seed, int count, Set<Kind> leftOut) {
        ThreadCorpus c = new ThreadCorpus(seed, leftOut);
        while (c.items.size() < count) {
            c.conversation();
        }
        List<Item> out = new ArrayList<>(c.items.subList(0, count));
        Collections.shuffle(out, c.r);
        return out;
    }

    private void conversation() {
        String topic = TOPICS.get(r.nextInt(TOPICS.size())) + (r.nextInt(3) == 0 ? "" : " " + r.nextInt(40));
        Instant start = Instant.parse("2016-01-01T00:00:00Z").plusSeconds(r.nextInt(300_000_000));
        String rootId = newId();
        List<String> chain = new ArrayList<>();
        String rootSubject = r.nextInt(8) == 0 ? "[team] " + topic : topic;
        add(rootId, null, null, rootSubject, start);
        chain.add(rootId);
        int replies = r.nextInt(6);
        List<List<String>> branches = new ArrayList<>();
        branches.add(chain);
        for (int i = 0; i < replies; i++) {
            List<String> parentChain = branches.get(r.nextInt(branches.size()));
            String id = newId();
            Instant date = start.plusSeconds(600L * (i + 1) + r.nextInt(600));
            if (r.nextInt(10) == 0 && allowed(Kind.EARLY_REPLY)) {
                date = start.minusSeconds(3600 + r.nextInt(3600)); // a clock that was wrong: before the question
            }
            String subject = replySubject(topic);
            String irt = "<" + parentChain.get(parentChain.size() - 1) + ">";
            String refs = references(parentChain);
            int variant = r.nextInt(12);
            if (variant == 0 && allowed(Kind.IN_REPLY_TO_ONLY)) {
                refs = null;
            } else if (variant == 1 && allowed(Kind.TRUNCATED_REFERENCES)) {
                refs = "<" + parentChain.get(parentChain.size() - 1) + ">";
            } else if (variant == 2 && allowed(Kind.BROKEN_REFERENCES)) {
                refs = "<missing-" + r.nextInt(1000) + "@gone.example> " + refs; // a lost id first
            } else if (variant == 3 && allowed(Kind.SUBJECT_ONLY)) {
                refs = null;
                irt = null;
            } else if (variant == 4) {
                irt = null;
            } else if (variant == 5) {
                irt = irt + " (sent from a phone)";
            }
            String ownId = r.nextInt(15) == 0 && allowed(Kind.MISSING_ID) ? null : id;
            if (ownId != null && r.nextInt(25) == 0 && !ids.isEmpty() && allowed(Kind.DUPLICATE_ID)) {
                ownId = ids.get(r.nextInt(ids.size())); // a duplicate
            }
            add(ownId, irt, refs, subject, date);
            List<String> next = new ArrayList<>(parentChain);
            next.add(id);
            branches.add(next);
        }
    }

    private boolean allowed(Kind kind) {
        return !leftOut.contains(kind);
    }

    private String replySubject(String topic) {
        int variant = r.nextInt(9);
        if (!allowed(Kind.FORWARD_MARKERS) && (variant == 1 || variant == 4 || variant == 5)) {
            variant = 8;
        }
        return switch (variant) {
            case 0 -> "RE: " + topic;
            case 1 -> "Fwd: " + topic;
            case 2 -> "[team] Re: " + topic;
            case 3 -> "Re: Re: " + topic;
            case 4 -> topic + " (fwd)";
            case 5 -> "[Fwd: " + topic + "]";
            case 6 -> "re : " + topic.toUpperCase(Locale.ROOT);
            case 7 -> "Antw: " + topic; // not a reply marker in RFC 5256: another subject
            default -> "Re: " + topic;
        };
    }

    private static String references(List<String> chain) {
        StringBuilder sb = new StringBuilder();
        for (String id : chain) {
            if (sb.length() > 0) {
                sb.append("\r\n ");
            }
            sb.append('<').append(id).append('>');
        }
        return sb.toString();
    }

    private String newId() {
        String id = "t" + (serial++) + "." + Long.toHexString(r.nextLong() & 0xffffffL) + "@thread.example";
        ids.add(id);
        return id;
    }

    private void add(String messageId, String inReplyTo, String references, String subject, Instant date) {
        String from = "user" + r.nextInt(9) + "@example.test";
        StringBuilder h = new StringBuilder();
        h.append("From: ").append(from).append("\r\n");
        h.append("To: list@example.test\r\n");
        int dateKind = allowed(Kind.MISSING_DATE) ? r.nextInt(25) : 2;
        Instant sent = date;
        if (dateKind == 0) {
            sent = null; // no Date header
        } else if (dateKind == 1) {
            h.append("Date: sometime last week\r\n");
            sent = null;
        } else {
            ZoneOffset zone = ZoneOffset.ofHours(r.nextInt(25) - 12);
            h.append("Date: ").append(RFC_5322.format(ZonedDateTime.ofInstant(date, zone))).append("\r\n");
        }
        boolean encoded = allowed(Kind.ENCODED_SUBJECT) && (!subject.chars().allMatch(c -> c < 128)
                || r.nextInt(10) == 0);
        h.append("Subject: ").append(encoded ? encodedWord(subject) : subject).append("\r\n");
        if (messageId != null) {
            h.append("Message-ID: <").append(messageId).append(">\r\n");
        }
        if (inReplyTo != null) {
            h.append("In-Reply-To: ").append(inReplyTo).append("\r\n");
        }
        if (references != null) {
            h.append("References: ").append(references).append("\r\n");
        }
        h.append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n");
        h.append("Message ").append(items.size()).append(" about ").append(subject).append("\r\n");
        items.add(new Item(h.toString().getBytes(StandardCharsets.UTF_8),
                messageId == null ? null : "<" + messageId + ">", inReplyTo, references == null ? null
                : references.replace("\r\n", ""), subject, sent, from));
    }

    private static String encodedWord(String s) {
        return "=?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8)) + "?=";
    }
}

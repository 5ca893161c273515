package dev.mailaccess.internal;

import dev.mailaccess.Envelope;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * RFC 5256 threading run locally: {@link ThreadAlgorithm#REFERENCES} and {@link ThreadAlgorithm#ORDEREDSUBJECT} over
 * the header fields a server would use (Message-ID, In-Reply-To, References, Subject, Date), so that a folder whose
 * server has no THREAD, a POP3 mailbox and a replica answer as an IMAP server with THREAD does. Message-IDs compare
 * case-sensitively, subjects by {@link BaseSubject#key()}; ties in sent date go by the messages' order, and a message
 * without any date (POP3 has no received date) sorts after the dated ones, as one received now would.
 */
public final class Threader {

    /**
     * What threading reads of one message.
     *
     * @param ref        the message
     * @param messageId  the Message-ID header, raw; null or empty if none
     * @param inReplyTo  the In-Reply-To header, raw; null or empty if none
     * @param references the References header, raw; null or empty if none
     * @param subject    the decoded Subject; null or empty if none
     * @param sentDate   the Date header, or the received date where it is missing or unreadable; null if neither
     */
    public record Message(MessageRef ref, String messageId, String inReplyTo, String references, String subject,
                          Instant sentDate) {
    }

    /** What the local algorithm needs of each message, fetched in one batch: envelope, received date, References. */
    public static final FetchSpec SPEC = FetchSpec.of(FetchSpec.Item.ENVELOPE, FetchSpec.Item.INTERNAL_DATE)
            .withHeaders("References");

    private Threader() {
    }

    /**
     * The threading input of summaries fetched with {@link #SPEC}: the Date header as sent date, the received date
     * where it is missing.
     *
     * @param summaries the summaries, in folder order
     * @return one message each, in the same order
     */
    public static List<Message> messages(List<MessageSummary> summaries) {
        List<Message> out = new ArrayList<>(summaries.size());
        for (MessageSummary s : summaries) {
            Envelope e = s.envelope();
            List<String> refs = s.headers().getOrDefault("References", List.of());
            Instant sent = e != null && e.date() != null ? e.date().toInstant() : s.internalDate();
            out.add(new Message(s.ref(), e == null ? null : e.messageId(), e == null ? null : e.inReplyTo(),
                    refs.isEmpty() ? null : String.join(" ", refs), e == null ? null : e.subject(), sent));
        }
        return out;
    }

    /**
     * Threads messages.
     *
     * @param algorithm which RFC 5256 algorithm
     * @param messages  the messages in folder order (the order decides ties in sent date)
     * @return the threads, in the order the algorithm gives
     */
    public static List<MessageThread> thread(ThreadAlgorithm algorithm, List<Message> messages) {
        List<Node> nodes = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            nodes.add(new Node(messages.get(i), i));
        }
        List<Node> roots = algorithm == ThreadAlgorithm.REFERENCES ? references(nodes) : orderedSubject(nodes);
        return roots.stream().map(Threader::toThread).toList();
    }

    /** Every valid message id in a header, in order, without the angle brackets (Dovecot's message_id_get_next). */
    public static List<String> messageIds(String header) {
        List<String> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        String s = stripComments(header);
        int i = 0;
        while (true) {
            int open = s.indexOf('<', i);
            if (open < 0) {
                return out;
            }
            int close = s.indexOf('>', open + 1);
            if (close < 0) {
                return out;
            }
            String id = s.substring(open + 1, close).replaceAll("[ \\t\\r\\n]+", "").replace("\"", "");
            int at = id.indexOf('@');
            if (at > 0 && at < id.length() - 1 && id.indexOf('<') < 0) {
                out.add(id);
            }
            i = close + 1;
        }
    }

    private static String stripComments(String s) {
        if (s.indexOf('(') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && depth == 0) {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
                continue;
            } else if (!quoted && c == ')' && depth > 0) {
                depth--;
                continue;
            }
            if (depth == 0) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- REFERENCES

    private static List<Node> references(List<Node> messages) {
        Map<String, Node> byId = new HashMap<>();
        // (1) unique ids: a missing or duplicate Message-ID makes the message a node of its own
        for (Node n : messages) {
            List<String> ids = messageIds(n.message.messageId());
            if (!ids.isEmpty() && !byId.containsKey(ids.get(0))) {
                byId.put(ids.get(0), n);
            }
        }
        for (Node n : messages) {
            List<String> refs = messageIds(n.message.references());
            if (refs.isEmpty()) {
                List<String> inReplyTo = messageIds(n.message.inReplyTo());
                if (!inReplyTo.isEmpty()) {
                    refs = List.of(inReplyTo.get(0));
                }
            }
            // (1A) link the references as a chain, keeping links that exist
            Node previous = null;
            for (String id : refs) {
                Node current = byId.computeIfAbsent(id, k -> new Node(null, -1));
                if (previous != null && current.parent == null && current != previous
                        && !previous.isDescendantOf(current)) {
                    previous.adopt(current);
                }
                previous = current;
            }
            // (1B) the last reference is the message's parent, replacing a parent from a truncated chain
            if (n.parent != null) {
                n.parent.children.remove(n);
                n.parent = null;
            }
            if (previous != null && previous != n && !previous.isDescendantOf(n)) {
                previous.adopt(n);
            }
        }
        // (2) the root set
        Node root = new Node(null, -1);
        Set<Node> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<Node> all = new ArrayList<>(messages);
        all.addAll(byId.values());
        for (Node n : all) {
            if (n.parent == null && seen.add(n)) {
                root.children.add(n);
            }
        }
        // (3) prune placeholders
        prune(root, true);
        // (4) sort the roots by sent date (a placeholder by its first child, its children sorted first)
        for (Node n : root.children) {
            if (n.isDummy()) {
                sortByDate(n.children);
            }
        }
        sortByDate(root.children);
        // (5) join roots with the same base subject
        Map<String, Node> table = new HashMap<>();
        for (Node n : root.children) {
            BaseSubject subject = n.threadSubject();
            if (subject == null || subject.text().isEmpty()) {
                continue;
            }
            Node old = table.get(subject.key());
            if (old == null || !old.isDummy() && (n.isDummy()
                    || old.threadSubject().replyOrForward() && !subject.replyOrForward())) {
                table.put(subject.key(), n);
            }
        }
        for (Node n : new ArrayList<>(root.children)) {
            BaseSubject subject = n.threadSubject();
            if (subject == null || subject.text().isEmpty()) {
                continue;
            }
            Node old = table.get(subject.key());
            if (old == n || old == null) {
                continue;
            }
            root.children.remove(n);
            n.parent = null;
            if (old.isDummy() && n.isDummy()) {
                for (Node c : new ArrayList<>(n.children)) {
                    n.children.remove(c);
                    old.adopt(c);
                }
            } else if (old.isDummy() || subject.replyOrForward() && !old.threadSubject().replyOrForward()) {
                old.adopt(n);
            } else {
                Node dummy = new Node(null, -1);
                int at = root.children.indexOf(old);
                root.children.set(at, dummy);
                dummy.parent = root;
                old.parent = null;
                dummy.adopt(old);
                dummy.adopt(n);
                table.put(subject.key(), dummy);
            }
        }
        // (6) sort every set of siblings, the deepest first
        sortTree(root);
        return root.children;
    }

    /** Step 3: removes childless placeholders and splices in the children of the others. */
    private static void prune(Node node, boolean isRoot) {
        List<Node> out = new ArrayList<>();
        for (Node c : node.children) {
            prune(c, false);
            if (c.isDummy()) {
                if (c.children.isEmpty()) {
                    continue;
                }
                if (!isRoot || c.children.size() == 1) {
                    for (Node g : c.children) {
                        g.parent = node;
                        out.add(g);
                    }
                    continue;
                }
            }
            out.add(c);
        }
        node.children.clear();
        node.children.addAll(out);
    }

    private static void sortTree(Node node) {
        for (Node c : node.children) {
            sortTree(c);
        }
        sortByDate(node.children);
    }

    private static void sortByDate(List<Node> siblings) {
        siblings.sort(Comparator.comparing((Node n) -> n.sortMessage().sentDate(),
                        Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparingInt(n -> n.sortMessage().order));
    }

    // ---------------------------------------------------------------- ORDEREDSUBJECT

    private static List<Node> orderedSubject(List<Node> messages) {
        Map<String, List<Node>> bySubject = messages.stream().collect(Collectors.groupingBy(
                n -> BaseSubject.of(n.message.subject()).key(), LinkedHashMap::new, Collectors.toList()));
        List<Node> roots = new ArrayList<>();
        for (List<Node> group : bySubject.values()) {
            sortByDate(group);
            Node first = group.get(0);
            for (Node n : group.subList(1, group.size())) {
                first.adopt(n);
            }
            roots.add(first);
        }
        sortByDate(roots);
        return roots;
    }

    // ---------------------------------------------------------------- the tree

    private static MessageThread toThread(Node n) {
        return new MessageThread(n.message == null ? null : n.message.ref(),
                n.children.stream().map(Threader::toThread).toList());
    }

    private static final class Node {
        final Message message;
        final int order;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Node(Message message, int order) {
            this.message = message;
            this.order = order;
        }

        boolean isDummy() {
            return message == null;
        }

        void adopt(Node child) {
            child.parent = this;
            children.add(child);
        }

        boolean isDescendantOf(Node other) {
            for (Node p = this; p != null; p = p.parent) {
                if (p == other) {
                    return true;
                }
            }
            return false;
        }

        /** The node whose message a placeholder sorts and is named by: its first child's. */
        Node sortMessage() {
            Node n = this;
            while (n.isDummy() && !n.children.isEmpty()) {
                n = n.children.get(0);
            }
            return n;
        }

        Instant sentDate() {
            return message == null ? null : message.sentDate();
        }

        BaseSubject threadSubject() {
            Node n = sortMessage();
            return n.message == null ? null : BaseSubject.of(n.message.subject());
        }
    }
}

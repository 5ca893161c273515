package dev.mailaccess;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node of a conversation tree from {@link MailFolder#threads}: a message and the replies under it, oldest
 * first. A node without a message ({@link #isPlaceholder()}) stands for a message that is referred to but not in the
 * answer (RFC 5256: a thread whose root is missing keeps its replies together under it). Immutable.
 *
 * @param ref      the message, or null for a placeholder
 * @param children the nodes under this one, in the order the algorithm gives (by sent date)
 */
public record MessageThread(MessageRef ref, List<MessageThread> children) {
    /**
     * Copies the children.
     *
     * @param ref      the message, or null for a placeholder
     * @param children the nodes under this one; must not be null (empty for none)
     */
    public MessageThread {
        children = List.copyOf(children);
    }

    /**
     * A node with a message and no replies.
     *
     * @param ref the message
     * @return the node
     */
    public static MessageThread leaf(MessageRef ref) {
        return new MessageThread(ref, List.of());
    }

    /**
     * Whether the node stands for a message that is not in the answer.
     *
     * @return true if {@link #ref()} is null
     */
    public boolean isPlaceholder() {
        return ref == null;
    }

    /**
     * The messages of this node and every node under it, depth first (a node before its replies).
     *
     * @return the references, placeholders left out
     */
    public List<MessageRef> messages() {
        List<MessageRef> out = new ArrayList<>();
        visit(t -> {
            if (t.ref != null) {
                out.add(t.ref);
            }
        });
        return out;
    }

    private void visit(Consumer<MessageThread> action) {
        action.accept(this);
        for (MessageThread c : children) {
            c.visit(action);
        }
    }

    /**
     * The IMAP THREAD answer's notation of this tree with the UIDs (or UIDL) of the messages, e.g.
     * {@code (3 6 (4 23)(44 7 96))}, and {@code ((3)(5))} for a placeholder with two children. For diagnostics.
     *
     * @return the parenthesised notation of RFC 5256
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        append(sb, true);
        return sb.append(')').toString();
    }

    private void append(StringBuilder sb, boolean first) {
        if (ref != null) {
            if (!first) {
                sb.append(' ');
            }
            sb.append(ref.uidl() == null ? Long.toString(ref.uid()) : ref.uidl());
        }
        if (children.size() == 1 && ref != null) {
            children.get(0).append(sb, false);
            return;
        }
        for (MessageThread c : children) {
            sb.append('(');
            c.append(sb, true);
            sb.append(')');
        }
    }
}

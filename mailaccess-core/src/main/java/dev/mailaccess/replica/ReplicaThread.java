package dev.mailaccess.replica;

import java.util.List;

/**
 * One node of a conversation tree from {@link Replica#threads}: a message of the replica folder, by its local id,
 * and the replies under it, oldest first; a node without an id stands for a message that is referred to but not in
 * the folder. Immutable.
 *
 * @param id       the message's local id ({@link ReplicaMessage#id()}), or null for a placeholder
 * @param children the nodes under this one
 */
public record ReplicaThread(String id, List<ReplicaThread> children) {
    /**
     * Copies the children.
     *
     * @param id       the local id, or null for a placeholder
     * @param children the nodes under this one; must not be null
     */
    public ReplicaThread {
        children = List.copyOf(children);
    }
}

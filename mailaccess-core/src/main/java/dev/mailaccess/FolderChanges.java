package dev.mailaccess;

import java.util.List;

/**
 * What changed in a folder since a state the caller saw earlier: the answer of
 * {@link MailFolder#changesSince(long, long, FetchSpec)}.
 *
 * @param changed       summaries of the messages whose flags changed, or that arrived, since the known MODSEQ
 * @param vanished      messages expunged since then, as the server reported them (QRESYNC {@code VANISHED});
 *                      may name messages the caller never saw (arrived and expunged in between): ignore those
 * @param vanishedKnown true when the server reported the expunges itself (QRESYNC); false when it can only list
 *                      changes (CONDSTORE): then {@code vanished} is empty and the caller must find expunges another
 *                      way, for example by comparing {@link MailFolder#refs()} or the message count
 */
public record FolderChanges(List<MessageSummary> changed, List<MessageRef> vanished, boolean vanishedKnown) {
    /**
     * Copies both lists.
     *
     * @param changed       summaries of the messages that changed or arrived
     * @param vanished      messages expunged, empty unless {@code vanishedKnown}
     * @param vanishedKnown whether the server reported the expunges itself (QRESYNC)
     */
    public FolderChanges {
        changed = List.copyOf(changed);
        vanished = List.copyOf(vanished);
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSink;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.UID;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Many whole messages of an {@link ImapFolder} to a sink: small ones in pipelined batches of
 * {@code UID FETCH set (UID BODY.PEEK[])}, large ones streamed on their own (SectionStream), so memory stays bounded and
 * a thousand small messages cost a few round trips.
 */
final class ImapDownload {
    /** Messages up to this size go into batched FETCHes; larger ones stream on their own. */
    private static final long BATCHED_MESSAGE_MAX = ImapProvider.CHUNK_SIZE;
    /** Bytes of message data one batched FETCH may bring into memory. */
    private static final long BATCH_BYTES = 8L << 20;
    private static final int BATCH_MESSAGES = 1000;

    private final SelectedFolder selected;
    /** Streams messages one at a time through the folder's {@code openMessage}: the interface's default. */
    private final BiConsumer<Collection<MessageRef>, MessageSink> oneAtATime;

    ImapDownload(SelectedFolder selected, BiConsumer<Collection<MessageRef>, MessageSink> oneAtATime) {
        this.selected = selected;
        this.oneAtATime = oneAtATime;
    }

    /**
     * One FETCH of the sizes, then small messages in {@code UID FETCH set (UID BODY.PEEK[])} batches of at most
     * 8 MB, pipelined ({@link #downloadBatches}), large ones through {@code openMessage}: a few round trips per
     * thousand small messages instead of one each, and never more than a batch in memory.
     */
    void downloadMessages(Collection<MessageRef> refs, MessageSink sink) {
        refs.forEach(selected::checkRef);
        if (refs.isEmpty()) {
            return;
        }
        Map<Long, Long> sizes = new java.util.HashMap<>();
        Map<Long, Long> listed = selected.lastListedSizes();
        if (refs.stream().allMatch(r -> listed.containsKey(r.uid()))) {
            refs.forEach(r -> sizes.put(r.uid(), listed.get(r.uid()))); // sizes never change: no FETCH needed
        } else {
            uidFetch(refs, "RFC822.SIZE", "reading the sizes of " + refs.size() + " messages").forEach((uid, fr) -> {
                org.eclipse.angus.mail.imap.protocol.RFC822SIZE size =
                        fr.getItem(org.eclipse.angus.mail.imap.protocol.RFC822SIZE.class);
                if (size != null) {
                    sizes.put(uid, size.size);
                }
            });
        }
        List<List<MessageRef>> batches = new ArrayList<>(); // in a row, with no large message between them
        List<MessageRef> batch = new ArrayList<>();
        long bytes = 0;
        for (MessageRef ref : refs) {
            Long size = sizes.get(ref.uid());
            if (size == null) {
                continue; // gone
            }
            if (size > BATCHED_MESSAGE_MAX) {
                if (!batch.isEmpty()) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    bytes = 0;
                }
                downloadBatches(batches, sink);
                batches.clear();
                oneAtATime.accept(List.of(ref), sink);
                continue;
            }
            if (!batch.isEmpty() && (bytes + size > BATCH_BYTES || batch.size() >= BATCH_MESSAGES)) {
                batches.add(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(ref);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        downloadBatches(batches, sink);
    }

    /**
     * Downloads batches of small messages with one {@code UID FETCH set (UID BODY.PEEK[])} each, pipelined: the
     * FETCH of the next batch is sent before this one goes to the sink, so the server reads and sends it while
     * the sink stores this one, instead of each side waiting for the other. While the sink runs, that one command
     * is in flight and its answer unread: nothing may touch the folder then (not even {@code isOpen()}, which can
     * send a NOOP that would swallow the answer), so the steps skip {@link SelectedFolder#call}'s reopen, and a
     * failing sink has the answer read and dropped before its exception goes on.
     */
    private void downloadBatches(List<List<MessageRef>> batches, MessageSink sink) {
        if (batches.isEmpty()) {
            return;
        }
        String what = "downloading " + batches.stream().mapToInt(List::size).sum() + " messages";
        String first = bodiesCommand(batches.get(0));
        String tag = selected.call(what, null, () -> (String) selected.folder.doCommand(p -> send(p, first)));
        for (int i = 0; i < batches.size(); i++) {
            String inFlight = tag;
            String next = i + 1 < batches.size() ? bodiesCommand(batches.get(i + 1)) : null;
            BatchAnswer answer = inFlight(what,
                    () -> (BatchAnswer) selected.folder.doCommand(p -> receive(p, inFlight, next)));
            tag = answer.nextTag();
            try {
                for (MessageRef ref : batches.get(i)) {
                    ByteArray ba = answer.bodies().get(ref.uid());
                    if (ba != null) { // else expunged meanwhile
                        dev.mailaccess.internal.ReadTracking.deliver(ref,
                                new java.io.ByteArrayInputStream(ba.getBytes(), ba.getStart(), ba.getCount()), sink);
                    }
                }
            } catch (RuntimeException e) {
                if (tag != null) {
                    String unread = tag;
                    try {
                        inFlight(what, () -> selected.folder.doCommand(p -> {
                            answerOf(p, unread);
                            return null;
                        }));
                    } catch (RuntimeException drainFailure) {
                        e.addSuppressed(drainFailure);
                    }
                }
                throw e;
            }
        }
    }

    /** One batch's bodies by UID, and the tag of the next batch's FETCH (sent meanwhile), or null. */
    private record BatchAnswer(Map<Long, ByteArray> bodies, String nextTag) {
    }

    private static String bodiesCommand(List<MessageRef> batch) {
        return "UID FETCH " + SelectedFolder.uidSet(batch) + " (UID BODY.PEEK[])";
    }

    /** Reads the answer to a FETCH in flight, then sends {@code next} (if any) once the answer was OK. */
    private static BatchAnswer receive(IMAPProtocol p, String tag, String next)
            throws org.eclipse.angus.mail.iap.ProtocolException {
        Response[] r = answerOf(p, tag);
        p.handleResult(r[r.length - 1]);
        Map<Long, ByteArray> bodies = new java.util.HashMap<>();
        for (Response x : r) {
            if (x instanceof FetchResponse fr) {
                UID u = fr.getItem(UID.class);
                BODY b = fr.getItem(BODY.class);
                if (u != null && b != null && b.getByteArray() != null) {
                    bodies.put(u.uid, b.getByteArray());
                }
            }
        }
        return new BatchAnswer(bodies, next == null ? null : send(p, next));
    }

    /** Writes a command without waiting for its answer; a failed write ends the connection as Angus's would. */
    private static String send(IMAPProtocol p, String command) throws org.eclipse.angus.mail.iap.ProtocolException {
        try {
            return p.writeCommand(command, null);
        } catch (IOException | org.eclipse.angus.mail.iap.ProtocolException | RuntimeException e) {
            p.handleResult(Response.byeResponse(e)); // throws: the connection is gone
            throw new IllegalStateException("unreachable", e);
        }
    }

    /**
     * The responses up to the tagged one of a command already sent, read as Angus's {@code Protocol.command} reads
     * them (a BYE or a broken connection comes last); every one but the FETCH answers goes to the folder, as in
     * {@link SelectedFolder#rawFetch}.
     */
    private static Response[] answerOf(IMAPProtocol p, String tag) {
        List<Response> answer = new ArrayList<>();
        Response bye = null;
        while (true) {
            Response r;
            try {
                r = p.readResponse();
            } catch (IOException e) {
                if (bye == null) {
                    bye = Response.byeResponse(e);
                }
                break;
            } catch (org.eclipse.angus.mail.iap.ProtocolException e) {
                continue; // a bad response: skipped, as Angus does
            }
            if (r.isBYE()) {
                bye = r;
                continue;
            }
            answer.add(r);
            if (r.isTagged() && tag.equals(r.getTag())) {
                break;
            }
        }
        if (bye != null) {
            answer.add(bye);
        }
        Response[] all = answer.toArray(new Response[0]);
        p.notifyResponseHandlers(java.util.Arrays.stream(all).filter(x -> !(x instanceof FetchResponse))
                .toArray(Response[]::new));
        return all;
    }

    /** {@link SelectedFolder#call} for a step while a command is in flight: the same translation, no reopen. */
    private <T> T inFlight(String what, SelectedFolder.AngusCall<T> body) {
        long start = System.nanoTime();
        try {
            return body.run();
        } catch (MessagingException | IOException | RuntimeException e) {
            throw selected.translate(e, selected.where(what), start);
        }
    }

    /**
     * {@code UID FETCH set (UID items)} as one raw command, answers keyed by the UID in each answer. Angus's message
     * objects are not involved: they number by sequence, which a server reporting an expunge in the middle of the
     * answers (GreenMail) can leave paired with the wrong UID. Unsolicited responses still reach the folder.
     */
    private Map<Long, FetchResponse> uidFetch(Collection<MessageRef> refs, String items, String what) {
        String command = "UID FETCH " + SelectedFolder.uidSet(refs) + " (UID " + items + ")";
        return selected.call(what, null, () -> selected.rawFetch(command));
    }
}

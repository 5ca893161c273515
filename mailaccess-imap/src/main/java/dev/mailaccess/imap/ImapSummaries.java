package dev.mailaccess.imap;

import dev.mailaccess.BodyPart;
import dev.mailaccess.Capability;
import dev.mailaccess.FetchSpec;
import dev.mailaccess.FolderChanges;
import dev.mailaccess.MailAccessException;
import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageSummary;
import dev.mailaccess.Support;
import dev.mailaccess.UnsupportedCapabilityException;
import dev.mailaccess.internal.PreviewText;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Listings of an {@link ImapFolder}: refs, summaries (all, the newest, chosen ones) and the changes since a MODSEQ.
 * Each is one summary FETCH, read by {@link ListingReader} on a bounded connection and by Angus where the bounded
 * reader is out of reach ({@link AngusInput}).
 */
final class ImapSummaries {
    private final SelectedFolder selected;

    ImapSummaries(SelectedFolder selected) {
        this.selected = selected;
    }

    List<MessageRef> refs() {
        return selected.call("listing messages", null, () -> {
            selected.refresh();
            return selected.refsOf(selected.folder.getMessages());
        });
    }

    List<MessageSummary> summaries(FetchSpec spec) {
        return selected.call("listing summaries", null, () -> {
            if (selected.messageCount() == 0) {
                selected.refresh(); // an empty folder: ask whether mail arrived (a FETCH of 1:* would be refused)
                if (selected.messageCount() == 0) {
                    return List.of();
                }
            }
            // no NOOP first: the answer covers whatever is in the folder now
            FetchSpec wire = onTheWire(spec);
            return previews(listed(fetchSummaries("UID FETCH 1:* (" + ListingReader.items(wire) + ")", wire), wire),
                    spec);
        });
    }

    List<MessageSummary> newest(int count, FetchSpec spec) {
        return selected.call("listing the newest summaries", null, () -> {
            selected.refresh();
            int total = selected.messageCount();
            if (count <= 0 || total <= 0) {
                return List.of();
            }
            int start = Math.max(1, total - count + 1);
            FetchSpec wire = onTheWire(spec);
            return previews(listed(fetchSummaries("FETCH " + start + ":" + total + " (" + ListingReader.items(wire)
                    + ")", wire), wire), spec);
        });
    }

    List<MessageSummary> summaries(Collection<MessageRef> refs, FetchSpec spec) {
        refs.forEach(selected::checkRef);
        if (refs.isEmpty()) {
            return List.of();
        }
        FetchSpec wire = onTheWire(spec);
        return selected.call("listing summaries", null, () -> previews(listed(fetchSummaries(
                "UID FETCH " + SelectedFolder.uidSet(refs) + " (" + ListingReader.items(wire) + ")", wire), wire),
                spec));
    }

    /**
     * Sends one summary FETCH (any message set, by UID or sequence number) and returns its answers by UID, read by
     * {@link ListingReader} (bulk reads, the fast parser, one bad answer never failing the rest); Angus reads them
     * where the connection has no bounded reader. No Angus message objects: they number by sequence, which a server
     * reporting an expunge in the middle of the answers (GreenMail) can leave paired with the wrong UID.
     */
    private Map<Long, MessageSummary> fetchSummaries(String command, FetchSpec spec) throws MessagingException {
        Map<Long, MessageSummary> answers = fetchSummaries(command, spec, r -> { });
        if (answers == null) {
            String server = selected.session.config().displayUri();
            long uidValidity = selected.uidValidity;
            answers = new LinkedHashMap<>();
            for (FetchResponse fr : selected.rawFetch(command).values()) {
                try {
                    MessageSummary m = ListingReader.summary(fr, uidValidity);
                    answers.put(m.ref().uid(), ListingReader.complete(m, spec, server));
                } catch (IllegalArgumentException unusableUid) {
                    // no message can be addressed by it: left out, as the bounded reader leaves it out
                }
            }
        }
        selected.ensureOpen();
        return answers;
    }

    /**
     * The summary FETCH through the bounded reader, showing {@code untagged} the other untagged answers; null (and
     * nothing sent) where the connection reads through Angus's own reader. The caller checks the folder is still open.
     */
    private Map<Long, MessageSummary> fetchSummaries(String command, FetchSpec spec,
                                                     java.util.function.Consumer<IMAPResponse> untagged)
            throws MessagingException {
        String server = selected.session.config().displayUri();
        long uidValidity = selected.uidValidity;
        @SuppressWarnings("unchecked")
        Map<Long, MessageSummary> answers = (Map<Long, MessageSummary>) selected.folder.doCommand(
                p -> ListingReader.list(p, command, uidValidity, spec, server, untagged));
        return answers;
    }

    /** The answers in folder (UID) order; their sizes are remembered for {@link ImapDownload}. */
    private List<MessageSummary> listed(Map<Long, MessageSummary> answers, FetchSpec spec) {
        List<MessageSummary> out = new ArrayList<>(answers.values());
        out.sort(Comparator.comparingLong(m -> m.ref().uid()));
        if (spec.has(FetchSpec.Item.SIZE)) {
            Map<Long, Long> sizes = new java.util.HashMap<>(out.size() * 2);
            for (MessageSummary m : out) {
                sizes.put(m.ref().uid(), m.size());
            }
            selected.rememberListedSizes(sizes); // lets downloadMessages skip its size FETCH right after a listing
        }
        return List.copyOf(out);
    }

    /**
     * The spec to send: as asked where the server has PREVIEW (RFC 8970: the preview comes in the same FETCH);
     * without it, the structure instead of the preview, which {@link #previews} then makes from each message's
     * first text part.
     */
    private FetchSpec onTheWire(FetchSpec spec) {
        if (!spec.has(FetchSpec.Item.PREVIEW) || selected.session.serverHas("PREVIEW")) {
            return spec;
        }
        return spec.without(FetchSpec.Item.PREVIEW).with(FetchSpec.Item.STRUCTURE);
    }

    /**
     * The emulated preview: the first 2 KB of each message's first text part ({@code BODY.PEEK[section]<0.2048>}),
     * one FETCH per part number for all the messages that have it there (usually one or two), reduced to text by
     * {@link PreviewText}; then the structure is dropped again unless it was asked for.
     */
    private List<MessageSummary> previews(List<MessageSummary> listed, FetchSpec spec) throws MessagingException {
        if (!spec.has(FetchSpec.Item.PREVIEW) || selected.session.serverHas("PREVIEW")) {
            return listed;
        }
        Map<String, List<Long>> bySection = new LinkedHashMap<>();
        Map<Long, BodyPart> textPart = new java.util.HashMap<>();
        for (MessageSummary m : listed) {
            BodyPart part = m.structure() == null ? null : PreviewText.firstTextPart(m.structure());
            if (part != null) {
                textPart.put(m.ref().uid(), part);
                bySection.computeIfAbsent(part.path().isEmpty() ? "1" : part.path(), k -> new ArrayList<>())
                        .add(m.ref().uid());
            }
        }
        Map<Long, String> texts = new java.util.HashMap<>();
        for (Map.Entry<String, List<Long>> e : bySection.entrySet()) {
            List<MessageRef> refs = e.getValue().stream().map(uid -> MessageRef.imap(selected.uidValidity, uid))
                    .toList();
            String command = "UID FETCH " + SelectedFolder.uidSet(refs) + " (UID BODY.PEEK[" + e.getKey() + "]<0."
                    + PreviewText.PART_BYTES + ">)";
            for (Map.Entry<Long, FetchResponse> answer : selected.rawFetch(command).entrySet()) {
                BodyPart part = textPart.get(answer.getKey());
                org.eclipse.angus.mail.imap.protocol.BODY body =
                        answer.getValue().getItem(org.eclipse.angus.mail.imap.protocol.BODY.class);
                if (part == null || body == null || body.getByteArray() == null) {
                    continue;
                }
                var bytes = body.getByteArray();
                byte[] content = java.util.Arrays.copyOfRange(bytes.getBytes(), bytes.getStart(),
                        bytes.getStart() + bytes.getCount());
                texts.put(answer.getKey(), PreviewText.ofPart(content, part.contentType(), part.charset(),
                        part.encoding()));
            }
        }
        boolean keepStructure = spec.has(FetchSpec.Item.STRUCTURE);
        List<MessageSummary> out = new ArrayList<>(listed.size());
        for (MessageSummary m : listed) {
            out.add(new MessageSummary(m.ref(), m.envelope(), m.flags(), m.size(), m.internalDate(),
                    keepStructure ? m.structure() : null, m.headers(), texts.getOrDefault(m.ref().uid(), "")));
        }
        return List.copyOf(out);
    }

    List<MessageSummary> changedSince(long modSeq, FetchSpec spec) {
        ImapSession session = selected.session;
        if (session.capabilities().support(Capability.QUICK_RESYNC) == Support.UNSUPPORTED) {
            throw new UnsupportedCapabilityException(session.capabilities().info(Capability.QUICK_RESYNC),
                    session.capabilities().protocol());
        }
        return selected.call("listing changes since MODSEQ " + modSeq, null, () -> {
            if (selected.messageCount() == 0) {
                return List.of();
            }
            FetchSpec wire = onTheWire(spec);
            return previews(listed(fetchSummaries("UID FETCH 1:* (" + ListingReader.items(wire) + ") (CHANGEDSINCE "
                    + modSeq + ")", wire), wire), spec);
        });
    }

    /**
     * With QRESYNC: one {@code UID FETCH 1:4294967295 (items) (CHANGEDSINCE modSeq VANISHED)}, whose answers (the
     * changed messages, then {@code VANISHED (EARLIER)} for the expunged) go through the fast reader. The VANISHED
     * modifier needs QRESYNC enabled, and ENABLE is refused in a selected mailbox: the first time, the folder is
     * reselected with {@code SELECT path (QRESYNC (uidValidity now))}, naming the MODSEQ the folder is at now, so
     * that the SELECT answers next to nothing (naming the caller's MODSEQ there made Angus read every change twice
     * as slowly as the FETCH does); later, a NOOP first. With CONDSTORE only: {@link #changedSince}.
     */
    FolderChanges changesSince(long knownUidValidity, long modSeq, FetchSpec spec) {
        long uidValidity = selected.uidValidity;
        if (knownUidValidity != uidValidity) {
            throw new IllegalArgumentException("UIDVALIDITY of " + selected.path + " is " + uidValidity + ", not "
                    + knownUidValidity);
        }
        if (!selected.session.serverHas("QRESYNC") || !(selected.folder instanceof VanishedSafeFolder)) {
            // without the VANISHED fix (Angus loaded the folder class from elsewhere), never enable QRESYNC
            return new FolderChanges(changedSince(modSeq, spec), List.of(), false);
        }
        return selected.call("resynchronising since MODSEQ " + modSeq, null, () -> {
            if (!Boolean.TRUE.equals(selected.folder.doCommand(p -> p.isEnabled("QRESYNC")))) {
                long now = selected.folder.getHighestModSeq();
                selected.folder.close(false);
                selected.folder.open(selected.angusMode(), new org.eclipse.angus.mail.imap.ResyncData(
                        knownUidValidity, now > 0 ? now : modSeq));
                selected.watchConnection();
                if (selected.folder.getUIDValidity() != knownUidValidity) {
                    throw new MailAccessException("UIDVALIDITY of " + selected.path + " changed during the resync");
                }
            } else {
                selected.refresh(); // a FETCH alone does not make the server look for new mail (Dovecot)
            }
            FetchSpec wire = onTheWire(spec);
            int max = selected.session.config().limits().maxMessages();
            Set<Long> vanished = new java.util.TreeSet<>();
            RuntimeException[] tooMany = {null}; // thrown once the answer is read whole: the connection stays usable
            // every UID, not 1:*: '*' is the highest UID still there, and the newest messages may be the vanished
            Map<Long, MessageSummary> answers = fetchSummaries("UID FETCH 1:4294967295 ("
                    + ListingReader.items(wire) + ") (CHANGEDSINCE " + modSeq + " VANISHED)", wire, r -> {
                        try {
                            long[] uids = VanishedSafeFolder.earlierVanished(r.toString(), max - vanished.size());
                            if (uids != null) {
                                for (long uid : uids) {
                                    vanished.add(uid);
                                }
                            }
                        } catch (RuntimeException e) {
                            tooMany[0] = e;
                        }
                    });
            selected.ensureOpen();
            if (tooMany[0] != null) {
                throw tooMany[0];
            }
            if (answers == null) {
                throw new MailAccessException("the connection to " + selected.session.config().displayUri()
                        + " cannot read a resynchronisation"); // never: QRESYNC sessions read through the bounded reader
            }
            answers.keySet().forEach(vanished::remove);
            return new FolderChanges(previews(listed(answers, wire), spec),
                    vanished.stream().map(uid -> MessageRef.imap(uidValidity, uid)).toList(), true);
        });
    }
}

package dev.mailaccess.replica;

import dev.mailaccess.MessageRef;
import dev.mailaccess.MessageThread;
import dev.mailaccess.ThreadAlgorithm;
import dev.mailaccess.internal.HeaderText;
import dev.mailaccess.internal.Threader;
import dev.mailaccess.replica.ReplicaStore.FolderState;
import dev.mailaccess.replica.ReplicaStore.Rec;
import dev.mailaccess.search.SearchQuery;
import jakarta.mail.internet.MailDateFormat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParsePosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline threading: the RFC 5256 algorithms of {@link Threader} on the headers of the stored files (or the kept
 * header blocks of messages over the size limit), the received date (the file's time, the server's INTERNALDATE)
 * standing in for a missing Date, as an IMAP server does; over POP3, which has no received date, a message without
 * a Date sorts last, as in a live POP3 session.
 */
final class ReplicaThreads {
    private final ReplicaFolders folders;
    private final ReplicaMessages messages;
    private final ReplicaSearch search;

    ReplicaThreads(ReplicaFolders folders, ReplicaMessages messages, ReplicaSearch search) {
        this.folders = folders;
        this.messages = messages;
        this.search = search;
    }

    List<ReplicaThread> threads(String folder, ThreadAlgorithm algorithm, SearchQuery query) {
        FolderState fs = folders.state(folder);
        Set<String> chosen = query == null || query instanceof SearchQuery.All ? null
                : new HashSet<>(search.search(folder, query));
        List<Threader.Message> in = new ArrayList<>();
        for (Rec r : ReplicaMessages.live(fs)) {
            if (chosen != null && !chosen.contains(r.key)) {
                continue;
            }
            Path file = fs.files.get(r.key);
            Path source = file != null ? file : folders.headerBlocks.file(fs, r);
            Map<String, String> h = Files.exists(source) ? StoredHeaders.headers(source) : Map.of();
            Instant sent = date(h.get("date"));
            if (sent == null && !"pop3".equals(folders.protocol)) {
                sent = messages.of(fs, r).received(); // POP3 has no received date: the time stored here is none
            }
            in.add(new Threader.Message(MessageRef.pop3(r.key), h.get("message-id"), h.get("in-reply-to"),
                    h.get("references"), HeaderText.decode(h.getOrDefault("subject", "")), sent));
        }
        return Threader.thread(algorithm, in).stream().map(ReplicaThreads::local).toList();
    }

    private static Instant date(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Date d = new MailDateFormat().parse(value, new ParsePosition(0));
        return d == null ? null : d.toInstant();
    }

    /** The local ids travel through the algorithm as POP3-style refs; back to ids here. */
    private static ReplicaThread local(MessageThread t) {
        return new ReplicaThread(t.ref() == null ? null : t.ref().uidl(),
                t.children().stream().map(ReplicaThreads::local).toList());
    }
}

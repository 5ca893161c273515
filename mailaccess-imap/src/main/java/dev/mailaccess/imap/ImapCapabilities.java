package dev.mailaccess.imap;

import dev.mailaccess.Capability;
import dev.mailaccess.CapabilityInfo;
import dev.mailaccess.CapabilitySet;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/** The IMAP capability picture: static (what IMAP can do with a typical server) and refined per server. */
final class ImapCapabilities {
    static final String PROTOCOL = "imap";

    private static final CapabilitySet STATIC = CapabilitySet.of(PROTOCOL, List.of(
            CapabilityInfo.nativeSupport(Capability.HEADERS,
                    "FETCH ENVELOPE and BODY.PEEK[HEADER.FIELDS] for any number of messages in one command"),
            CapabilityInfo.nativeSupport(Capability.BODY,
                    "one FETCH BODY.PEEK[], streamed from the connection; reading never sets \\Seen"),
            CapabilityInfo.nativeSupport(Capability.BODY_PART,
                    "FETCH BODY.PEEK[section] downloads one MIME part by its part number"),
            CapabilityInfo.nativeSupport(Capability.PARTIAL_BODY,
                    "FETCH BODY.PEEK[]<offset.length> downloads a byte range"),
            CapabilityInfo.nativeSupport(Capability.STABLE_IDS,
                    "UIDVALIDITY + UID identify a message across sessions and expunges"),
            CapabilityInfo.nativeSupport(Capability.FOLDERS, "LIST, CREATE, DELETE, STATUS"),
            CapabilityInfo.nativeSupport(Capability.SERVER_FLAGS, "STORE keeps system flags on the server"),
            CapabilityInfo.nativeSupport(Capability.CUSTOM_KEYWORDS,
                    "STORE keeps keywords on the server (where the folder's PERMANENTFLAGS allow \\*)"),
            CapabilityInfo.nativeSupport(Capability.SERVER_SEARCH, "SEARCH, with CHARSET UTF-8 for non-ASCII text"),
            CapabilityInfo.nativeSupport(Capability.COPY, "COPY (new UIDs from COPYUID where the server has UIDPLUS)"),
            CapabilityInfo.nativeSupport(Capability.APPEND,
                    "APPEND (the new UID from APPENDUID where the server has UIDPLUS)"),
            CapabilityInfo.nativeSupport(Capability.DELETE, "STORE +FLAGS (\\Deleted)"),
            CapabilityInfo.nativeSupport(Capability.MOVE,
                    "MOVE (RFC 6851); servers without it: COPY + UID EXPUNGE, emulated"),
            CapabilityInfo.nativeSupport(Capability.EXPUNGE,
                    "UID EXPUNGE (UIDPLUS, RFC 4315) removes exactly the chosen messages"),
            CapabilityInfo.nativeSupport(Capability.PUSH, "IDLE (RFC 2177)"),
            CapabilityInfo.nativeSupport(Capability.QUICK_RESYNC, "with CONDSTORE/QRESYNC (RFC 7162)"),
            CapabilityInfo.nativeSupport(Capability.SORT, "with SORT extension (RFC 5256)"),
            CapabilityInfo.nativeSupport(Capability.SASL_LOGIN, "AUTHENTICATE SCRAM-SHA-256, SCRAM-SHA-1 (RFC 7677,"
                    + " RFC 5802) or OAUTHBEARER (RFC 7628), with SASL-IR (RFC 4959), where the server offers them"),
            CapabilityInfo.nativeSupport(Capability.COMPRESSION,
                    "COMPRESS=DEFLATE (RFC 4978) where the server offers it, on unless the configuration turns it off"),
            CapabilityInfo.nativeSupport(Capability.QUOTA, "GETQUOTAROOT (RFC 9208) where the server has QUOTA"),
            CapabilityInfo.nativeSupport(Capability.THREADS, "UID THREAD (RFC 5256) where the server has THREAD; "
                    + "elsewhere emulated: the same algorithm run here on headers fetched in one FETCH"),
            CapabilityInfo.nativeSupport(Capability.PREVIEW, "FETCH PREVIEW (RFC 8970) in the listing's FETCH where "
                    + "the server has PREVIEW; elsewhere emulated: one partial FETCH of each first text part"),
            CapabilityInfo.nativeSupport(Capability.WATCH, "NOTIFY (RFC 5465) and IDLE where the server has "
                    + "them; elsewhere emulated: IDLE on the first folder, the others polled at an interval")));

    private ImapCapabilities() {
    }

    static CapabilitySet staticSet() {
        return STATIC;
    }

    /** The static set refined by what the server announced ({@code has} answers for an extension name). */
    static CapabilitySet refine(Predicate<String> has) {
        CapabilitySet caps = STATIC;
        boolean uidplus = has.test("UIDPLUS");
        if (!has.test("MOVE")) {
            caps = caps.with(uidplus
                    ? CapabilityInfo.emulated(Capability.MOVE, "server has no MOVE (RFC 6851); emulated with COPY, "
                    + "STORE \\Deleted and UID EXPUNGE of the moved messages: not atomic, a failure in between can "
                    + "leave the message in both folders")
                    : CapabilityInfo.unsupported(Capability.MOVE, "server has neither MOVE nor UIDPLUS: a move "
                    + "would need a plain EXPUNGE, which also removes messages other clients marked deleted"));
        } else {
            caps = caps.with(CapabilityInfo.nativeSupport(Capability.MOVE, "MOVE (RFC 6851)"));
        }
        if (!uidplus) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.EXPUNGE, "server has no UIDPLUS: expunging only "
                    + "chosen messages needs UID EXPUNGE; a plain EXPUNGE would also remove messages other clients "
                    + "marked deleted"));
        }
        if (!has.test("IDLE")) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.PUSH,
                    "server has no IDLE (RFC 2177); poll with status() instead"));
        }
        if (has.test("QRESYNC")) {
            caps = caps.with(CapabilityInfo.nativeSupport(Capability.QUICK_RESYNC, "QRESYNC (RFC 7162)"));
        } else if (has.test("CONDSTORE")) {
            caps = caps.with(CapabilityInfo.nativeSupport(Capability.QUICK_RESYNC,
                    "CONDSTORE (RFC 7162): changes since a MODSEQ in one FETCH"));
        } else {
            caps = caps.with(CapabilityInfo.unsupported(Capability.QUICK_RESYNC,
                    "server has no CONDSTORE/QRESYNC; a resync must scan every UID"));
        }
        caps = caps.with(threads(has));
        if (!has.test("NOTIFY") && has.test("IDLE")) {
            caps = caps.with(CapabilityInfo.emulated(Capability.WATCH, "server has no NOTIFY (RFC 5465); emulated: "
                    + "a session of its own with IDLE on the first folder, and a UID FETCH of every folder's flags at "
                    + "each poll interval, compared with the last state (the other folders' news is up to one "
                    + "interval late)"));
        }
        caps = caps.with(has.test("PREVIEW")
                ? CapabilityInfo.nativeSupport(Capability.PREVIEW, "FETCH PREVIEW (RFC 8970), in the same FETCH as "
                + "the rest of the listing")
                : CapabilityInfo.emulated(Capability.PREVIEW, "server has no PREVIEW (RFC 8970); emulated: the "
                + "listing also fetches BODYSTRUCTURE, then one FETCH of the first 2 KB of each message's first text "
                + "part (pipelined per part number), decoded and reduced to text here"));
        if (has.test("NOTIFY") && has.test("IDLE")) {
            caps = caps.with(CapabilityInfo.nativeSupport(Capability.WATCH, "NOTIFY (RFC 5465) and IDLE on one "
                    + "connection of its own: a change in any watched folder ends the wait at once; what changed is "
                    + "then read by a UID FETCH of each folder's flags, compared with the last state"));
        }
        if (!has.test("IDLE")) {
            caps = caps.with(CapabilityInfo.emulated(Capability.WATCH, "server has no IDLE (RFC 2177) and NOTIFY "
                    + "is not used; emulated: a UID FETCH of every folder's flags at each poll interval, compared "
                    + "with the last state (news is up to one interval late)"));
        }
        if (!has.test("SORT")) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.SORT, "server has no SORT extension (RFC 5256)"));
        }
        if (!has.test("QUOTA")) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.QUOTA, "server has no QUOTA extension (RFC 9208)"));
        }
        return caps;
    }

    /**
     * The set refined from the server's extensions ({@code has}) and from what this session's connection did: the
     * mechanisms offered before login, the one used, and whether COMPRESS is on.
     *
     * @param compressed whether the connection was seen compressed, null when unknown (then the wish counts)
     */
    static CapabilitySet refine(Predicate<String> has, ImapLogin.Outcome login, boolean compressionWanted,
                                Boolean compressed) {
        CapabilitySet caps = refine(has);
        if (login != null && login.mechanism() != null) {
            List<String> strong = login.offered().stream()
                    .filter(m -> m.startsWith("SCRAM-") || m.equals("OAUTHBEARER")).toList();
            String used = "logged in with " + login.mechanism() + (login.initialResponse() ? " (SASL-IR)" : "");
            caps = caps.with(strong.isEmpty()
                    ? CapabilityInfo.unsupported(Capability.SASL_LOGIN, "server offers no SCRAM or OAUTHBEARER"
                    + " (it offers " + (login.offered().isEmpty() ? "no AUTH= mechanism" : String.join(" ",
                    login.offered())) + "); " + used)
                    : CapabilityInfo.nativeSupport(Capability.SASL_LOGIN, "server offers " + String.join(" ", strong)
                    + "; " + used));
        }
        if (!has.test("COMPRESS=DEFLATE")) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.COMPRESSION,
                    "server does not offer COMPRESS=DEFLATE (RFC 4978)"));
        } else if (!compressionWanted) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.COMPRESSION,
                    "the server offers COMPRESS=DEFLATE, but MailboxConfig.compression(false) turned it off"));
        } else if (Boolean.FALSE.equals(compressed)) {
            caps = caps.with(CapabilityInfo.unsupported(Capability.COMPRESSION,
                    "the server offers COMPRESS=DEFLATE, but this session's connection did not start it"));
        } else {
            caps = caps.with(CapabilityInfo.nativeSupport(Capability.COMPRESSION,
                    "COMPRESS=DEFLATE (RFC 4978): this session's traffic is compressed"));
        }
        return caps;
    }

    private static CapabilityInfo threads(Predicate<String> has) {
        boolean references = has.test("THREAD=REFERENCES");
        boolean ordered = has.test("THREAD=ORDEREDSUBJECT");
        if (references && ordered) {
            return CapabilityInfo.nativeSupport(Capability.THREADS,
                    "UID THREAD REFERENCES and ORDEREDSUBJECT (RFC 5256), one command");
        }
        if (references || ordered) {
            return CapabilityInfo.nativeSupport(Capability.THREADS, "UID THREAD " + (references ? "REFERENCES"
                    : "ORDEREDSUBJECT") + " (RFC 5256), one command; the other algorithm runs here on headers "
                    + "fetched in one FETCH");
        }
        return CapabilityInfo.emulated(Capability.THREADS, "server has no THREAD (RFC 5256); emulated: Message-ID, "
                + "In-Reply-To, References, Subject and Date of the matching messages in one FETCH, threaded here "
                + "by the same algorithm");
    }

    /** For tests and diagnostics: refine from a list of announced names. */
    static CapabilitySet refine(Set<String> announced) {
        Set<String> upper = announced.stream().map(s -> s.toUpperCase(Locale.ROOT))
                .collect(java.util.stream.Collectors.toSet());
        return refine(upper::contains);
    }
}

package dev.mailaccess.imap;

import dev.mailaccess.ServerLimits;
import dev.mailaccess.angus.internal.AngusSessions;
import dev.mailaccess.angus.internal.LimitExceededIOException;
import dev.mailaccess.angus.internal.ProtocolViolationIOException;
import dev.mailaccess.angus.internal.TransferClock;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseInputStream;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.util.MailLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Properties;

/**
 * Angus's IMAP connection with the library's bounds ({@link ServerLimits}) on everything the server sends:
 * <ul>
 *   <li>responses are read by a {@link ResponseReader} (line length, literal size, a transfer clock for the minimum
 *       rate and the command deadline) instead of Angus's unbounded byte-at-a-time reader;</li>
 *   <li>a tagged answer must carry a tag this connection sent and has not seen answered: any other is a protocol
 *       error at once (Angus would wait for the right tag forever);</li>
 *   <li>one command's answer holds at most {@code maxResponsesPerCommand} untagged responses, and no {@code EXISTS}
 *       may claim more than {@code maxMessages} messages (Angus sizes its message table by it).</li>
 * </ul>
 * Crossing a bound throws an {@link IOException}, which Angus handles as a lost connection: the connection closes
 * and the adapter reports a {@link dev.mailaccess.ServerLimitException} or a {@link dev.mailaccess.MailTimeoutException}.
 *
 * <p>Angus's constructor reads the greeting through the overridden methods before this class's fields are set, so
 * the state is created on first use and the fields have no initialisers.
 */
final class BoundedImapProtocol extends IMAPProtocol {
    private static final Logger LOG = LoggerFactory.getLogger(BoundedImapProtocol.class);
    private Tracking tracking;
    private SectionStream streaming;
    private ResponseInputStream angusInput;
    private BoundedResponseInput boundedInput;
    private ImapLogin.Outcome login;
    private boolean loggedIn;
    private boolean compressed;

    BoundedImapProtocol(String name, String host, int port, Properties props, boolean isSSL, MailLogger logger)
            throws IOException, ProtocolException {
        super(name, host, port, props, isSSL, logger);
    }

    /** Angus's extension items plus {@code PREVIEW} (RFC 8970), so that an answer with a preview is not dropped. */
    @Override
    public org.eclipse.angus.mail.imap.protocol.FetchItem[] getFetchItems() {
        org.eclipse.angus.mail.imap.protocol.FetchItem[] base = super.getFetchItems();
        org.eclipse.angus.mail.imap.protocol.FetchItem[] out = java.util.Arrays.copyOf(
                base == null ? new org.eclipse.angus.mail.imap.protocol.FetchItem[0] : base,
                base == null ? 1 : base.length + 1);
        out[out.length - 1] = PREVIEW;
        return out;
    }

    private static final PreviewItem PREVIEW = new PreviewItem();

    /** A connection over given streams, without a socket: for replaying recorded server output in tests. */
    BoundedImapProtocol(InputStream in, java.io.PrintStream out, Properties props) throws IOException {
        super(in, out, props, false);
    }

    /**
     * Logs in the library's way ({@link ImapLogin}); Angus calls this for every new connection because the session
     * sets {@code sasl.enable}. Falls back to Angus's SASL only where no configuration was given (replays in tests).
     */
    @Override
    public void sasllogin(String[] allowed, String realm, String authzid, String u, String p)
            throws ProtocolException {
        Object config = props == null ? null : props.get(AngusSessions.configKey(prefix));
        if (!(config instanceof dev.mailaccess.MailboxConfig c)) {
            super.sasllogin(allowed, realm, authzid, u, p);
            return;
        }
        login = ImapLogin.login(this, c, u);
        loggedIn = true;
    }

    /**
     * Whether the connection is TLS: Angus asks whether its socket is an {@code SSLSocket}, which a socket tunnelled
     * through a proxy is not, even where it carries implicit TLS (TLS starts inside the tunnel; see
     * {@code TunnelSocket}). Without this, a login through a proxy over imaps would refuse PLAIN as cleartext.
     */
    @Override
    public boolean isSSL() {
        if (super.isSSL()) {
            return true;
        }
        Object config = props == null ? null : props.get(AngusSessions.configKey(prefix));
        return config instanceof dev.mailaccess.MailboxConfig c && c.proxy() != null
                && c.tlsMode() == dev.mailaccess.TlsMode.IMPLICIT;
    }

    @Override
    public boolean isAuthenticated() {
        return loggedIn || super.isAuthenticated();
    }

    @Override
    public void disconnect() {
        loggedIn = false;
        super.disconnect();
    }

    /**
     * COMPRESS=DEFLATE: Angus sends the command and puts an inflater under a new response stream, which the next
     * {@link #getInputStream()} replaces with a new bounded reader (over an {@link InflatedSource}); the line and
     * literal bounds then apply to the inflated bytes, and the rate to them too. Angus's {@code compress()} calls
     * {@code super.startCompression} directly, so this is the method to override.
     */
    @Override
    public void compress() throws ProtocolException {
        super.compress();
        compressed = true;
    }

    /** Whether this connection's traffic is compressed. */
    boolean compressed() {
        return compressed;
    }

    /** How this connection logged in, or null if it did not log in through {@link #sasllogin}. */
    ImapLogin.Outcome loginOutcome() {
        return login;
    }

    /** Angus's handling of a login's final response: NO, BAD and BYE throw; a CAPABILITY code is taken. */
    void loginResult(Response r) throws ProtocolException {
        handleLoginResult(r);
        setCapabilities(r);
    }

    /** One line of a SASL exchange, CRLF-terminated, flushed. */
    void sendLine(String line) throws IOException {
        java.io.OutputStream os = getOutputStream();
        os.write(line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        os.write('\r');
        os.write('\n');
        os.flush();
    }

    /**
     * Angus's protocol trace (off unless debugging) leaves out what a login exchange sends, and says so in its log
     * as Angus's own login does.
     *
     * @param quiet     true before the exchange, false after it
     * @param mechanism the SASL mechanism, for the log line
     */
    void quietForSecrets(boolean quiet, String mechanism) {
        if (quiet && isTracing()) {
            logger.fine("AUTHENTICATE " + mechanism + " command trace suppressed");
            suspendTracing();
        } else if (!quiet) {
            resumeTracing();
        }
    }

    /** The per-connection state: the limits, the clock and the commands awaiting their tagged answer. */
    private static final class Tracking {
        final ServerLimits limits;
        final TransferClock clock;
        /** Tags sent and not yet answered, oldest first, with when each was sent; IDLE's has no deadline. */
        final ArrayDeque<Sent> outstanding = new ArrayDeque<>();
        int untagged;
        boolean writing;

        Tracking(ServerLimits limits) {
            this.limits = limits;
            this.clock = new TransferClock(limits);
            clock.commandSent(clock.now()); // the greeting answers the connection
        }

        /**
         * The clock for the oldest command awaiting its answer: from when it was sent if it is the only one, from
         * now if an earlier answer just ended (a command sent ahead is answered only after those before it).
         */
        void restartClock(boolean answerEnded) {
            Sent oldest = outstanding.peekFirst();
            if (oldest == null || oldest.idle) {
                clock.noCommand();
            } else if (answerEnded || outstanding.size() == 1) {
                clock.commandSent(answerEnded ? clock.now() : oldest.nanos);
            }
        }
    }

    private record Sent(String tag, long nanos, boolean idle) {
    }

    /** {@link ServerLimits#maxMessages()} of this connection. */
    int maxMessages() {
        return tracking().limits.maxMessages();
    }

    private Tracking tracking() {
        if (tracking == null) {
            Object limits = props == null ? null : props.get(AngusSessions.limitsKey(prefix));
            tracking = new Tracking(limits instanceof ServerLimits l ? l : ServerLimits.DEFAULT);
        }
        return tracking;
    }

    /**
     * The response {@link #responses()} read last, parsed by Angus from its exact bytes (a string round trip would
     * re-encode 8-bit bytes and break literal counts), with the connection's rules applied as for one Angus read.
     * A FETCH answer comes back as a {@link FetchResponse}.
     *
     * @throws ProtocolException when Angus cannot parse it (or, for {@link ResponseSafety}, must not)
     */
    IMAPResponse parseCurrent() throws IOException, ProtocolException {
        boundedInput.replayCurrent();
        return (IMAPResponse) readResponse();
    }

    /** The bounded reader of this connection, or null where Angus's stream is out of reach. */
    ResponseReader responses() {
        getInputStream();
        return boundedInput == null ? null : boundedInput.reader();
    }

    /**
     * Angus's response stream, replaced by the bounded one. Angus makes a new stream after STARTTLS and COMPRESS;
     * a new bounded reader then reads from the new stream (nothing is buffered across those switches: each follows
     * a tagged OK that was the last thing the server sent before switching).
     */
    @Override
    protected ResponseInputStream getInputStream() {
        ResponseInputStream current = super.getInputStream();
        if (current != angusInput) {
            angusInput = current;
            InputStream source = AngusInput.buffered(current);
            if (source != null && compressed) {
                source = new InflatedSource(source);
            }
            Tracking t = tracking();
            boundedInput = source == null ? null
                    : new BoundedResponseInput(source, new ResponseReader(source, t.limits, t.clock));
        }
        return boundedInput != null ? boundedInput : current;
    }

    /**
     * A section's literal now streams to a caller ({@link SectionStream}): the connection is the stream's until it
     * ends; the deadline no longer applies to the answer (the caller reads at its own pace), the rate still does.
     */
    void streamStarted(SectionStream stream) {
        streaming = stream;
        tracking().clock.streaming();
    }

    /** The stream read its answer to the end: the connection is free again. */
    void streamEnded(SectionStream stream) {
        if (streaming == stream) {
            streaming = null;
        }
    }

    @Override
    public String writeCommand(String command, Argument args) throws IOException, ProtocolException {
        SectionStream unfinished = streaming;
        if (unfinished != null) {
            unfinished.drainForNextCommand(); // the answer must be read to its end before anything else
        }
        Tracking t = tracking();
        t.writing = true; // a tagged refusal of a literal arrives before the tag is known
        String tag;
        try {
            tag = super.writeCommand(command, args);
        } finally {
            t.writing = false;
        }
        t.outstanding.addLast(new Sent(tag, t.clock.now(), "IDLE".equalsIgnoreCase(command)));
        t.untagged = 0;
        t.restartClock(false);
        return tag;
    }

    /**
     * Angus's {@code readResponse}, with the rules of {@link #check} and, before Angus parses the items of an
     * answer, {@link ResponseSafety}: an answer that would make Angus's parser spin is skipped, as Angus skips one it
     * cannot parse.
     */
    @Override
    public Response readResponse() throws IOException, ProtocolException {
        IMAPResponse r;
        try {
            r = new IMAPResponse(this);
        } catch (RuntimeException garbled) { // Angus's parser running off the end: the response was read whole
            throw new ParsingException("unreadable response skipped: " + garbled);
        }
        check(r);
        if (boundedInput != null && r.isUnTagged()) {
            ResponseReader reader = boundedInput.reader();
            String unsafe = ResponseSafety.problem(reader.buffer(), reader.start(), reader.end());
            if (unsafe != null) {
                LOG.warn("{}: unreadable response skipped ({}): {}", host, unsafe,
                        abbreviate(r.toString(), 300));
                throw new ParsingException("unreadable response skipped: " + unsafe);
            }
        }
        if (!r.keyEquals("FETCH")) {
            return r;
        }
        try {
            return new FetchResponse(r, getFetchItems(), this);
        } catch (RuntimeException garbled) { // e.g. a literal's brace without its close: skipped, not thrown on
            LOG.warn("{}: unreadable FETCH answer skipped ({}): {}", host, garbled, abbreviate(r.toString(), 300));
            throw new ParsingException("unreadable FETCH answer skipped: " + garbled);
        }
    }

    /**
     * Applies the tag and count rules to a response read outside {@link #readResponse()} ({@link ListingReader}
     * builds its own for what is not a FETCH answer).
     *
     * @throws IOException when a rule is broken: the connection must not be read further
     */
    void check(Response r) throws IOException {
        Tracking t = tracking();
        if (r.isTagged() && r.getTag().isEmpty()) {
            return; // a blank or garbled line, no answer to anything: skipped as Angus skips what it cannot read
        }
        if (r.isTagged()) {
            String tag = r.getTag();
            if (!answered(t, tag) && !t.writing) {
                throw new ProtocolViolationIOException("the server answered with the tag '" + abbreviate(tag)
                        + "', which this client never sent or saw answered already");
            }
            t.untagged = 0;
            t.restartClock(true);
            return;
        }
        if (!r.isUnTagged()) {
            return; // a continuation request
        }
        if (++t.untagged > t.limits.maxResponsesPerCommand()) {
            throw new LimitExceededIOException(ServerLimits.Limit.RESPONSES_PER_COMMAND, "the server sent more than "
                    + t.limits.maxResponsesPerCommand() + " untagged responses to one command"
                    + " (ServerLimits.maxResponsesPerCommand)");
        }
        if (r instanceof IMAPResponse ir && ir.keyEquals("EXISTS") && ir.getNumber() > t.limits.maxMessages()) {
            throw new LimitExceededIOException(ServerLimits.Limit.MESSAGE_COUNT, "the server claims "
                    + ir.getNumber() + " messages in the folder, more than " + t.limits.maxMessages()
                    + " (ServerLimits.maxMessages)");
        }
    }

    /**
     * Bounds a listing's FETCH answers, which {@link ListingReader} reads as they arrive rather than holding them as
     * responses: a folder cannot list more messages than it may claim.
     */
    void checkListed(int answers) throws LimitExceededIOException {
        int max = tracking().limits.maxMessages();
        if (answers > max) {
            throw new LimitExceededIOException(ServerLimits.Limit.MESSAGE_COUNT, "the server sent more than " + max
                    + " FETCH answers to one listing (ServerLimits.maxMessages)");
        }
    }

    private static boolean answered(Tracking t, String tag) {
        for (Iterator<Sent> it = t.outstanding.iterator(); it.hasNext(); ) {
            if (it.next().tag.equals(tag)) {
                it.remove();
                return true;
            }
        }
        return false;
    }

    private static String abbreviate(String s) {
        return abbreviate(s, 40);
    }

    private static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}

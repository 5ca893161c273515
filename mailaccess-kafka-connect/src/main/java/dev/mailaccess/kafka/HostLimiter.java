package dev.mailaccess.kafka;

import dev.mailaccess.MailAccess;
import dev.mailaccess.Mailbox;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Opens mail sessions within the per-host connection cap: a fair semaphore per host, held for the life of the
 * session. Every session of the task goes through here, so it also knows how many are open (and the peak), and can
 * close them all when the task stops (which aborts a call in progress).
 */
final class HostLimiter {
    private final int perHost;
    private final Function<dev.mailaccess.MailboxConfig, Mailbox> connector;
    private final Map<String, Semaphore> hosts = new ConcurrentHashMap<>();
    private final Set<Mailbox> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger openCount = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private volatile boolean closed;

    HostLimiter(int perHost, Function<dev.mailaccess.MailboxConfig, Mailbox> connector) {
        this.perHost = perHost;
        this.connector = connector;
    }

    HostLimiter(int perHost) {
        this(perHost, MailAccess::connect);
    }

    /** A session for the account, or null if no connection to its host came free within the wait. */
    Session open(Account account, long waitMillis) throws InterruptedException {
        Semaphore s = hosts.computeIfAbsent(account.host(), h -> new Semaphore(perHost, true));
        if (closed || !s.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
            return null;
        }
        int now = openCount.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
            Mailbox mb = connector.apply(account.config());
            open.add(mb);
            if (closed) {
                mb.close();
            }
            return new Session(mb, s);
        } catch (RuntimeException e) {
            openCount.decrementAndGet();
            s.release();
            throw e;
        }
    }

    /** Connections to a host that are free now. */
    int available(String host) {
        return hosts.computeIfAbsent(host, h -> new Semaphore(perHost, true)).availablePermits();
    }

    int openConnections() {
        return openCount.get();
    }

    int peakConnections() {
        return peak.get();
    }

    /** Closes every open session (from the thread stopping the task); later opens fail. */
    void closeAll() {
        closed = true;
        for (Mailbox mb : open) {
            try {
                mb.close();
            } catch (RuntimeException ignored) {
                // closing anyway
            }
        }
    }

    /** An open session; closing it (POP3: QUIT, which makes deletions final) frees its connection. */
    final class Session implements AutoCloseable {
        final Mailbox mailbox;
        private final Semaphore permit;
        private boolean done;

        private Session(Mailbox mailbox, Semaphore permit) {
            this.mailbox = mailbox;
            this.permit = permit;
        }

        @Override
        public void close() {
            if (done) {
                return;
            }
            done = true;
            try {
                mailbox.close();
            } finally {
                open.remove(mailbox);
                openCount.decrementAndGet();
                permit.release();
            }
        }
    }
}

package dev.mailaccess.kafka;

import dev.mailaccess.AccessMode;
import dev.mailaccess.Capability;
import dev.mailaccess.MailFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Watches INBOX of a few IMAP accounts with IDLE, so new mail is read at once rather than at the next poll. Bounded:
 * at most {@code mail.idle.max.accounts} accounts per task (a thread and a connection each), and per host at most
 * half the connection cap (rounded down), so reading keeps at least half of it. An account whose server lacks IDLE,
 * or whose watch keeps failing, is simply polled.
 */
final class IdleWatchers {
    private static final Logger LOG = LoggerFactory.getLogger(IdleWatchers.class);
    /** Servers end an IDLE after 30 minutes at the earliest (RFC 2177); renew well before. */
    private static final Duration MAX_IDLE = Duration.ofMinutes(9);
    private static final int MAX_FAILURES = 5;

    private final MailSourceConfig config;
    private final HostLimiter limiter;
    private final Consumer<String> wake;
    private final Map<String, AtomicInteger> perHost = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger watching = new AtomicInteger();
    private volatile boolean stopped;

    IdleWatchers(MailSourceConfig config, HostLimiter limiter, Consumer<String> wake) {
        this.config = config;
        this.limiter = limiter;
        this.wake = wake;
    }

    void start(List<AccountState> accounts) {
        int slotsPerHost = config.maxConnectionsPerHost() / 2;
        for (AccountState a : accounts) {
            if (threads.size() >= config.idleMaxAccounts()) {
                break;
            }
            if (a.account.isPop3()
                    || perHost.computeIfAbsent(a.account.host(), h -> new AtomicInteger()).get() >= slotsPerHost) {
                continue;
            }
            perHost.get(a.account.host()).incrementAndGet();
            Thread t = new Thread(() -> watch(a), "mail-idle-" + threads.size());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void watch(AccountState a) {
        int failures = 0;
        Duration wait = config.pollInterval().compareTo(MAX_IDLE) < 0 ? config.pollInterval() : MAX_IDLE;
        while (!stopped && failures < MAX_FAILURES) {
            try (HostLimiter.Session s = limiter.open(a.account, config.pollInterval().toMillis())) {
                if (s == null) {
                    continue; // the host's connections are all reading: try again
                }
                if (!s.mailbox.capabilities().isUsable(Capability.PUSH, false)) {
                    LOG.info("account {}: the server has no IDLE; it is polled every {} s", a.account,
                            config.pollInterval().toSeconds());
                    return;
                }
                try (MailFolder inbox = s.mailbox.folder("INBOX", AccessMode.READ_ONLY)) {
                    a.idleWatched = true;
                    watching.incrementAndGet();
                    try {
                        while (!stopped) {
                            if (inbox.awaitChange(wait)) {
                                wake.accept(a.account.id());
                            }
                            failures = 0;
                        }
                    } finally {
                        watching.decrementAndGet();
                        a.idleWatched = false;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (stopped) {
                    return;
                }
                failures++;
                LOG.debug("account {}: IDLE failed ({}), retrying", a.account, e.toString());
                sleep(config.backoffInitial().multipliedBy(failures));
            }
        }
        if (!stopped) {
            LOG.info("account {}: IDLE failed {} times in a row; it is polled every {} s", a.account, MAX_FAILURES,
                    config.pollInterval().toSeconds());
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    int watching() {
        return watching.get();
    }

    void stop() {
        stopped = true;
        threads.forEach(Thread::interrupt);
    }
}

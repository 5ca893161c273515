package dev.mailaccess.kafka;

import dev.mailaccess.AuthenticationException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the accounts of one or more server hosts (see {@link MailSourceConnector} for the split) with a fixed number
 * of threads, each holding at most one connection, within the per-host connection cap. {@link #poll()} hands over
 * what the readers produced, whole reads at a time, at most {@code mail.batch.max.messages} records: one
 * transaction with exactly-once support.
 *
 * <p>Nothing is kept but the offsets: on start each folder resumes from its committed offset. In move mode a
 * message is deleted on the server only once every record of its folder handed to Kafka is committed (counted down
 * in {@link #commitRecord}, which Connect calls after the transaction commits with exactly-once support, after the
 * broker's acknowledgement otherwise), by the folder's next read.
 */
public final class MailSourceTask extends SourceTask {
    private static final Logger LOG = LoggerFactory.getLogger(MailSourceTask.class);
    /** How long poll() waits for a reader before giving control back to the worker. */
    private static final long POLL_WAIT_MS = 500;
    /** How long poll() goes on gathering reads once it has one. */
    private static final long LINGER_MS = 100;
    /** How long a reader waits for a connection to its host before trying another account. */
    private static final long CONNECTION_WAIT_MS = 2_000;
    private static final Duration STATUS_LOG_EVERY = Duration.ofMinutes(1);

    private MailSourceConfig config;
    private List<AccountState> accounts;
    private Map<String, AccountState> byId;
    private HostLimiter limiter;
    private AccountReader reader;
    private ExecutorService readers;
    private final LinkedBlockingQueue<AccountReader.Chunk> results = new LinkedBlockingQueue<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicLong sent = new AtomicLong();
    private IdleWatchers idle;
    private TaskMetrics metrics;
    private volatile boolean stopping;
    private int threads;
    /** A read that did not fit into the last batch. */
    private AccountReader.Chunk carried;
    private int next;
    private long lastStatusLog;
    private boolean move;

    @Override
    public String version() {
        return MailSourceConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new MailSourceConfig(props);
        move = config.mode() == MailSourceConfig.Mode.MOVE;
        threads = config.taskThreads();
        limiter = new HostLimiter(config.maxConnectionsPerHost());
        List<Account> mine = config.accounts(config.taskAccountUrls());
        accounts = new ArrayList<>(mine.size());
        byId = new HashMap<>();
        long now = System.nanoTime();
        for (Account a : mine) {
            AccountState s = new AccountState(a, now);
            accounts.add(s);
            byId.put(a.id(), s);
        }
        preloadInboxOffsets();
        reader = new AccountReader(config, this::loadOffset);
        readers = Executors.newFixedThreadPool(threads, named("mail-reader"));
        idle = new IdleWatchers(config, limiter, this::wake);
        if (config.idleEnabled()) {
            idle.start(accounts);
        }
        metrics = new TaskMetrics(context, this);
        lastStatusLog = now;
        LOG.info("mail source task started: {} account(s) on {} host(s), {} thread(s), {} connection(s) per host, "
                        + "{} mode, topic {}", accounts.size(), mine.stream().map(Account::host).distinct().count(),
                threads, config.maxConnectionsPerHost(), config.mode().name().toLowerCase(java.util.Locale.ROOT),
                config.topic());
    }

    /** One read of every INBOX offset at start (the folder every account has), instead of one read per account. */
    private void preloadInboxOffsets() {
        List<Map<String, String>> partitions = new ArrayList<>();
        for (AccountState a : accounts) {
            partitions.add(FolderOffset.partition(a.account.id(), "INBOX"));
        }
        Map<Map<String, String>, Map<String, Object>> stored = context.offsetStorageReader().offsets(partitions);
        for (AccountState a : accounts) {
            Map<String, String> p = FolderOffset.partition(a.account.id(), "INBOX");
            try {
                a.folders.put("INBOX", new FolderState(a.account.id(), "INBOX",
                        FolderOffset.fromMap(stored == null ? null : stored.get(p))));
            } catch (IllegalArgumentException e) {
                throw new ConnectException("the stored offset of " + p + " is not one this connector wrote: "
                        + e.getMessage() + "; reset it over REST (see the README)", e);
            }
        }
    }

    private FolderOffset loadOffset(String account, String folder) {
        Map<String, String> p = FolderOffset.partition(account, folder);
        try {
            return FolderOffset.fromMap(context.offsetStorageReader().offset(p));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the stored offset of " + p + " is not one this connector wrote: "
                    + e.getMessage() + "; reset it over REST (see the README)", e);
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        schedule();
        logStatusNow();
        List<SourceRecord> batch = new ArrayList<>();
        int max = config.batchMaxMessages();
        AccountReader.Chunk c = carried != null ? carried : results.poll(POLL_WAIT_MS, TimeUnit.MILLISECONDS);
        carried = null;
        // gather reads for up to LINGER_MS, so that a transaction holds many small accounts rather than one
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINGER_MS);
        while (c != null) {
            if (!batch.isEmpty() && batch.size() + c.records().size() > max) {
                carried = c; // the next batch starts with it: a read is never split between transactions
                break;
            }
            take(c, batch);
            long left = deadline - System.nanoTime();
            if (batch.size() >= max || left <= 0) {
                break;
            }
            c = results.poll(left, TimeUnit.NANOSECONDS);
        }
        if (batch.isEmpty()) {
            return null;
        }
        TransactionContext tx = context.transactionContext();
        if (tx != null) {
            tx.commitTransaction(batch.get(batch.size() - 1)); // connector-defined boundaries: one per batch too
        }
        sent.addAndGet(batch.size());
        return batch;
    }

    /**
     * Starts readers for accounts that are due, as threads are free, round robin from where it stopped. Called by
     * poll() and by each reader as it ends, so the threads stay busy between polls.
     */
    private synchronized void schedule() {
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        int n = accounts.size();
        for (int i = 0; i < n && running.get() < threads; i++) {
            AccountState a = accounts.get((next + i) % n);
            if (a.busy || now - a.dueAt < 0 || limiter.available(a.account.host()) == 0) {
                continue;
            }
            a.busy = true;
            running.incrementAndGet();
            next = (next + i + 1) % n;
            i = -1; // scan again from the new start
            n = accounts.size();
            readers.execute(() -> read(a));
        }
    }

    /** On a reader thread: one read of one account. */
    private void read(AccountState a) {
        AccountReader.Chunk chunk = null;
        HostLimiter.Session s = null;
        try {
            s = limiter.open(a.account, CONNECTION_WAIT_MS);
            if (s != null) {
                chunk = reader.read(a, s.mailbox);
            }
        } catch (RuntimeException e) {
            chunk = new AccountReader.Chunk(a, List.of(), false, e); // could not connect or log in
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            chunk = new AccountReader.Chunk(a, List.of(), false, new IllegalStateException("task stopping"));
        } finally {
            if (s != null) {
                try {
                    s.close(); // POP3: QUIT makes this session's deletions final; if it fails, the next one retries
                } catch (RuntimeException e) {
                    LOG.debug("account {}: closing the session failed", a.account, e);
                }
            }
            running.decrementAndGet();
        }
        if (chunk == null) {
            a.busy = false; // every connection to the host is taken: try again on the next schedule
            return;
        }
        results.add(chunk);
        schedule();
    }

    /** Hands a read's records to Kafka and decides when its account is read next. */
    private void take(AccountReader.Chunk c, List<SourceRecord> batch) {
        AccountState a = c.account();
        for (SourceRecord r : c.records()) {
            FolderState fs = a.folder((String) r.sourcePartition().get(FolderOffset.FOLDER));
            fs.inFlight.incrementAndGet();
            batch.add(r);
        }
        long now = System.nanoTime();
        if (c.failure() != null) {
            RuntimeException e = c.failure();
            Duration wait = a.failed(e, config.backoffInitial(), config.backoffMax());
            a.dueAt = now + wait.toNanos();
            if (a.failures() == 1 || e instanceof AuthenticationException) {
                LOG.warn("account {}: {}; {} record(s) kept from this read; next attempt in {} s (failure {}); the "
                                + "other accounts go on", a.account, a.lastError, c.records().size(),
                        wait.toSeconds(), a.failures());
            } else {
                LOG.info("account {} still failing: {}; next attempt in {} s (failure {})", a.account, a.lastError,
                        wait.toSeconds(), a.failures());
            }
            LOG.debug("account {} failure", a.account, e);
        } else {
            if (a.succeeded()) {
                LOG.info("account {} recovered", a.account);
            }
            a.dueAt = c.more() ? now : now + config.pollInterval().toNanos();
        }
        a.busy = false;
    }

    /** IDLE saw new mail, or a folder's last record was committed in move mode: read the account soon. */
    void wake(String accountId) {
        AccountState a = byId.get(accountId);
        if (a != null && a.health == AccountState.Health.OK) {
            a.dueAt = System.nanoTime();
        }
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        Map<String, ?> p = record.sourcePartition();
        AccountState a = byId.get((String) p.get(FolderOffset.ACCOUNT));
        FolderState fs = a == null ? null : a.folder((String) p.get(FolderOffset.FOLDER));
        if (fs != null && fs.inFlight.decrementAndGet() == 0 && move) {
            wake(a.account.id()); // its committed messages can go now
        }
    }

    private void logStatusNow() {
        long now = System.nanoTime();
        if (now - lastStatusLog < STATUS_LOG_EVERY.toNanos()) {
            return;
        }
        lastStatusLog = now;
        List<String> failing = new ArrayList<>();
        for (AccountState a : accounts) {
            if (a.health != AccountState.Health.OK) {
                failing.add(a.account + " " + a.health + " (" + a.lastError + ")");
            }
        }
        if (failing.isEmpty()) {
            LOG.info("mail source task: all {} account(s) ok; {} record(s) sent; {} connection(s) open, peak {}",
                    accounts.size(), sent.get(), limiter.openConnections(), limiter.peakConnections());
        } else {
            LOG.warn("mail source task: {} of {} account(s) failing, backing off on their own: {}", failing.size(),
                    accounts.size(), String.join("; ", failing.subList(0, Math.min(20, failing.size())))
                            + (failing.size() > 20 ? "; ..." : ""));
        }
    }

    @Override
    public void stop() {
        stopping = true;
        if (idle != null) {
            idle.stop();
        }
        if (readers != null) {
            readers.shutdownNow();
        }
        if (limiter != null) {
            limiter.closeAll(); // aborts a read in progress: its records are dropped, its offsets were not sent
        }
        if (metrics != null) {
            metrics.close();
        }
        LOG.info("mail source task stopped");
    }

    // ------------------------------------------------------------------------------------------------ for metrics

    int accountCount() {
        return accounts.size();
    }

    int accountsIn(AccountState.Health h) {
        int n = 0;
        for (AccountState a : accounts) {
            if (a.health == h) {
                n++;
            }
        }
        return n;
    }

    /** Each failing account with its state and last error, for the task's status metric. */
    String failingAccounts() {
        StringBuilder sb = new StringBuilder();
        for (AccountState a : accounts) {
            if (a.health != AccountState.Health.OK) {
                sb.append(sb.length() == 0 ? "" : "; ").append(a.account).append(' ').append(a.health)
                        .append(": ").append(a.lastError);
            }
        }
        return sb.toString();
    }

    long recordsSent() {
        return sent.get();
    }

    int openConnections() {
        return limiter.openConnections();
    }

    int peakConnections() {
        return limiter.peakConnections();
    }

    int idleAccounts() {
        return idle == null ? 0 : idle.watching();
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

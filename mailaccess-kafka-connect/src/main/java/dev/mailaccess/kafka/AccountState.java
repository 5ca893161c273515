package dev.mailaccess.kafka;

import dev.mailaccess.AuthenticationException;
import dev.mailaccess.ServerBusyException;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One account in a task: its folders and its health. A failing account backs off on its own (exponentially, a wrong
 * password at once to the longest wait) and never holds up the others; its state shows in the task's log and
 * metrics.
 */
final class AccountState {
    /** What the last attempt on an account gave. */
    enum Health { OK, BACKING_OFF, AUTH_FAILED }

    final Account account;
    final Map<String, FolderState> folders = new ConcurrentHashMap<>();
    /** System.nanoTime() from which the account should be read again. */
    volatile long dueAt;
    /** A reader holds the account, or its records wait to be handed to Kafka. */
    volatile boolean busy;
    volatile Health health = Health.OK;
    volatile String lastError = "";
    volatile boolean idleWatched;
    private int failures;

    AccountState(Account account, long dueAt) {
        this.account = account;
        this.dueAt = dueAt;
    }

    /** Records a failure; returns the wait before the next attempt. */
    synchronized Duration failed(RuntimeException e, Duration initial, Duration max) {
        failures++;
        Duration wait;
        if (e instanceof AuthenticationException) {
            health = Health.AUTH_FAILED;
            wait = max;
        } else {
            health = Health.BACKING_OFF;
            long factor = 1L << Math.min(failures - 1, 20);
            wait = initial.multipliedBy(factor);
            if (wait.compareTo(max) > 0 || wait.isNegative()) {
                wait = max;
            }
        }
        String code = e instanceof ServerBusyException busy ? " [" + busy.responseCode() + "]" : "";
        lastError = e.getClass().getSimpleName() + code + ": " + e.getMessage();
        return wait;
    }

    synchronized int failures() {
        return failures;
    }

    /** Records a success; returns whether the account was failing before. */
    synchronized boolean succeeded() {
        boolean was = failures > 0;
        failures = 0;
        health = Health.OK;
        lastError = "";
        return was;
    }

    FolderState folder(String name) {
        return folders.get(name);
    }
}

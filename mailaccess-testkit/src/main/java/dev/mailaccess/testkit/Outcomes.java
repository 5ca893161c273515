package dev.mailaccess.testkit;

import dev.mailaccess.MailAccess;
import dev.mailaccess.MailFolder;
import dev.mailaccess.Mailbox;
import dev.mailaccess.MailboxConfig;
import org.junit.jupiter.api.function.ThrowingConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/** What a call against a broken server must come to: a failure of one kind, within a bound on time. */
public final class Outcomes {
    private Outcomes() {
    }

    /**
     * Runs {@code body} and returns the exception it threw, asserting that it is a {@code type} and came within
     * {@code withinMillis}.
     */
    public static <T extends Throwable> T fails(Class<T> type, long withinMillis, Runnable body) {
        long start = System.nanoTime();
        Throwable thrown = null;
        try {
            body.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        assertThat(thrown).as("expected a " + type.getSimpleName()).isInstanceOf(type);
        assertThat(took).as("failed after " + took + " ms: " + thrown).isLessThan(withinMillis);
        return type.cast(thrown);
    }

    /** Connects, opens the inbox, runs {@code body} on it, and closes both. */
    public static void inInbox(MailboxConfig config, ThrowingConsumer<MailFolder> body) {
        try (Mailbox mb = MailAccess.connect(config); MailFolder inbox = mb.inbox()) {
            body.accept(inbox);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }
}

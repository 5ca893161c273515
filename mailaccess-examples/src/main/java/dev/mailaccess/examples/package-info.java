/**
 * Small programs to copy from, each a {@code main} that takes a URL such as {@code imaps://alice@mail.example.org}
 * and reads the password from {@code MAILACCESS_PASSWORD}:
 * {@link dev.mailaccess.examples.OpenAndList} (open a mailbox, list the newest messages),
 * {@link dev.mailaccess.examples.FetchAttachment} (find an attachment by structure, stream just that part) and
 * {@link dev.mailaccess.examples.CapabilityCheck} (ask the session what it can do before doing it).
 * They import the public API only; copy them, nothing imports them.
 */
package dev.mailaccess.examples;

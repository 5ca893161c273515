/** {@code mailaccess demo}: an embedded GreenMail, demo mail, and POP3 versus IMAP on the same mailbox. */
package dev.mailaccess.cli.demo;

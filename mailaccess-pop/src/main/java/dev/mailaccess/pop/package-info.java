/**
 * The POP3 adapter's entry point: {@link dev.mailaccess.pop.PopProvider}, which plugs POP3 into MailAccess; its
 * session, folder and wire code live in {@code dev.mailaccess.pop.internal}.
 * Imported by nothing: {@link dev.mailaccess.MailAccess} finds the provider through ServiceLoader.
 */
package dev.mailaccess.pop;

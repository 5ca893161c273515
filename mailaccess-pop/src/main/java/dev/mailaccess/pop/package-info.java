/**
 * POP3 adapter: {@link dev.mailaccess.pop.PopProvider} plugs POP3 into {@link dev.mailaccess.MailAccess}. The
 * {@code internal} sub-package is not API.
 */
package dev.mailaccess.pop;

package dev.mailaccess.imap;

import dev.mailaccess.testkit.ProxyContract;

/** IMAP through SOCKS5 and HTTP CONNECT proxies. */
class ImapProxyTest extends ProxyContract {
    @Override
    protected String protocol() {
        return "imap";
    }
}

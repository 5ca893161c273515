package dev.mailaccess.pop;

import dev.mailaccess.testkit.ProxyContract;

/** POP3 through SOCKS5 and HTTP CONNECT proxies. */
class PopProxyTest extends ProxyContract {
    @Override
    protected String protocol() {
        return "pop3";
    }
}
